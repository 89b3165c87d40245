package cassandra

import (
	"fmt"
	"strings"

	"github.com/navigator-dbaas/navigator/internal/controller/pilot"
)

// Names of the restart predicates, as status.operations[].blockedBy reports them.
const (
	PredicatePilotsReporting = "PilotsReporting"
	PredicateRingSettled     = "RingSettled"
	PredicateOtherNodesUp    = "OtherNodesUp"
	PredicateOneRackAtATime  = "OneRackAtATime"
	PredicateWithinBudget    = "WithinBudget"
)

// verdict is one predicate's answer about disrupting a node now.
type verdict struct {
	predicate string
	ok        bool
	reason    string
}

// restartPredicate decides whether candidate may go down while inFlight nodes are down.
type restartPredicate func(s *clusterState, candidate *node, inFlight []*node) verdict

// restartPredicates run in order; the first that says no holds the restart and names itself.
var restartPredicates = []restartPredicate{
	pilotsReporting,
	ringSettled,
	otherNodesUp,
	oneRackAtATime,
	withinBudget,
}

// mayRestart runs the predicates and returns the first no, or ok.
func mayRestart(s *clusterState, candidate *node, inFlight []*node) verdict {
	for _, p := range restartPredicates {
		if v := p(s, candidate, inFlight); !v.ok {
			return v
		}
	}
	return verdict{ok: true}
}

// pilotsReporting: a node whose pilot is silent may be down already; nothing is restarted on
// a guess. The candidate's own silence does not hold its restart: a restart is how a wedged
// node recovers.
func pilotsReporting(s *clusterState, c *node, _ []*node) verdict {
	var unknown []string
	for _, n := range s.nodes() {
		if n != c && n.state == pilot.NodeUnknown && n.pod != nil {
			unknown = append(unknown, n.name)
		}
	}
	if len(unknown) > 0 {
		return verdict{PredicatePilotsReporting, false, "no recent report from " + strings.Join(unknown, ", ")}
	}
	return verdict{PredicatePilotsReporting, true, ""}
}

// ringSettled: no node joins, leaves or cleans up. A drain in the middle of a stream would
// break it, and Cassandra allows one range movement at a time.
func ringSettled(s *clusterState, c *node, inFlight []*node) verdict {
	for _, n := range s.nodes() {
		if n == c || contains(inFlight, n) || n.pilot == nil {
			continue
		}
		if f := n.facts(); f != nil && (f.State == "UJ" || f.State == "UL" || f.State == "UM") {
			return verdict{PredicateRingSettled, false, fmt.Sprintf("%s is %s", n.name, f.State)}
		}
	}
	return verdict{PredicateRingSettled, true, ""}
}

// otherNodesUp: every node that is not being restarted is up and normal, and no node sees
// another down. With replicas in distinct racks, a node down outside the rack being restarted
// could hold the second replica of a range, and QUORUM would fail.
func otherNodesUp(s *clusterState, c *node, inFlight []*node) verdict {
	for _, n := range s.nodes() {
		if n == c || contains(inFlight, n) {
			continue
		}
		if !n.ready() {
			return verdict{PredicateOtherNodesUp, false, n.name + " is not up and normal"}
		}
		if f := n.facts(); f != nil && len(f.DownNodes) > 0 {
			return verdict{PredicateOtherNodesUp, false, fmt.Sprintf("%s sees %s down", n.name, strings.Join(f.DownNodes, ", "))}
		}
	}
	return verdict{PredicateOtherNodesUp, true, ""}
}

// oneRackAtATime: nodes down together share a rack. NetworkTopologyStrategy puts a range's
// replicas in distinct racks, so a rack down costs each range at most one replica.
func oneRackAtATime(_ *clusterState, c *node, inFlight []*node) verdict {
	for _, n := range inFlight {
		if n != c && (n.pool.datacenter() != c.pool.datacenter() || n.pool.rack() != c.pool.rack()) {
			return verdict{PredicateOneRackAtATime, false, fmt.Sprintf("%s in rack %s/%s is restarting", n.name, n.pool.datacenter(), n.pool.rack())}
		}
	}
	return verdict{PredicateOneRackAtATime, true, ""}
}

// withinBudget: at most spec.updateStrategy.maxUnavailable nodes down at once.
func withinBudget(s *clusterState, c *node, inFlight []*node) verdict {
	budget := max(s.cc.Spec.UpdateStrategy.MaxUnavailable, 1)
	down := int32(0)
	for _, n := range inFlight {
		if n != c {
			down++
		}
	}
	if down >= budget {
		return verdict{PredicateWithinBudget, false, fmt.Sprintf("%d node(s) already restarting; maxUnavailable is %d", down, budget)}
	}
	return verdict{PredicateWithinBudget, true, ""}
}

func contains(nodes []*node, n *node) bool {
	for _, m := range nodes {
		if m == n {
			return true
		}
	}
	return false
}
