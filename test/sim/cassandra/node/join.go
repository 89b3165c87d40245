package node

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/navigator-dbaas/navigator/test/sim/cassandra/ring"
)

// startup is StorageService.initServer and joinTokenRing: gossip; a node that has never joined
// listens for RING_DELAY (where Cassandra waits for the schema, up to RING_DELAY); then it joins
// the way its state says (rejoin with its saved tokens at once, replace a dead node, bootstrap,
// or take tokens at once), waits for gossip to settle, and serves CQL. A failure closes the node.
func (n *Node) startup(ctx context.Context) (err error) {
	defer func() {
		if err != nil {
			var se *StartupError
			if !errors.As(err, &se) {
				err = startupErr("java.lang.RuntimeException", "%v", err)
			}
			n.log.error("main", "CassandraDaemon.java:887", "Exception encountered during startup: %s", err)
			go func() { _ = n.Kill() }()
		}
	}()
	n.log.info("main", "StorageService.java:1004", "Starting up server gossip")
	n.loop(ctx, n.opts.Timing.Gossip, n.gossipRound)
	if err := n.shadowRound(ctx); err != nil {
		return err
	}
	n.mu.Lock()
	state := n.local.BootstrapState
	n.mu.Unlock()
	if state != completed {
		// A restarted member takes its saved tokens at once (shouldBootstrap is false); a new
		// node waits for the ring's schema first. The simulator waits the whole RING_DELAY:
		// slower than Cassandra, never faster.
		n.log.info("main", "StorageService.java:1733", "JOINING: waiting for ring information")
		if err := sleep(ctx, n.opts.Timing.RingDelay); err != nil {
			return err
		}
	}
	switch {
	case state == completed:
		err = n.rejoin()
	case n.opts.ReplaceAddress != "":
		err = n.join(ctx, ring.JoinOptions{ReplaceAddress: n.opts.ReplaceAddress})
	default:
		bootstrap := n.cfg.AutoBootstrap && !n.isSeed(ctx)
		if !bootstrap {
			n.log.info("main", "StorageService.java:1093", "This node will not auto bootstrap because it is configured to be a seed node.")
		}
		err = n.join(ctx, ring.JoinOptions{Bootstrap: bootstrap})
	}
	if errors.Is(err, errBootstrapIncomplete) {
		// CassandraDaemon.start: no client transport for a node that has not bootstrapped.
		n.log.warn("main", "CassandraDaemon.java:658", "Node is not yet bootstrapped completely. Use nodetool to check bootstrap state and resume. For more, see `nodetool help bootstrap`")
		n.stopAgent()
		return nil
	}
	if err != nil {
		return err
	}
	if err := n.waitToSettle(ctx); err != nil {
		return err
	}
	if err := n.startNative(); err != nil {
		return err
	}
	n.log.info("main", "CassandraDaemon.java:795", "Startup complete")
	return nil
}

// waitToSettle is Gossiper.waitToSettle, which CassandraDaemon.setup runs once the node has
// joined and before it serves clients: SettleMin, then a poll of the known endpoints every
// SettlePoll until three polls in a row count as many as the one before.
func (n *Node) waitToSettle(ctx context.Context) error {
	t := n.opts.Timing
	if t.SkipSettle {
		return nil
	}
	n.log.info("main", "Gossiper.java:2459", "Waiting for gossip to settle...")
	if err := sleep(ctx, t.SettleMin); err != nil {
		return err
	}
	count := func() int {
		n.mu.Lock()
		defer n.mu.Unlock()
		return len(n.states)
	}
	last, ok, polls := count(), 0, 0
	for ok < 3 {
		if err := sleep(ctx, t.SettlePoll); err != nil {
			return err
		}
		polls++
		if c := count(); c == last {
			ok++
		} else {
			ok, last = 0, c
			n.log.info("main", "Gossiper.java:2476", "Gossip not settled after %d polls.", polls)
		}
	}
	if polls > 3 {
		n.log.info("main", "Gossiper.java:2488", "Gossip settled after %d extra polls; proceeding", polls-3)
	} else {
		n.log.info("main", "Gossiper.java:2490", "No gossip backlog; proceeding")
	}
	return nil
}

// errBootstrapIncomplete is a bootstrap or replacement that failed to stream its data: the node
// runs on, joining (StorageService.bootstrap returned false).
var errBootstrapIncomplete = errors.New("bootstrap incomplete")

// remainingTransfers are the sessions a bootstrap still has to stream, as RangeStreamer.fetchAsync
// decides them from the ranges an earlier attempt recorded available: all of them, after a
// reset (-Dcassandra.reset_bootstrap_progress=true); those not yet available otherwise. Cassandra
// 5.0 refuses to go on over earlier progress when the setting is absent (CASSANDRA-17679); 4.0
// and 4.1 go on silently.
func (n *Node) remainingTransfers(transfers []ring.Transfer) ([]ring.Transfer, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	reset := n.opts.ResetBootstrapProgress
	if reset == "true" {
		n.log.info("main", "StorageService.java:2239", "Resetting bootstrap progress to start fresh")
		n.local.Available = nil
		_ = n.disk.saveLocal(&n.local)
		return transfers, nil
	}
	if len(n.local.Available) == 0 {
		return transfers, nil
	}
	var remaining, skipped []ring.Transfer
	for _, t := range transfers {
		if coversAll(n.local.Available[t.Keyspace], t.Ranges) {
			skipped = append(skipped, t)
		} else {
			remaining = append(remaining, t)
		}
	}
	if len(skipped) == 0 {
		return transfers, nil
	}
	if reset == "" && strings.HasPrefix(n.opts.Release, "5.") {
		msg := fmt.Sprintf("Discovered existing bootstrap data and cassandra.reset_bootstrap_progress is not configured; aborting bootstrap. "+
			"Please clean up local files manually and try again or set cassandra.reset_bootstrap_progress=true to ignore. Found: %d sessions", len(skipped))
		n.log.error("main", "RangeStreamer.java:749", "%s", msg)
		return nil, errors.New("java.lang.IllegalStateException: " + msg)
	}
	n.log.info("main", "RangeStreamer.java:755", "Some ranges are already available. Skipping streaming those ranges. Skipping %d sessions", len(skipped))
	return remaining, nil
}

// coversAll reports whether every range of want is among have.
func coversAll(have, want [][2]ring.Token) bool {
	for _, r := range want {
		if !slices.Contains(have, r) {
			return false
		}
	}
	return true
}

// shadowRound waits until gossip has heard from another node. A seed may start alone; another
// node that reaches no seed stops, as Gossiper's shadow round does.
func (n *Node) shadowRound(ctx context.Context) error {
	if n.isSeed(ctx) {
		return nil
	}
	deadline := time.Now().Add(n.opts.Timing.ShadowRound)
	for time.Now().Before(deadline) {
		n.mu.Lock()
		heard := len(n.contact) > 0
		n.mu.Unlock()
		if heard {
			return nil
		}
		if err := sleep(ctx, n.opts.Timing.Gossip/2); err != nil {
			return err
		}
	}
	return startupErr("java.lang.RuntimeException", "Unable to gossip with any peers")
}

// rejoin is a restart of a node that had joined: it takes its saved tokens at once.
func (n *Node) rejoin() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.log.info("main", "StorageService.java:867", "Using saved tokens %v", n.local.Tokens)
	n.becomeNormalLocked()
	return nil
}

// join plans the node's join on its view of the ring, with the ring model's refusals, and
// carries it out: stream the ranges it gains, then become normal.
func (n *Node) join(ctx context.Context, opts ring.JoinOptions) error {
	n.mu.Lock()
	view := n.viewLocked(false)
	spec := ring.NodeSpec{HostID: n.local.HostID, Address: n.address, StoragePort: n.mine().StoragePort,
		DC: n.loc.Datacenter, Rack: n.loc.Rack, NumTokens: n.cfg.NumTokens, Release: n.opts.Release,
		CompatibilityMode: n.cfg.StorageCompatibilityMode, AllocateTokensForLocalRF: n.cfg.AllocateTokensForLocalRF}
	for _, t := range n.cfg.InitialTokens {
		var tok int64
		_, _ = fmt.Sscan(t, &tok)
		spec.Tokens = append(spec.Tokens, ring.Token(tok))
	}
	if len(n.local.Tokens) > 0 {
		// A bootstrap that did not finish starts again with the tokens it had chosen.
		spec.Tokens = n.local.Tokens
	}
	joined, err := view.Join(time.Now(), spec, opts)
	if err != nil {
		n.mu.Unlock()
		var se *ring.StartupError
		if errors.As(err, &se) {
			out := startupErr(se.Class, "%s", se.Message)
			if se.Class == configurationException {
				out.Code = ExitFatalConfiguration
			}
			return out
		}
		return err
	}
	tokens := joined.Tokens
	if joined.HostID != n.local.HostID {
		// A replacement at the dead node's own address keeps its host ID (Cassandra 4.0+).
		n.adoptHostIDLocked(joined.HostID)
	}
	n.local.Tokens = tokens
	if joined.State == ring.Normal {
		n.becomeNormalLocked()
		n.mu.Unlock()
		return nil
	}
	transfers := view.Transfers(joined.HostID)
	status, verb := statusBoot, "bootstrap"
	if opts.ReplaceAddress != "" {
		status, verb = statusBootReplace, "replace"
		n.mine().Replaces = view.NodeAt(opts.ReplaceAddress).HostID
		if n.mine().Replaces == n.local.HostID {
			status = statusHibernate
		}
	}
	n.local.BootstrapState = inProgress
	_ = n.disk.saveLocal(&n.local)
	n.mode = ring.ModeJoining
	n.setStatusLocked(status, tokens)
	n.mu.Unlock()
	n.log.info("main", "StorageService.java:1753", "JOINING: sleeping %d ms for pending range setup", n.opts.Timing.RingDelay.Milliseconds())
	if err := sleep(ctx, n.opts.Timing.RingDelay); err != nil {
		return err
	}
	n.log.info("main", "StorageService.java:1844", "JOINING: Starting to %s...", verb)
	remaining, err := n.remainingTransfers(transfers)
	if err == nil {
		err = n.fetch(ctx, remaining)
	}
	if err != nil {
		// StorageService.bootstrap catches the failure and returns false: the node stays up,
		// joining, and does not serve clients (see startup).
		n.mu.Lock()
		n.stats.exceptions++
		if strings.HasPrefix(n.opts.Release, "5.") {
			n.mode = ring.ModeJoiningFailed
		}
		n.mu.Unlock()
		n.log.error("main", "StorageService.java:2260", "Error while waiting on bootstrap to complete. Bootstrap will have to be restarted. %v", err)
		n.log.warn("main", "StorageService.java:1345", "Some data streaming failed. Use nodetool to check bootstrap state and resume. For more, see `nodetool help bootstrap`. %s", inProgress)
		return errBootstrapIncomplete
	}
	n.log.info("main", "StorageService.java:1912", "Bootstrap completed for tokens %v", tokens)
	n.mu.Lock()
	defer n.mu.Unlock()
	n.local.Available = nil
	if replaced := n.mine().Replaces; replaced != "" && replaced != n.local.HostID {
		// The replaced node leaves the ring with the replacement's arrival (Cassandra removes the
		// old endpoint when it sees the new one own its tokens).
		n.removeEndpointLocked(replaced)
	}
	n.becomeNormalLocked()
	return nil
}

// adoptHostIDLocked takes over another host ID (a replacement at the dead node's address).
func (n *Node) adoptHostIDLocked(id string) {
	st := n.mine()
	delete(n.states, n.local.HostID)
	old := n.states[id]
	n.local.HostID, st.HostID = id, id
	if old != nil && old.Generation >= st.Generation {
		st.Generation = old.Generation + 1
		n.local.Generation = st.Generation
	}
	n.states[id] = st
}

// becomeNormalLocked announces the node NORMAL with its tokens and persists it.
func (n *Node) becomeNormalLocked() {
	n.local.BootstrapState = completed
	_ = n.disk.saveLocal(&n.local)
	n.mode = ring.ModeNormal
	n.setStatusLocked(statusNormal, n.local.Tokens)
	n.log.info("main", "StorageService.java:2628", "Node /%s state jump to NORMAL", n.endpoint)
}

// removeEndpointLocked marks another node removed from the ring, for everyone: a newer record of
// it with the status removed (what removenode and a completed replacement gossip).
func (n *Node) removeEndpointLocked(id string) {
	if st, ok := n.states[id]; ok {
		c := *st
		c.Status, c.Version = statusRemoved, st.Version+1<<20
		n.states[id] = &c
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
