package cluster

import "fmt"

// A decider says whether a copy may be allocated to (or stay on) a node, and why not. Each is
// named after the Elasticsearch decider whose rule it follows.
type decider func(s *State, c *Copy, n *Node) (ok bool, why string)

// deciders are applied in order; the first "no" explains the refusal.
var deciders = []struct {
	name string
	fn   decider
}{
	{"data_role", dataRole},
	{"enable", enable},
	{"same_shard", sameShard},
	{"filter", filter},
	{"node_shutdown", nodeShutdown},
	{"node_version", nodeVersion},
	{"disk_threshold", diskThreshold},
	{"shards_limit", shardsLimit},
	{"awareness", awareness},
}

// canAllocate runs every decider.
func (s *State) canAllocate(c *Copy, n *Node) (bool, string) {
	for _, d := range deciders {
		if ok, why := d.fn(s, c, n); !ok {
			return false, fmt.Sprintf("[%s] %s", d.name, why)
		}
	}
	return true, ""
}

// canRemain says whether a copy may stay where it is: filters, remove-type shutdowns, a node
// above the high disk watermark, a node over its shard limit and awareness push copies away; the other rules only constrain new
// allocations.
func (s *State) canRemain(c *Copy, n *Node) (bool, string) {
	ok, _, why := s.canRemainBy(c, n)
	return ok, why
}

// canRemainBy is canRemain naming the decider that refuses.
func (s *State) canRemainBy(c *Copy, n *Node) (ok bool, decider, why string) {
	if ok, why := filter(s, c, n); !ok {
		return false, "filter", why
	}
	if ok, why := nodeShutdown(s, c, n); !ok {
		return false, "node_shutdown", why
	}
	if ok, why := s.diskRemain(n); !ok {
		return false, "disk_threshold", why
	}
	if ok, why := s.shardsLimit(c, n, func(count, limit int) bool { return count > limit }); !ok {
		return false, "shards_limit", why
	}
	if ok, why := s.underCapacity(c, n, false); !ok {
		return false, "awareness", why
	}
	return true, "", ""
}

// shardsLimit (ShardsLimitAllocationDecider): index.routing.allocation.total_shards_per_node
// caps the copies of the index a node owns, then cluster.routing.allocation.total_shards_per_node
// all the copies it owns; a new copy may go to a node below both caps.
func shardsLimit(s *State, c *Copy, n *Node) (bool, string) {
	return s.shardsLimit(c, n, func(count, limit int) bool { return count >= limit })
}

func (s *State) shardsLimit(c *Copy, n *Node, over func(count, limit int) bool) (bool, string) {
	if limit := s.Indices[c.Index].Settings.TotalShardsPerNode; limit > 0 {
		if count := s.owningCopiesOf(n.ID, c.Index); over(count, limit) {
			return false, fmt.Sprintf("too many shards [%d] allocated to this node for index [%s], index setting [index.routing.allocation.total_shards_per_node=%d]", count, c.Index, limit)
		}
	}
	limit := s.Settings.TotalShardsPerNode
	if limit <= 0 {
		return true, ""
	}
	if count := s.owningCopies(n.ID); over(count, limit) {
		return false, fmt.Sprintf("too many shards [%d] allocated to this node, cluster setting [cluster.routing.allocation.total_shards_per_node=%d]", count, limit)
	}
	return true, ""
}

// owningCopies is RoutingNode.numberOfOwningShards: the copies on the node, relocations away
// from it left out and relocations to it counted.
func (s *State) owningCopies(id string) int { return s.owningCopiesOf(id, "") }

// owningCopiesOf is owningCopies for one index (numberOfOwningShardsForIndex); "": every index.
func (s *State) owningCopiesOf(id, index string) int {
	n := 0
	for _, c := range s.Copies {
		if (index == "" || c.Index == index) && (c.Node == id && c.State != Relocating || c.RelocatingTo == id) {
			n++
		}
	}
	return n
}

// dataRole: only nodes with a data role hold shards.
func dataRole(_ *State, _ *Copy, n *Node) (bool, string) {
	if !n.Data {
		return false, fmt.Sprintf("node [%s] does not have a data role", n.Name)
	}
	return true, ""
}

// sameShard (SameShardAllocationDecider): two copies of one shard never share a node.
func sameShard(s *State, c *Copy, n *Node) (bool, string) {
	for _, o := range s.copiesOf(c.Index, c.Shard) {
		if o != c && (o.Node == n.ID || o.RelocatingTo == n.ID) {
			return false, fmt.Sprintf("a copy of shard [%s][%d] is already allocated to node [%s]", c.Index, c.Shard, n.Name)
		}
	}
	return true, ""
}

// filter (FilterAllocationDecider): the cluster's require, include and exclude filters, then
// the index's, for allocations and for copies that stay (filters.go).
func filter(s *State, c *Copy, n *Node) (bool, string) {
	if ok, why := s.clusterFilter(n); !ok {
		return false, why
	}
	return indexFilter(s.Indices[c.Index], n)
}

// nodeShutdown (NodeShutdownAllocationDecider): a node being removed takes no shards and keeps
// none; a node being restarted keeps its own.
func nodeShutdown(s *State, _ *Copy, n *Node) (bool, string) {
	if sd, ok := s.Shutdowns[n.ID]; ok && sd.Type == ShutdownRemove {
		return false, fmt.Sprintf("node [%s] is preparing to be removed from the cluster", n.Name)
	}
	return true, ""
}

// nodeVersion (NodeVersionAllocationDecider): a replica goes only to a node at least as new as
// its active primary's (peer recovery streams from the primary), and a started primary moves
// only to a node at least as new as its own; an unassigned primary goes anywhere (it is new, or
// its data is where it goes).
func nodeVersion(s *State, c *Copy, n *Node) (bool, string) {
	if c.Primary {
		if c.State != Started && c.State != Relocating {
			return true, ""
		}
		src := s.Nodes[c.Node]
		if src != nil && n.Version != nil && src.Version != nil && n.Version.LessThan(src.Version) {
			return false, fmt.Sprintf("cannot relocate primary shard from a node with version [%s] to a node with older version [%s]", src.Version, n.Version)
		}
		return true, ""
	}
	p := s.primaryOf(c.Index, c.Shard)
	if p == nil || p.Node == "" {
		return true, ""
	}
	pn := s.Nodes[p.Node]
	if pn != nil && n.Version != nil && pn.Version != nil && n.Version.LessThan(pn.Version) {
		return false, fmt.Sprintf("cannot allocate replica shard to a node with version [%s] since this is older than the primary version [%s]", n.Version, pn.Version)
	}
	return true, ""
}

// enable (EnableAllocationDecider): cluster.routing.allocation.enable governs every
// allocation, a move off a node included: none allows nothing, primaries only primaries,
// new_primaries only the primaries of new indices.
func enable(s *State, c *Copy, _ *Node) (bool, string) {
	if s.enableAllows(c, c.Fresh && c.State == Unassigned) {
		return true, ""
	}
	setting := fmt.Sprintf("cluster setting [cluster.routing.allocation.enable=%s]", s.Settings.Enable)
	switch s.Settings.Enable {
	case EnableNone:
		return false, "no allocations are allowed due to " + setting
	case EnablePrimaries:
		return false, "replica allocations are forbidden due to " + setting
	default:
		return false, "non-new primary allocations are forbidden due to " + setting
	}
}

// enableAllows is cluster.routing.allocation.enable's rule for a copy (fresh: a new index's
// primary).
func (s *State) enableAllows(c *Copy, fresh bool) bool {
	switch s.Settings.Enable {
	case EnableNone:
		return false
	case EnablePrimaries:
		return c.Primary
	case EnableNewPrimaries:
		return c.Primary && fresh
	default:
		return true
	}
}
