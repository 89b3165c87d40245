package rest

import (
	"slices"
	"testing"
)

func TestNoneLeaving(t *testing.T) {
	st := &StateView{Nodes: map[string]NodeRef{"a1": {Name: "es-0"}, "b2": {Name: "es-1"}}}
	leaving := map[string]bool{"b2": true}
	for name, tc := range map[string]struct {
		exclusions []VotingExclusion
		want       bool
	}{
		"every excluded node gone":                         {[]VotingExclusion{{"c3", "es-2"}, {"d4", "es-3"}}, true},
		"one excluded node still leaving":                  {[]VotingExclusion{{"c3", "es-2"}, {"b2", "es-1"}}, false},
		"an excluded member that no longer leaves":         {[]VotingExclusion{{"a1", "es-0"}}, true},
		"excluded by name before it was seen, leaving":     {[]VotingExclusion{{"_absent_", "es-1"}}, false},
		"excluded by name before it was seen, not leaving": {[]VotingExclusion{{"_absent_", "es-0"}}, true},
		"excluded by name, never came":                     {[]VotingExclusion{{"_absent_", "es-9"}}, true},
	} {
		st.Metadata.ClusterCoordination.VotingConfigExclusions = tc.exclusions
		if got := NoneLeaving(st, leaving); got != tc.want {
			t.Errorf("%s: NoneLeaving = %v, want %v", name, got, tc.want)
		}
	}
}

// TestUnsafeToRestart: a shard counts when this node holds one of its copies and another copy
// is not active; relocating copies serve, and shards with no copy here do not count.
func TestUnsafeToRestart(t *testing.T) {
	copies := []ShardCopy{
		{Index: "a", Shard: "0", Primary: "p", State: "STARTED", NodeID: "n1", NodeName: "one"},
		{Index: "a", Shard: "0", Primary: "r", State: "INITIALIZING", NodeID: "n2", NodeName: "two"},
		{Index: "b", Shard: "0", Primary: "p", State: "RELOCATING", NodeID: "n1", NodeName: "one"},
		{Index: "b", Shard: "0", Primary: "r", State: "STARTED", NodeID: "n3", NodeName: "three"},
		{Index: "c", Shard: "0", Primary: "p", State: "STARTED", NodeID: "n2", NodeName: "two"},
		{Index: "c", Shard: "0", Primary: "r", State: "UNASSIGNED"},
		{Index: "d", Shard: "0", Primary: "p", State: "STARTED", NodeID: "n1", NodeName: "one"},
	}
	for self, want := range map[string][]string{
		"n1": {"[a][0] (its replica is initializing on two)"},
		"n2": {"[a][0] (its replica is initializing on two)", "[c][0] (its replica is unassigned)"},
		"n3": nil,
		"n4": nil,
	} {
		if got := UnsafeToRestart(self, copies); !slices.Equal(got, want) {
			t.Errorf("%s: %q, want %q", self, got, want)
		}
	}
}
