package controller

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/controller/nodes"
)

// Names of the restart predicates, as status.operations[].blockedBy reports them.
const (
	PredicatePilotsReporting = nodes.PredicatePilotsReporting
	PredicateRingSettled     = "RingSettled"
	PredicateOtherNodesUp    = "OtherNodesUp"
	PredicateRestartsSeen    = "RestartsSeen"
	PredicateOneRackAtATime  = "OneRackAtATime"
	PredicateNodesSettled    = nodes.PredicateNodesSettled
	PredicateWithinBudget    = nodes.PredicateWithinBudget
)

// verdict is one predicate's answer about disrupting a node now.
type verdict = nodes.Verdict

// restartPredicate decides whether candidate may go down while inFlight nodes are down.
type restartPredicate = nodes.Predicate[*clusterState, *node]

// restartPredicates run in order; the first that says no holds the restart and names itself.
var restartPredicates = []restartPredicate{
	pilotsReporting,
	ringSettled,
	otherNodesUp,
	restartsSeen,
	nodesSettled,
	oneRackAtATime,
	withinBudget,
}

// mayRestart runs the predicates and returns the first no, or ok.
func mayRestart(s *clusterState, candidate *node, inFlight []*node) verdict {
	return nodes.FirstNo(restartPredicates, s, candidate, inFlight)
}

// pilotsReporting: see nodes.PilotsReporting.
func pilotsReporting(s *clusterState, c *node, _ []*node) verdict {
	return nodes.PilotsReporting(s.all(), c.Node)
}

// ringSettled: no node joins, leaves or cleans up. A drain in the middle of a stream would
// break it, and Cassandra allows one range movement at a time.
func ringSettled(s *clusterState, c *node, inFlight []*node) verdict {
	for _, n := range s.nodes() {
		if n == c || slices.Contains(inFlight, n) || n.Pilot == nil {
			continue
		}
		if f := n.facts(); f != nil && (f.State == "UJ" || f.State == "UL" || f.State == "UM") {
			return nodes.Hold(PredicateRingSettled, fmt.Sprintf("%s is %s", n.Name, f.State))
		}
	}
	return nodes.Pass(PredicateRingSettled)
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
			return nodes.Hold(PredicateOtherNodesUp, n.Name+" is not up and normal")
		}
		if f := n.facts(); f != nil && len(f.DownNodes) > 0 {
			return nodes.Hold(PredicateOtherNodesUp, fmt.Sprintf("%s sees %s down", n.Name, strings.Join(f.DownNodes, ", ")))
		}
	}
	return nodes.Pass(PredicateOtherNodesUp)
}

// restartsSeen: every node staying up sees every other one up at its current gossip generation.
// A restarted node is back for its own pilot once it is NORMAL, but a peer that has not yet heard
// its new generation and its answer to an echo (Gossiper.markAlive) still counts it out of every
// quorum that peer coordinates, and a report that says nobody is down can predate the restart.
// Disrupting another node then leaves that peer one replica short. Nodes whose pilots report no
// generation (the ring read through nodetool alone) are not checked, as viewers or as viewed.
func restartsSeen(s *clusterState, c *node, inFlight []*node) verdict {
	var staying []*node
	for _, n := range s.nodes() {
		if n != c && !slices.Contains(inFlight, n) && n.Ready() && n.facts() != nil && n.facts().Generation != 0 {
			staying = append(staying, n)
		}
	}
	for _, viewer := range staying {
		for _, seen := range staying {
			if seen == viewer {
				continue
			}
			want, address := seen.facts().Generation, canonicalAddress(seen.Pilot.Status.Node.Address)
			i := slices.IndexFunc(viewer.facts().LiveNodes, func(p navv1alpha1.CassandraPeer) bool { return p.Address == address })
			if i < 0 || viewer.facts().LiveNodes[i].Generation < want {
				return nodes.Hold(PredicateRestartsSeen, fmt.Sprintf("%s does not see %s up at its generation %d yet", viewer.Name, seen.Name, want))
			}
		}
	}
	return nodes.Pass(PredicateRestartsSeen)
}

// canonicalAddress writes an IP address as the pilot writes the addresses of LiveNodes.
func canonicalAddress(address string) string {
	if a, err := netip.ParseAddr(address); err == nil {
		return a.Unmap().String()
	}
	return address
}

// oneRackAtATime: nodes down together share a rack. NetworkTopologyStrategy puts a range's
// replicas in distinct racks, so a rack down costs each range at most one replica.
func oneRackAtATime(_ *clusterState, c *node, inFlight []*node) verdict {
	for _, n := range inFlight {
		if n != c && (n.pool.datacenter() != c.pool.datacenter() || n.pool.rack() != c.pool.rack()) {
			return nodes.Hold(PredicateOneRackAtATime, fmt.Sprintf("%s in rack %s/%s is restarting", n.Name, n.pool.datacenter(), n.pool.rack()))
		}
	}
	return nodes.Pass(PredicateOneRackAtATime)
}

// nodesSettled: see nodes.Settled.
func nodesSettled(s *clusterState, c *node, inFlight []*node) verdict {
	return nodes.Settled(s.nodes(), c, inFlight, s.cc.Spec.UpdateStrategy.MinReady(), s.now)
}

// withinBudget: at most spec.updateStrategy.maxUnavailable nodes down at once.
func withinBudget(s *clusterState, c *node, inFlight []*node) verdict {
	return nodes.WithinBudget(s.cc.Spec.UpdateStrategy.MaxUnavailable, c, inFlight)
}
