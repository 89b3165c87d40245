package controller

import (
	"context"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/controller/nodes"
	"github.com/navigator-dbaas/navigator/internal/controller/progress"
)

// writeStatus computes the status from what was read and done, and writes it only when it
// differs from the stored one: a settled cluster costs no status writes.
func (r *Reconciler) writeStatus(ctx context.Context, s *clusterState, prog *progress.Progress) error {
	old := s.c.Status.DeepCopy()
	st := s.c.Status.DeepCopy()
	computeStatus(s, prog, st)
	if equality.Semantic.DeepEqual(old, st) {
		return nil
	}
	return progress.Publish(ctx, r.Client, r.Recorder, s.c.Object, &old.ClusterCommonStatus, &st.ClusterCommonStatus, func() { *s.c.Status = *st })
}

// computeStatus fills st, keeping the transition times of unchanged conditions and the start
// times of unchanged operations.
func computeStatus(s *clusterState, prog *progress.Progress, st *navv1alpha1.SearchClusterStatus) {
	now := metav1.NewTime(s.now)
	st.ObservedGeneration = s.c.Meta.Generation
	st.Health = s.health()
	st.NodePools = nil
	var notReady, unknown []string
	total := 0
	for _, p := range s.pools {
		ps, nr, stale := nodes.Tally(p.spec.Name, p.all())
		total += len(p.nodes)
		notReady, unknown = append(notReady, nr...), append(unknown, stale...)
		st.NodePools = append(st.NodePools, ps)
	}
	// The cluster's version changes only once every node runs it.
	if v := nodes.CommonVersion(s.all()); v != "" {
		st.Version = v
	}

	st.Operations = prog.Operations(st.Operations, now)

	gen := s.c.Meta.Generation
	cond := func(t string, status metav1.ConditionStatus, reason, msg string) {
		meta.SetStatusCondition(&st.Conditions, metav1.Condition{Type: t, Status: status, Reason: reason, Message: msg, ObservedGeneration: gen, LastTransitionTime: now})
	}
	desiredNodes := 0
	for _, p := range s.pools {
		desiredNodes += int(p.desired())
	}
	switch {
	case len(unknown) > 0:
		cond(navv1alpha1.ConditionReady, metav1.ConditionFalse, navv1alpha1.ReasonPilotsStale, "no recent report from "+strings.Join(unknown, ", "))
	case len(notReady) > 0 || total != desiredNodes:
		cond(navv1alpha1.ConditionReady, metav1.ConditionFalse, navv1alpha1.ReasonNodesNotReady, fmt.Sprintf("%d of %d nodes ready", total-len(notReady), desiredNodes))
	case st.Health != navv1alpha1.HealthGreen:
		cond(navv1alpha1.ConditionReady, metav1.ConditionFalse, healthReason(st.Health), fmt.Sprintf("cluster health is %s", st.Health))
	default:
		cond(navv1alpha1.ConditionReady, metav1.ConditionTrue, navv1alpha1.ReasonClusterReady, fmt.Sprintf("%d nodes ready, cluster green", total))
	}
	prog.SetProgressing(&st.Conditions, gen, now)
	unheard, unheardMsg := nodes.Unheard(s.all(), unknown)
	switch {
	case unheard != "":
		cond(navv1alpha1.ConditionDegraded, metav1.ConditionTrue, unheard, unheardMsg)
	case st.Health == navv1alpha1.HealthRed:
		cond(navv1alpha1.ConditionDegraded, metav1.ConditionTrue, navv1alpha1.ReasonHealthRed, "some primary shards are unassigned: their data cannot be read")
	case st.Health == navv1alpha1.HealthYellow && prog.Reason == "":
		cond(navv1alpha1.ConditionDegraded, metav1.ConditionTrue, navv1alpha1.ReasonHealthYellow, "some replica shards are unassigned")
	case len(notReady) > 0 && prog.Reason == "" && s.formed():
		cond(navv1alpha1.ConditionDegraded, metav1.ConditionTrue, navv1alpha1.ReasonNodesNotReady, "not ready: "+strings.Join(notReady, ", "))
	default:
		cond(navv1alpha1.ConditionDegraded, metav1.ConditionFalse, navv1alpha1.ReasonHealthy, "nothing is degraded")
	}
}

func healthReason(h navv1alpha1.SearchHealth) string {
	switch h {
	case navv1alpha1.HealthYellow:
		return navv1alpha1.ReasonHealthYellow
	case navv1alpha1.HealthRed:
		return navv1alpha1.ReasonHealthRed
	}
	return navv1alpha1.ReasonNodesNotReady
}
