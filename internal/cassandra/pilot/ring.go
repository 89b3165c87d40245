package pilot

import (
	"net/netip"
	"slices"

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
