package controller

import (
	"fmt"
	"strings"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/controller/nodes"
)

// Names of the restart predicates, as status.operations[].blockedBy reports them.
const (
	PredicatePilotsReporting      = nodes.PredicatePilotsReporting
	PredicateHealthAtLeastYellow  = "HealthAtLeastYellow"
	PredicateShardCopiesAvailable = "ShardCopiesAvailable"
	PredicateNodesSettled         = nodes.PredicateNodesSettled
	PredicateWithinBudget         = nodes.PredicateWithinBudget
)

// verdict is one predicate's answer about disrupting a node now.
type verdict = nodes.Verdict

// restartPredicate decides whether candidate may go down while inFlight nodes are down.
type restartPredicate = nodes.Predicate[*clusterState, *node]

// restartPredicates run in order; the first that says no holds the restart and names itself.
var restartPredicates = []restartPredicate{
	pilotsReporting,
	healthAtLeastYellow,
	shardCopiesAvailable,
	nodesSettled,
	oneMasterAtATime,
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

// healthAtLeastYellow: a red cluster has primaries unassigned; taking another node down could
// only make it worse.
func healthAtLeastYellow(s *clusterState, _ *node, _ []*node) verdict {
	h := s.health()
	if h == navv1alpha1.HealthGreen || h == navv1alpha1.HealthYellow {
		return nodes.Pass(PredicateHealthAtLeastYellow)
	}
	return nodes.Hold(PredicateHealthAtLeastYellow, fmt.Sprintf("cluster health is %s", h))
}

// shardCopiesAvailable: never both copies of a shard down. The controller does not see shard
// placement (it never talks to the engine), so a node that holds shards goes down only when
// every shard has all its copies assigned (green) and no other shard-holding node is down:
// then every shard keeps at least one copy on a node that stays up.
func shardCopiesAvailable(s *clusterState, c *node, inFlight []*node) verdict {
	if c.shards() == 0 {
		return nodes.Pass(PredicateShardCopiesAvailable)
	}
	for _, n := range inFlight {
		if n != c && n.shards() != 0 && n.holdsShards() {
			return nodes.Hold(PredicateShardCopiesAvailable, n.Name+" holds shards and is restarting; its copies may be the only ones left")
		}
	}
	if h := s.health(); h != navv1alpha1.HealthGreen {
		return nodes.Hold(PredicateShardCopiesAvailable, fmt.Sprintf("cluster health is %s: some shard copies are unassigned, and this node may hold the last one", h))
	}
	return nodes.Pass(PredicateShardCopiesAvailable)
}

// oneMasterAtATime: a master-eligible node goes down only while every other one serves, so
// the voting configuration keeps its quorum.
func oneMasterAtATime(s *clusterState, c *node, inFlight []*node) verdict {
	if !c.masterEligible() {
		return nodes.Pass(PredicateOneMasterAtATime)
	}
	for _, n := range inFlight {
		if n != c && n.masterEligible() {
			return nodes.Hold(PredicateOneMasterAtATime, n.Name+" is "+s.d.Eligible+" and restarting")
		}
	}
	if others := notReadyMasters(s, c); len(others) > 0 {
		return nodes.Hold(PredicateOneMasterAtATime, s.d.Eligible+" nodes not ready: "+strings.Join(others, ", "))
	}
	return nodes.Pass(PredicateOneMasterAtATime)
}

// nodesSettled: see nodes.Settled.
func nodesSettled(s *clusterState, c *node, inFlight []*node) verdict {
	return nodes.Settled(s.nodes(), c, inFlight, s.c.Spec.UpdateStrategy.MinReady(), s.now)
}

// withinBudget: at most spec.updateStrategy.maxUnavailable nodes down at once.
func withinBudget(s *clusterState, c *node, inFlight []*node) verdict {
	return nodes.WithinBudget(s.c.Spec.UpdateStrategy.MaxUnavailable, c, inFlight)
}
