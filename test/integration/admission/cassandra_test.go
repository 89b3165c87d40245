//go:build integration

package admission

import (
	"testing"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/utils/ptr"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/test/gen"
)

type cassCluster = navv1alpha1.CassandraCluster

// cassConfig gives the first pool config.
func cassConfig(config map[string]string) gen.CassOption {
	return cassChange(func(c *cassCluster) { c.Spec.NodePools[0].Config = config })
}

// cassJVM gives the first pool JVM options.
func cassJVM(opts ...string) gen.CassOption {
	return cassChange(func(c *cassCluster) { c.Spec.NodePools[0].JVMOptions = opts })
}

func cassChange(f func(*cassCluster)) gen.CassOption { return f }

func TestCassandraCreate(t *testing.T) {
	cases := map[string]struct {
		opts []gen.CassOption
		want rejection
	}{
		"valid 4.1 cluster": {want: accepted()},
		"valid 4.0 cluster": {opts: []gen.CassOption{gen.WithCassVersion("4.0.15")}, want: accepted()},
		"valid 5.0 cluster": {opts: []gen.CassOption{gen.WithCassVersion("5.0.4")}, want: accepted()},
		"two pools in one rack": {
			opts: []gen.CassOption{gen.WithCassPools(gen.CassPool("a", 2, "dc1", "r1"), gen.CassPool("b", 1, "dc1", "r1"))},
			want: accepted()},
		"version 3.11 unsupported": {
			opts: []gen.CassOption{gen.WithCassVersion("3.11.17")},
			want: rejected("spec.version", "unsupported Cassandra version")},
		"version 4.2 unsupported": {
			opts: []gen.CassOption{gen.WithCassVersion("4.2.0")},
			want: rejected("spec.version", "unsupported Cassandra version")},
		"version 5.1 unsupported": {
			opts: []gen.CassOption{gen.WithCassVersion("5.1.0")},
			want: rejected("spec.version", "unsupported Cassandra version")},
		"version not semver": {
			opts: []gen.CassOption{gen.WithCassVersion("latest")},
			want: rejected("spec.version", "semantic version")},
		"numTokens too many": {
			opts: []gen.CassOption{cassChange(func(c *cassCluster) { c.Spec.NumTokens = 300 })},
			want: rejected("spec.numTokens", "less than or equal to 256")},
		"datacenter with a space": {
			opts: []gen.CassOption{gen.WithCassPools(gen.CassPool("r1", 3, "dc 1", ""))},
			want: rejected("spec.nodePools[0].datacenter", "should match")},
		// Rack names are per datacenter in Cassandra: the usual r1, r2, r3 in each.
		"the same rack names in two datacenters": {
			opts: []gen.CassOption{gen.WithCassPools(gen.CassPool("dc1-r1", 1, "dc1", "r1"), gen.CassPool("dc1-r2", 1, "dc1", "r2"),
				gen.CassPool("dc2-r1", 1, "dc2", "r1"), gen.CassPool("dc2-r2", 1, "dc2", "r2"))},
			want: accepted()},
		"every pool empty": {
			opts: []gen.CassOption{gen.WithCassPools(gen.CassPool("r1", 0, "dc1", ""))},
			want: rejected("spec.nodePools", "at least one node pool must have replicas > 0")},
		"config sets the seed provider": {
			opts: []gen.CassOption{cassChange(func(c *cassCluster) {
				c.Spec.NodePools[0].Config = map[string]string{
					"seed_provider":         `[]`,
					"concurrent_compactors": `2`,
				}
			})},
			want: rejected("spec.nodePools[0].config", "config may not set a setting Navigator manages")},
		// Navigator plans token allocation by the racks of the datacenter: Cassandra refuses to
		// allocate for more replicas than a datacenter of two racks has.
		"config sets the token allocation": {
			opts: []gen.CassOption{cassChange(func(c *cassCluster) {
				c.Spec.NodePools[0].Config = map[string]string{"allocate_tokens_for_local_replication_factor": `3`}
			})},
			want: rejected("spec.nodePools[0].config", "config may not set a setting Navigator manages")},
		"a name with a dot": {
			opts: []gen.CassOption{cassChange(func(c *cassCluster) { c.Name = "ring.prod" })},
			want: rejected(rootField, "metadata.name must be a DNS label that starts with a letter")},
		"version with build metadata": {
			opts: []gen.CassOption{gen.WithCassVersion("5.0.2+local")},
			want: rejected("spec.version", "version may not carry build metadata")},
		"repository that carries a tag": {
			opts: []gen.CassOption{cassChange(func(c *cassCluster) { c.Spec.Image = &navv1alpha1.ImageSpec{Repository: "cassandra:5.0"} })},
			want: rejected("spec.image.repository", "repository may not carry a tag or digest")},
		"config sets the partitioner": {
			opts: []gen.CassOption{cassConfig(map[string]string{"partitioner": "org.apache.cassandra.dht.RandomPartitioner"})},
			want: rejected("spec.nodePools[0].config", "config may not set a setting Navigator manages")},
		"config turns bootstrap off": {
			opts: []gen.CassOption{cassConfig(map[string]string{"auto_bootstrap": "false"})},
			want: rejected("spec.nodePools[0].config", "config may not set a setting Navigator manages")},
		"config turns CQL off, which the pilot's probes use": {
			opts: []gen.CassOption{cassConfig(map[string]string{"start_native_transport": "false"})},
			want: rejected("spec.nodePools[0].config", "config may not set a setting Navigator manages")},
		"config moves the system keyspaces off the volume": {
			opts: []gen.CassOption{cassConfig(map[string]string{"local_system_data_file_directory": "/tmp/system"})},
			want: rejected("spec.nodePools[0].config", "config may not set a setting Navigator manages")},
		"jvmOptions replace a node for the whole pool": {
			opts: []gen.CassOption{cassJVM("-Dcassandra.replace_address_first_boot=10.0.0.1")},
			want: rejected("spec.nodePools[0].jvmOptions", "jvmOptions may not set what Navigator sets per node")},
		"jvmOptions keep nodes out of the ring": {
			opts: []gen.CassOption{cassJVM("-Dcassandra.ring_delay_ms=5000", "-Dcassandra.join_ring=false")},
			want: rejected("spec.nodePools[0].jvmOptions", "jvmOptions may not set what Navigator sets per node")},
		"jvmOptions point at another cassandra.yaml": {
			opts: []gen.CassOption{cassJVM("-Dcassandra.config=file:///tmp/c.yaml")},
			want: rejected("spec.nodePools[0].jvmOptions", "-Dcassandra.config,")},
		"jvmOptions spell a managed setting as a system property": {
			opts: []gen.CassOption{cassJVM("-Dcassandra.settings.cluster_name=other")},
			want: rejected("spec.nodePools[0].jvmOptions", "set cassandra.yaml settings in config")},
		"jvmOptions spell a setting as a system property": {
			opts: []gen.CassOption{cassJVM("-Dcassandra.settings.seed_provider.class_name=x")},
			want: rejected("spec.nodePools[0].jvmOptions", "set cassandra.yaml settings in config")},
		"jvmOptions and config look-alikes of what Navigator manages": {
			opts: []gen.CassOption{cassJVM("-Dcassandra.ring_delay_ms=5000", "-Dcassandra.config_check=x",
				"-Dcassandra.skip_wait_for_gossip_to_settle=0", "-XX:+UseG1GC"), cassConfig(map[string]string{"commitlog_segment_size": "32MiB", "native_transport_max_threads": "64"})},
			want: accepted()},
	}
	for title, tc := range cases {
		t.Run(title, func(t *testing.T) {
			tc.want.check(t, k8s.Create(t.Context(), gen.CassandraCluster(namespace, name("cass"), tc.opts...)))
		})
	}
}

func TestCassandraUpdate(t *testing.T) {
	cases := map[string]struct {
		from   []gen.CassOption
		mutate func(*cassCluster)
		want   rejection
	}{
		"downgrade": {
			mutate: func(c *cassCluster) { c.Spec.Version = "4.0.15" },
			want:   rejected("spec.version", "downgrades are not supported")},
		"4.0 to 4.1": {
			from:   []gen.CassOption{gen.WithCassVersion("4.0.15")},
			mutate: func(c *cassCluster) { c.Spec.Version = "4.1.7" }, want: accepted()},
		"4.1 to 5.0": {
			mutate: func(c *cassCluster) { c.Spec.Version = "5.0.4" }, want: accepted()},
		"4.0 to 5.0": {
			from:   []gen.CassOption{gen.WithCassVersion("4.0.15")},
			mutate: func(c *cassCluster) { c.Spec.Version = "5.0.4" }, want: accepted()},
		"datacenter changes": {
			mutate: func(c *cassCluster) { c.Spec.NodePools[0].Datacenter = "dc2" },
			want:   rejected("spec.nodePools[0].datacenter", "cannot change")},
		"rack changes": {
			mutate: func(c *cassCluster) { c.Spec.NodePools[1].Rack = "r9" },
			want:   rejected("spec.nodePools[1].rack", "cannot change")},
		"rack spelled out as the pool name": {
			mutate: func(c *cassCluster) { c.Spec.NodePools[1].Rack = "r2" }, want: accepted()},
		"numTokens changes": {
			mutate: func(c *cassCluster) { c.Spec.NumTokens = 32 },
			want:   rejected("spec.numTokens", "cannot change")},
		"pool renamed into another rack": {
			mutate: func(c *cassCluster) { c.Spec.NodePools[1] = gen.CassPool("r3", 1, "dc1", "") },
			want:   rejected("spec.nodePools", "cannot be renamed into another rack")},
		"pool renamed within its rack": {
			mutate: func(c *cassCluster) { c.Spec.NodePools[1] = gen.CassPool("r2b", 1, "dc1", "r2") },
			want:   accepted()},
		"new rack added": {
			mutate: func(c *cassCluster) { c.Spec.NodePools = append(c.Spec.NodePools, gen.CassPool("r3", 1, "dc1", "")) },
			want:   accepted()},
		"scale in": {
			mutate: func(c *cassCluster) { c.Spec.NodePools[0].Replicas = ptr.To[int32](1) }, want: accepted()},
		"volume shrinks": {
			mutate: func(c *cassCluster) { c.Spec.NodePools[0].Persistence.Size = resource.MustParse("100Mi") },
			want:   rejected("spec.nodePools[0].persistence.size", "cannot shrink")},
	}
	for title, tc := range cases {
		t.Run(title, func(t *testing.T) {
			updateCase(t, gen.CassandraCluster(namespace, name("cassu"), tc.from...), tc.mutate, tc.want)
		})
	}
}
