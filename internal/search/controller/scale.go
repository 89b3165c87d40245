package controller

import (
	"context"
	"fmt"
	"slices"
	"strings"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/controller/objects"
	"github.com/navigator-dbaas/navigator/internal/controller/pilot"
	"github.com/navigator-dbaas/navigator/internal/controller/progress"
)

// Names of the scale-in predicates, as status.operations[].blockedBy reports them.
const (
	PredicatePilotReporting       = "PilotReporting"
	PredicateDataHasSomewhereToGo = "DataHasSomewhereToGo"
	PredicateShardsCanMove        = "ShardsCanMove"
	PredicateOneMasterAtATime     = "OneMasterAtATime"
)

// scale brings every pool's StatefulSet to its declared size: up at once, down only as the
// leaving nodes report their data moved away.
func (r *Reconciler) scale(ctx context.Context, s *clusterState, prog *progress.Progress) error {
	for _, p := range s.pools {
		want, cur := p.desired(), p.current()
		regrowLater := prog.GrowthWaits(p.spec.Name, cur, want, p.departing)
		prog.Departing(p.spec.Name, p.departing)
		// A node asked to leave that the spec keeps again (the user raised replicas back)
		// stays: once its Pilot no longer asks to Leave, its pilot lifts what kept shards off it
		// (a remove-type shutdown, an allocation exclusion) and the master's pilot its voting
		// exclusion, and it takes shards again.
		for _, n := range p.nodes {
			if n.Ordinal < want && n.Pilot != nil && n.Pilot.Spec.Action == navv1alpha1.ActionLeave {
				if err := objects.PatchPilot(ctx, r.Client, n.Pilot, r.Dialect.Failpoints.LeaveWithdrawn, func(sp *navv1alpha1.PilotSpec) { sp.Action = navv1alpha1.ActionNone }); err != nil {
					return err
				}
			}
		}
		switch {
		case regrowLater:
		case want > cur:
			if err := objects.SetReplicas(ctx, r.Client, p.sts, want, r.Dialect.Failpoints.Grown); err != nil {
				return err
			}
			prog.Set(navv1alpha1.ReasonScalingOut, fmt.Sprintf("pool %s: %d → %d nodes", p.spec.Name, cur, want))
		case want < cur:
			if err := r.scaleIn(ctx, s, p, prog); err != nil {
				return err
			}
		}
	}
	return nil
}

// scaleIn asks the pool's leaving nodes (the highest ordinals) to move their data away, and
// shrinks the StatefulSet past each node once its pilot reports it empty. Master-eligible
// nodes leave one at a time, each while every other master-eligible node is ready, so the
// voting configuration shrinks one exclusion at a time and never loses its quorum.
func (r *Reconciler) scaleIn(ctx context.Context, s *clusterState, p *poolState, prog *progress.Progress) error {
	want := p.desired()
	leaving := p.nodes[want:]
	prog.Set(navv1alpha1.ReasonScalingIn, fmt.Sprintf("pool %s: %d → %d nodes, moving data off %d node(s) first", p.spec.Name, p.current(), want, len(leaving)))
	if blocked := noDataDestination(s, p, leaving); blocked != "" {
		for _, n := range leaving {
			prog.Op(n.Name, n.pool.spec.Name, navv1alpha1.OperationScaleIn, navv1alpha1.OperationBlocked, PredicateDataHasSomewhereToGo, blocked)
		}
		return nil
	}
	done := make([]bool, len(leaving))
	masterBusy := false
	// Highest ordinal first: it is the one the StatefulSet removes first.
	for i := len(leaving) - 1; i >= 0; i-- {
		n := leaving[i]
		if empty, why := neverStarted(n); empty {
			done[i] = true
			continue
		} else if why != "" {
			prog.Op(n.Name, n.pool.spec.Name, navv1alpha1.OperationScaleIn, navv1alpha1.OperationBlocked, PredicatePilotReporting, why)
			continue
		}
		if n.ActionDone(navv1alpha1.ActionLeave) {
			done[i] = true
			continue
		}
		if n.masterEligible() {
			if masterBusy {
				prog.Op(n.Name, n.pool.spec.Name, navv1alpha1.OperationScaleIn, navv1alpha1.OperationPending, "", "waits for the "+r.Dialect.Eligible+" node before it to leave")
				continue
			}
			masterBusy = true
			if others := notReadyMasters(s, n); len(others) > 0 && n.Pilot.Spec.Action != navv1alpha1.ActionLeave {
				prog.Op(n.Name, n.pool.spec.Name, navv1alpha1.OperationScaleIn, navv1alpha1.OperationBlocked, PredicateOneMasterAtATime,
					r.Dialect.Eligible+" nodes not ready: "+strings.Join(others, ", ")+"; one leaves only while every other one serves")
				continue
			}
		}
		if err := objects.PatchPilot(ctx, r.Client, n.Pilot, r.Dialect.Failpoints.LeaveAsked, func(sp *navv1alpha1.PilotSpec) { sp.Action = navv1alpha1.ActionLeave }); err != nil {
			return err
		}
		phase, by, msg := leavePhase(r.Dialect.Product, n)
		prog.Op(n.Name, n.pool.spec.Name, navv1alpha1.OperationScaleIn, phase, by, msg)
	}
	// Shrink past the longest run of finished nodes at the top.
	next := p.current()
	for i := len(leaving) - 1; i >= 0 && done[i]; i-- {
		next = leaving[i].Ordinal
	}
	if next < p.current() {
		return objects.SetReplicas(ctx, r.Client, p.sts, next, r.Dialect.Failpoints.Shrunk)
	}
	return nil
}

// leavePhase turns the pilot's report on a Leave into the operation's phase and message: a
// stalled drain (Elasticsearch's STALLED shutdown, OpenSearch's copies that cannot move: the
// shards have nowhere to go) is a blocked scale in.
func leavePhase(product string, n *node) (navv1alpha1.OperationPhase, string, string) {
	if n.State == pilot.NodeUnknown {
		return navv1alpha1.OperationBlocked, PredicatePilotReporting, "the pilot has not reported recently; its data cannot be confirmed moved"
	}
	if f := n.facts; f != nil && f.Stalled != "" {
		return navv1alpha1.OperationBlocked, PredicateShardsCanMove, product + " cannot move the node's shards: " + f.Stalled
	}
	msg := "asked to leave; waiting for its shards to move away"
	if a := n.Pilot.Status.Action; a != nil && a.Action == navv1alpha1.ActionLeave && a.Message != "" {
		msg = a.Message
	}
	return navv1alpha1.OperationInProgress, "", msg
}

// neverStarted reports whether a leaving node can go without draining: it never started and
// holds no data. why is set when the node's state cannot be known.
func neverStarted(n *node) (bool, string) {
	if n.Pod == nil {
		return false, "the pod is missing; waiting for it to come back and report"
	}
	if n.Pilot == nil || n.State == pilot.NodeUnknown {
		return false, "the pilot has not reported recently; its data cannot be confirmed moved"
	}
	return !n.Pilot.Spec.Start && !n.Pilot.Status.Node.HoldsData, ""
}

// noDataDestination says why the leaving nodes' shards would have nowhere to go: no node that
// may hold shards stays in the cluster.
func noDataDestination(s *clusterState, p *poolState, leaving []*node) string {
	if !p.spec.HoldsShards || !slices.ContainsFunc(leaving, func(n *node) bool { return n.shards() != 0 }) {
		return ""
	}
	for _, q := range s.pools {
		if q.spec.HoldsShards && min(q.desired(), q.current()) > 0 {
			return ""
		}
	}
	return fmt.Sprintf("no node that can hold shards would remain: pool %s keeps %d node(s) and no other pool has a data role", p.spec.Name, p.desired())
}

func notReadyMasters(s *clusterState, except *node) []string {
	var out []string
	for _, n := range s.nodes() {
		if n != except && n.masterEligible() && !n.Ready() {
			out = append(out, n.Name)
		}
	}
	return out
}
