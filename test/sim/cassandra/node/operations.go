package node

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/navigator-dbaas/navigator/test/sim/cassandra/ring"
)

// decommission is StorageService.decommission: the model checks the node may leave and plans
// where its ranges go; the node announces LEAVING, waits for the others to see it (they send
// writes to the new replicas meanwhile), streams, announces LEFT, and stops serving.
func (n *Node) decommission(ctx context.Context, force bool) error {
	n.mu.Lock()
	if n.moving {
		n.mu.Unlock()
		return &ring.OperationError{Message: "Node in " + string(n.mode) + " state; wait for status to become normal or restart"}
	}
	view := n.viewLocked(true)
	if err := view.Decommission(time.Now(), n.local.HostID, force); err != nil {
		n.mu.Unlock()
		return err
	}
	transfers := view.Transfers(n.local.HostID)
	n.moving, n.mode = true, ring.ModeLeaving
	n.setStatusLocked(statusLeaving, n.local.Tokens)
	n.mu.Unlock()
	defer func() {
		n.mu.Lock()
		n.moving = false
		n.mu.Unlock()
	}()
	n.log.info("RMI TCP Connection(2)-127.0.0.1", "StorageService.java:5258", "DECOMMISSIONING")
	n.log.info("RMI TCP Connection(2)-127.0.0.1", "StorageService.java:2985", "LEAVING: sleeping %d ms for batch processing and pending range setup", n.opts.Timing.RingDelay.Milliseconds())
	if err := sleep(ctx, n.opts.Timing.RingDelay); err != nil {
		return err
	}
	n.log.info("RMI TCP Connection(2)-127.0.0.1", "StorageService.java:2985", "LEAVING: streaming data to other nodes")
	if err := n.send(ctx, transfers); err != nil {
		n.mu.Lock()
		n.stats.exceptions++
		n.stats.lastError = err.Error()
		n.stats.decommissionFailed = true
		if strings.HasPrefix(n.opts.Release, "5.") {
			n.mode = ring.ModeDecommissionFailed
		}
		n.mu.Unlock()
		// StorageService.decommission wraps the stream's failure in a RuntimeException, which
		// nodetool prints as "error: ..." with exit status 2.
		return errors.New("Error while decommissioning node: Stream failed")
	}
	n.mu.Lock()
	n.setStatusLocked(statusLeft, n.local.Tokens)
	n.mu.Unlock()
	n.log.info("RMI TCP Connection(2)-127.0.0.1", "StorageService.java:5046", "Announcing that I have left the ring for %dms", n.opts.Timing.RingDelay.Milliseconds())
	if err := sleep(ctx, n.opts.Timing.RingDelay); err != nil {
		return err
	}
	n.stopNative()
	n.mu.Lock()
	n.gossipOn, n.mode = false, ring.ModeDecommissioned
	n.local.BootstrapState = decommissioned
	_ = n.disk.saveLocal(&n.local)
	n.mu.Unlock()
	n.log.info("RMI TCP Connection(2)-127.0.0.1", "StorageService.java:2985", "DECOMMISSIONED")
	return nil
}

// removeNode is StorageService.removeNode run on this node for a dead one: the model plans which
// survivor sends each of the dead node's ranges to the node that gains it (keyspaces with RF 1
// are skipped: that data is lost); the dead node shows as leaving meanwhile, and is removed from
// the ring for everyone when the streams are done.
func (n *Node) removeNode(ctx context.Context, hostID string) error {
	n.mu.Lock()
	view := n.viewLocked(true)
	if err := view.RemoveNode(time.Now(), n.local.HostID, hostID); err != nil {
		n.mu.Unlock()
		return err
	}
	transfers := view.Transfers(hostID)
	dead := *n.states[hostID]
	dead.Status, dead.Version = statusRemoving, dead.Version+1<<10
	n.states[hostID] = &dead
	n.mu.Unlock()
	n.log.info("RMI TCP Connection(2)-127.0.0.1", "StorageService.java:3950", "Removing host %s (%s)", hostID, dead.endpoint())
	var wg sync.WaitGroup
	for _, t := range transfers {
		wg.Go(func() {
			if t.From.HostID == n.HostID() {
				_ = n.send(ctx, []ring.Transfer{t})
				return
			}
			req := streamRequest{PlanID: t.PlanID, Description: t.Description, Keyspace: t.Keyspace, Ranges: t.Ranges,
				To: endpointOf(t.To), ToHostID: t.To.HostID}
			// A session that breaks is given up, as removenode goes on without that range.
			_ = n.call(context.WithoutCancel(ctx), endpointOf(t.From), "/stream/push", req, nil)
		})
	}
	wg.Wait()
	n.mu.Lock()
	n.removeEndpointLocked(hostID)
	n.mu.Unlock()
	n.afterGossip()
	return nil
}

// drain is StorageService.drain: stop the native transport, announce the shutdown, stop gossip,
// and flush. The process keeps running, DRAINED, and the others see it down.
func (n *Node) drain(ctx context.Context) {
	n.mu.Lock()
	n.mode = ring.ModeDraining
	n.mu.Unlock()
	n.log.info("RMI TCP Connection(2)-127.0.0.1", "StorageService.java:5480", "DRAINING: starting drain process")
	n.stopNative()
	n.announceShutdown(ctx)
	n.mu.Lock()
	_ = n.disk.compact(n.rows)
	n.mode = ring.ModeDrained
	n.mu.Unlock()
	n.log.info("RMI TCP Connection(2)-127.0.0.1", "StorageService.java:5480", "DRAINED")
}

// cleanup is nodetool cleanup: the model refuses while ranges move to the node, and otherwise
// drops, from the rows the view shares with the node, those it no longer replicates.
func (n *Node) cleanup() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	view := n.viewLocked(true)
	if err := view.Cleanup(time.Now(), n.local.HostID); err != nil {
		return err
	}
	return n.disk.compact(n.rows)
}
