package cluster

import "fmt"

// Explanation is what GET _cluster/allocation/explain says about an assigned copy
// (ClusterAllocationExplanation with the shard's MoveDecision): whether it may stay on its node
// and, when not, whether it can move now, must wait for a recovery slot, or can go nowhere, and
// each other node's refusing deciders.
type Explanation struct {
	Copy      Copy
	CanRemain bool
	// CanMove is "yes", "throttled" or "no" (AllocationDecision), set when the copy may not stay.
	CanMove string
	// Move carries why the copy may not stay and each other node's refusals; its
	// MoveExplanation is MoveDecision.getExplanation's for CanMove.
	Move *MoveDecision
}

// ExplainAssigned explains the copy of index's shard (its primary, or a replica) that is
// assigned to node, as TransportClusterAllocationExplainAction does when current_node is given.
func (s *State) ExplainAssigned(index string, shard int, primary bool, node string) (Explanation, error) {
	var found *Copy
	for _, c := range s.copiesOf(index, shard) {
		if c.Primary == primary && c.Node == node && c.State != Unassigned {
			found = c
		}
	}
	if found == nil {
		// findShardToExplain's refusal when no copy of that kind is on the node.
		return Explanation{}, fmt.Errorf("unable to find a %s shard assigned to node [%s]", copyKind(&Copy{Primary: primary}), node)
	}
	e := Explanation{Copy: *found, CanRemain: true}
	n := s.Nodes[node]
	if ok, _ := s.canRemain(found, n); ok {
		return e, nil
	}
	e.CanRemain = false
	e.Move = s.explainMove(found, node)
	switch s.moveDecision(found, node) {
	case moveYes:
		e.CanMove, e.Move.MoveExplanation = "yes", "shard cannot remain on this node and is force-moved to another node"
	case moveThrottled:
		e.CanMove, e.Move.MoveExplanation = "throttled", "shard cannot remain on this node but is throttled on moving to another node"
	default:
		e.CanMove = "no"
	}
	return e, nil
}
