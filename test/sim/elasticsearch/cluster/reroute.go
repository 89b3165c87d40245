package cluster

import (
	"slices"
	"strings"
	"time"
)

// maxIncomingRecoveries bounds recoveries into one node at once
// (cluster.routing.allocation.node_concurrent_incoming_recoveries, default 2).
const maxIncomingRecoveries = 2

// Reroute advances the cluster to now: recoveries progress at the configured rate, replicas of
// lost primaries are promoted, unassigned copies are allocated, and copies are moved off nodes
// that may not keep them. The master runs it on every change and on a timer.
func (s *State) Reroute(now time.Time) {
	if !s.LastReroute.IsZero() && now.After(s.LastReroute) {
		s.progress(now.Sub(s.LastReroute))
	}
	s.LastReroute = now
	s.promote()
	s.assign(now)
	s.moveAway()
}

// progress advances every recovery and relocation by the bytes the rate allows in elapsed.
func (s *State) progress(elapsed time.Duration) {
	budget := int64(float64(s.Settings.RecoveryBytesPerSecond) * elapsed.Seconds())
	for _, c := range s.Copies {
		switch {
		case c.State == Initializing && c.Primary:
			// A primary recovers from its own data directory: no copy over the network.
			c.State, c.Recovered = Started, 0
		case c.State == Initializing:
			// A replica copies from its active primary; without one it cannot progress.
			if p := s.primaryOf(c.Index, c.Shard); p != nil && active(p) {
				if c.Recovered += budget; s.recovered(c) {
					c.State, c.Recovered, c.Synced = Started, 0, false
				}
			}
		case c.State == Relocating:
			if c.Recovered += budget; s.recovered(c) {
				c.Node, c.RelocatingTo, c.State, c.Recovered, c.Synced = c.RelocatingTo, "", Started, 0, false
			}
		}
	}
}

// recovered reports whether a recovery has copied the shard's bytes and, when the model awaits
// it, the target has said it holds the documents.
func (s *State) recovered(c *Copy) bool {
	return c.Recovered >= s.shardBytes(c) && (!s.Settings.AwaitSync || c.Synced)
}

// promote makes an active replica the primary of a shard whose primary is not active: the one
// on the newest node (RoutingNodes.activeReplicaWithHighestVersion), so that the other copies
// can still recover from it.
func (s *State) promote() {
	for _, p := range s.Copies {
		if !p.Primary || active(p) || p.State == Initializing {
			continue
		}
		var best *Copy
		for _, r := range s.copiesOf(p.Index, p.Shard) {
			if r.Primary || !active(r) {
				continue
			}
			if best == nil || s.newer(r.Node, best.Node) {
				best = r
			}
		}
		if best != nil {
			best.Primary, p.Primary = true, false
		}
	}
}

// newer reports whether node a runs a newer version than node b.
func (s *State) newer(a, b string) bool {
	na, nb := s.Nodes[a], s.Nodes[b]
	return na != nil && nb != nil && na.Version != nil && nb.Version != nil && na.Version.GreaterThan(nb.Version)
}

// assign allocates unassigned copies, primaries first.
func (s *State) assign(now time.Time) {
	unassigned := slices.DeleteFunc(slices.Clone(s.Copies), func(c *Copy) bool { return c.State != Unassigned })
	slices.SortStableFunc(unassigned, func(a, b *Copy) int {
		switch {
		case a.Primary && !b.Primary:
			return -1
		case b.Primary && !a.Primary:
			return 1
		}
		return 0
	})
	for _, c := range unassigned {
		if !s.enableAllows(c, c.Fresh) || s.Indices[c.Index].Lost[c.Shard] {
			continue
		}
		if target := s.targetFor(c, now); target != nil {
			c.Node, c.State, c.Recovered, c.Synced = target.ID, Initializing, 0, false
			s.Recoveries++
			c.Recovery = s.Recoveries
			if c.Primary && c.Fresh {
				c.State = Started // an empty new primary has nothing to recover
			}
			c.Fresh = false
		}
	}
}

// targetFor picks the node for an unassigned copy, or nil when it must wait.
func (s *State) targetFor(c *Copy, now time.Time) *Node {
	if c.Primary && !c.Fresh {
		// A primary that held data can only start where that data is.
		if n := s.Nodes[c.LastNode]; n != nil {
			if ok, _ := s.canAllocate(c, n); ok {
				return n
			}
		}
		return nil
	}
	if !c.Primary {
		p := s.primaryOf(c.Index, c.Shard)
		if p == nil || !active(p) {
			return nil // replicas recover from an active primary
		}
		if n := s.Nodes[c.LastNode]; n != nil {
			if ok, _ := s.canAllocate(c, n); ok {
				return n // back where its data is
			}
		}
		if s.delayed(c, now) {
			return nil
		}
	}
	return s.leastLoaded(c, "")
}

// delayed reports whether a replica whose node left is still waiting for it to come back
// (UnassignedInfo.remainingDelay): index.unassigned.node_left.delayed_timeout, or, when the node
// left with a restart shutdown registered (reason NODE_RESTARTING) that is still there, the
// larger of that and the shutdown's allocation_delay (5m when not given).
func (s *State) delayed(c *Copy, now time.Time) bool {
	if c.LastNode == "" {
		return false
	}
	delay := s.Settings.DelayedTimeout
	if idx := s.Indices[c.Index]; idx != nil && idx.Settings.DelayedTimeout != nil {
		delay = *idx.Settings.DelayedTimeout
	}
	if sd, ok := s.Shutdowns[c.LastNode]; ok && c.LeftRestarting && sd.Type == ShutdownRestart {
		restart := sd.AllocationDelay
		if restart == 0 {
			restart = 5 * time.Minute
		}
		delay = max(delay, restart)
	}
	return now.Sub(c.UnassignedSince) < delay
}

// leastLoaded returns the allowed node with the fewest copies and a free recovery slot.
func (s *State) leastLoaded(c *Copy, exclude string) *Node {
	var best *Node
	bestLoad := 0
	for _, n := range s.sortedNodes() {
		if n.ID == exclude || s.incomingRecoveries(n.ID) >= maxIncomingRecoveries {
			continue
		}
		if ok, _ := s.canAllocate(c, n); !ok {
			continue
		}
		if load := s.copiesOn(n.ID); best == nil || load < bestLoad {
			best, bestLoad = n, load
		}
	}
	return best
}

// moveAway starts relocations of copies that may not remain on their node.
func (s *State) moveAway() {
	for _, c := range s.Copies {
		if c.State != Started {
			continue
		}
		n := s.Nodes[c.Node]
		if ok, _ := s.canRemain(c, n); ok {
			continue
		}
		if target := s.leastLoaded(c, n.ID); target != nil {
			c.State, c.RelocatingTo, c.Recovered, c.Synced = Relocating, target.ID, 0, false
			s.Recoveries++
			c.Recovery = s.Recoveries
		}
	}
}

func (s *State) sortedNodes() []*Node {
	nodes := make([]*Node, 0, len(s.Nodes))
	for _, n := range s.Nodes {
		nodes = append(nodes, n)
	}
	slices.SortFunc(nodes, func(a, b *Node) int { return strings.Compare(a.Name, b.Name) })
	return nodes
}

func (s *State) copiesOn(id string) int {
	n := 0
	for _, c := range s.Copies {
		if c.Node == id || c.RelocatingTo == id {
			n++
		}
	}
	return n
}

func (s *State) incomingRecoveries(id string) int {
	n := 0
	for _, c := range s.Copies {
		if c.RelocatingTo == id || c.Node == id && c.State == Initializing && !c.Primary {
			n++
		}
	}
	return n
}
