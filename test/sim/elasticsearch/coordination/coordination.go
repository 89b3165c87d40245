// Package coordination is the Elasticsearch simulator's model of cluster coordination: bootstrap
// from cluster.initial_master_nodes, master election by a majority of the voting configuration,
// the automatic reconfiguration of that configuration as master-eligible nodes come and go, and
// voting configuration exclusions. Like package cluster, it is pure.
//
// What Navigator's safety rests on, and the tests show: a cluster whose voting configuration has
// lost its majority has no master; removing half or more of the master-eligible nodes at once
// without exclusions leaves it so; with exclusions first, it keeps a master.
package coordination

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// PlaceholderPrefix marks a node named in cluster.initial_master_nodes that had not been
// discovered at bootstrap; Elasticsearch uses the same marker in its voting configuration.
const PlaceholderPrefix = "{bootstrap-placeholder}-"

// MaxExclusions is cluster.max_voting_config_exclusions' default.
const MaxExclusions = 10

// Member is a node as coordination sees it.
type Member struct {
	ID             string
	Name           string
	MasterEligible bool
	// VotingOnly nodes vote but are never elected.
	VotingOnly bool
}

// Exclusion is an entry of the voting configuration exclusions list.
type Exclusion struct {
	ID, Name string
}

// State is the coordination part of the cluster state.
type State struct {
	// VotingConfig holds node IDs (or bootstrap placeholders). Empty: never bootstrapped.
	VotingConfig []string
	Exclusions   []Exclusion
	Master       string
	Term         int64
}

// ErrNotBootstrapped is the reason there is no master in a cluster that never formed.
var ErrNotBootstrapped = errors.New("this node has not previously joined a bootstrapped cluster")

// Bootstrap forms a brand-new cluster from cluster.initial_master_nodes once a majority of the
// named nodes has been discovered. Nodes named but not discovered get placeholders, so that the
// first configuration counts them in its majority as Elasticsearch's does.
func (s *State) Bootstrap(initial []string, live []Member) error {
	if len(s.VotingConfig) > 0 {
		return nil
	}
	if len(initial) == 0 {
		return fmt.Errorf("%w, and [cluster.initial_master_nodes] is empty on this node", ErrNotBootstrapped)
	}
	var config []string
	found := 0
	for _, name := range initial {
		if m, ok := byName(live, name); ok && m.MasterEligible {
			config = append(config, m.ID)
			found++
		} else {
			config = append(config, PlaceholderPrefix+name)
		}
	}
	if found <= len(initial)/2 {
		return fmt.Errorf("%w: discovered %d of the %d nodes in [cluster.initial_master_nodes] %v, a majority is needed",
			ErrNotBootstrapped, found, len(initial), initial)
	}
	s.VotingConfig = config
	return nil
}

// HasQuorum reports whether more than half of the voting configuration is among live.
func (s *State) HasQuorum(live []Member) bool {
	n := 0
	for _, id := range s.VotingConfig {
		if _, ok := byID(live, id); ok {
			n++
		}
	}
	return len(s.VotingConfig) > 0 && n > len(s.VotingConfig)/2
}

// Elect decides the master among live members: none without a quorum of the voting
// configuration; otherwise the current master if it is still there, else the first eligible,
// non-voting-only member by ID. A new master starts a new term.
func (s *State) Elect(live []Member) (string, error) {
	if len(s.VotingConfig) == 0 {
		s.Master = ""
		return "", ErrNotBootstrapped
	}
	if !s.HasQuorum(live) {
		s.Master = ""
		return "", fmt.Errorf("have discovered %d nodes but a quorum of the voting configuration %v is needed", len(live), s.VotingConfig)
	}
	if m, ok := byID(live, s.Master); ok && canLead(m) {
		return s.Master, nil
	}
	candidates := slices.DeleteFunc(slices.Clone(live), func(m Member) bool { return !canLead(m) })
	if len(candidates) == 0 {
		s.Master = ""
		return "", errors.New("no master-eligible node that is not voting-only is available")
	}
	slices.SortFunc(candidates, func(a, b Member) int { return strings.Compare(a.ID, b.ID) })
	s.Master, s.Term = candidates[0].ID, s.Term+1
	return s.Master, nil
}

// Reconfigure is what the master does after membership or exclusions change, following
// Elasticsearch's Reconfigurator.reconfigure (the same in OpenSearch, and held to it by
// test/sim/elasticsearch/conformance). The candidates are the live master-eligible nodes and the
// absent members of the current configuration, excluded ("retired") nodes left out, ordered as
// VotingConfigNode.compareTo orders them: the master, then live nodes, then members of the
// current configuration, then by ID. The new configuration takes the first targetSize of them,
// where targetSize is the live candidates rounded down to odd, but with
// cluster.auto_shrink_voting_configuration (autoShrink) at least 3 while three or more
// candidates are in the current configuration, and at least 1 once fewer are (without it, at
// least as many as are). A configuration without a quorum of live master-eligible nodes is not
// taken: the current one stays ("better to do nothing"). So excluding one of three voting nodes
// leaves a configuration of one: the two others are not enough to hold three, and two would be
// an even number.
func (s *State) Reconfigure(live []Member, autoShrink bool) {
	if s.Master == "" {
		return
	}
	retired := func(id string) bool {
		return slices.ContainsFunc(s.Exclusions, func(e Exclusion) bool { return e.ID == id })
	}
	type candidate struct {
		id                     string
		live, master, inConfig bool
	}
	var candidates []candidate
	var liveMasters []string
	for _, m := range live {
		if !m.MasterEligible {
			continue
		}
		liveMasters = append(liveMasters, m.ID)
		if !retired(m.ID) {
			candidates = append(candidates, candidate{id: m.ID, live: true, master: m.ID == s.Master, inConfig: slices.Contains(s.VotingConfig, m.ID)})
		}
	}
	for _, id := range s.VotingConfig {
		if !slices.Contains(liveMasters, id) && !retired(id) {
			candidates = append(candidates, candidate{id: id, inConfig: true})
		}
	}
	slices.SortFunc(candidates, func(a, b candidate) int {
		for _, pref := range [][2]bool{{a.master, b.master}, {a.live, b.live}, {a.inConfig, b.inConfig}} {
			if pref[0] != pref[1] {
				if pref[0] {
					return -1
				}
				return 1
			}
		}
		return strings.Compare(a.id, b.id)
	})
	inConfig, liveCount := 0, 0
	for _, c := range candidates {
		if c.inConfig {
			inConfig++
		}
		if c.live {
			liveCount++
		}
	}
	minimum := inConfig
	if autoShrink {
		minimum = 3
		if inConfig < 3 {
			minimum = 1
		}
	}
	target := max(roundDownToOdd(liveCount), minimum)
	next := make([]string, 0, target)
	for _, c := range candidates[:min(target, len(candidates))] {
		next = append(next, c.id)
	}
	if hasQuorum(next, liveMasters) {
		s.VotingConfig = next
	}
}

// hasQuorum is VotingConfiguration.hasQuorum: more than half of config is among ids.
func hasQuorum(config, ids []string) bool {
	n := 0
	for _, id := range config {
		if slices.Contains(ids, id) {
			n++
		}
	}
	return 2*n > len(config)
}

// AbsentMarker is VotingConfigExclusion.MISSING_VALUE_MARKER: the ID of a node excluded by a
// name no member has, or the name of one excluded by an ID no member has.
const AbsentMarker = "_absent_"

// AddExclusions adds voting configuration exclusions (POST _cluster/voting_config_exclusions
// with node_names or node_ids) as AddVotingConfigExclusionsRequest.resolveVotingConfigExclusions
// resolves them: a master-eligible member by its ID and name; a member that is not
// master-eligible is left out, silently; a name or ID that no member has is excluded as absent
// ({_absent_, name} or {id, _absent_}), and counts toward cluster.max_voting_config_exclusions
// like any other.
func (s *State) AddExclusions(names, ids []string, members []Member) error {
	var add []Exclusion
	push := func(e Exclusion) {
		if !slices.Contains(s.Exclusions, e) && !slices.Contains(add, e) {
			add = append(add, e)
		}
	}
	for _, name := range names {
		switch m, ok := byName(members, name); {
		case !ok:
			push(Exclusion{ID: AbsentMarker, Name: name})
		case m.MasterEligible:
			push(Exclusion{ID: m.ID, Name: m.Name})
		}
	}
	for _, id := range ids {
		switch m, ok := byID(members, id); {
		case !ok:
			push(Exclusion{ID: id, Name: AbsentMarker})
		case m.MasterEligible:
			push(Exclusion{ID: m.ID, Name: m.Name})
		}
	}
	if len(s.Exclusions)+len(add) > MaxExclusions {
		return fmt.Errorf("add voting config exclusions request for %v would add [%d] exclusions to the existing [%d] which would exceed the maximum of [%d] set by [cluster.max_voting_config_exclusions]",
			append(slices.Clone(names), ids...), len(add), len(s.Exclusions), MaxExclusions)
	}
	s.Exclusions = append(s.Exclusions, add...)
	return nil
}

// ExclusionsApplied reports whether no excluded node is left in the voting configuration: the
// moment POST _cluster/voting_config_exclusions returns.
func (s *State) ExclusionsApplied() bool {
	for _, e := range s.Exclusions {
		if slices.Contains(s.VotingConfig, e.ID) {
			return false
		}
	}
	return true
}

// ClearExclusions empties the list (DELETE _cluster/voting_config_exclusions).
func (s *State) ClearExclusions() { s.Exclusions = nil }

func canLead(m Member) bool { return m.MasterEligible && !m.VotingOnly }

func roundDownToOdd(n int) int {
	if n%2 == 0 {
		return n - 1
	}
	return n
}

func byName(ms []Member, name string) (Member, bool) {
	i := slices.IndexFunc(ms, func(m Member) bool { return m.Name == name })
	if i < 0 {
		return Member{}, false
	}
	return ms[i], true
}

func byID(ms []Member, id string) (Member, bool) {
	i := slices.IndexFunc(ms, func(m Member) bool { return m.ID == id })
	if i < 0 {
		return Member{}, false
	}
	return ms[i], true
}
