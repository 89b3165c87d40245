package v1alpha1

import (
	"testing"

	"k8s.io/utils/ptr"
)

func TestReplicaCount(t *testing.T) {
	cases := map[string]struct {
		replicas *int32
		want     int32
	}{
		"unset takes the schema default": {replicas: nil, want: DefaultReplicas},
		"zero stays zero":                {replicas: ptr.To[int32](0), want: 0},
		"set":                            {replicas: ptr.To[int32](5), want: 5},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := NodePoolCommon{Replicas: tc.replicas}
			if got := p.ReplicaCount(); got != tc.want {
				t.Errorf("ReplicaCount() = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestEffectiveRack(t *testing.T) {
	cases := map[string]struct {
		pool CassandraNodePool
		want string
	}{
		"omitted rack is the pool name": {pool: CassandraNodePool{NodePoolCommon: NodePoolCommon{Name: "a"}}, want: "a"},
		"explicit rack":                 {pool: CassandraNodePool{NodePoolCommon: NodePoolCommon{Name: "a"}, Rack: "r1"}, want: "r1"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := tc.pool.EffectiveRack(); got != tc.want {
				t.Errorf("EffectiveRack() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestElasticsearchPoolRoles(t *testing.T) {
	cases := map[string]struct {
		roles          []ElasticsearchRole
		masterEligible bool
		holdsData      bool
	}{
		"omitted roles are every role": {roles: nil, masterEligible: true, holdsData: true},
		"coordinating only":            {roles: []ElasticsearchRole{}, masterEligible: false, holdsData: false},
		"dedicated master":             {roles: []ElasticsearchRole{ESRoleMaster}, masterEligible: true, holdsData: false},
		"voting-only master":           {roles: []ElasticsearchRole{ESRoleMaster, ESRoleVotingOnly}, masterEligible: false, holdsData: false},
		"generic data":                 {roles: []ElasticsearchRole{ESRoleData, ESRoleIngest}, masterEligible: false, holdsData: true},
		"frozen tier":                  {roles: []ElasticsearchRole{ESRoleDataFrozen}, masterEligible: false, holdsData: true},
		"master with hot tier":         {roles: []ElasticsearchRole{ESRoleMaster, ESRoleDataHot}, masterEligible: true, holdsData: true},
		"ingest and ml hold no shards": {roles: []ElasticsearchRole{ESRoleIngest, ESRoleML}, masterEligible: false, holdsData: false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := ElasticsearchNodePool{Roles: tc.roles}
			if got := p.IsMasterEligible(); got != tc.masterEligible {
				t.Errorf("IsMasterEligible() = %v, want %v", got, tc.masterEligible)
			}
			if got := p.HoldsData(); got != tc.holdsData {
				t.Errorf("HoldsData() = %v, want %v", got, tc.holdsData)
			}
		})
	}
}

func TestPDBEnabled(t *testing.T) {
	if !(&PodDisruptionBudgetSpec{}).PDBEnabled() {
		t.Error("unset must mean enabled, as the schema default does")
	}
	if (&PodDisruptionBudgetSpec{Enabled: ptr.To(false)}).PDBEnabled() {
		t.Error("explicitly disabled must stay disabled")
	}
}
