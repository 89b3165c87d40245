package elasticsearch

import (
	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
)

// progress collects, during one reconcile, what Navigator is doing and what holds it: the
// Progressing condition's reason and message, and one operation per node.
type progress struct {
	reason, message string
	blocked         bool
	ops             []navv1alpha1.NodeOperation
}

func newProgress() *progress { return &progress{} }

// set records what the cluster is doing; the first caller wins, and steps run in order of
// importance (scaling, bootstrapping, rolling).
func (p *progress) set(reason, message string) {
	if p.reason == "" {
		p.reason, p.message = reason, message
	}
}

// op records a node's operation; a node has at most one.
func (p *progress) op(n *node, t navv1alpha1.OperationType, phase navv1alpha1.OperationPhase, blockedBy, message string) {
	for _, o := range p.ops {
		if o.Node == n.name {
			return
		}
	}
	p.ops = append(p.ops, navv1alpha1.NodeOperation{Node: n.name, Pool: n.pool.spec.Name, Type: t, Phase: phase, BlockedBy: blockedBy, Message: message})
	if phase == navv1alpha1.OperationBlocked && !p.blocked {
		p.blocked = true
		p.reason, p.message = navv1alpha1.ReasonBlocked, n.name+": "+message
	}
}
