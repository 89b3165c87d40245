package progress

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/controller/nodes"
)

// Progress collects, during one reconcile, what Navigator is doing and what holds it.
type Progress struct {
	Reason, Message string
	blocked         bool
	ops             []navv1alpha1.NodeOperation
	// recheck is when the clock alone changes a decision taken in this pass; zero: never.
	recheck time.Duration
}

// Set records what the cluster is doing; the first caller wins, and steps run in order of
// importance (scaling, bootstrapping, rolling).
func (p *Progress) Set(reason, message string) {
	if p.Reason == "" {
		p.Reason, p.Message = reason, message
	}
}

// Op records a node's operation; a node has at most one, the first recorded. The first
// blocked operation becomes the Progressing reason: what holds the cluster matters more than
// what it was doing.
func (p *Progress) Op(node, pool string, t navv1alpha1.OperationType, phase navv1alpha1.OperationPhase, blockedBy, message string) {
	if slices.ContainsFunc(p.ops, func(o navv1alpha1.NodeOperation) bool { return o.Node == node }) {
		return
	}
	p.ops = append(p.ops, navv1alpha1.NodeOperation{Node: node, Pool: pool, Type: t, Phase: phase, BlockedBy: blockedBy, Message: message})
	if phase == navv1alpha1.OperationBlocked && !p.blocked {
		p.blocked = true
		p.Reason, p.Message = navv1alpha1.ReasonBlocked, node+": "+message
	}
}

// Held records a node whose disruption a predicate holds: blocked, saying why, or, when the
// clock alone will let it go (v.Wait), pending until then, and the controller looks again then.
func (p *Progress) Held(node, pool string, t navv1alpha1.OperationType, v nodes.Verdict) {
	if v.Wait > 0 {
		p.Op(node, pool, t, navv1alpha1.OperationPending, "", "waits "+v.Wait.Round(time.Second).String()+": "+v.Reason)
		p.RecheckIn(v.Wait)
		return
	}
	p.Op(node, pool, t, navv1alpha1.OperationBlocked, v.Predicate, v.Reason)
}

// RecheckIn asks for another pass after d, when the clock alone changes a decision.
func (p *Progress) RecheckIn(d time.Duration) {
	if d > 0 && (p.recheck == 0 || d < p.recheck) {
		p.recheck = d
	}
}

// Recheck is how soon the controller must look again though nothing else changes; zero: no
// need.
func (p *Progress) Recheck() time.Duration { return p.recheck }

// Departing records the nodes a scale in has removed that have not finished leaving: the
// cluster is still scaling in until they are gone.
func (p *Progress) Departing(pool string, departing []nodes.Departure) {
	if len(departing) == 0 {
		return
	}
	p.Set(navv1alpha1.ReasonScalingIn, fmt.Sprintf("pool %s: waiting for %d removed node(s) to finish leaving", pool, len(departing)))
	for _, d := range departing {
		p.Op(d.Node, pool, navv1alpha1.OperationScaleIn, navv1alpha1.OperationInProgress, "", "removed from its cluster; waiting for "+d.Waiting)
	}
}

// GrowthWaits reports whether a pool growing from → to nodes must first let the nodes its last
// scale in removed finish leaving, and records that it waits: grown back over a departing
// node, the StatefulSet controller may never create that node's pod (see
// nodes.Reader.Departing).
func (p *Progress) GrowthWaits(pool string, from, to int32, departing []nodes.Departure) bool {
	if to <= from || len(departing) == 0 {
		return false
	}
	names := make([]string, len(departing))
	for i, d := range departing {
		names[i] = d.Node
	}
	p.Set(navv1alpha1.ReasonScalingOut, fmt.Sprintf("pool %s: %d → %d nodes once the node(s) the last scale in removed have finished leaving: %s",
		pool, from, to, strings.Join(names, ", ")))
	return true
}

// Operations returns the recorded operations sorted by node, each keeping the since-time of
// the same operation in the same phase in prev.
func (p *Progress) Operations(prev []navv1alpha1.NodeOperation, now metav1.Time) []navv1alpha1.NodeOperation {
	ops := slices.Clone(p.ops)
	for i := range ops {
		ops[i].Since = &now
		if j := slices.IndexFunc(prev, func(o navv1alpha1.NodeOperation) bool { return o.Node == ops[i].Node }); j >= 0 {
			if o := prev[j]; o.Type == ops[i].Type && o.Phase == ops[i].Phase && o.Since != nil {
				ops[i].Since = o.Since
			}
		}
	}
	slices.SortFunc(ops, func(a, b navv1alpha1.NodeOperation) int { return strings.Compare(a.Node, b.Node) })
	return ops
}

// SetProgressing sets the Progressing condition: False and Idle when nothing is under way,
// False with Paused while paused (nothing progresses), True otherwise.
func (p *Progress) SetProgressing(conds *[]metav1.Condition, generation int64, now metav1.Time) {
	c := metav1.Condition{Type: navv1alpha1.ConditionProgressing, ObservedGeneration: generation, LastTransitionTime: now,
		Status: metav1.ConditionTrue, Reason: p.Reason, Message: p.Message}
	switch p.Reason {
	case "":
		c.Status, c.Reason, c.Message = metav1.ConditionFalse, navv1alpha1.ReasonIdle, "the cluster matches its spec"
	case navv1alpha1.ReasonPaused:
		c.Status = metav1.ConditionFalse
	}
	meta.SetStatusCondition(conds, c)
}
