package rolling

import (
	"context"
	"fmt"
	"slices"

	appsv1 "k8s.io/api/apps/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/controller/nodes"
	"github.com/navigator-dbaas/navigator/internal/controller/objects"
	"github.com/navigator-dbaas/navigator/internal/controller/progress"
	"github.com/navigator-dbaas/navigator/internal/failpoint"
)

// Engine is what a rolling restart needs from an engine.
type Engine[N nodes.Candidate] struct {
	// Order sorts the outdated nodes into the order they restart in.
	Order func(a, b N) int
	// MayRestart runs the engine's restart predicates for candidate while inFlight are down.
	MayRestart func(candidate N, inFlight []N) nodes.Verdict
	// Pool names a node's pool.
	Pool func(N) string
	// How ends the progress message "N node(s) to restart, …".
	How string
	// Back is what a restarted node is awaited for, after "waiting for the node ".
	Back string
	// Preparing names PrepareRestart as the engine carries it out ("draining").
	Preparing string
	// PodDeleted and RestartPrepared are the failpoints after those two writes.
	PodDeleted, RestartPrepared failpoint.Name
}

// PoolSettled reports whether a pool's StatefulSet has seen its latest template and runs its
// declared size: until it has, revisions mean nothing, and while a pool is resized, scaling
// goes first.
func PoolSettled(sts *appsv1.StatefulSet, desired int32) bool {
	return sts != nil && sts.Status.ObservedGeneration >= sts.Generation && sts.Spec.Replicas != nil && *sts.Spec.Replicas == desired
}

// Step takes the rolling restart of all one step further: it restarts the nodes whose
// preparation is done (and those not in their cluster, which have nothing to prepare), then
// admits the next outdated nodes in order, each asked to prepare, until a predicate holds one.
// upgrading says whether the restart changes the version, as the operation type reports it.
func Step[N nodes.Candidate](ctx context.Context, kc client.Client, e Engine[N], all []N, upgrading bool, prog *progress.Progress) error {
	outdated, inFlight := nodes.Rolling(all)
	if len(outdated) == 0 {
		return nil
	}
	opType, reason := navv1alpha1.OperationRestart, navv1alpha1.ReasonRollingRestart
	if upgrading {
		opType, reason = navv1alpha1.OperationUpgrade, navv1alpha1.ReasonUpgrading
	}
	prog.Set(reason, fmt.Sprintf("%d node(s) to restart, %s", len(outdated), e.How))
	op := func(n N, msg string) {
		prog.Op(n.Base().Name, e.Pool(n), opType, navv1alpha1.OperationInProgress, "", msg)
	}
	for _, c := range inFlight {
		n := c.Base()
		switch {
		case n.Pod == nil:
			op(c, "waiting for the pod to be recreated")
		case n.Updated:
			op(c, "waiting for the node "+e.Back)
		case n.ActionDone(navv1alpha1.ActionPrepareRestart) || !joined(n):
			// A node that has dropped out of its cluster cannot prepare (Elasticsearch
			// registers the shutdown through the master, a drain needs the node up), and
			// serves nothing the cluster could lose by the restart: restart it rather than wait.
			if err := objects.DeletePod(ctx, kc, n.Pod, e.PodDeleted); err != nil {
				return err
			}
			op(c, "restarting")
		default:
			op(c, e.Preparing+": "+n.ActionMessage())
		}
	}
	slices.SortStableFunc(outdated, e.Order)
	for i, cand := range outdated {
		if slices.ContainsFunc(inFlight, func(f N) bool { return f.Base() == cand.Base() }) {
			continue
		}
		if v := e.MayRestart(cand, inFlight); !v.OK {
			prog.Held(cand.Base().Name, e.Pool(cand), opType, v)
			for _, rest := range outdated[i+1:] {
				prog.Op(rest.Base().Name, e.Pool(rest), opType, navv1alpha1.OperationPending, "", "waits for its turn")
			}
			return nil
		}
		n := cand.Base()
		if !joined(n) {
			// Nothing to prepare on a node that is not in its cluster (not running, not
			// joined, or silent): restart it into the new revision.
			if err := objects.DeletePod(ctx, kc, n.Pod, e.PodDeleted); err != nil {
				return err
			}
			op(cand, "restarting a node that had not joined its cluster")
		} else {
			if err := objects.PatchPilot(ctx, kc, n.Pilot, e.RestartPrepared, func(sp *navv1alpha1.PilotSpec) { sp.Action = navv1alpha1.ActionPrepareRestart }); err != nil {
				return err
			}
			op(cand, e.Preparing+" before the restart")
		}
		inFlight = append(inFlight, cand)
	}
	return nil
}

// Upgrading reports whether some node reports a version other than the spec's.
func Upgrading(all []*nodes.Node, version string) bool {
	return slices.ContainsFunc(all, func(n *nodes.Node) bool {
		return n.Pilot != nil && n.Pilot.Status.Version != "" && n.Pilot.Status.Version != version
	})
}

// joined: the node's database runs, its start gate is open, and its fresh report says it
// serves in its cluster.
func joined(n *nodes.Node) bool { return n.Ready() && n.Started() }
