package controller

import (
	"context"
	"fmt"
	"slices"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	res "github.com/navigator-dbaas/navigator/internal/cassandra/resources"
	"github.com/navigator-dbaas/navigator/internal/controller/objects"
	"github.com/navigator-dbaas/navigator/internal/controller/pilot"
	"github.com/navigator-dbaas/navigator/internal/controller/progress"
	"github.com/navigator-dbaas/navigator/internal/failpoint"
)

// openGates lets announced nodes start. A member that holds data from an earlier run starts at
// once: it does not bootstrap, so any number may start together (a whole cluster restarting,
// or a ring Navigator has no record of, such as a cluster re-created on its kept claims). A
// new ring starts with its founder alone. Every other node streams data when it starts, and
// Cassandra allows one range movement at a time, so they start one by one, each once the ring
// is settled: the new node bootstraps (again, if an earlier bootstrap was cut short), or, when
// it is a member that lost its disk, replaces its old self (replace_address_first_boot) once
// the ring sees that old self down. A node on the kept claim of a decommissioned node does not
// start at all (claims.go).
func (r *Reconciler) openGates(ctx context.Context, s *clusterState, prog *progress.Progress) error {
	var waiting []*node
	for _, n := range s.nodes() {
		if n.Pilot == nil || n.Started() || n.State == pilot.NodeUnknown {
			continue
		}
		if n.Pilot.Status.Node.HoldsData {
			hostID, err := r.decommissionedClaim(ctx, n)
			if err != nil {
				return err
			}
			switch {
			case hostID != "":
				prog.Op(n.Name, n.pool.spec.Name, navv1alpha1.OperationScaleOut, navv1alpha1.OperationBlocked, PredicateNotDecommissioned, fmt.Sprintf(
					"the claim %s, kept by whenScaled: Retain, holds the data of host %s, which was decommissioned; Cassandra will not start on it. "+
						"Delete the claim, then the pod, and the node bootstraps afresh", res.ClaimName(n.Name), hostID))
			case len(s.cc.Status.Nodes) > 0 && s.member(n.Name) == nil:
				waiting = append(waiting, n) // a bootstrap cut short: it streams again
			case replacing(s, n):
				waiting = append(waiting, n) // a replacement cut short: it replaces again
			default:
				if err := r.start(ctx, s, n, ""); err != nil {
					return err
				}
			}
			continue
		}
		waiting = append(waiting, n)
	}
	if len(waiting) == 0 {
		return nil
	}
	if !s.formed() {
		return r.found(ctx, s, waiting, prog)
	}
	// Replacements first (they restore lost replicas), then across racks: lowest ordinal
	// first, pools in the spec's order, so that racks grow evenly.
	slices.SortStableFunc(waiting, func(a, b *node) int {
		if ra, rb := s.member(a.Name) != nil, s.member(b.Name) != nil; ra != rb {
			if ra {
				return -1
			}
			return 1
		}
		return int(a.Ordinal - b.Ordinal)
	})
	if busy := rangeMovement(s, nil); busy != "" {
		for _, n := range waiting {
			prog.Op(n.Name, n.pool.spec.Name, joinType(s, n), navv1alpha1.OperationPending, "", "waits to join: "+busy)
		}
		return nil
	}
	next := waiting[0]
	for _, n := range waiting[1:] {
		prog.Op(n.Name, n.pool.spec.Name, joinType(s, n), navv1alpha1.OperationPending, "", "waits to join: one node joins at a time, "+next.Name+" first")
	}
	if m := s.member(next.Name); m != nil {
		if !seenDown(s, m.Address) {
			prog.Op(next.Name, next.pool.spec.Name, navv1alpha1.OperationReplace, navv1alpha1.OperationBlocked, PredicateOldNodeDown,
				fmt.Sprintf("the node lost its data; it will replace its old self at %s once the ring sees that address down", m.Address))
			return nil
		}
		prog.Set(navv1alpha1.ReasonReplacingNode, fmt.Sprintf("%s replaces its old self at %s", next.Name, m.Address))
		prog.Op(next.Name, next.pool.spec.Name, navv1alpha1.OperationReplace, navv1alpha1.OperationInProgress, "", "starting as the replacement of "+m.Address)
		return r.start(ctx, s, next, m.Address)
	}
	prog.Set(navv1alpha1.ReasonScalingOut, next.Name+" bootstraps")
	prog.Op(next.Name, next.pool.spec.Name, navv1alpha1.OperationScaleOut, navv1alpha1.OperationInProgress, "", "bootstrapping: streaming its ranges from the ring")
	return r.start(ctx, s, next, "")
}

// found starts a new ring on its founder, once the founder is labelled a seed.
func (r *Reconciler) found(ctx context.Context, s *clusterState, waiting []*node, prog *progress.Progress) error {
	f := founder(s)
	if f == nil || !slices.Contains(waiting, f) {
		prog.Set(navv1alpha1.ReasonBootstrapping, "waiting for the first node to found the ring")
		return nil
	}
	if f.Pod.Labels[res.LabelSeed] != "true" {
		prog.Set(navv1alpha1.ReasonBootstrapping, "making "+f.Name+" the first seed")
		return nil
	}
	prog.Set(navv1alpha1.ReasonBootstrapping, "founding the ring on "+f.Name)
	return r.start(ctx, s, f, "")
}

// start opens a node's start gate with the seeds of now, as the replacement of replaceAddress
// when it is set. A node that streams its data when it starts (it bootstraps or replaces) and
// already holds data had an earlier attempt cut short or failed: it resets that attempt's
// progress and streams every range afresh.
func (r *Reconciler) start(ctx context.Context, s *clusterState, n *node, replaceAddress string) error {
	streams := replaceAddress != "" || s.member(n.Name) == nil
	return objects.PatchPilot(ctx, r.Client, n.Pilot, failpoint.CassandraGateOpened, func(sp *navv1alpha1.PilotSpec) {
		sp.Start = true
		setSeeds(sp, seedHosts(s))
		sp.Cassandra.ReplaceAddress = replaceAddress
		sp.Cassandra.ResetBootstrapProgress = streams && n.Pilot.Status.Node.HoldsData
	})
}

// replacing: the node's record says it was started as the replacement of a dead member and has
// not been seen up since.
func replacing(s *clusterState, n *node) bool {
	m := s.member(n.Name)
	return m != nil && m.ReplacedAddress != ""
}

// joinType is the operation a waiting node is about to run.
func joinType(s *clusterState, n *node) navv1alpha1.OperationType {
	if s.member(n.Name) != nil {
		return navv1alpha1.OperationReplace
	}
	return navv1alpha1.OperationScaleOut
}

// seenDown: some fresh report shows address down in the ring.
func seenDown(s *clusterState, address string) bool {
	return slices.ContainsFunc(s.nodes(), func(n *node) bool {
		f := n.facts()
		return f != nil && slices.Contains(f.DownNodes, address)
	})
}

// rangeMovement says why the ring is not settled for another range movement (a bootstrap, a
// decommission): some started node is joining, leaving, cleaning up or not up. except is not
// counted. Empty when settled.
func rangeMovement(s *clusterState, except *node) string {
	for _, n := range s.nodes() {
		if n == except {
			continue
		}
		switch {
		case n.Pod == nil:
			return n.Name + " has no pod yet"
		case !n.Started():
			continue
		case n.State == pilot.NodeUnknown:
			return n.Name + "'s pilot has not reported recently"
		case n.Pilot.Spec.Action == navv1alpha1.ActionLeave && !n.ActionDone(navv1alpha1.ActionLeave):
			return n.Name + " is leaving the ring"
		case n.ActionDone(navv1alpha1.ActionLeave):
			continue // out of the ring, waiting for its pod to go
		case n.Pilot.Spec.Action == navv1alpha1.ActionCleanup:
			return n.Name + " is running nodetool cleanup"
		case !n.Ready():
			if f := n.facts(); f != nil && f.State != "" {
				return fmt.Sprintf("%s is %s, not UN", n.Name, f.State)
			}
			return n.Name + " is not up and normal yet"
		}
	}
	return ""
}
