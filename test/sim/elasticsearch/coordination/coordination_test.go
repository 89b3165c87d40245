package coordination

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func masters(n int) []Member {
	ms := make([]Member, n)
	for i := range ms {
		ms[i] = Member{ID: fmt.Sprintf("id-%d", i), Name: fmt.Sprintf("es-master-%d", i), MasterEligible: true}
	}
	return ms
}

func names(ms []Member) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Name
	}
	return out
}

// formed returns a cluster bootstrapped from, and with a master among, all of ms.
func formed(t *testing.T, ms []Member) *State {
	t.Helper()
	s := &State{}
	if err := s.Bootstrap(names(ms), ms); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Elect(ms); err != nil {
		t.Fatal(err)
	}
	s.Reconfigure(ms, true)
	return s
}

func TestBootstrapNeedsAMajorityOfTheInitialMasters(t *testing.T) {
	ms := masters(3)
	s := &State{}
	if err := s.Bootstrap(names(ms), ms[:1]); err == nil {
		t.Fatal("bootstrapped with 1 of 3 initial masters discovered")
	}
	if err := s.Bootstrap(nil, ms); !errors.Is(err, ErrNotBootstrapped) || !strings.Contains(err.Error(), "[cluster.initial_master_nodes] is empty") {
		t.Fatalf("no initial masters: %v", err)
	}
	if err := s.Bootstrap(names(ms), ms[:2]); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(s.VotingConfig, PlaceholderPrefix+"es-master-2") || len(s.VotingConfig) != 3 {
		t.Errorf("first configuration %v: want the two discovered IDs and a placeholder for the third", s.VotingConfig)
	}
	if m, err := s.Elect(ms[:2]); err != nil || m == "" {
		t.Errorf("2 of 3 must elect a master: %q, %v", m, err)
	}
	s.Reconfigure(ms, true)
	if slices.ContainsFunc(s.VotingConfig, func(id string) bool { return strings.HasPrefix(id, PlaceholderPrefix) }) || len(s.VotingConfig) != 3 {
		t.Errorf("once the third joined, the placeholder must give way to it: %v", s.VotingConfig)
	}
}

func TestNoMasterWithoutAQuorum(t *testing.T) {
	ms := masters(3)
	s := formed(t, ms)
	if _, err := s.Elect(ms[:2]); err != nil {
		t.Errorf("2 of 3 voting nodes: %v", err)
	}
	s.Reconfigure(ms[:2], true)
	if len(s.VotingConfig) != 3 {
		t.Errorf("the configuration shrank below three without exclusions: %v", s.VotingConfig)
	}
	if m, err := s.Elect(ms[:1]); err == nil || m != "" {
		t.Errorf("1 of 3 voting nodes elected %q", m)
	}
}

func TestAutoShrinkKeepsAnOddConfigurationOfAtLeastThree(t *testing.T) {
	ms := masters(5)
	s := formed(t, ms)
	if len(s.VotingConfig) != 5 {
		t.Fatalf("five masters: configuration %v", s.VotingConfig)
	}
	s.Reconfigure(ms[:4], true) // one leaves: 4 live, rounded down to 3
	if len(s.VotingConfig) != 3 || slices.Contains(s.VotingConfig, "id-4") {
		t.Errorf("after one of five left: %v, want three live nodes", s.VotingConfig)
	}
	if !slices.Contains(s.VotingConfig, s.Master) {
		t.Errorf("the master %s is not in its own configuration %v", s.Master, s.VotingConfig)
	}
}

// TestScaleMastersDownNeedsExclusions: going from three masters to one. Without exclusions the
// cluster loses its master; with exclusions first it keeps one.
func TestScaleMastersDownNeedsExclusions(t *testing.T) {
	ms := masters(3)
	careless := formed(t, ms)
	careless.Reconfigure(ms[:1], true)
	if _, err := careless.Elect(ms[:1]); err == nil {
		t.Error("removing two of three masters at once, without exclusions, kept a master")
	}

	careful := formed(t, ms)
	if err := careful.AddExclusions([]string{"es-master-1", "es-master-2"}, nil, ms); err != nil {
		t.Fatal(err)
	}
	careful.Reconfigure(ms, true)
	if !careful.ExclusionsApplied() || !slices.Equal(careful.VotingConfig, []string{"id-0"}) {
		t.Fatalf("exclusions not applied: configuration %v", careful.VotingConfig)
	}
	if m, err := careful.Elect(ms[:1]); err != nil || m != "id-0" {
		t.Errorf("after exclusions the last master must stay elected: %q, %v", m, err)
	}
	careful.ClearExclusions()
	if len(careful.Exclusions) != 0 {
		t.Error("exclusions not cleared")
	}
}

func TestVotingOnlyNodesVoteButAreNotElected(t *testing.T) {
	ms := masters(3)
	ms[0].VotingOnly, ms[1].VotingOnly = true, true
	s := &State{}
	if err := s.Bootstrap(names(ms), ms); err != nil {
		t.Fatal(err)
	}
	if m, err := s.Elect(ms); err != nil || m != "id-2" {
		t.Errorf("elected %q (%v), want the only full master id-2", m, err)
	}
	if _, err := s.Elect(ms[:2]); err == nil {
		t.Error("two voting-only nodes elected a master")
	}
}

// TestExclusionsResolveAsElasticsearch follows AddVotingConfigExclusionsRequest: a node that is
// not master-eligible is left out without an error, a name or ID no member has is excluded as
// absent and counts toward the limit, and more than cluster.max_voting_config_exclusions fail.
func TestExclusionsResolveAsElasticsearch(t *testing.T) {
	ms := append(masters(3), Member{ID: "id-data", Name: "es-data-0"})
	s := formed(t, ms[:3])
	if err := s.AddExclusions([]string{"es-data-0", "es-later"}, []string{"id-gone"}, ms); err != nil {
		t.Fatalf("excluding a data node and two absent ones: %v", err)
	}
	want := []Exclusion{{ID: AbsentMarker, Name: "es-later"}, {ID: "id-gone", Name: AbsentMarker}}
	if !slices.Equal(s.Exclusions, want) {
		t.Errorf("exclusions %v, want %v: the data node left out, the absent ones marked", s.Exclusions, want)
	}
	many := make([]Member, 12)
	for i := range many {
		many[i] = Member{ID: fmt.Sprintf("m%d", i), Name: fmt.Sprintf("m%d", i), MasterEligible: true}
	}
	// Two absent exclusions and nine more make eleven.
	if err := s.AddExclusions(names(many[:9]), nil, many); err == nil || !strings.Contains(err.Error(), "cluster.max_voting_config_exclusions") {
		t.Errorf("eleven exclusions: %v", err)
	}
	if err := s.AddExclusions(names(many[:8]), nil, many); err != nil {
		t.Errorf("ten exclusions: %v", err)
	}
}

// TestReconfigurationFollowsElasticsearch holds Reconfigure to Reconfigurator.reconfigure, case
// by case worked out from its code (the same in Elasticsearch 8/9 and OpenSearch 2.19; the
// excluded-master case is also checked on real OpenSearch by test/sim/elasticsearch/conformance).
func TestReconfigurationFollowsElasticsearch(t *testing.T) {
	for _, tc := range []struct {
		name string
		// down are the members that are not live; excluded are excluded by name.
		down, excluded []int
		autoShrink     bool
		// cleared: the exclusions are added, reconfigured, then cleared and reconfigured again.
		cleared bool
		want    []string
	}{
		{name: "one of three excluded: the two others cannot hold three, two is even: the master alone",
			excluded: []int{1}, autoShrink: true, want: []string{"id-0"}},
		{name: "one of three excluded, another down: the master alone, which the live nodes are a quorum of",
			excluded: []int{1}, down: []int{2}, autoShrink: true, want: []string{"id-0"}},
		{name: "one of three down, none excluded: three kept, so that no vote is lost without an exclusion",
			down: []int{2}, autoShrink: true, want: []string{"id-0", "id-1", "id-2"}},
		{name: "an exclusion cleared: the configuration grows back to the three live nodes",
			excluded: []int{1}, autoShrink: true, cleared: true, want: []string{"id-0", "id-1", "id-2"}},
		{name: "without auto-shrink, one of three excluded: as many as the configuration had, less the excluded",
			excluded: []int{1}, want: []string{"id-0", "id-2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ms := masters(3)
			s := formed(t, ms)
			if s.Master != "id-0" {
				t.Fatalf("the first master is %s, want id-0", s.Master)
			}
			var live []Member
			for i, m := range ms {
				if !slices.Contains(tc.down, i) {
					live = append(live, m)
				}
			}
			var excluded []string
			for _, i := range tc.excluded {
				excluded = append(excluded, ms[i].Name)
			}
			if err := s.AddExclusions(excluded, nil, live); err != nil {
				t.Fatal(err)
			}
			s.Reconfigure(live, tc.autoShrink)
			if tc.cleared {
				s.ClearExclusions()
				s.Reconfigure(live, tc.autoShrink)
			}
			got := slices.Sorted(slices.Values(s.VotingConfig))
			if !slices.Equal(got, tc.want) {
				t.Errorf("voting configuration %v, want %v", got, tc.want)
			}
		})
	}
}

// TestReconfigurationKeepsAQuorum: a new configuration that would lack a quorum of the live
// master-eligible nodes is not taken ("better to do nothing"). Five voting masters of which
// only the master is live, none excluded: the configuration Reconfigurator works out (the
// master and two that are down) has no live quorum, so the current one stays.
func TestReconfigurationKeepsAQuorum(t *testing.T) {
	ms := masters(5)
	s := formed(t, ms)
	before := slices.Clone(s.VotingConfig)
	live := []Member{ms[0]}
	s.Reconfigure(live, true)
	if !slices.Equal(s.VotingConfig, before) {
		t.Errorf("voting configuration %v, want %v kept: the new one would have no quorum of the live nodes", s.VotingConfig, before)
	}
}
