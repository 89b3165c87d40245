package elasticsearch

import (
	"fmt"
	"strings"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/controller/nodes"
)

// Names of the restart predicates, as status.operations[].blockedBy reports them.
const (
	PredicatePilotsReporting      = "PilotsReporting"
	PredicateHealthAtLeastYellow  = "HealthAtLeastYellow"
	PredicateShardCopiesAvailable = "ShardCopiesAvailable"
	PredicateWithinBudget         = "WithinBudget"
)

// verdict is one predicate's answer about taking a node down now.
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
	healthAtLeastYellow,
	shardCopiesAvailable,
	oneMasterAtATime,
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
// a guess.
func pilotsReporting(s *clusterState, c *node, _ []*node) verdict {
	if silent := nodes.Silent(s.all(), c.Node); len(silent) > 0 {
		return verdict{PredicatePilotsReporting, false, "no recent report from " + strings.Join(silent, ", ")}
	}
	return verdict{PredicatePilotsReporting, true, ""}
}

// healthAtLeastYellow: a red cluster has primaries unassigned; taking another node down could
// only make it worse.
func healthAtLeastYellow(s *clusterState, _ *node, _ []*node) verdict {
	h := s.health()
	if h == navv1alpha1.ESHealthGreen || h == navv1alpha1.ESHealthYellow {
		return verdict{PredicateHealthAtLeastYellow, true, ""}
	}
	return verdict{PredicateHealthAtLeastYellow, false, fmt.Sprintf("cluster health is %s", h)}
}

// shardCopiesAvailable: never both copies of a shard down. The controller does not see shard
// placement (it never talks to Elasticsearch), so a node that holds shards goes down only when
// every shard has all its copies assigned (green) and no other shard-holding node is down:
// then every shard keeps at least one copy on a node that stays up.
func shardCopiesAvailable(s *clusterState, c *node, inFlight []*node) verdict {
	if c.shards() == 0 {
		return verdict{PredicateShardCopiesAvailable, true, ""}
	}
	for _, n := range inFlight {
		if n != c && n.shards() != 0 && n.holdsShards() {
			return verdict{PredicateShardCopiesAvailable, false, n.Name + " holds shards and is restarting; its copies may be the only ones left"}
		}
	}
	if h := s.health(); h != navv1alpha1.ESHealthGreen {
		return verdict{PredicateShardCopiesAvailable, false, fmt.Sprintf("cluster health is %s: some shard copies are unassigned, and this node may hold the last one", h)}
	}
	return verdict{PredicateShardCopiesAvailable, true, ""}
}

// oneMasterAtATime: a master-eligible node goes down only while every other one serves, so
// the voting configuration keeps its quorum.
func oneMasterAtATime(s *clusterState, c *node, inFlight []*node) verdict {
	if !c.masterEligible() {
		return verdict{PredicateOneMasterAtATime, true, ""}
	}
	for _, n := range inFlight {
		if n != c && n.masterEligible() {
			return verdict{PredicateOneMasterAtATime, false, n.Name + " is master-eligible and restarting"}
		}
	}
	if others := notReadyMasters(s, c); len(others) > 0 {
		return verdict{PredicateOneMasterAtATime, false, "master-eligible nodes not ready: " + strings.Join(others, ", ")}
	}
	return verdict{PredicateOneMasterAtATime, true, ""}
}

// withinBudget: at most spec.updateStrategy.maxUnavailable nodes down at once.
func withinBudget(s *clusterState, c *node, inFlight []*node) verdict {
	var down []*nodes.Node
	for _, n := range inFlight {
		down = append(down, n.Node)
	}
	if why := nodes.OverBudget(s.esc.Spec.UpdateStrategy.MaxUnavailable, c.Node, down); why != "" {
		return verdict{PredicateWithinBudget, false, why}
	}
	return verdict{PredicateWithinBudget, true, ""}
}
