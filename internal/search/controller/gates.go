package controller

import (
	"context"
	"fmt"
	"slices"
	"strings"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/controller/objects"
	"github.com/navigator-dbaas/navigator/internal/controller/progress"
)

// openGates lets announced nodes start. A brand-new cluster waits until every master-eligible
// node it starts with has announced itself, then gives each of them the same initial master
// (cluster manager) nodes, so that exactly one cluster forms; nodes of a formed cluster (or one
// whose nodes already hold data) start as soon as they are announced, and join.
func (r *Reconciler) openGates(ctx context.Context, s *clusterState, prog *progress.Progress) error {
	var initial []string
	if !s.formed() {
		var missing []string
		for _, n := range s.nodes() {
			if !n.masterEligible() || n.Ordinal >= n.pool.desired() {
				continue
			}
			initial = append(initial, n.Name)
			if n.Pilot == nil || n.Pilot.Status.LastHeartbeatTime == nil {
				missing = append(missing, n.Name)
			}
		}
		if len(initial) == 0 {
			prog.Set(navv1alpha1.ReasonBootstrapping, "waiting for the "+r.Dialect.Eligible+" nodes' pods to be created")
			return nil
		}
		if len(missing) > 0 {
			prog.Set(navv1alpha1.ReasonBootstrapping, "waiting for the pilots of "+strings.Join(missing, ", ")+" to announce their nodes")
			return nil
		}
		slices.Sort(initial)
		prog.Set(navv1alpha1.ReasonBootstrapping, fmt.Sprintf("forming a new cluster from the %s nodes %s", r.Dialect.Eligible, strings.Join(initial, ", ")))
	}
	for _, n := range s.nodes() {
		if n.Pilot == nil || n.Pilot.Spec.Start {
			continue
		}
		err := objects.PatchPilot(ctx, r.Client, n.Pilot, r.Dialect.Failpoints.GateOpened, func(sp *navv1alpha1.PilotSpec) {
			sp.Start = true
			if initial != nil && n.masterEligible() {
				r.Dialect.Bootstrap(sp, initial)
			} else {
				r.Dialect.Bootstrap(sp, nil)
			}
		})
		if err != nil {
			return err
		}
	}
	return nil
}
