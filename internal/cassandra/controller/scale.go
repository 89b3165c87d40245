package controller

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/api/resource"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/controller/nodes"
	"github.com/navigator-dbaas/navigator/internal/controller/objects"
	"github.com/navigator-dbaas/navigator/internal/controller/pilot"
	"github.com/navigator-dbaas/navigator/internal/controller/progress"
	"github.com/navigator-dbaas/navigator/internal/failpoint"
)

// Names of the predicates that hold a scale in or a replacement, as
// status.operations[].blockedBy reports them.
const (
	PredicatePilotReporting       = "PilotReporting"
	PredicateReplicationFactorMet = "ReplicationFactorMet"
	PredicateRemainingNodesRoom   = "RemainingNodesHaveRoom"
	PredicateDecommission         = "Decommission"
	PredicateOldNodeDown          = "OldNodeDown"
	PredicateNotDecommissioned    = "NotDecommissioned"
)

// scale brings every pool's StatefulSet to its declared size. Out: the StatefulSet grows at
// once and the start gate lets the new nodes bootstrap one at a time. In: one node at a time,
// the highest ordinal first, each decommissioned (its ranges streamed to the nodes that stay)
// before the StatefulSet shrinks past it.
func (r *Reconciler) scale(ctx context.Context, s *clusterState, prog *progress.Progress) error {
	leavingBusy := false
	for _, p := range s.pools {
		want, cur := p.desired(), p.current()
		regrowLater := prog.GrowthWaits(p.spec.Name, cur, want, p.departing)
		prog.Departing(p.spec.Name, p.departing)
		last := (*node)(nil)
		if len(p.nodes) > 0 {
			last = p.nodes[len(p.nodes)-1]
		}
		switch {
		case want < cur:
			prog.Set(navv1alpha1.ReasonScalingIn, fmt.Sprintf("pool %s: %d → %d nodes, decommissioning one at a time", p.spec.Name, cur, want))
			busy, err := r.scaleIn(ctx, s, p, last, leavingBusy, prog)
			if err != nil {
				return err
			}
			leavingBusy = leavingBusy || busy
		case last != nil && last.Pilot != nil && last.Pilot.Spec.Action == navv1alpha1.ActionLeave:
			// The spec asks for this node again. A decommission cannot be called back once
			// Cassandra has begun it: one under way is finished and the node removed, after
			// which the pool grows again with a new node; one not begun is withdrawn.
			if a := last.Pilot.Status.Action; a != nil && a.Action == navv1alpha1.ActionLeave && a.Phase != navv1alpha1.ActionFailed {
				prog.Set(navv1alpha1.ReasonScalingIn, "finishing the decommission of "+last.Name+", begun before the spec changed; the pool grows again after")
				busy, err := r.scaleIn(ctx, s, p, last, leavingBusy, prog)
				if err != nil {
					return err
				}
				leavingBusy = leavingBusy || busy
				continue
			}
			if err := objects.PatchPilot(ctx, r.Client, last.Pilot, failpoint.CassandraLeaveWithdrawn, func(sp *navv1alpha1.PilotSpec) { sp.Action = navv1alpha1.ActionNone }); err != nil {
				return err
			}
		case regrowLater:
		case want > cur:
			if err := objects.SetReplicas(ctx, r.Client, p.sts, want, failpoint.CassandraGrown); err != nil {
				return err
			}
			prog.Set(navv1alpha1.ReasonScalingOut, fmt.Sprintf("pool %s: %d → %d nodes, joining one at a time", p.spec.Name, cur, want))
		}
	}
	return nil
}

// scaleIn decommissions the pool's highest ordinal, and shrinks the StatefulSet past it once the
// pilot reports it out of the ring. busy reports whether a decommission is under way.
func (r *Reconciler) scaleIn(ctx context.Context, s *clusterState, p *poolState, n *node, otherLeaving bool, prog *progress.Progress) (bool, error) {
	for _, rest := range p.nodes[min(p.desired(), n.Ordinal):n.Ordinal] {
		prog.Op(rest.Name, p.spec.Name, navv1alpha1.OperationScaleIn, navv1alpha1.OperationPending, "", "waits for "+n.Name+" to leave first")
	}
	op := func(phase navv1alpha1.OperationPhase, by, msg string) {
		prog.Op(n.Name, p.spec.Name, navv1alpha1.OperationScaleIn, phase, by, msg)
	}
	switch {
	case n.Pod != nil && n.Pilot != nil && n.State != pilot.NodeUnknown && !n.Started() && !n.Pilot.Status.Node.HoldsData:
		// Never started, holds nothing: nothing to stream.
		return false, objects.SetReplicas(ctx, r.Client, p.sts, n.Ordinal, failpoint.CassandraShrunk)
	case n.ActionDone(navv1alpha1.ActionLeave):
		if err := r.markDecommissioned(ctx, n); err != nil {
			return false, err
		}
		return false, objects.SetReplicas(ctx, r.Client, p.sts, n.Ordinal, failpoint.CassandraShrunk)
	case n.Pilot != nil && n.Pilot.Spec.Action == navv1alpha1.ActionLeave:
		if n.State == pilot.NodeUnknown {
			op(navv1alpha1.OperationBlocked, PredicatePilotReporting, "the pilot has not reported recently; the decommission cannot be followed")
		} else if a := n.Pilot.Status.Action; a != nil && a.Action == navv1alpha1.ActionLeave && a.Phase == navv1alpha1.ActionFailed {
			op(navv1alpha1.OperationBlocked, PredicateDecommission, "nodetool decommission failed: "+a.Message)
		} else {
			op(navv1alpha1.OperationInProgress, "", "decommissioning: "+n.ActionMessage())
		}
		return true, nil
	case otherLeaving:
		op(navv1alpha1.OperationPending, "", "waits: one node leaves at a time")
		return false, nil
	}
	if v := mayLeave(s, n); !v.OK {
		phase := navv1alpha1.OperationBlocked
		if v.Predicate == PredicateRingSettled {
			phase = navv1alpha1.OperationPending
		}
		op(phase, v.Predicate, v.Reason)
		return false, nil
	}
	if err := objects.PatchPilot(ctx, r.Client, n.Pilot, failpoint.CassandraLeaveAsked, func(sp *navv1alpha1.PilotSpec) { sp.Action = navv1alpha1.ActionLeave }); err != nil {
		return false, err
	}
	op(navv1alpha1.OperationInProgress, "", "asked to decommission")
	return true, nil
}

// mayLeave runs the scale-in predicates for the node about to be decommissioned.
func mayLeave(s *clusterState, n *node) verdict {
	f := n.facts()
	if n.Pod == nil || f == nil {
		return nodes.Hold(PredicatePilotReporting, "the pilot has not reported recently; the node's load and the ring cannot be judged")
	}
	if busy := rangeMovement(s, n); busy != "" {
		return nodes.Hold(PredicateRingSettled, busy)
	}
	dc := n.pool.datacenter()
	staying, clusterStaying := 0, 0
	var dcRF, clusterRF navv1alpha1.CassandraPilotStatus
	var sameRack, sameDC []*node
	for _, m := range s.nodes() {
		mf := m.facts()
		if mf != nil && m.pool.datacenter() == dc && mf.ReplicationFactor > dcRF.ReplicationFactor {
			dcRF = *mf
		}
		if mf != nil && mf.ClusterReplicationFactor > clusterRF.ClusterReplicationFactor {
			clusterRF = *mf
		}
		if m.Ordinal >= m.pool.desired() {
			continue // leaving too, now or later
		}
		clusterStaying++
		if m.pool.datacenter() != dc {
			continue
		}
		staying++
		sameDC = append(sameDC, m)
		if m.pool.rack() == n.pool.rack() {
			sameRack = append(sameRack, m)
		}
	}
	// Cassandra refuses these decommissions itself (StorageService.decommission, "Not enough
	// live nodes to maintain replication factor"): the system keyspaces count, SimpleStrategy's
	// against the whole cluster.
	if int32(staying) < dcRF.ReplicationFactor {
		return nodes.Hold(PredicateReplicationFactorMet, fmt.Sprintf(
			"datacenter %s would keep %d node(s) but %s replicates %d times there; lower its replication factor first",
			dc, staying, keyspace(dcRF.ReplicationKeyspace), dcRF.ReplicationFactor))
	}
	if int32(clusterStaying) < clusterRF.ClusterReplicationFactor {
		return nodes.Hold(PredicateReplicationFactorMet, fmt.Sprintf(
			"the cluster would keep %d node(s) but %s replicates %d times in it (SimpleStrategy, replicas in any datacenter); "+
				"lower its replication factor, or give it NetworkTopologyStrategy, first",
			clusterStaying, keyspace(clusterRF.ClusterReplicationKeyspace), clusterRF.ClusterReplicationFactor))
	}
	// The leaving node's ranges go to the nodes that take its place as replicas. With racks,
	// NetworkTopologyStrategy places one replica per rack, so its own rack takes them when it
	// has other nodes; otherwise the datacenter does. Each must have room for its share.
	takers := sameRack
	if len(takers) == 0 {
		takers = sameDC
	}
	if f.Load == nil || len(takers) == 0 {
		return nodes.Pass(PredicateRemainingNodesRoom)
	}
	share := f.Load.Value() / int64(len(takers))
	for _, m := range takers {
		mf := m.facts()
		if mf == nil || mf.FreeSpace == nil {
			return nodes.Hold(PredicatePilotReporting, m.Name+" has not reported its free space")
		}
		if mf.FreeSpace.Value() < share {
			return nodes.Hold(PredicateRemainingNodesRoom, fmt.Sprintf("%s has %s free but would receive about %s of %s's %s",
				m.Name, mf.FreeSpace.String(), resource.NewQuantity(share, resource.BinarySI).String(), n.Name, f.Load.String()))
		}
	}
	return nodes.Pass(PredicateRemainingNodesRoom)
}

// keyspace names a keyspace in a message; a pilot of an earlier release reports none.
func keyspace(name string) string {
	if name == "" {
		return "a keyspace"
	}
	return "keyspace " + name
}
