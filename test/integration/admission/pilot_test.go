//go:build integration

package admission

import (
	"testing"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/test/gen"
)

type pilot = navv1alpha1.Pilot

func TestPilotCreate(t *testing.T) {
	cases := map[string]struct {
		mutate func(*pilot)
		want   rejection
	}{
		"valid pilot": {mutate: func(*pilot) {}, want: accepted()},
		"unknown engine": {
			mutate: func(p *pilot) { p.Spec.Engine = "Redis" },
			want:   rejected("spec.engine", "Unsupported value")},
		"no cluster": {
			mutate: func(p *pilot) { p.Spec.Cluster = "" },
			want:   rejected("spec.cluster", "at least 1 chars long")},
		"cleanup asked of Elasticsearch": {
			mutate: func(p *pilot) { p.Spec.Action = navv1alpha1.ActionCleanup },
			want:   rejected("spec.action", "Cleanup is a Cassandra action")},
		"cassandra section on an Elasticsearch pilot": {
			mutate: func(p *pilot) { p.Spec.Cassandra = &navv1alpha1.CassandraPilotSpec{ReplaceAddress: "10.0.0.1"} },
			want:   rejected("spec.cassandra", "only a Cassandra pilot takes a cassandra section")},
		"opensearch section on an Elasticsearch pilot": {
			mutate: func(p *pilot) {
				p.Spec.OpenSearch = &navv1alpha1.OpenSearchPilotSpec{InitialClusterManagerNodes: []string{"a"}}
			},
			want: rejected("spec.opensearch", "only an OpenSearch pilot takes an opensearch section")},
		"elasticsearch section on an OpenSearch pilot": {
			mutate: func(p *pilot) {
				p.Spec.Engine = navv1alpha1.EngineOpenSearch
				p.Spec.Elasticsearch = &navv1alpha1.ElasticsearchPilotSpec{InitialMasterNodes: []string{"a"}}
			},
			want: rejected("spec.elasticsearch", "only an Elasticsearch pilot takes an elasticsearch section")},
		"OpenSearch pilot bootstrapping": {
			mutate: func(p *pilot) {
				p.Spec.Engine = navv1alpha1.EngineOpenSearch
				p.Spec.OpenSearch = &navv1alpha1.OpenSearchPilotSpec{InitialClusterManagerNodes: []string{"a", "b", "c"}}
			},
			want: accepted()},
		"cleanup asked of OpenSearch": {
			mutate: func(p *pilot) { p.Spec.Engine, p.Spec.Action = navv1alpha1.EngineOpenSearch, navv1alpha1.ActionCleanup },
			want:   rejected("spec.action", "Cleanup is a Cassandra action")},
		"unknown action": {
			mutate: func(p *pilot) { p.Spec.Action = "Explode" },
			want:   rejected("spec.action", "Unsupported value")},
	}
	for title, tc := range cases {
		t.Run(title, func(t *testing.T) {
			p := gen.Pilot(namespace, name("pilot"), navv1alpha1.EngineElasticsearch, "search")
			tc.mutate(p)
			tc.want.check(t, k8s.Create(t.Context(), p))
		})
	}
}

func TestPilotUpdate(t *testing.T) {
	cases := map[string]struct {
		mutate func(*pilot)
		want   rejection
	}{
		"engine changes": {
			mutate: func(p *pilot) { p.Spec.Engine = navv1alpha1.EngineElasticsearch },
			want:   rejected("spec.engine", "engine cannot change")},
		"cluster changes": {
			mutate: func(p *pilot) { p.Spec.Cluster = "other" },
			want:   rejected("spec.cluster", "cluster cannot change")},
		"start gate opens and an action is asked": {
			mutate: func(p *pilot) { p.Spec.Start, p.Spec.Action = true, navv1alpha1.ActionLeave },
			want:   accepted()},
	}
	for title, tc := range cases {
		t.Run(title, func(t *testing.T) {
			updateCase(t, gen.Pilot(namespace, name("pilotu"), navv1alpha1.EngineCassandra, "ring"), tc.mutate, tc.want)
		})
	}
}
