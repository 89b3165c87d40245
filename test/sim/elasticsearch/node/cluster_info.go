package node

import (
	"context"
	"sync"
	"time"

	"github.com/navigator-dbaas/navigator/test/sim/elasticsearch/cluster"
)

// refreshClusterInfo is the elected master's InternalClusterInfoService, which feeds the
// disk-based allocation: every cluster.info.update.interval (30s, or Timing.ClusterInfo), and at
// once when a data node has joined whose usage it does not know (ES refreshes on nodes added),
// it asks each data node for its data path's total and available bytes (the nodes stats' fs
// section) and gives the allocation model the answers, rerouting when they changed. A node that
// does not answer keeps its last usage.
func (n *Node) refreshClusterInfo(ctx context.Context) {
	st, r, _ := n.snapshot()
	if r != leader {
		n.infoAt = time.Time{} // a master elected later collects at once
		return
	}
	interval := n.opts.Timing.ClusterInfo
	if v, ok := effective(st)["cluster.info.update.interval"]; ok {
		if d, err := parseTime(v); err == nil {
			interval = d
		}
	}
	unknown := false
	for _, node := range st.Allocation.Nodes {
		unknown = unknown || node.Data && node.Disk == nil
	}
	if !unknown && time.Since(n.infoAt) < interval {
		return
	}
	n.infoAt = time.Now()
	var mu sync.Mutex
	var wg sync.WaitGroup
	usages := map[string]cluster.DiskUsage{}
	for id, node := range st.Allocation.Nodes {
		member, ok := st.Nodes[id]
		if !node.Data || !ok {
			continue
		}
		wg.Go(func() {
			var s nodeStats
			if err := n.call(ctx, member.Transport, actNodeStats, struct{}{}, &s); err != nil || s.DiskTotal == 0 {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			usages[id] = cluster.DiskUsage{Total: s.DiskTotal, Free: s.DiskFree}
		})
	}
	wg.Wait()
	_, _ = n.change(ctx, func(s *ClusterState) error {
		changed := false
		for id, u := range usages {
			if node, ok := s.Allocation.Nodes[id]; ok && (node.Disk == nil || *node.Disk != u) {
				node.Disk = &u
				changed = true
			}
		}
		if !changed {
			return errNoChange
		}
		s.Allocation.Reroute(time.Now())
		return nil
	})
}
