package controller

import (
	"context"
	"fmt"
	"slices"
	"strings"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/controller/nodes"
	"github.com/navigator-dbaas/navigator/internal/controller/objects"
	"github.com/navigator-dbaas/navigator/internal/controller/progress"
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
		// Until the StatefulSet controller has seen the latest template, revisions mean nothing;
		// while a pool is resized, scaling goes first.
		if p.sts == nil || p.sts.Status.ObservedGeneration < p.sts.Generation || p.current() != p.desired() {
			return nil
		}
	}
	outdated, inFlight := nodes.Rolling(s.nodes())
	if len(outdated) == 0 {
		return nil
	}
	opType, reason := navv1alpha1.OperationRestart, navv1alpha1.ReasonRollingRestart
	if s.upgrading() {
		opType, reason = navv1alpha1.OperationUpgrade, navv1alpha1.ReasonUpgrading
	}
	prog.Set(reason, fmt.Sprintf("%d node(s) to restart, rack by rack", len(outdated)))
	for _, n := range inFlight {
		op := func(msg string) { prog.Op(n.Name, n.pool.spec.Name, opType, navv1alpha1.OperationInProgress, "", msg) }
		switch {
		case n.Pod == nil:
			op("waiting for the pod to be recreated")
		case n.Updated:
			op("waiting for the node to be up and normal")
		case n.ActionDone(navv1alpha1.ActionPrepareRestart) || !joined(n):
			if err := objects.DeletePod(ctx, r.Client, n.Pod, failpoint.CassandraPodDeleted); err != nil {
				return err
			}
			op("restarting")
		default:
			op("draining: " + n.ActionMessage())
		}
	}
	slices.SortStableFunc(outdated, restartOrder(s))
	for i, c := range outdated {
		if slices.Contains(inFlight, c) {
			continue
		}
		if v := mayRestart(s, c, inFlight); !v.OK {
			prog.Held(c.Name, c.pool.spec.Name, opType, v)
			for _, rest := range outdated[i+1:] {
				prog.Op(rest.Name, rest.pool.spec.Name, opType, navv1alpha1.OperationPending, "", "waits for its turn")
			}
			return nil
		}
		if !joined(c) {
			// Nothing to drain on a node that does not run or has not joined: restart it into
			// the new revision.
			if err := objects.DeletePod(ctx, r.Client, c.Pod, failpoint.CassandraPodDeleted); err != nil {
				return err
			}
			prog.Op(c.Name, c.pool.spec.Name, opType, navv1alpha1.OperationInProgress, "", "restarting a node that had not joined the ring")
		} else {
			if err := objects.PatchPilot(ctx, r.Client, c.Pilot, failpoint.CassandraRestartPrepared, func(sp *navv1alpha1.PilotSpec) { sp.Action = navv1alpha1.ActionPrepareRestart }); err != nil {
				return err
			}
			prog.Op(c.Name, c.pool.spec.Name, opType, navv1alpha1.OperationInProgress, "", "draining before the restart")
		}
		inFlight = append(inFlight, c)
	}
	return nil
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

// upgrading: some node reports a version other than the spec's.
func (s *clusterState) upgrading() bool {
	return slices.ContainsFunc(s.nodes(), func(n *node) bool {
		return n.Pilot != nil && n.Pilot.Status.Version != "" && n.Pilot.Status.Version != s.cc.Spec.Version
	})
}
