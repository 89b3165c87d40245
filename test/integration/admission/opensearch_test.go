//go:build integration

package admission

import (
	"testing"

	"k8s.io/utils/ptr"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/test/gen"
)

type osCluster = navv1alpha1.OpenSearchCluster

func osChange(f func(*osCluster)) gen.OSOption { return f }

func TestOpenSearchCreate(t *testing.T) {
	cases := map[string]struct {
		opts []gen.OSOption
		want rejection
	}{
		"valid 2.19 cluster": {want: accepted()},
		"valid 1.3 cluster":  {opts: []gen.OSOption{gen.WithOSVersion("1.3.20")}, want: accepted()},
		"valid 3.x cluster":  {opts: []gen.OSOption{gen.WithOSVersion("3.3.0")}, want: accepted()},
		"roles omitted means the default roles, cluster-manager-eligible": {
			opts: []gen.OSOption{gen.WithOSPools(gen.OSPool("all", 3))}, want: accepted()},
		"version not semver": {
			opts: []gen.OSOption{gen.WithOSVersion("2.x")},
			want: rejected("spec.version", "semantic version")},
		"version 1.2 unsupported": {
			opts: []gen.OSOption{gen.WithOSVersion("1.2.4")},
			want: rejected("spec.version", "unsupported OpenSearch version")},
		"version 4 unsupported": {
			opts: []gen.OSOption{gen.WithOSVersion("4.0.0")},
			want: rejected("spec.version", "unsupported OpenSearch version")},
		"no cluster-manager-eligible pool": {
			opts: []gen.OSOption{gen.WithOSPools(gen.OSPool("data", 3, navv1alpha1.OSRoleData))},
			want: rejected("spec.nodePools", "at least one node pool must run cluster-manager-eligible nodes")},
		"cluster-manager pool scaled to zero": {
			opts: []gen.OSOption{gen.WithOSPools(gen.OSPool("manager", 0, navv1alpha1.OSRoleClusterManager), gen.OSPool("data", 2, navv1alpha1.OSRoleData))},
			want: rejected("spec.nodePools", "cluster-manager-eligible")},
		"the deprecated master role": {
			opts: []gen.OSOption{gen.WithOSPools(gen.OSPool("manager", 3, "master"))},
			want: rejected("spec.nodePools[0].roles[0]", "Unsupported value")},
		"coordinating-only pool beside the managers": {
			opts: []gen.OSOption{gen.WithOSPools(gen.OSPool("manager", 3, navv1alpha1.OSRoleClusterManager), gen.OSPool("coord", 1))},
			want: accepted()},
		"negative replicas": {
			opts: []gen.OSOption{osChange(func(c *osCluster) { c.Spec.NodePools[1].Replicas = ptr.To[int32](-1) })},
			want: rejected("spec.nodePools[1].replicas", "greater than or equal to 0")},
		"config sets a setting Navigator owns": {
			opts: []gen.OSOption{osChange(func(c *osCluster) {
				c.Spec.NodePools[1].Config = map[string]string{
					"cluster.initial_cluster_manager_nodes": `["x"]`,
					"indices.queries.cache.size":            `"5%"`,
				}
			})},
			want: rejected("spec.nodePools[1].config", "config may not set a setting Navigator manages")},
		"config nests the initial cluster managers under cluster": {
			opts: []gen.OSOption{osChange(func(c *osCluster) {
				c.Spec.NodePools[1].Config = map[string]string{"cluster": "{initial_cluster_manager_nodes: [x]}"}
			})},
			want: rejected("spec.nodePools[1].config", "config may not set a setting Navigator manages")},
		"config turns the security plugin on, nested": {
			opts: []gen.OSOption{osChange(func(c *osCluster) {
				c.Spec.NodePools[1].Config = map[string]string{"plugins": "{security: {disabled: false}}"}
			})},
			want: rejected("spec.nodePools[1].config", "config may not set a setting Navigator manages")},
		"config sets the HTTP publish host": {
			opts: []gen.OSOption{osChange(func(c *osCluster) {
				c.Spec.NodePools[1].Config = map[string]string{"http.publish_host": "10.0.0.1"}
			})},
			want: rejected("spec.nodePools[1].config", "config may not set a setting Navigator manages")},
		"config sets look-alikes of managed settings, dotted": {
			opts: []gen.OSOption{osChange(func(c *osCluster) {
				c.Spec.NodePools[1].Config = map[string]string{
					"node.attr.zone": "a", "plugins.query.executionengine.enabled": "false", "node.store.allow_mmap": "false",
					"cluster.routing.allocation.awareness.attributes": "zone",
				}
			})},
			want: accepted()},
		"a name with a dot": {
			opts: []gen.OSOption{osChange(func(c *osCluster) { c.Name = "logs.prod" })},
			want: rejected(rootField, "metadata.name must be a DNS label that starts with a letter")},
		"version with build metadata": {
			opts: []gen.OSOption{osChange(func(c *osCluster) { c.Spec.Version = "2.19.6+b1" })},
			want: rejected("spec.version", "version may not carry build metadata")},
		"repository that carries a tag": {
			opts: []gen.OSOption{osChange(func(c *osCluster) {
				c.Spec.Image = &navv1alpha1.ImageSpec{Repository: "opensearchproject/opensearch:2.19.6"}
			})},
			want: rejected("spec.image.repository", "repository may not carry a tag or digest")},
		"config sets discovery.type": {
			opts: []gen.OSOption{osChange(func(c *osCluster) {
				c.Spec.NodePools[0].Config = map[string]string{"discovery.type": "single-node"}
			})},
			want: rejected("spec.nodePools[0].config", "discovery.type")},
		"no node pools": {
			opts: []gen.OSOption{gen.WithOSPools()},
			want: rejected("spec.nodePools", "")},
	}
	for title, tc := range cases {
		t.Run(title, func(t *testing.T) {
			c := gen.OpenSearchCluster(namespace, name("os"), tc.opts...)
			tc.want.check(t, k8s.Create(t.Context(), c))
		})
	}
}

// TestOpenSearchUpdate checks OpenSearch's rolling-upgrade paths: within a major, 1.3 to 2.x,
// and 2.19 (the minimum a 3.x node joins) to 3.x; never down.
func TestOpenSearchUpdate(t *testing.T) {
	cases := map[string]struct {
		from   []gen.OSOption
		mutate func(*osCluster)
		want   rejection
	}{
		"patch upgrade": {
			from:   []gen.OSOption{gen.WithOSVersion("2.19.5")},
			mutate: func(c *osCluster) { c.Spec.Version = "2.19.6" }, want: accepted()},
		"downgrade": {
			mutate: func(c *osCluster) { c.Spec.Version = "2.19.5" },
			want:   rejected("spec.version", "downgrades are not supported")},
		"1.3 to 2.x": {
			from:   []gen.OSOption{gen.WithOSVersion("1.3.20")},
			mutate: func(c *osCluster) { c.Spec.Version = "2.11.1" }, want: accepted()},
		"1.3 straight to 3.x": {
			from:   []gen.OSOption{gen.WithOSVersion("1.3.20")},
			mutate: func(c *osCluster) { c.Spec.Version = "3.0.0" },
			want:   rejected("spec.version", "1.3 upgrades to 2.x only")},
		"2.18 to 3.0": {
			from:   []gen.OSOption{gen.WithOSVersion("2.18.0")},
			mutate: func(c *osCluster) { c.Spec.Version = "3.0.0" },
			want:   rejected("spec.version", "3.x upgrades only from 2.19")},
		"2.19 to 3.x": {
			mutate: func(c *osCluster) { c.Spec.Version = "3.3.0" }, want: accepted()},
		"3.x back to 2.19": {
			from:   []gen.OSOption{gen.WithOSVersion("3.3.0")},
			mutate: func(c *osCluster) { c.Spec.Version = "2.19.6" },
			want:   rejected("spec.version", "downgrades are not supported")},
		"persistence removed": {
			mutate: func(c *osCluster) { c.Spec.NodePools[1].Persistence = nil },
			want:   rejected("spec.nodePools[1].persistence", "cannot be added to or removed")},
		"last cluster-manager pool removed": {
			mutate: func(c *osCluster) { c.Spec.NodePools = c.Spec.NodePools[1:] },
			want:   rejected("spec.nodePools", "cluster-manager-eligible")},
	}
	for title, tc := range cases {
		t.Run(title, func(t *testing.T) {
			updateCase(t, gen.OpenSearchCluster(namespace, name("osu"), tc.from...), tc.mutate, tc.want)
		})
	}
}
