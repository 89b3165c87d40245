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
}

// Shutdown reports a registered shutdown's shard migration. A restart keeps its shards, so it
// is complete at once; a removal is complete when the node holds no copy, and stalled while a
// copy it holds can go nowhere.
func (s *State) Shutdown(id string) (ShutdownStatus, bool) {
	sd, ok := s.Shutdowns[id]
	if !ok {
		return ShutdownStatus{}, false
	}
	if sd.Type == ShutdownRestart {
		return ShutdownStatus{Status: "COMPLETE", Explanation: "no shard relocation is necessary for a node restart"}, true
	}
	remaining := 0
	var stuck *Copy
	for _, c := range s.Copies {
		if c.Node != id {
			continue
		}
		remaining++
		if c.State == Started && stuck == nil && s.leastLoaded(c, id) == nil && s.incomingFree() {
			stuck = c
		}
	}
	switch {
	case remaining == 0:
		return ShutdownStatus{Status: "COMPLETE"}, true
	case stuck != nil:
		return ShutdownStatus{Status: "STALLED", Remaining: remaining, Explanation: fmt.Sprintf(
			"shard [%d] [%s] of index [%s] cannot move away from node [%s]: no other node can hold it",
			stuck.Shard, copyKind(stuck), stuck.Index, id)}, true
	default:
		return ShutdownStatus{Status: "IN_PROGRESS", Remaining: remaining}, true
	}
}

// incomingFree reports whether some node has a free recovery slot, so that "nowhere to go" is
// not mistaken for "waiting for a slot".
func (s *State) incomingFree() bool {
	for id := range s.Nodes {
		if s.incomingRecoveries(id) < maxIncomingRecoveries {
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
