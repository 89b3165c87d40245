package controller

import (
	"context"
	"fmt"
	"slices"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/controller/nodes"
	"github.com/navigator-dbaas/navigator/internal/controller/objects"
	"github.com/navigator-dbaas/navigator/internal/controller/progress"
	"github.com/navigator-dbaas/navigator/internal/failpoint"
)

// roll restarts the nodes whose pods run an older revision of their StatefulSet (a version,
// configuration or restart-token change), one safe step at a time: data nodes before
// master-eligible ones (Elasticsearch's upgrade order: a newer master cannot publish to older
// nodes), each admitted by the restart predicates, each preceded by a restart-type shutdown
// that keeps Elasticsearch from moving the node's shards while it is away.
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
	prog.Set(reason, fmt.Sprintf("%d node(s) to restart, one safe step at a time", len(outdated)))
	for _, n := range inFlight {
		switch {
		case n.Pod == nil:
			prog.Op(n.Name, n.pool.spec.Name, opType, navv1alpha1.OperationInProgress, "", "waiting for the pod to be recreated")
		case n.Updated:
			prog.Op(n.Name, n.pool.spec.Name, opType, navv1alpha1.OperationInProgress, "", "waiting for the node to rejoin")
		case n.ActionDone(navv1alpha1.ActionPrepareRestart) || !joined(n):
			// A node that has dropped out of its cluster cannot register its restart (that
			// goes through the master), and serves nothing the cluster could lose by the
			// restart: restart it rather than wait.
			if err := objects.DeletePod(ctx, r.Client, n.Pod, failpoint.ElasticsearchPodDeleted); err != nil {
				return err
			}
			prog.Op(n.Name, n.pool.spec.Name, opType, navv1alpha1.OperationInProgress, "", "restarting")
		default:
			prog.Op(n.Name, n.pool.spec.Name, opType, navv1alpha1.OperationInProgress, "", "preparing for restart: "+actionMessage(n))
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
			// Nothing to prepare on a node that is not in its cluster (not running, not
			// joined, or silent): restart it into the new revision.
			if err := objects.DeletePod(ctx, r.Client, c.Pod, failpoint.ElasticsearchPodDeleted); err != nil {
				return err
			}
			prog.Op(c.Name, c.pool.spec.Name, opType, navv1alpha1.OperationInProgress, "", "restarting a node that had not joined its cluster")
		} else {
			if err := objects.PatchPilot(ctx, r.Client, c.Pilot, failpoint.ElasticsearchRestartPrepared, func(sp *navv1alpha1.PilotSpec) { sp.Action = navv1alpha1.ActionPrepareRestart }); err != nil {
				return err
			}
			prog.Op(c.Name, c.pool.spec.Name, opType, navv1alpha1.OperationInProgress, "", "preparing for restart")
		}
		inFlight = append(inFlight, c)
	}
	return nil
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

// joined: the node's database runs and its fresh report says it serves in its cluster.
func joined(n *node) bool {
	return n.Ready() && n.Pilot != nil && n.Pilot.Spec.Start
}

func actionMessage(n *node) string {
	if n.Pilot != nil && n.Pilot.Status.Action != nil && n.Pilot.Status.Action.Message != "" {
		return n.Pilot.Status.Action.Message
	}
	return "waiting for the pilot"
}

// upgrading: some node reports a version other than the spec's.
func (s *clusterState) upgrading() bool {
	for _, n := range s.nodes() {
		if n.Pilot != nil && n.Pilot.Status.Version != "" && n.Pilot.Status.Version != s.esc.Spec.Version {
			return true
		}
	}
	return false
}
