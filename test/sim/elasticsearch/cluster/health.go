package cluster

import (
	"fmt"
	"slices"
	"time"
)

// Health is green, yellow or red, as Elasticsearch computes it.
type Health string

// Health values.
const (
	Green  Health = "green"
	Yellow Health = "yellow"
	Red    Health = "red"
)

// ShardCounts are the counts _cluster/health reports.
type ShardCounts struct {
	ActivePrimary, Active, Relocating, Initializing, Unassigned, DelayedUnassigned int
}

// Health returns the cluster's health and shard counts: red when a primary is not active, yellow
// when a replica is not, green otherwise. Given index names (even an empty list), it covers
// only those indices; without, every index.
func (s *State) Health(now time.Time, indices ...string) (Health, ShardCounts) {
	worst := Green
	var n ShardCounts
	for _, c := range s.Copies {
		if indices != nil && !slices.Contains(indices, c.Index) {
			continue
		}
		switch c.State {
		case Started:
			n.Active++
		case Relocating:
			n.Active++
			n.Relocating++
		case Initializing:
			n.Initializing++
		case Unassigned:
			n.Unassigned++
			if !c.Primary && s.delayed(c, now) {
				n.DelayedUnassigned++
			}
		}
		if c.Primary && active(c) {
			n.ActivePrimary++
		}
		switch {
		case c.Primary && !active(c):
			worst = Red
		case !active(c) && worst == Green:
			worst = Yellow
		}
	}
	return worst, n
}

// ShutdownStatus is the shard-migration part of GET _nodes/<id>/shutdown.
type ShutdownStatus struct {
	Status      string // NOT_STARTED, IN_PROGRESS, STALLED, COMPLETE
	Remaining   int
	Explanation string
	// Move is the allocation decision about the copy that stalls a removal (its
	// node_allocation_decision); nil otherwise.
	Move *MoveDecision
}

// MoveDecision is the part of Elasticsearch's MoveDecision (as the allocation explain API and
// the shutdown status print it, debug mode EXCLUDE_YES_DECISIONS) that the simulator models:
// why the copy may not stay, and each other node's "no" deciders.
type MoveDecision struct {
	CanRemain       []DeciderResult
	NodeDecisions   []NodeDecision
	MoveExplanation string
}

// NodeDecision is one node's verdict on taking the copy.
type NodeDecision struct {
	NodeID, NodeName string
	Deciders         []DeciderResult
}

// DeciderResult is one decider's "no" and why.
type DeciderResult struct {
	Decider, Explanation string
}

// Shutdown reports a registered shutdown's shard migration as
// TransportGetShutdownStatusAction.shardMigrationStatus does. A restart keeps its shards, so it
// is complete at once. A removal of a node never seen is NOT_STARTED; of one that left, STALLED
// while a copy it left behind is unassigned and is a primary or has no started copy on a node
// that stays, COMPLETE otherwise. A removal of a member is COMPLETE when the node holds no copy; IN_PROGRESS while a
// copy relocates away, while only initializing copies are left, and while copies can move or
// wait for a recovery slot (THROTTLED: "is waiting to be moved" when every started copy waits);
// STALLED, naming the first, when a copy can go nowhere and no node that is not shutting down
// holds a started copy of its shard. Copies that cannot move but have such a copy elsewhere
// (hasShardCopyOnAnotherNode, since 7.16) do not stall it: when they are all that is left, the
// shutdown is COMPLETE with the node still holding them, and removing the node loses no data.
func (s *State) Shutdown(id string) (ShutdownStatus, bool) {
	sd, ok := s.Shutdowns[id]
	if !ok {
		return ShutdownStatus{}, false
	}
	if sd.Type == ShutdownRestart {
		return ShutdownStatus{Status: "COMPLETE", Explanation: "no shard relocation is necessary for a node restart"}, true
	}
	_, member := s.Nodes[id]
	if !member && !sd.NodeSeen {
		return ShutdownStatus{Status: "NOT_STARTED", Explanation: "node is not currently part of the cluster"}, true
	}
	// Copies the node left unassigned behind it that are primaries, or have no started copy on
	// a node that stays: its departure lost them (for now).
	var lost []*Copy
	for _, c := range s.Copies {
		if c.State == Unassigned && c.LastNode == id && (c.Primary || !s.hasStartedCopyElsewhere(c)) {
			lost = append(lost, c)
		}
	}
	if len(lost) > 0 {
		return ShutdownStatus{Status: "STALLED", Remaining: len(lost), Explanation: fmt.Sprintf(
			"shard [%d] [%s] of index [%s] is unassigned, see [node_allocation_decision] for details or use the cluster allocation explain API",
			lost[0].Shard, copyKind(lost[0]), lost[0].Index)}, true
	}
	if !member {
		return ShutdownStatus{Status: "COMPLETE"}, true
	}
	var started []*Copy
	relocating, initializing := 0, 0
	for _, c := range s.Copies {
		if c.Node != id {
			continue
		}
		switch c.State {
		case Started:
			started = append(started, c)
		case Relocating:
			relocating++
		case Initializing:
			initializing++
		}
	}
	total := len(started) + relocating + initializing
	switch {
	case total == 0:
		return ShutdownStatus{Status: "COMPLETE"}, true
	case relocating > 0:
		return ShutdownStatus{Status: "IN_PROGRESS", Remaining: total}, true
	case len(started) == 0:
		return ShutdownStatus{Status: "IN_PROGRESS", Remaining: total,
			Explanation: "all remaining shards are currently INITIALIZING and must finish before they can be moved off this node"}, true
	}
	var stuck, throttled *Copy
	ignored, waiting := 0, 0
	for _, c := range started {
		switch s.moveDecision(c, id) {
		case moveYes:
		case moveThrottled:
			waiting++
			if throttled == nil {
				throttled = c
			}
		case moveNo:
			if s.hasStartedCopyElsewhere(c) {
				ignored++
			} else if stuck == nil {
				stuck = c
			}
		}
	}
	switch {
	case total == ignored && stuck == nil:
		return ShutdownStatus{Status: "COMPLETE", Explanation: fmt.Sprintf(
			"[%d] shards cannot be moved away from this node but have at least one copy on another node in the cluster", ignored)}, true
	case stuck != nil:
		return ShutdownStatus{Status: "STALLED", Remaining: total, Explanation: fmt.Sprintf(
			"shard [%d] [%s] of index [%s] cannot move, see [node_allocation_decision] for details or use the cluster allocation explain API",
			stuck.Shard, copyKind(stuck), stuck.Index), Move: s.explainMove(stuck, id)}, true
	case waiting == len(started):
		return ShutdownStatus{Status: "IN_PROGRESS", Remaining: total, Explanation: fmt.Sprintf(
			"shard [%d] [%s] of index [%s] is waiting to be moved, see [node_allocation_decision] for details or use the cluster allocation explain API",
			throttled.Shard, copyKind(throttled), throttled.Index)}, true
	default:
		return ShutdownStatus{Status: "IN_PROGRESS", Remaining: total}, true
	}
}

// moveDecision is the allocation decision of moving a started copy off node: YES when some
// other node may take it now, THROTTLED when the only nodes that may take it are at their
// recovery limit, NO when none may.
type moveDecision int

const (
	moveNo moveDecision = iota
	moveThrottled
	moveYes
)

func (s *State) moveDecision(c *Copy, node string) moveDecision {
	d := moveNo
	for _, n := range s.sortedNodes() {
		if n.ID == node {
			continue
		}
		if ok, _ := s.canAllocate(c, n); !ok {
			continue
		}
		if s.incomingRecoveries(n.ID) < maxIncomingRecoveries {
			return moveYes
		}
		d = moveThrottled
	}
	return d
}

// hasStartedCopyElsewhere is hasShardCopyOnAnotherNode: a started copy of c's shard, primary or
// replica, on a node that is not shutting down (of any type).
func (s *State) hasStartedCopyElsewhere(c *Copy) bool {
	for _, o := range s.Copies {
		if o == c || o.Index != c.Index || o.Shard != c.Shard || o.State != Started {
			continue
		}
		if _, shuttingDown := s.Shutdowns[o.Node]; !shuttingDown {
			return true
		}
	}
	return false
}

func copyKind(c *Copy) string {
	if c.Primary {
		return "primary"
	}
	return "replica"
}

// explainMove is the move decision of a started copy on node that may not stay there: why not
// (the node is being removed), and for every other node the deciders that refuse it.
func (s *State) explainMove(c *Copy, node string) *MoveDecision {
	// MoveDecision.getExplanation for a copy that may not stay and may go nowhere.
	d := &MoveDecision{MoveExplanation: "cannot move shard to another node, even though it is not allowed to remain on its current node"}
	if n := s.Nodes[node]; n != nil {
		if ok, decider, why := s.canRemainBy(c, n); !ok {
			d.CanRemain = append(d.CanRemain, DeciderResult{Decider: decider, Explanation: why})
		}
	}
	for _, n := range s.sortedNodes() {
		if n.ID == node {
			continue
		}
		nd := NodeDecision{NodeID: n.ID, NodeName: n.Name}
		for _, dc := range deciders {
			if ok, why := dc.fn(s, c, n); !ok {
				nd.Deciders = append(nd.Deciders, DeciderResult{Decider: dc.name, Explanation: why})
			}
		}
		d.NodeDecisions = append(d.NodeDecisions, nd)
	}
	return d
}
