package controller

import (
	"context"
	"slices"
	"strings"

	"github.com/navigator-dbaas/navigator/internal/controller/progress"
	"github.com/navigator-dbaas/navigator/internal/controller/rolling"
	"github.com/navigator-dbaas/navigator/internal/failpoint"
)

// roll restarts the nodes whose pods run an older revision of their StatefulSet (a version,
// configuration or restart-token change) rack by rack, each admitted by the restart
// predicates, each drained (nodetool drain: memtables flushed, no more writes accepted) before
// its pod is deleted, the next one only once the restarted node is up and normal again.
func (r *Reconciler) roll(ctx context.Context, s *clusterState, prog *progress.Progress) error {
	if !s.formed() {
		return nil
	}
	for _, p := range s.pools {
		if !rolling.PoolSettled(p.sts, p.desired()) {
			return nil
		}
	}
	return rolling.Step(ctx, r.Client, rolling.Engine[*node]{
		Order:           restartOrder(s),
		MayRestart:      func(c *node, inFlight []*node) verdict { return mayRestart(s, c, inFlight) },
		Pool:            func(n *node) string { return n.pool.spec.Name },
		How:             "rack by rack",
		Back:            "to be up and normal",
		Preparing:       "draining",
		PodDeleted:      failpoint.CassandraPodDeleted,
		RestartPrepared: failpoint.CassandraRestartPrepared,
	}, s.nodes(), rolling.Upgrading(s.all(), s.cc.Spec.Version), prog)
}

// restartOrder goes datacenter by datacenter and rack by rack, in the order the spec names them,
// and within a rack from the highest ordinal down, as a StatefulSet would.
func restartOrder(s *clusterState) func(a, b *node) int {
	dcs := []string{}
	for _, p := range s.pools {
		if !slices.Contains(dcs, p.datacenter()) {
			dcs = append(dcs, p.datacenter())
		}
	}
	return func(a, b *node) int {
		if d := slices.Index(dcs, a.pool.datacenter()) - slices.Index(dcs, b.pool.datacenter()); d != 0 {
			return d
		}
		if d := strings.Compare(a.pool.rack(), b.pool.rack()); d != 0 {
			return d
		}
		if d := slices.Index(s.pools, a.pool) - slices.Index(s.pools, b.pool); d != 0 {
			return d
		}
		return int(b.Ordinal - a.Ordinal)
	}
}

// joined: the node's database runs and its fresh report says it is up and normal.
func joined(n *node) bool { return n.Ready() && n.Started() }
