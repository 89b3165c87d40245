package controller

import (
	"slices"
	"strings"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
)

// members updates the record of ring members from the nodes' fresh reports:
//   - a node up and normal is recorded with its host id and address, which is how a later pod
//     of the same name that lost its disk knows whom it replaces;
//   - a node that joined the ring for the first time (not as a replacement) took ranges from the
//     other members of its datacenter, which then need a cleanup;
//   - a node started as a replacement shows the address it replaces until it is up;
//   - nodes the StatefulSets no longer run (decommissioned) are forgotten.
func members(s *clusterState, prev []navv1alpha1.CassandraNodeStatus) []navv1alpha1.CassandraNodeStatus {
	out := slices.Clone(prev)
	byName := func(name string) int {
		return slices.IndexFunc(out, func(m navv1alpha1.CassandraNodeStatus) bool { return m.Name == name })
	}
	hadMembers := len(prev) > 0
	for _, n := range s.nodes() {
		replacing := ""
		if n.Pilot != nil && n.Pilot.Spec.Cassandra != nil {
			replacing = n.Pilot.Spec.Cassandra.ReplaceAddress
		}
		i := byName(n.Name)
		if !n.Ready() || n.Pilot.Status.Node.ID == "" {
			if i >= 0 && replacing != "" && n.Started() {
				out[i].ReplacedAddress = replacing
			}
			continue
		}
		m := navv1alpha1.CassandraNodeStatus{Name: n.Name, HostID: n.Pilot.Status.Node.ID, Address: n.Pilot.Status.Node.Address}
		if i < 0 {
			out = append(out, m)
			if hadMembers {
				for j := range out {
					if out[j].Name != n.Name && datacenterOf(s, out[j].Name) == n.pool.datacenter() {
						out[j].CleanupPending = true
					}
				}
			}
			continue
		}
		m.CleanupPending = out[i].CleanupPending && !slices.Contains(s.cleaned, n.Name)
		out[i] = m
	}
	running := map[string]bool{}
	for _, n := range s.nodes() {
		running[n.Name] = true
	}
	out = slices.DeleteFunc(out, func(m navv1alpha1.CassandraNodeStatus) bool { return !running[m.Name] })
	slices.SortFunc(out, func(a, b navv1alpha1.CassandraNodeStatus) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// datacenterOf is the datacenter of the pool running the named node.
func datacenterOf(s *clusterState, name string) string {
	for _, n := range s.nodes() {
		if n.Name == name {
			return n.pool.datacenter()
		}
	}
	return ""
}
