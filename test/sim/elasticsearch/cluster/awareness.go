package cluster

import (
	"fmt"
	"slices"
	"strings"
)

// awareness (AwarenessAllocationDecider): with cluster.routing.allocation.awareness.attributes
// set, the copies of a shard spread over the values of each attribute the data nodes have
// (plus the forced values): no value may hold more than ceil(copies / values) of them. A node
// without the attribute takes no copy.
func awareness(s *State, c *Copy, n *Node) (bool, string) {
	return s.underCapacity(c, n, true)
}

// underCapacity is AwarenessAllocationDecider.underCapacity: moveToNode counts the copy on n as
// if it went there (canAllocate); without it, as it is (canRemain). The count is of started and
// initializing copies, a relocation counted where it goes.
func (s *State) underCapacity(c *Copy, n *Node, moveToNode bool) (bool, string) {
	attrs := s.Settings.Awareness
	if len(attrs) == 0 {
		return true, ""
	}
	copies := s.Indices[c.Index].Replicas + 1
	for _, attr := range attrs {
		target, ok := n.Attributes[attr]
		if !ok {
			return false, fmt.Sprintf("node does not contain the awareness attribute [%s]; required attributes cluster setting [cluster.routing.allocation.awareness.attributes=%s]",
				attr, strings.Join(attrs, ","))
		}
		here := 0
		for _, o := range s.copiesOf(c.Index, c.Shard) {
			on := o.Node
			switch o.State {
			case Relocating:
				on = o.RelocatingTo
			case Unassigned:
				continue
			}
			if s.attribute(on, attr) == target {
				here++
			}
		}
		if moveToNode {
			current := c.Node
			if c.State == Relocating {
				current = c.RelocatingTo
			}
			if current == "" || s.attribute(current, attr) != target {
				here++
			}
		}
		actual := s.attributeValues(attr)
		forced := s.Settings.ForcedAwareness[attr]
		values := len(actual)
		for _, f := range forced {
			if !slices.Contains(actual, f) {
				values++
			}
		}
		if most := (copies + values - 1) / values; here > most {
			forcedText := "no forced awareness"
			if forced != nil {
				forcedText = javaList(slices.Sorted(slices.Values(forced))) + " from forced awareness"
			}
			return false, fmt.Sprintf("there are [%d] copies of this shard and [%d] values for attribute [%s] (%s from nodes in the cluster and %s) "+
				"so there may be at most [%d] copies of this shard allocated to nodes with each value, but (including this copy) there would be "+
				"[%d] copies allocated to nodes with [node.attr.%s: %s]",
				copies, values, attr, javaList(actual), forcedText, most, here, attr, target)
		}
	}
	return true, ""
}

// attribute is the value of attr on the node of that id, or "" for none.
func (s *State) attribute(id, attr string) string {
	if n := s.Nodes[id]; n != nil {
		return n.Attributes[attr]
	}
	return ""
}

// attributeValues are the values of attr among the data nodes, sorted
// (RoutingNodes.getAttributeValues).
func (s *State) attributeValues(attr string) []string {
	var out []string
	for _, n := range s.Nodes {
		if v, ok := n.Attributes[attr]; ok && n.Data && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out
}

// javaList prints a list as Java's List.toString does: [a, b].
func javaList(v []string) string {
	return "[" + strings.Join(v, ", ") + "]"
}
