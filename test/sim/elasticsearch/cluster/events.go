package cluster

import (
	"fmt"
	"slices"
	"time"
)

// CreateIndex adds an index whose copies are all unassigned; Reroute allocates them.
func (s *State) CreateIndex(name string, shards, replicas int) error {
	if _, ok := s.Indices[name]; ok {
		return fmt.Errorf("index [%s] already exists", name)
	}
	s.Indices[name] = &Index{Name: name, Shards: shards, Replicas: replicas, Docs: make([]int64, shards), Lost: make([]bool, shards)}
	for sh := range shards {
		s.Copies = append(s.Copies, &Copy{Index: name, Shard: sh, Primary: true, State: Unassigned, Fresh: true})
		for range replicas {
			s.Copies = append(s.Copies, &Copy{Index: name, Shard: sh, State: Unassigned, Fresh: true})
		}
	}
	return nil
}

// AddDocs records n documents written to one shard. It fails, as Elasticsearch does, when the
// shard's primary is not active.
func (s *State) AddDocs(index string, shard int, n int64) error {
	p := s.primaryOf(index, shard)
	if p == nil || !active(p) {
		return fmt.Errorf("primary shard [%s][%d] is not active", index, shard)
	}
	s.Indices[index].Docs[shard] += n
	return nil
}

// Docs returns the documents that can be read from an index: those of shards with an active
// copy. Documents of lost shards are gone for good.
func (s *State) Docs(index string) int64 {
	idx := s.Indices[index]
	var n int64
	for sh := range idx.Shards {
		if idx.Lost[sh] {
			continue
		}
		for _, c := range s.copiesOf(index, sh) {
			if active(c) {
				n += idx.Docs[sh]
				break
			}
		}
	}
	return n
}

// NodeJoined adds a node. A node that comes back with the data directory it left with gets its
// copies back from that data.
func (s *State) NodeJoined(n *Node) {
	s.Nodes[n.ID] = n
	delete(s.Departed, n.ID)
	if sd, ok := s.Shutdowns[n.ID]; ok {
		sd.NodeSeen = true
	}
}

// NodeLeft removes a node from the cluster. keepsData says whether its data directory survives
// (a restart) or not (the disk is gone). Its copies become unassigned; replicas of shards whose
// primary left are promoted by the next Reroute.
func (s *State) NodeLeft(id string, now time.Time, keepsData bool) {
	n, ok := s.Nodes[id]
	if !ok {
		return
	}
	delete(s.Nodes, id)
	if keepsData {
		s.Departed[id] = n
	}
	sd, restarting := s.Shutdowns[id]
	restarting = restarting && sd.Type == ShutdownRestart
	for _, c := range s.Copies {
		switch {
		case c.RelocatingTo == id:
			// The target left: the relocation is cancelled, the source keeps serving.
			c.RelocatingTo, c.State, c.Recovered = "", Started, 0
		case c.Node == id:
			c.State, c.LastNode, c.Node, c.RelocatingTo, c.Recovered = Unassigned, id, "", "", 0
			c.UnassignedSince, c.LeftRestarting = now, restarting
		}
	}
	if !keepsData {
		s.markLost()
	}
}

// ForgetNode drops a departed node's data directory for good: whatever only it held is lost.
func (s *State) ForgetNode(id string) {
	delete(s.Departed, id)
	s.markLost()
}

// markLost marks shards that no node has and no departed node can bring back.
func (s *State) markLost() {
	for _, idx := range s.Indices {
		for sh := range idx.Shards {
			if idx.Lost[sh] || idx.Docs[sh] == 0 && s.everFresh(idx.Name, sh) {
				continue
			}
			recoverable := false
			for _, c := range s.copiesOf(idx.Name, sh) {
				_, back := s.Departed[c.LastNode]
				if active(c) || c.State == Initializing && c.Primary || c.State == Unassigned && back {
					recoverable = true
				}
			}
			idx.Lost[sh] = !recoverable
		}
	}
}

// everFresh reports whether a shard's primary has never held data.
func (s *State) everFresh(index string, shard int) bool {
	p := s.primaryOf(index, shard)
	return p != nil && p.Fresh
}

// PutShutdown registers a node shutdown (PUT _nodes/<id>/shutdown).
func (s *State) PutShutdown(sd Shutdown) {
	if old, ok := s.Shutdowns[sd.NodeID]; ok && old.NodeSeen {
		sd.NodeSeen = true
	}
	if _, member := s.Nodes[sd.NodeID]; member {
		sd.NodeSeen = true
	}
	s.Shutdowns[sd.NodeID] = &sd
}

// DeleteShutdown removes it (DELETE _nodes/<id>/shutdown).
func (s *State) DeleteShutdown(id string) { delete(s.Shutdowns, id) }

// MarkSynced records that node holds the documents of the copy of a shard it is recovering in
// the given recovery.
func (s *State) MarkSynced(index string, shard int, node string, recovery int64) {
	for _, c := range s.copiesOf(index, shard) {
		if c.Recovery != recovery {
			continue
		}
		if c.State == Initializing && c.Node == node || c.State == Relocating && c.RelocatingTo == node {
			c.Synced = true
		}
	}
}

// FailCopy is what the master does when a copy on node missed a write: the copy is unassigned
// (a relocation to node is cancelled) and must recover again, so that a copy that missed a
// write is never promoted.
func (s *State) FailCopy(index string, shard int, node string, now time.Time) {
	for _, c := range s.copiesOf(index, shard) {
		switch {
		case c.RelocatingTo == node:
			c.RelocatingTo, c.State, c.Recovered, c.Synced = "", Started, 0, false
		case c.Node == node:
			c.State, c.LastNode, c.Node, c.RelocatingTo, c.Recovered, c.Synced = Unassigned, "", "", "", 0, false
			c.UnassignedSince = now
		}
	}
}

// DeleteIndex removes an index and all its copies.
func (s *State) DeleteIndex(name string) {
	delete(s.Indices, name)
	s.Copies = slices.DeleteFunc(s.Copies, func(c *Copy) bool { return c.Index == name })
}

// SetIndexSettings replaces an index's allocation settings; the next reroute applies them.
func (s *State) SetIndexSettings(name string, set IndexSettings) error {
	idx, ok := s.Indices[name]
	if !ok {
		return fmt.Errorf("no such index [%s]", name)
	}
	idx.Settings = set
	return nil
}

// SetReplicas changes an index's number_of_replicas: new replicas start unassigned; removed
// ones are taken from the unassigned, then the initializing, then the started replicas.
func (s *State) SetReplicas(name string, replicas int) error {
	idx, ok := s.Indices[name]
	if !ok {
		return fmt.Errorf("no such index [%s]", name)
	}
	for sh := range idx.Shards {
		copies := s.copiesOf(name, sh)
		for n := len(copies) - 1; n < replicas; n++ {
			s.Copies = append(s.Copies, &Copy{Index: name, Shard: sh, State: Unassigned, Fresh: idx.Docs[sh] == 0 && s.everFresh(name, sh)})
		}
		for n := len(copies) - 1; n > replicas; n-- {
			s.dropReplica(name, sh)
		}
	}
	idx.Replicas = replicas
	return nil
}

// dropReplica removes the replica of a shard that is least useful.
func (s *State) dropReplica(index string, shard int) {
	for _, want := range []CopyState{Unassigned, Initializing, Relocating, Started} {
		for i, c := range s.Copies {
			if c.Index == index && c.Shard == shard && !c.Primary && c.State == want {
				s.Copies = slices.Delete(s.Copies, i, i+1)
				return
			}
		}
	}
}
