package controller

import (
	"fmt"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/controller/nodes"
	"github.com/navigator-dbaas/navigator/internal/controller/pilot"
	"github.com/navigator-dbaas/navigator/internal/controller/progress"
	res "github.com/navigator-dbaas/navigator/internal/search/resources"
)

// testDialect is Elasticsearch's words, with the engine's section of a Pilot left to each node's
// facts, which the tests set directly.
var testDialect = Dialect{Dialect: res.Dialect{Engine: navv1alpha1.EngineElasticsearch, Name: "elasticsearch"}, Product: "Elasticsearch", Eligible: "master-eligible"}

// fixture builds a cluster of three dedicated masters and three data nodes, all ready and
// green, with the master reporting for the cluster.
func fixture() *clusterState {
	spec := &navv1alpha1.ClusterCommonSpec{}
	spec.UpdateStrategy.MaxUnavailable = 1
	c := res.Cluster{Meta: &metav1.ObjectMeta{}, Version: "8.18.8", Spec: spec, Status: &navv1alpha1.SearchClusterStatus{}, Pools: []res.Pool{
		{NodePoolCommon: &navv1alpha1.NodePoolCommon{Name: "master", Replicas: ptr.To[int32](3)}, Roles: []string{"master"}, MasterEligible: true},
		{NodePoolCommon: &navv1alpha1.NodePoolCommon{Name: "data", Replicas: ptr.To[int32](3)}, Roles: []string{"data"}, HoldsShards: true},
	}}
	s := &clusterState{d: &testDialect, c: c, now: time.Now()}
	for _, spec := range c.Pools {
		p := &poolState{spec: spec, sts: &appsv1.StatefulSet{Spec: appsv1.StatefulSetSpec{Replicas: ptr.To[int32](3)}}}
		for o := range int32(3) {
			name := fmt.Sprintf("search-%s-%d", p.spec.Name, o)
			shards := int32(0)
			if p.spec.Name == "data" {
				shards = 4
			}
			pl := &navv1alpha1.Pilot{Status: navv1alpha1.PilotStatus{
				Phase: navv1alpha1.PilotRunning, Version: "8.18.8", Node: navv1alpha1.PilotNode{ID: name},
			}}
			pl.Spec.Start = true
			f := &Facts{Shards: shards, Health: navv1alpha1.HealthGreen, Master: "search-master-0", ClusterUUID: "uuid-1"}
			p.nodes = append(p.nodes, &node{Node: &nodes.Node{Name: name, Ordinal: o, Pod: &corev1.Pod{}, Pilot: pl, State: pilot.NodeReady, Updated: true}, facts: f, pool: p})
		}
		s.pools = append(s.pools, p)
	}
	return s
}

func (s *clusterState) node(name string) *node {
	for _, n := range s.nodes() {
		if n.Name == name {
			return n
		}
	}
	panic("no node " + name)
}

func TestRestartPredicates(t *testing.T) {
	tests := []struct {
		name      string
		change    func(s *clusterState)
		candidate string
		inFlight  []string
		want      string // predicate that says no; empty for ok
	}{
		{name: "a data node of a green cluster", candidate: "search-data-2"},
		{name: "a master while every other master serves", candidate: "search-master-2"},
		{name: "a silent pilot elsewhere holds everything", candidate: "search-data-2",
			change: func(s *clusterState) { s.node("search-data-0").State = pilot.NodeUnknown }, want: PredicatePilotsReporting},
		{name: "the candidate's own silence does not hold it", candidate: "search-master-2",
			change: func(s *clusterState) { s.node("search-master-2").State = pilot.NodeUnknown }},
		{name: "red holds every restart", candidate: "search-master-2",
			change: func(s *clusterState) { setHealth(s, navv1alpha1.HealthRed) }, want: PredicateHealthAtLeastYellow},
		{name: "yellow holds a node with shards", candidate: "search-data-1",
			change: func(s *clusterState) { setHealth(s, navv1alpha1.HealthYellow) }, want: PredicateShardCopiesAvailable},
		{name: "yellow lets a master without shards go", candidate: "search-master-1",
			change: func(s *clusterState) { setHealth(s, navv1alpha1.HealthYellow) }},
		{name: "a node of unknown shards counts as holding some", candidate: "search-master-1",
			change: func(s *clusterState) {
				s.node("search-master-1").State = pilot.NodeUnknown
				setHealth(s, navv1alpha1.HealthYellow)
			}, want: PredicateShardCopiesAvailable},
		{name: "two shard holders never down together, whatever the budget", candidate: "search-data-1", inFlight: []string{"search-data-2"},
			change: func(s *clusterState) { s.c.Spec.UpdateStrategy.MaxUnavailable = 3 }, want: PredicateShardCopiesAvailable},
		{name: "one master at a time", candidate: "search-master-1", inFlight: []string{"search-master-2"},
			change: func(s *clusterState) { s.c.Spec.UpdateStrategy.MaxUnavailable = 3 }, want: PredicateOneMasterAtATime},
		{name: "a master waits for an unready master", candidate: "search-master-1",
			change: func(s *clusterState) { s.node("search-master-0").State = pilot.NodeNotReady }, want: PredicateOneMasterAtATime},
		{name: "budget of one", candidate: "search-master-1", inFlight: []string{"search-data-2"}, want: PredicateWithinBudget},
		{name: "budget of two", candidate: "search-master-1", inFlight: []string{"search-data-2"},
			change: func(s *clusterState) { s.c.Spec.UpdateStrategy.MaxUnavailable = 2 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := fixture()
			if tt.change != nil {
				tt.change(s)
			}
			var inFlight []*node
			for _, n := range tt.inFlight {
				inFlight = append(inFlight, s.node(n))
			}
			v := mayRestart(s, s.node(tt.candidate), inFlight)
			if tt.want == "" && !v.OK {
				t.Fatalf("held by %s: %s", v.Predicate, v.Reason)
			}
			if tt.want != "" && (v.OK || v.Predicate != tt.want) {
				t.Fatalf("verdict %+v, want held by %s", v, tt.want)
			}
			if !v.OK && v.Reason == "" {
				t.Fatal("a held restart must say why")
			}
		})
	}
}

func setHealth(s *clusterState, h navv1alpha1.SearchHealth) {
	for _, n := range s.nodes() {
		n.facts.Health = h
	}
}

// TestANodeWithoutAMasterSaysNothingOfTheHealth: a node without an elected master cannot tell
// the cluster's health (Elasticsearch answers red under its no-master block; its pilot reports
// unknown). The others' reports make the health, never red on its account; the node counts as
// down, so no other node restarts meanwhile; and its own restart, the way back for an outdated
// node the newer cluster no longer lets join, goes ahead once the others are green. Only when
// no node knows a master is the health unknown, and nothing that needs it goes ahead.
func TestANodeWithoutAMasterSaysNothingOfTheHealth(t *testing.T) {
	s := fixture()
	out := s.node("search-master-2")
	out.facts.Health = navv1alpha1.HealthUnknown
	out.facts.Master = ""
	out.State, out.Updated = pilot.NodeNotReady, false
	if h := s.health(); h != navv1alpha1.HealthGreen {
		t.Fatalf("health %s with one node that knows no master and the others green, want green", h)
	}
	other := s.node("search-master-1")
	other.Updated = false
	if v := mayRestart(s, other, nil); v.OK {
		t.Errorf("another master's restart while %s is out: %+v, want held", out.Name, v)
	}
	if v := mayRestart(s, out, nil); !v.OK {
		t.Errorf("the restart of the node that is out, the others green: %+v, want admitted", v)
	}

	for _, n := range s.nodes() {
		n.facts.Health = navv1alpha1.HealthUnknown
	}
	if h := s.health(); h != navv1alpha1.HealthUnknown {
		t.Fatalf("health %s when no node knows a master, want unknown", h)
	}
	if v := healthAtLeastYellow(s, s.node("search-data-1"), nil); v.OK || !strings.Contains(v.Reason, "unknown") {
		t.Errorf("a restart while no node knows a master: %+v, want held on unknown health", v)
	}
}

// TestARestartedDataNodeWithoutItsShardsStillHoldsThem: back from a restart, a data node counts
// no shards until the master allocates its copies back to it, though its disk holds them. While
// it is still in flight, another data node may not restart on the strength of that zero.
func TestARestartedDataNodeWithoutItsShardsStillHoldsThem(t *testing.T) {
	s := fixture()
	back := s.node("search-data-0")
	back.facts.Shards = 0
	back.Pilot.Status.Node.HoldsData = true
	if got := back.shards(); got != -1 {
		t.Fatalf("a data node with data on disk reporting no shards: %d, want unknown (-1)", got)
	}
	if v := shardCopiesAvailable(s, s.node("search-data-1"), []*node{back}); v.OK {
		t.Errorf("a restart while a data node is back without its shards: %+v, want held", v)
	}
	back.Pilot.Status.Node.HoldsData = false
	if got := back.shards(); got != 0 {
		t.Errorf("a data node with an empty disk reporting no shards: %d, want 0", got)
	}
}

func TestHealthIsTheWorstFreshView(t *testing.T) {
	s := fixture()
	s.node("search-data-0").facts.Health = navv1alpha1.HealthYellow
	if h := s.health(); h != navv1alpha1.HealthYellow {
		t.Fatalf("health %s: one fresh yellow view outweighs the master's green", h)
	}
	s.node("search-data-0").State = pilot.NodeUnknown
	if h := s.health(); h != navv1alpha1.HealthGreen {
		t.Fatalf("health %s: a stale view counts for nothing", h)
	}
	for _, n := range s.nodes() {
		n.State = pilot.NodeUnknown
	}
	if h := s.health(); h != navv1alpha1.HealthUnknown {
		t.Fatalf("health %s with every pilot stale, want unknown", h)
	}
}

func TestRestartOrderDataFirstHighestOrdinalFirst(t *testing.T) {
	s := fixture()
	nodes := s.nodes()
	order := restartOrder(s)
	sorted := append([]*node{}, nodes...)
	for i := range sorted {
		for j := i + 1; j < len(sorted); j++ {
			if order(sorted[j], sorted[i]) < 0 {
				sorted[i], sorted[j] = sorted[j], sorted[i]
			}
		}
	}
	var got []string
	for _, n := range sorted {
		got = append(got, n.Name)
	}
	want := []string{"search-data-2", "search-data-1", "search-data-0", "search-master-2", "search-master-1", "search-master-0"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("restart order %v, want %v", got, want)
	}
}

func TestNoDataDestination(t *testing.T) {
	s := fixture()
	data := s.pools[1]
	data.spec.Replicas = ptr.To[int32](0)
	if why := noDataDestination(s, data, data.nodes); why == "" {
		t.Fatal("scaling the only data pool to zero while it holds shards must be held")
	}
	for _, n := range data.nodes {
		n.facts.Shards = 0
	}
	if why := noDataDestination(s, data, data.nodes); why != "" {
		t.Fatalf("empty nodes may go: %s", why)
	}
	data.nodes[2].State = pilot.NodeUnknown
	if why := noDataDestination(s, data, data.nodes); why == "" {
		t.Fatal("a node whose shards are unknown counts as holding some")
	}
	data.nodes[2].State = pilot.NodeReady
	// Not in a cluster (never joined, or no master now), a node's stats count no shards,
	// whatever its disk holds.
	for _, es := range []Facts{{ClusterUUID: "uuid-1"}, {Master: "search-master-0"}} {
		data.nodes[2].facts.ClusterUUID, data.nodes[2].facts.Master = es.ClusterUUID, es.Master
		if why := noDataDestination(s, data, data.nodes); why == "" {
			t.Errorf("a node reporting 0 shards outside a cluster (%+v) may go with the only data pool", es)
		}
	}
	data.spec.Replicas = ptr.To[int32](1)
	if why := noDataDestination(s, data, data.nodes[1:]); why != "" {
		t.Fatalf("one data node stays: %s", why)
	}
}

func TestStatusReportsStalePilotsAsUnknown(t *testing.T) {
	s := fixture()
	stale := s.node("search-data-1")
	stale.State = pilot.NodeUnknown
	stale.Pilot.Status.LastHeartbeatTime = &metav1.Time{Time: s.now.Add(-time.Hour)}
	st := &navv1alpha1.SearchClusterStatus{}
	computeStatus(s, &progress.Progress{}, st)
	for _, c := range []string{navv1alpha1.ConditionReady, navv1alpha1.ConditionDegraded} {
		got := findCondition(st.Conditions, c)
		if got == nil || got.Reason != navv1alpha1.ReasonPilotsStale {
			t.Fatalf("%s: %+v, want reason PilotsStale", c, got)
		}
	}
	if st.NodePools[1].ReadyReplicas != 2 {
		t.Fatalf("data ready replicas %d: a stale node is never counted ready", st.NodePools[1].ReadyReplicas)
	}
	if st.Version != "" {
		t.Fatalf("version %q reported while a node's version is unknown", st.Version)
	}
}

func findCondition(cs []metav1.Condition, t string) *metav1.Condition {
	for i := range cs {
		if cs[i].Type == t {
			return &cs[i]
		}
	}
	return nil
}
