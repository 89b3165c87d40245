package ring

import (
	"fmt"
	"slices"
	"time"
)

// Decommission is nodetool decommission run on a node: it checks it may leave, then streams each
// range it replicates to the node that replicates it once it is gone, and leaves the ring when
// Advance finds the streams done. Without force it refuses while a keyspace needs every node of
// its datacenter: the check StorageService.decommission makes for every keyspace that does not
// use LocalStrategy, system ones included.
func (c *Cluster) Decommission(now time.Time, hostID string, force bool) error {
	n, err := c.liveNode(hostID)
	if err != nil {
		return err
	}
	if n.decommissionFailed && n.Mode == ModeDecommissionFailed {
		// 5.0 tries again from where a failed decommission left the node.
		c.dropOps(n, opDecommission)
		n.State = Normal
	}
	if n.Mode == ModeLeaving && n.State == Leaving {
		// 4.x: a decommission that failed leaves the node LEAVING, and another one goes ahead
		// without the checks ("If we're already decommissioning there is no point checking
		// RF/pending ranges", StorageService.decommission) and streams again.
		c.dropOps(n, opDecommission)
	} else {
		if err := c.checkMayLeave(n, force); err != nil {
			return err
		}
	}
	n.State, n.Mode, n.decommissionFailed = Leaving, ModeLeaving, false
	c.ringChanged()
	op := &operation{kind: opDecommission, planID: c.newUUID(), node: n}
	c.planHandOff(op, func(_ *Keyspace, _ [2]Token, _, gainer *Node) *Node { return n })
	c.ops = append(c.ops, op)
	return nil
}

// checkMayLeave is StorageService.decommission's checks of a node that is not leaving yet: it is
// normal, nothing moves to it, and (unless forced) every keyspace keeps its replicas.
func (c *Cluster) checkMayLeave(n *Node, force bool) error {
	if n.State != Normal {
		return &OperationError{Message: fmt.Sprintf("Node in %s state; wait for status to become normal or restart", n.Mode)}
	}
	for _, ks := range c.Keyspaces() {
		if ks.Replication.Strategy == LocalStrategy {
			continue
		}
		if c.hasPendingRanges(ks, n) {
			return &OperationError{Message: "data is currently moving to this node; unable to leave the ring"}
		}
	}
	if !force {
		return c.checkReplicationAfterLeave(n)
	}
	return nil
}

// checkReplicationAfterLeave refuses when a keyspace's replication factor is at least the number of
// nodes there are: in the node's datacenter for NetworkTopologyStrategy, in the cluster otherwise.
func (c *Cluster) checkReplicationAfterLeave(n *Node) error {
	for _, ks := range c.systemFirst() {
		var rf, nodes int
		switch ks.Replication.Strategy {
		case LocalStrategy:
			continue
		case NetworkTopologyStrategy:
			rf, nodes = ks.Replication.RFIn(n.DC), c.ring.dcNodes[n.DC]
		default:
			rf, nodes = ks.Replication.TotalRF(), len(c.ringMembers())
		}
		if nodes <= rf {
			return &OperationError{Message: fmt.Sprintf(
				"Not enough live nodes to maintain replication factor in keyspace %s (RF = %d, N = %d). Perform a forceful decommission to ignore.",
				ks.Name, rf, nodes)}
		}
	}
	return nil
}

// systemFirst lists keyspaces with Cassandra's replicated system keyspaces first, then the
// others by name. Cassandra walks a hash map, whose order this does not reproduce; putting the
// system keyspaces first gives the message real 4.x nodes give in a default cluster
// ("... in keyspace system_distributed (RF = 3, N = 2)").
func (c *Cluster) systemFirst() []*Keyspace {
	out := c.Keyspaces()
	slices.SortStableFunc(out, func(a, b *Keyspace) int { return boolInt(!a.System) - boolInt(!b.System) })
	return out
}

// RemoveNode is nodetool removenode run on a live node for a dead one: the dead node is marked
// leaving, each node that gains one of its ranges streams it from a surviving replica, and the
// dead node is gone from the ring when the streams are done. Keyspaces with a replication factor
// of 1 are skipped, as Cassandra skips them: their data on the dead node is lost.
func (c *Cluster) RemoveNode(now time.Time, coordinator, hostID string) error {
	coord, err := c.liveNode(coordinator)
	if err != nil {
		return err
	}
	dead, ok := c.nodes[hostID]
	if !ok {
		return &OperationError{Message: "Host ID not found."}
	}
	if dead == coord {
		return &OperationError{Message: "Cannot remove self"}
	}
	if dead.Up {
		return &OperationError{Message: fmt.Sprintf("Node %s is alive and owns this ID. Use decommission command to remove it from the ring",
			endpoint(dead.Address, dead.StoragePort))}
	}
	for _, op := range c.ops {
		if op.kind == opRemove && op.coordinator == coord {
			return &OperationError{Message: "This node is already processing a removal. Wait for it to complete, or use 'removenode force' if this has failed."}
		}
	}
	dead.State = Leaving
	c.ringChanged()
	op := &operation{kind: opRemove, planID: c.newUUID(), node: dead, coordinator: coord}
	c.planHandOff(op, func(ks *Keyspace, r [2]Token, _, gainer *Node) *Node {
		if ks.Replication.TotalRF() == 1 {
			return nil
		}
		// nil when no replica survives: there is nothing to restore.
		return nearestLive(without(c.ring.replicas(ks, r[1]), dead), gainer)
	})
	c.ops = append(c.ops, op)
	return nil
}

// planHandOff adds to op the sessions that give op.node's ranges to the nodes that gain them once
// it is gone; source picks who sends each range to each gainer (nil: nobody).
func (c *Cluster) planHandOff(op *operation, source func(ks *Keyspace, r [2]Token, leaving, gainer *Node) *Node) {
	future := c.futureRing(op)
	type pair struct{ from, to *Node }
	byPair := map[pair][]part{}
	var pairs []pair
	for _, ks := range c.Keyspaces() {
		if ks.Replication.Strategy == LocalStrategy {
			continue
		}
		for _, r := range c.ring.ranges() {
			current := c.ring.replicas(ks, r[1])
			if !slices.Contains(current, op.node) {
				continue
			}
			for _, gainer := range future.replicas(ks, r[1]) {
				if slices.Contains(current, gainer) {
					continue
				}
				from := source(ks, r, op.node, gainer)
				if from == nil {
					continue
				}
				p := pair{from, gainer}
				if _, seen := byPair[p]; !seen {
					pairs = append(pairs, p)
				}
				byPair[p] = addRange(byPair[p], ks.Name, r)
			}
		}
	}
	for _, p := range pairs {
		op.sessions = append(op.sessions, c.newSession(p.from, p.to, byPair[p]))
	}
}

// hasPendingRanges reports whether a topology change in progress moves ranges of the keyspace to n.
func (c *Cluster) hasPendingRanges(ks *Keyspace, n *Node) bool {
	for _, op := range c.ops {
		future := c.futureRing(op)
		// The ranges of either ring can be coarser than the other's: compare on both rings' tokens.
		for _, t := range slices.Concat(future.tokens, c.ring.tokens) {
			if slices.Contains(future.replicas(ks, t), n) && !slices.Contains(c.ring.replicas(ks, t), n) {
				return true
			}
		}
	}
	return false
}
