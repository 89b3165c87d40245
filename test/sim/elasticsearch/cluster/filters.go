package cluster

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// NodeFilters is one of cluster.routing.allocation.{require,include,exclude}.*: values by node
// attribute, as DiscoveryNodeFilters.buildFromKeyValues builds it from the settings.
type NodeFilters map[string][]string

// Filter groups, in the order FilterAllocationDecider applies them.
const (
	FilterRequire = "require"
	FilterInclude = "include"
	FilterExclude = "exclude"
)

// match is DiscoveryNodeFilters.match: require combines the attributes with AND, include and
// exclude with OR. _name (or name) and _host match with Regex.simpleMatch's wildcards, _id
// exactly, _ip, _host_ip and _publish_ip the node's address; any other attribute is a custom
// node attribute (node.attr.*), matched with wildcards.
func (f NodeFilters) match(n *Node, and bool) bool {
	for _, attr := range f.attrs() {
		hit := false
		for _, v := range f[attr] {
			var ok bool
			switch attr {
			case "_name", "name":
				ok = simpleMatch(v, n.Name)
			case "_id":
				ok = v == n.ID
			case "_ip", "_host_ip", "_publish_ip", "_host":
				ok = simpleMatch(v, n.Host) // the simulated nodes' host name is their address
			default:
				// A node without the attribute matches none of its values.
				have, set := n.Attributes[attr]
				ok = set && simpleMatch(v, have)
			}
			if and && !ok {
				return false
			}
			hit = hit || ok
		}
		if !and && hit {
			return true
		}
	}
	return and
}

func (f NodeFilters) attrs() []string { return slices.Sorted(maps.Keys(f)) }

// String is DiscoveryNodeFilters.toString: _name:"a OR b",_id:"x".
func (f NodeFilters) String(op string) string {
	parts := make([]string, 0, len(f))
	for _, a := range f.attrs() {
		parts = append(parts, fmt.Sprintf("%s:%q", a, strings.Join(f[a], " "+op+" ")))
	}
	return strings.Join(parts, ",")
}

// simpleMatch is Regex.simpleMatch: '*' matches any run of characters, nothing else is special.
func simpleMatch(pattern, s string) bool {
	first, rest, wild := strings.Cut(pattern, "*")
	if !wild {
		return pattern == s
	}
	if !strings.HasPrefix(s, first) {
		return false
	}
	s = s[len(first):]
	if rest == "" {
		return true
	}
	for i := 0; i <= len(s); i++ {
		if simpleMatch(rest, s[i:]) {
			return true
		}
	}
	return false
}

// clusterFilter is FilterAllocationDecider.shouldClusterFilter: the first filter group that
// refuses the node, with Elasticsearch's explanation, or ok.
func (s *State) clusterFilter(n *Node) (bool, string) {
	return groupFilter(s.Settings.Filters, "cluster", n)
}

// indexFilter is FilterAllocationDecider.shouldIndexFilter: the same for the index's own
// index.routing.allocation.* filters.
func indexFilter(idx *Index, n *Node) (bool, string) {
	return groupFilter(idx.Settings.Filters, "index", n)
}

// groupFilter applies require (every attribute), include (any) and exclude (any) in that order;
// level is "cluster" or "index", whose settings' names the explanation gives.
func groupFilter(filters map[string]NodeFilters, level string, n *Node) (bool, string) {
	prefix := level + ".routing.allocation."
	if f := filters[FilterRequire]; len(f) > 0 && !f.match(n, true) {
		return false, fmt.Sprintf("node does not match %s setting [%s%s] filters [%s]", level, prefix, FilterRequire, f.String("AND"))
	}
	if f := filters[FilterInclude]; len(f) > 0 && !f.match(n, false) {
		return false, fmt.Sprintf("node does not match %s setting [%s%s] filters [%s]", level, prefix, FilterInclude, f.String("OR"))
	}
	if f := filters[FilterExclude]; len(f) > 0 && f.match(n, false) {
		return false, fmt.Sprintf("node matches %s setting [%s%s] filters [%s]", level, prefix, FilterExclude, f.String("OR"))
	}
	return true, ""
}
