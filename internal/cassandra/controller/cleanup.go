package controller

import (
	"context"
	"slices"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/controller/objects"
	"github.com/navigator-dbaas/navigator/internal/controller/progress"
	"github.com/navigator-dbaas/navigator/internal/failpoint"
)

// cleanup runs nodetool cleanup, one node at a time, on the nodes that kept rows of ranges a
// newly joined node took over: until then those rows take disk space, and would come back to
// life as stale data if the ranges ever moved back. It runs only on a settled ring (a cleanup
// during a stream would race it) and never during a scale or a rolling restart.
func (r *Reconciler) cleanup(ctx context.Context, s *clusterState, prog *progress.Progress) error {
	// A finished cleanup is acknowledged first, whatever else happens.
	var running *node
	for _, n := range s.nodes() {
		if n.Pilot == nil || n.Pilot.Spec.Action != navv1alpha1.ActionCleanup {
			continue
		}
		if n.ActionDone(navv1alpha1.ActionCleanup) {
			s.cleaned = append(s.cleaned, n.Name)
			if err := objects.PatchPilot(ctx, r.Client, n.Pilot, failpoint.CassandraCleanupCleared, func(sp *navv1alpha1.PilotSpec) { sp.Action = navv1alpha1.ActionNone }); err != nil {
				return err
			}
			continue
		}
		running = n
	}
	if running != nil {
		prog.Set(navv1alpha1.ReasonScalingOut, "cleaning up after the scale out")
		prog.Op(running.Name, running.pool.spec.Name, navv1alpha1.OperationCleanup, navv1alpha1.OperationInProgress, "", "nodetool cleanup: "+running.ActionMessage())
		return nil
	}
	if prog.Reason != "" {
		return nil // something more important is under way
	}
	for _, n := range s.nodes() {
		m := s.member(n.Name)
		if m == nil || !m.CleanupPending || slices.Contains(s.cleaned, n.Name) {
			continue
		}
		if busy := rangeMovement(s, nil); busy != "" {
			prog.Op(n.Name, n.pool.spec.Name, navv1alpha1.OperationCleanup, navv1alpha1.OperationPending, "", "waits: "+busy)
			return nil
		}
		if !joined(n) {
			continue
		}
		prog.Set(navv1alpha1.ReasonScalingOut, "cleaning up after the scale out")
		prog.Op(n.Name, n.pool.spec.Name, navv1alpha1.OperationCleanup, navv1alpha1.OperationInProgress, "", "asked to run nodetool cleanup")
		return objects.PatchPilot(ctx, r.Client, n.Pilot, failpoint.CassandraCleanupAsked, func(sp *navv1alpha1.PilotSpec) { sp.Action = navv1alpha1.ActionCleanup })
	}
	return nil
}
