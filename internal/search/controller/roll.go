package controller

import (
	"context"
	"slices"

	"github.com/navigator-dbaas/navigator/internal/controller/progress"
	"github.com/navigator-dbaas/navigator/internal/controller/rolling"
)

// roll restarts the nodes whose pods run an older revision of their StatefulSet (a version,
// configuration or restart-token change), one safe step at a time: data nodes before
// master-eligible ones (the engines' upgrade order: a newer master cannot publish to older
// nodes), each admitted by the restart predicates, each prepared by its pilot (Elasticsearch: a
// restart-type shutdown that keeps the node's shards from moving while it is away).
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
		How:             "one safe step at a time",
		Back:            "to rejoin",
		Preparing:       "preparing for restart",
		PodDeleted:      r.Dialect.Failpoints.PodDeleted,
		RestartPrepared: r.Dialect.Failpoints.RestartPrepared,
	}, s.nodes(), rolling.Upgrading(s.all(), s.c.Version), prog)
}

// restartOrder puts nodes that are not master-eligible first, then follows the pools' order
// and, within a pool, the highest ordinal first (as a StatefulSet would).
func restartOrder(s *clusterState) func(a, b *node) int {
	poolIndex := func(n *node) int { return slices.Index(s.pools, n.pool) }
	return func(a, b *node) int {
		if a.masterEligible() != b.masterEligible() {
			if a.masterEligible() {
				return 1
			}
			return -1
		}
		if d := poolIndex(a) - poolIndex(b); d != 0 {
			return d
		}
		return int(b.Ordinal - a.Ordinal)
	}
}
