//go:build integration

package admission

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/utils/ptr"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/test/gen"
)

type esCluster = navv1alpha1.ElasticsearchCluster

func esPools(pools ...navv1alpha1.ElasticsearchNodePool) gen.ESOption {
	return gen.WithESPools(pools...)
}

func esChange(f func(*esCluster)) gen.ESOption { return f }

// esConfig gives the second pool config.
func esConfig(config map[string]string) gen.ESOption {
	return esChange(func(es *esCluster) { es.Spec.NodePools[1].Config = config })
}

func TestElasticsearchCreate(t *testing.T) {
	cases := map[string]struct {
		opts []gen.ESOption
		want rejection
	}{
		"valid 8.x cluster":  {want: accepted()},
		"valid 7.17 cluster": {opts: []gen.ESOption{gen.WithESVersion("7.17.25")}, want: accepted()},
		"valid 9.x cluster":  {opts: []gen.ESOption{gen.WithESVersion("9.1.0")}, want: accepted()},
		"roles omitted means every role, master-eligible": {
			opts: []gen.ESOption{esPools(gen.ESPool("all", 3))}, want: accepted()},
		"version not semver": {
			opts: []gen.ESOption{gen.WithESVersion("8.x")},
			want: rejected("spec.version", "semantic version")},
		"version 7.16 unsupported": {
			opts: []gen.ESOption{gen.WithESVersion("7.16.3")},
			want: rejected("spec.version", "unsupported Elasticsearch version")},
		"version 6.x unsupported": {
			opts: []gen.ESOption{gen.WithESVersion("6.8.23")},
			want: rejected("spec.version", "unsupported Elasticsearch version")},
		"version 10 unsupported": {
			opts: []gen.ESOption{gen.WithESVersion("10.0.0")},
			want: rejected("spec.version", "unsupported Elasticsearch version")},
		"duplicate pool names": {
			opts: []gen.ESOption{esPools(gen.ESPool("data", 3, "master"), gen.ESPool("data", 2, "data"))},
			want: rejected("spec.nodePools[1]", "Duplicate value")},
		"pool name not a DNS label": {
			opts: []gen.ESOption{esPools(gen.ESPool("Data_1", 3))},
			want: rejected("spec.nodePools[0].name", "should match")},
		"no master-eligible pool": {
			opts: []gen.ESOption{esPools(gen.ESPool("data", 3, "data"))},
			want: rejected("spec.nodePools", "at least one node pool must run master-eligible nodes")},
		"master pool scaled to zero": {
			opts: []gen.ESOption{esPools(gen.ESPool("master", 0, "master"), gen.ESPool("data", 2, "data"))},
			want: rejected("spec.nodePools", "at least one node pool must run master-eligible nodes")},
		"only voting-only masters": {
			opts: []gen.ESOption{esPools(gen.ESPool("vote", 3, "master", "voting_only"), gen.ESPool("data", 2, "data"))},
			want: rejected("spec.nodePools", "master-eligible")},
		"voting_only without master": {
			opts: []gen.ESOption{esPools(gen.ESPool("master", 3, "master"), gen.ESPool("vote", 1, "voting_only", "data"))},
			want: rejected("spec.nodePools[1].roles", "voting_only role needs the master role")},
		"unknown role": {
			opts: []gen.ESOption{esPools(gen.ESPool("master", 3, "master"), gen.ESPool("c", 1, "coordinator"))},
			want: rejected("spec.nodePools[1].roles[0]", "Unsupported value")},
		"negative replicas": {
			opts: []gen.ESOption{esChange(func(es *esCluster) { es.Spec.NodePools[1].Replicas = ptr.To[int32](-1) })},
			want: rejected("spec.nodePools[1].replicas", "greater than or equal to 0")},
		"too many replicas": {
			opts: []gen.ESOption{esChange(func(es *esCluster) { es.Spec.NodePools[1].Replicas = ptr.To[int32](1001) })},
			want: rejected("spec.nodePools[1].replicas", "less than or equal to 1000")},
		"maxUnavailable below one": {
			opts: []gen.ESOption{esChange(func(es *esCluster) { es.Spec.UpdateStrategy.MaxUnavailable = -1 })},
			want: rejected("spec.updateStrategy.maxUnavailable", "greater than or equal to 1")},
		"config sets a setting Navigator owns": {
			opts: []gen.ESOption{esChange(func(es *esCluster) {
				es.Spec.NodePools[1].Config = map[string]string{
					"cluster.name":               `"other"`,
					"indices.queries.cache.size": `"5%"`,
				}
			})},
			want: rejected("spec.nodePools[1].config", "config may not set a setting Navigator manages")},
		// The pilot reads each value as YAML and flattens nested ones into dotted keys.
		"config nests the cluster name under cluster": {
			opts: []gen.ESOption{esConfig(map[string]string{"cluster": "{name: other}"})},
			want: rejected("spec.nodePools[1].config", "config may not set a setting Navigator manages")},
		"config nests the seed hosts under discovery, half dotted": {
			opts: []gen.ESOption{esConfig(map[string]string{"discovery": "{seed_hosts: [other]}"})},
			want: rejected("spec.nodePools[1].config", "config may not set a setting Navigator manages")},
		"config sets the bind address": {
			opts: []gen.ESOption{esConfig(map[string]string{"network.host": "_site_"})},
			want: rejected("spec.nodePools[1].config", "config may not set a setting Navigator manages")},
		"config sets the transport publish port": {
			opts: []gen.ESOption{esConfig(map[string]string{"transport.publish_port": "9400"})},
			want: rejected("spec.nodePools[1].config", "config may not set a setting Navigator manages")},
		"config sets discovery.type": {
			opts: []gen.ESOption{esConfig(map[string]string{"discovery.type": "single-node"})},
			want: rejected("spec.nodePools[1].config", "config may not set a setting Navigator manages")},
		"config sets a 7.x role setting": {
			opts: []gen.ESOption{esConfig(map[string]string{"node.master": "false"})},
			want: rejected("spec.nodePools[1].config", "config may not set a setting Navigator manages")},
		"config turns security on": {
			opts: []gen.ESOption{esConfig(map[string]string{"xpack.security": "{enabled: true}"})},
			want: rejected("spec.nodePools[1].config", "config may not set a setting Navigator manages")},
		"config sets look-alikes of managed settings, dotted": {
			opts: []gen.ESOption{esConfig(map[string]string{
				"cluster.routing.allocation.awareness.attributes": "zone", "node.attr.zone": "a",
				"node.attr": "{rack: r1}", "http.max_content_length": "200mb", "xpack.ml.enabled": "false",
				"network.tcp.keep_alive": "true", "cluster.routing": "{allocation: {enable: all}}",
			})},
			want: accepted()},
		"a name with a dot, which no Service may carry": {
			opts: []gen.ESOption{esChange(func(es *esCluster) { es.Name = "search.prod" })},
			want: rejected(rootField, "metadata.name must be a DNS label that starts with a letter")},
		"a name that starts with a digit": {
			opts: []gen.ESOption{esChange(func(es *esCluster) { es.Name = "1search" })},
			want: rejected(rootField, "metadata.name must be a DNS label that starts with a letter")},
		// The API server generates the name before it validates the object: the random suffix
		// counts toward the length budget.
		"a generated name too long with its suffix": {
			opts: []gen.ESOption{esChange(func(es *esCluster) { es.Name, es.GenerateName = "", strings.Repeat("a", 43) })},
			want: rejected("spec.nodePools", "within 51 characters")},
		"a generated name within the budget": {
			opts: []gen.ESOption{esChange(func(es *esCluster) { es.Name, es.GenerateName = "", "search-" })},
			want: accepted()},
		"version with build metadata, an impossible image tag": {
			opts: []gen.ESOption{gen.WithESVersion("8.15.0+build.1")},
			want: rejected("spec.version", "version may not carry build metadata")},
		"repository that carries a tag": {
			opts: []gen.ESOption{esChange(func(es *esCluster) {
				es.Spec.Image = &navv1alpha1.ImageSpec{Repository: "docker.elastic.co/elasticsearch/elasticsearch:8.15.0"}
			})},
			want: rejected("spec.image.repository", "repository may not carry a tag or digest")},
		"repository that carries a digest": {
			opts: []gen.ESOption{esChange(func(es *esCluster) {
				es.Spec.Image = &navv1alpha1.ImageSpec{Repository: "elasticsearch@sha256:0123"}
			})},
			want: rejected("spec.image.repository", "repository may not carry a tag or digest")},
		"repository with capitals in its path": {
			opts: []gen.ESOption{esChange(func(es *esCluster) {
				es.Spec.Image = &navv1alpha1.ImageSpec{Repository: "docker.elastic.co/Elastic/elasticsearch"}
			})},
			want: rejected("spec.image.repository", "repository must be an image repository")},
		"repository with a space": {
			opts: []gen.ESOption{esChange(func(es *esCluster) {
				es.Spec.Image = &navv1alpha1.ImageSpec{Repository: "elastic search"}
			})},
			want: rejected("spec.image.repository", "repository must be an image repository")},
		"repository on a local registry": {
			opts: []gen.ESOption{esChange(func(es *esCluster) {
				es.Spec.Image = &navv1alpha1.ImageSpec{Repository: "localhost:5000/elasticsearch", Tag: "8.15.0"}
			})},
			want: accepted()},
		"repository on Docker Hub": {
			opts: []gen.ESOption{esChange(func(es *esCluster) {
				es.Spec.Image = &navv1alpha1.ImageSpec{Repository: "library/elasticsearch_oss-8"}
			})},
			want: accepted()},
		"repository on a registry with a port": {
			opts: []gen.ESOption{esChange(func(es *esCluster) {
				es.Spec.Image = &navv1alpha1.ImageSpec{Repository: "registry.local:5000/search/elasticsearch", Tag: "8.15.0"}
			})},
			want: accepted()},
		"names too long for pod names": {
			opts: []gen.ESOption{esChange(func(es *esCluster) { es.Name = strings.Repeat("a", 46) })},
			want: rejected("spec.nodePools", "within 51 characters")},
		"zero volume size": {
			opts: []gen.ESOption{esChange(func(es *esCluster) { es.Spec.NodePools[0].Persistence.Size = resource.MustParse("0") })},
			want: rejected("spec.nodePools[0].persistence.size", "positive quantity")},
		"reserved pod label": {
			opts: []gen.ESOption{esChange(func(es *esCluster) {
				es.Spec.NodePools[0].PodLabels = map[string]string{"navigator.dev/cluster": "x"}
			})},
			want: rejected("spec.nodePools[0].podLabels", "reserved for Navigator")},
		"image tag with a slash": {
			opts: []gen.ESOption{esChange(func(es *esCluster) {
				es.Spec.Image = &navv1alpha1.ImageSpec{Repository: "es", Tag: "8/15"}
			})},
			want: rejected("spec.image.tag", "should match")},
		"unknown pull policy": {
			opts: []gen.ESOption{esChange(func(es *esCluster) {
				es.Spec.Image = &navv1alpha1.ImageSpec{Repository: "es", PullPolicy: corev1.PullPolicy("Sometimes")}
			})},
			want: rejected("spec.image.pullPolicy", "Unsupported value")},
		"no node pools": {
			opts: []gen.ESOption{esPools()},
			want: rejected("spec.nodePools", "")},
	}
	for title, tc := range cases {
		t.Run(title, func(t *testing.T) {
			es := gen.ElasticsearchCluster(namespace, name("es"), tc.opts...)
			tc.want.check(t, k8s.Create(t.Context(), es))
		})
	}
}

func TestElasticsearchUpdate(t *testing.T) {
	cases := map[string]struct {
		from   []gen.ESOption
		mutate func(*esCluster)
		want   rejection
	}{
		"downgrade": {
			mutate: func(es *esCluster) { es.Spec.Version = "8.14.0" },
			want:   rejected("spec.version", "downgrades are not supported")},
		"patch upgrade": {
			mutate: func(es *esCluster) { es.Spec.Version = "8.15.5" }, want: accepted()},
		"7.17 to 8.x": {
			from:   []gen.ESOption{gen.WithESVersion("7.17.25")},
			mutate: func(es *esCluster) { es.Spec.Version = "8.15.3" }, want: accepted()},
		"7.17 straight to 9.x": {
			from:   []gen.ESOption{gen.WithESVersion("7.17.25")},
			mutate: func(es *esCluster) { es.Spec.Version = "9.1.0" },
			want:   rejected("spec.version", "7.17 upgrades to 8.x only")},
		"8.17 to 9.0": {
			from:   []gen.ESOption{gen.WithESVersion("8.17.4")},
			mutate: func(es *esCluster) { es.Spec.Version = "9.0.0" },
			want:   rejected("spec.version", "9.0 upgrades only from 8.18")},
		"8.18 to 9.0": {
			from:   []gen.ESOption{gen.WithESVersion("8.18.2")},
			mutate: func(es *esCluster) { es.Spec.Version = "9.0.4" }, want: accepted()},
		"8.18 to 9.1, which refuses its data": {
			from:   []gen.ESOption{gen.WithESVersion("8.18.8")},
			mutate: func(es *esCluster) { es.Spec.Version = "9.1.5" },
			want:   rejected("spec.version", "9.1 and later upgrade only from 8.19")},
		"8.18 to 9.2": {
			from:   []gen.ESOption{gen.WithESVersion("8.18.8")},
			mutate: func(es *esCluster) { es.Spec.Version = "9.2.0" },
			want:   rejected("spec.version", "upgrade to 8.19 first")},
		"8.19 to 9.0, which is older": {
			from:   []gen.ESOption{gen.WithESVersion("8.19.3")},
			mutate: func(es *esCluster) { es.Spec.Version = "9.0.4" },
			want:   rejected("spec.version", "from 8.19 upgrade to 9.1 or later")},
		"8.19 to 9.1": {
			from:   []gen.ESOption{gen.WithESVersion("8.19.3")},
			mutate: func(es *esCluster) { es.Spec.Version = "9.1.5" }, want: accepted()},
		"9.0 to 9.1": {
			from:   []gen.ESOption{gen.WithESVersion("9.0.4")},
			mutate: func(es *esCluster) { es.Spec.Version = "9.1.5" }, want: accepted()},
		"volume shrinks": {
			mutate: func(es *esCluster) { es.Spec.NodePools[1].Persistence.Size = resource.MustParse("512Mi") },
			want:   rejected("spec.nodePools[1].persistence.size", "cannot shrink")},
		"volume grows": {
			mutate: func(es *esCluster) { es.Spec.NodePools[1].Persistence.Size = resource.MustParse("2Gi") },
			want:   accepted()},
		"storage class changes": {
			from:   []gen.ESOption{esChange(func(es *esCluster) { es.Spec.NodePools[1].Persistence.StorageClassName = ptr.To("fast") })},
			mutate: func(es *esCluster) { es.Spec.NodePools[1].Persistence.StorageClassName = ptr.To("slow") },
			want:   rejected("spec.nodePools[1].persistence.storageClassName", "cannot change")},
		"storage class set where it was the default": {
			mutate: func(es *esCluster) { es.Spec.NodePools[1].Persistence.StorageClassName = ptr.To("fast") },
			want:   rejected("spec.nodePools[1].persistence.storageClassName", "cannot change")},
		"persistence removed": {
			mutate: func(es *esCluster) { es.Spec.NodePools[1].Persistence = nil },
			want:   rejected("spec.nodePools[1].persistence", "cannot be added to or removed")},
		"scale out, add and remove pools": {
			mutate: func(es *esCluster) {
				es.Spec.NodePools[1].Replicas = ptr.To[int32](4)
				es.Spec.NodePools = append(es.Spec.NodePools, gen.ESPool("ingest", 2, "ingest"))
			},
			want: accepted()},
		"last master pool removed": {
			mutate: func(es *esCluster) { es.Spec.NodePools = es.Spec.NodePools[1:] },
			want:   rejected("spec.nodePools", "master-eligible")},
	}
	for title, tc := range cases {
		t.Run(title, func(t *testing.T) {
			updateCase(t, gen.ElasticsearchCluster(namespace, name("esu"), tc.from...), tc.mutate, tc.want)
		})
	}
}
