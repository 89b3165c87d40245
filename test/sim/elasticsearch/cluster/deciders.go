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
	{"same_shard", sameShard},
	{"filter", filter},
	{"node_shutdown", nodeShutdown},
	{"node_version", nodeVersion},
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

// canRemain says whether a copy may stay where it is: filters and remove-type shutdowns push
// copies away; the other rules only constrain new allocations.
func (s *State) canRemain(c *Copy, n *Node) (bool, string) {
	if ok, why := filter(s, c, n); !ok {
		return false, why
	}
	return nodeShutdown(s, c, n)
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

// filter (FilterAllocationDecider): cluster.routing.allocation.exclude._name and ._id.
func filter(s *State, _ *Copy, n *Node) (bool, string) {
	if s.Settings.ExcludeNames[n.Name] || s.Settings.ExcludeIDs[n.ID] {
		return false, fmt.Sprintf("node [%s] matches cluster setting [cluster.routing.allocation.exclude] filters", n.Name)
	}
	return true, ""
}

// nodeShutdown (NodeShutdownAllocationDecider): a node being removed takes no shards and keeps
// none; a node being restarted keeps its own.
func nodeShutdown(s *State, _ *Copy, n *Node) (bool, string) {
	if sd, ok := s.Shutdowns[n.ID]; ok && sd.Type == ShutdownRemove {
		return false, fmt.Sprintf("node [%s] is preparing to be removed from the cluster", n.Name)
	}
	return true, ""
}

// nodeVersion (NodeVersionAllocationDecider): a replica may not be allocated to a node older
// than its primary's, because an older node cannot read a newer node's segments.
func nodeVersion(s *State, c *Copy, n *Node) (bool, string) {
	if c.Primary {
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

// enableAllows (EnableAllocationDecider): cluster.routing.allocation.enable.
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
