package pilot

import (
	"net/netip"
	"slices"
	"strings"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/cassandra/jolokia"
	"github.com/navigator-dbaas/navigator/internal/cassandra/nodetool"
)

// self finds the node's own line in nodetool status, by its broadcast address, and its
// datacenter.
func self(st *nodetool.Status, address string) (string, nodetool.StatusNode, bool) {
	for _, dc := range st.Datacenters {
		for _, n := range dc.Nodes {
			if sameAddress(n.Address, address) {
				return dc.Name, n, true
			}
		}
	}
	return "", nodetool.StatusNode{}, false
}

// sameAddress compares addresses as IPs where both are, since Java may print an IPv6 address in
// another form than the pod's.
func sameAddress(a, b string) bool {
	x, errA := netip.ParseAddr(a)
	y, errB := netip.ParseAddr(b)
	if errA != nil || errB != nil {
		return a == b
	}
	return x.Unmap() == y.Unmap()
}

// downNodes are the addresses nodetool status shows down (D), sorted so that the status stays
// the same while they do.
func downNodes(st *nodetool.Status) []string {
	var out []string
	for _, n := range st.Nodes() {
		if n.Status == "D" {
			out = append(out, n.Address)
		}
	}
	slices.Sort(out)
	return out
}

// liveOthers counts the other nodes of datacenter dc (of every datacenter when dc is empty)
// that are up and normal (UN).
func liveOthers(st *nodetool.Status, dc, address string) int {
	count := 0
	for _, d := range st.Datacenters {
		if dc != "" && d.Name != dc {
			continue
		}
		for _, n := range d.Nodes {
			if n.Code() == "UN" && !sameAddress(n.Address, address) {
				count++
			}
		}
	}
	return count
}

// liveNodes are the other members the failure detector holds up, each with the generation the
// node holds for it, by address in Go's canonical form (Java may print an IPv6 address another
// way), sorted.
func liveNodes(st *nodetool.Status, gossip map[string]jolokia.Peer, address string) []navv1alpha1.CassandraPeer {
	var out []navv1alpha1.CassandraPeer
	for _, n := range st.Nodes() {
		if p := gossip[n.Address]; p.Alive && !sameAddress(n.Address, address) {
			out = append(out, navv1alpha1.CassandraPeer{Address: jolokia.CanonicalAddress(n.Address), Generation: p.Generation})
		}
	}
	slices.SortFunc(out, func(a, b navv1alpha1.CassandraPeer) int { return strings.Compare(a.Address, b.Address) })
	return out
}

// peersMoving: another member is not up and normal in the node's view, or its failure detector
// does not hold it up. The controller then waits on this node's view (a restarted peer seen up
// again, a joiner seen normal), so the agent observes the node as often as one in transition.
func peersMoving(st *nodetool.Status, gossip map[string]jolokia.Peer, address string) bool {
	for _, n := range st.Nodes() {
		if sameAddress(n.Address, address) {
			continue
		}
		if n.Code() != "UN" || gossip != nil && !gossip[n.Address].Alive {
			return true
		}
	}
	return false
}
