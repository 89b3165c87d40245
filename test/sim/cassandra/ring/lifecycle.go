package ring

import (
	"fmt"
	"time"
)

// Stop stops a node's process. It keeps its data and its place in the ring: the others see it
// down (DN) until it comes back. Streams it takes part in break at the next Advance.
func (c *Cluster) Stop(now time.Time, hostID string) error {
	n := c.Node(hostID)
	if n == nil {
		return fmt.Errorf("no node with host ID %s", hostID)
	}
	if n.Up {
		n.gossipLoad = n.diskBytes()
	}
	n.Up, n.running, n.gossipActive, n.transportActive = false, false, false, false
	return nil
}

// LoseDisk destroys a node's data directory, as losing its volume does; the process dies with it.
// Its rows are gone; the ring keeps the node, down, until it is removed or replaced, and gossip
// keeps reporting the load it last had.
func (c *Cluster) LoseDisk(now time.Time, hostID string) error {
	if err := c.Stop(now, hostID); err != nil {
		return err
	}
	n := c.Node(hostID)
	n.data, n.diskLost = map[string]map[string]Cell{}, true
	return nil
}

// Start starts a stopped node again with the data it had. A node whose disk is gone cannot come
// back as itself: it would start as a new node at an address the ring still holds, which Cassandra
// refuses (the way back is replace_address_first_boot).
func (c *Cluster) Start(now time.Time, hostID string) error {
	n := c.nodes[hostID]
	if n == nil {
		return fmt.Errorf("no member with host ID %s", hostID)
	}
	if n.diskLost {
		return &StartupError{Class: "java.lang.RuntimeException", Message: fmt.Sprintf(
			"A node with address %s already exists, cancelling join. Use cassandra.replace_address if you want to replace this node.",
			endpoint(n.Address, n.StoragePort))}
	}
	n.Up, n.running, n.gossipActive, n.Started = true, true, true, now
	n.Generation = max(now.Unix(), n.Generation+1)
	// A leaving node that restarts gives the decommission up: it announces itself normal again.
	if n.State == Leaving {
		c.dropOps(n, opDecommission)
		n.State = Normal
		c.ringChanged()
	}
	n.decommissionFailed = false
	n.transportActive = n.State != Joining
	n.Mode = ModeNormal
	if n.State == Joining {
		n.Mode = ModeJoining
	}
	c.pullSchema(n)
	// A node that restarts in the middle of its bootstrap bootstraps again ("Detected previous
	// bootstrap failure; retrying"); if it cannot, it stops again.
	for _, op := range c.ops {
		if op.node == n && (op.kind == opBootstrap || op.kind == opReplace) {
			if err := c.replan(op); err != nil {
				n.Up, n.running, n.gossipActive = false, false, false
				return err
			}
		}
	}
	return nil
}

// Drain is nodetool drain: the node stops accepting writes, flushes, and stops gossip and the
// native transport. The process keeps running (mode DRAINED) while the others see it down.
func (c *Cluster) Drain(now time.Time, hostID string) error {
	n, err := c.liveNode(hostID)
	if err != nil {
		return err
	}
	n.gossipLoad = n.diskBytes()
	n.Up, n.gossipActive, n.transportActive, n.Mode = false, false, false, ModeDrained
	return nil
}

// Upgrade installs another release on a stopped node, as a rolling upgrade does between a stop and
// a start. compatibilityMode is 5.0's storage_compatibility_mode (empty before 5.0).
func (c *Cluster) Upgrade(hostID, release, compatibilityMode string) error {
	n := c.nodes[hostID]
	if n == nil {
		return fmt.Errorf("no member with host ID %s", hostID)
	}
	if n.running {
		return fmt.Errorf("node %s is running: stop it before changing its release", n.Address)
	}
	n.Release, n.CompatibilityMode = release, compatibilityMode
	return nil
}
