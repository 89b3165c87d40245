package cassandra

import (
	"fmt"
	"slices"
	"strings"

	"github.com/navigator-dbaas/navigator/internal/controller/nodes"
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
	if silent := nodes.Silent(s.all(), c.Node); len(silent) > 0 {
		return verdict{PredicatePilotsReporting, false, "no recent report from " + strings.Join(silent, ", ")}
	}
	return verdict{PredicatePilotsReporting, true, ""}
}

// ringSettled: no node joins, leaves or cleans up. A drain in the middle of a stream would
// break it, and Cassandra allows one range movement at a time.
func ringSettled(s *clusterState, c *node, inFlight []*node) verdict {
	for _, n := range s.nodes() {
		if n == c || slices.Contains(inFlight, n) || n.Pilot == nil {
			continue
		}
		if f := n.facts(); f != nil && (f.State == "UJ" || f.State == "UL" || f.State == "UM") {
			return verdict{PredicateRingSettled, false, fmt.Sprintf("%s is %s", n.Name, f.State)}
		}
	}
	return verdict{PredicateRingSettled, true, ""}
}

// otherNodesUp: every node that is not being restarted is up and normal, and no node sees
// another down. With replicas in distinct racks, a node down outside the rack being restarted
// could hold the second replica of a range, and QUORUM would fail.
func otherNodesUp(s *clusterState, c *node, inFlight []*node) verdict {
	for _, n := range s.nodes() {
		if n == c || slices.Contains(inFlight, n) {
			continue
		}
		if !n.Ready() {
			return verdict{PredicateOtherNodesUp, false, n.Name + " is not up and normal"}
		}
		if f := n.facts(); f != nil && len(f.DownNodes) > 0 {
			return verdict{PredicateOtherNodesUp, false, fmt.Sprintf("%s sees %s down", n.Name, strings.Join(f.DownNodes, ", "))}
		}
	}
	return verdict{PredicateOtherNodesUp, true, ""}
}

// oneRackAtATime: nodes down together share a rack. NetworkTopologyStrategy puts a range's
// replicas in distinct racks, so a rack down costs each range at most one replica.
func oneRackAtATime(_ *clusterState, c *node, inFlight []*node) verdict {
	for _, n := range inFlight {
		if n != c && (n.pool.datacenter() != c.pool.datacenter() || n.pool.rack() != c.pool.rack()) {
			return verdict{PredicateOneRackAtATime, false, fmt.Sprintf("%s in rack %s/%s is restarting", n.Name, n.pool.datacenter(), n.pool.rack())}
		}
	}
	return verdict{PredicateOneRackAtATime, true, ""}
}

// withinBudget: at most spec.updateStrategy.maxUnavailable nodes down at once.
func withinBudget(s *clusterState, c *node, inFlight []*node) verdict {
	var down []*nodes.Node
	for _, n := range inFlight {
		down = append(down, n.Node)
	}
	if why := nodes.OverBudget(s.cc.Spec.UpdateStrategy.MaxUnavailable, c.Node, down); why != "" {
		return verdict{PredicateWithinBudget, false, why}
	}
	return verdict{PredicateWithinBudget, true, ""}
}
