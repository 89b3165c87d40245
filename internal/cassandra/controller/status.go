package controller

import (
	"context"
	"fmt"
	"slices"
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
	old := s.cc.Status.DeepCopy()
	st := s.cc.Status.DeepCopy()
	computeStatus(s, prog, st)
	if equality.Semantic.DeepEqual(old, st) {
		return nil
	}
	return progress.Publish(ctx, r.Client, r.Recorder, s.cc, &old.ClusterCommonStatus, &st.ClusterCommonStatus, func() { s.cc.Status = *st })
}

// computeStatus fills st, keeping the transition times of unchanged conditions and the start
// times of unchanged operations.
func computeStatus(s *clusterState, prog *progress.Progress, st *navv1alpha1.CassandraClusterStatus) {
	now := metav1.NewTime(s.now)
	st.ObservedGeneration = s.cc.Generation
	st.NodePools = nil
	var notReady, unknown, down []string
	total := 0
	for _, p := range s.pools {
		ps, nr, stale := nodes.Tally(p.spec.Name, p.all())
		total += len(p.nodes)
		notReady, unknown = append(notReady, nr...), append(unknown, stale...)
		for _, n := range p.nodes {
			if f := n.facts(); f != nil {
				for _, a := range f.DownNodes {
					if !slices.Contains(down, a) {
						down = append(down, a)
					}
				}
			}
		}
		st.NodePools = append(st.NodePools, ps)
	}
	// The cluster's version changes only once every node runs it.
	if v := nodes.CommonVersion(s.all()); v != "" {
		st.Version = v
	}
	st.Nodes = members(s, st.Nodes)
	st.Operations = prog.Operations(st.Operations, now)

	gen := s.cc.Generation
	cond := func(t string, status metav1.ConditionStatus, reason, msg string) {
		meta.SetStatusCondition(&st.Conditions, metav1.Condition{Type: t, Status: status, Reason: reason, Message: msg, ObservedGeneration: gen, LastTransitionTime: now})
	}
	desiredNodes := 0
	for _, p := range s.pools {
		desiredNodes += int(p.desired())
	}
	slices.Sort(down)
	switch {
	case len(unknown) > 0:
		cond(navv1alpha1.ConditionReady, metav1.ConditionFalse, navv1alpha1.ReasonPilotsStale, "no recent report from "+strings.Join(unknown, ", "))
	case len(notReady) > 0 || total != desiredNodes:
		cond(navv1alpha1.ConditionReady, metav1.ConditionFalse, navv1alpha1.ReasonNodesNotReady, fmt.Sprintf("%d of %d nodes up and normal", total-len(notReady), desiredNodes))
	case len(down) > 0:
		cond(navv1alpha1.ConditionReady, metav1.ConditionFalse, navv1alpha1.ReasonNodesDown, "the ring has members down: "+strings.Join(down, ", "))
	default:
		cond(navv1alpha1.ConditionReady, metav1.ConditionTrue, navv1alpha1.ReasonClusterReady, fmt.Sprintf("%d nodes up and normal", total))
	}
	prog.SetProgressing(&st.Conditions, gen, now)
	unheard, unheardMsg := nodes.Unheard(s.all(), unknown)
	switch {
	case unheard != "":
		cond(navv1alpha1.ConditionDegraded, metav1.ConditionTrue, unheard, unheardMsg)
	case len(down) > 0 && prog.Reason == "":
		cond(navv1alpha1.ConditionDegraded, metav1.ConditionTrue, navv1alpha1.ReasonNodesDown, "the ring has members down: "+strings.Join(down, ", "))
	case len(notReady) > 0 && prog.Reason == "" && s.formed():
		cond(navv1alpha1.ConditionDegraded, metav1.ConditionTrue, navv1alpha1.ReasonNodesNotReady, "not up and normal: "+strings.Join(notReady, ", "))
	default:
		cond(navv1alpha1.ConditionDegraded, metav1.ConditionFalse, navv1alpha1.ReasonHealthy, "nothing is degraded")
	}
}
