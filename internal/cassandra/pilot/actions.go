package pilot

import (
	"context"
	"fmt"
	"strings"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/cassandra/nodetool"
	"github.com/navigator-dbaas/navigator/internal/pilot/engine"
)

// Act carries out Leave, PrepareRestart and Cleanup. Each call starts the nodetool command the
// action needs unless it runs or is done already, and reports its progress: calling it again
// while the action is requested changes nothing.
func (e *Engine) Act(ctx context.Context, action navv1alpha1.PilotAction, in engine.Input) (navv1alpha1.PilotActionStatus, error) {
	var generation int64
	if in.Pilot != nil {
		generation = in.Pilot.Generation
	}
	st := navv1alpha1.PilotActionStatus{Action: action, Phase: navv1alpha1.ActionInProgress}
	var err error
	switch action {
	case navv1alpha1.ActionLeave:
		st.Phase, st.Message, err = e.leave(ctx, generation)
	case navv1alpha1.ActionPrepareRestart:
		st.Phase, st.Message, err = e.prepareRestart(ctx, generation)
	case navv1alpha1.ActionCleanup:
		st.Phase, st.Message, err = e.cleanup(ctx, generation)
	default:
		return st, fmt.Errorf("the Cassandra engine does not carry out %s", action)
	}
	return st, err
}

// leave decommissions the node: Cassandra streams every range it holds to the nodes that take
// it over, then the node leaves the ring and stays up, DECOMMISSIONED, until its pod goes.
// netstats' mode makes it idempotent across pilot restarts; the engine refuses to begin when its
// datacenter would keep fewer live nodes than the replication factor.
func (e *Engine) leave(ctx context.Context, generation int64) (navv1alpha1.ActionPhase, string, error) {
	ns, nsErr := e.netstats(ctx)
	if modeIs(ns, nodetool.ModeDecommissioned) {
		e.markDecommissioned()
		return navv1alpha1.ActionComplete, "decommissioned: the node has streamed its data away and left the ring", nil
	}
	o := e.outcomeOf(navv1alpha1.ActionLeave, generation)
	switch {
	case o.busy != "":
		return navv1alpha1.ActionInProgress, waitingFor(o.busy), nil
	case o.running:
		return navv1alpha1.ActionInProgress, leaveProgress(ns), nil
	case o.done && o.err == nil:
		e.markDecommissioned()
		return navv1alpha1.ActionComplete, "decommissioned: the node has streamed its data away and left the ring", nil
	case o.done && !o.retry:
		return navv1alpha1.ActionFailed, o.err.Error(), nil
	case nsErr != nil:
		return navv1alpha1.ActionInProgress, "", nsErr
	}
	if refusal, err := e.leaveRefusal(ctx); err != nil || refusal != "" {
		return navv1alpha1.ActionFailed, refusal, err
	}
	return navv1alpha1.ActionInProgress, e.startOperation(ctx, navv1alpha1.ActionLeave, generation, "nodetool decommission started", "decommission"), nil
}

// leaveRefusal says why the node must not leave, in its own view of the ring: its datacenter
// would keep fewer nodes up and normal than the replicas a keyspace of NetworkTopologyStrategy
// asks for there, or the cluster fewer than a keyspace of SimpleStrategy asks for. Cassandra
// checks the nodes the ring has, live or not; a down node holds no replica anyone can read, so
// the engine counts live ones only.
func (e *Engine) leaveRefusal(ctx context.Context) (string, error) {
	st, err := e.status(ctx, freshStatus)
	if err != nil {
		return "", err
	}
	e.mu.Lock()
	address := e.address
	e.mu.Unlock()
	dc, _, ok := self(st, address)
	if !ok {
		return "", fmt.Errorf("nodetool status does not list this node (%s)", address)
	}
	ks, err := e.keyspaces(ctx)
	if err != nil {
		return "", err
	}
	r := replicationOf(ks, dc)
	if live := liveOthers(st, dc, address); int64(live) < int64(r.datacenter) {
		return fmt.Sprintf("refusing to decommission: keyspace %s asks for %d replicas in datacenter %s, and only %d other nodes there are up and normal (UN)",
			r.datacenterKS, r.datacenter, dc, live), nil
	}
	if live := liveOthers(st, "", address); int64(live) < int64(r.cluster) {
		return fmt.Sprintf("refusing to decommission: keyspace %s asks for %d replicas in the cluster, and only %d other nodes are up and normal (UN)",
			r.clusterKS, r.cluster, live), nil
	}
	return "", nil
}

func (e *Engine) markDecommissioned() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.decommissioned = true
}

// leaveProgress tells what a running decommission does, from netstats: the mode and how much of
// the data has been sent, in whole percents so that the status changes a hundred times at most.
func leaveProgress(ns *nodetool.Netstats) string {
	if ns == nil {
		return "nodetool decommission is running"
	}
	var total, sent int64
	peers := map[string]bool{}
	for _, plan := range ns.Streams {
		for _, s := range plan.Sessions {
			if s.Sending != nil {
				total, sent = total+s.Sending.Bytes, sent+s.Sending.BytesDone
				peers[s.Peer] = true
			}
		}
	}
	if total == 0 {
		return fmt.Sprintf("decommissioning (mode %s): no data streaming", ns.Mode)
	}
	to := fmt.Sprintf("%d nodes", len(peers))
	if len(peers) == 1 {
		to = "1 node"
	}
	return fmt.Sprintf("decommissioning (mode %s): streaming to %s, %d%% of %s sent", ns.Mode, to, sent*100/total, size(total))
}

// prepareRestart drains the node: it stops taking writes, flushes everything to disk and tells
// its peers it is going, so that it restarts with its data and no commit log to replay. Complete
// once netstats says DRAINED.
func (e *Engine) prepareRestart(ctx context.Context, generation int64) (navv1alpha1.ActionPhase, string, error) {
	ns, nsErr := e.netstats(ctx)
	if modeIs(ns, nodetool.ModeDrained) {
		return navv1alpha1.ActionComplete, "drained: the node may restart", nil
	}
	o := e.outcomeOf(navv1alpha1.ActionPrepareRestart, generation)
	switch {
	case o.busy != "":
		return navv1alpha1.ActionInProgress, waitingFor(o.busy), nil
	case o.running, modeIs(ns, nodetool.ModeDraining):
		return navv1alpha1.ActionInProgress, "draining: the node flushes its memtables", nil
	case o.done && o.err == nil:
		return navv1alpha1.ActionComplete, "drained: the node may restart", nil
	case o.done && !o.retry:
		return navv1alpha1.ActionFailed, o.err.Error(), nil
	case nsErr != nil:
		return navv1alpha1.ActionInProgress, "", nsErr
	}
	return navv1alpha1.ActionInProgress, e.startOperation(ctx, navv1alpha1.ActionPrepareRestart, generation, "nodetool drain started", "drain"), nil
}

// Cassandra's refusals of a cleanup that has to wait, not fail: ranges are moving to the node
// (cleaning up then would drop data still on its way, CASSANDRA-16418), or it has not joined;
// or the cleanup was aborted for one of those reasons (see cleanupOutcome).
var cleanupWaits = []string{
	"Node is involved in cluster membership changes",
	"Cleanup cannot run before a node has joined the ring",
	abortedCleanup,
}

// abortedCleanup begins the line nodetool prints for each keyspace whose cleanup Cassandra
// aborted (NodeProbe: AllSSTableOpStatus.ABORTED).
const abortedCleanup = "Aborted cleaning up"

// cleanupOutcome is how a nodetool cleanup ended. Cassandra aborts a cleanup it may not run yet
// (CompactionManager.performCleanup: the node has not joined, or 5.0's "Cleanup cannot run while
// node has pending ranges" for a table), and nodetool says so on stdout only: 4.1 and 5.0 print
// "Aborted cleaning up for at least one table in keyspace ks, check server logs for more
// information." and exit 0; 4.0 prints "Aborted cleaning up at least one table in keyspace ks,
// ..." and fails with "nodetool failed, check server logs". Either way nothing was cleaned up,
// which exit status 0 alone would have reported as done.
func cleanupOutcome(stdout string, err error) error {
	for line := range strings.Lines(stdout) {
		if strings.HasPrefix(line, abortedCleanup) {
			return &nodetoolError{command: "cleanup", message: strings.TrimSpace(line)}
		}
	}
	return err
}

// cleanup drops the data the node no longer replicates, after other nodes joined. Complete when
// nodetool cleanup returned 0; a refusal because ranges are still moving is reported in progress
// and tried again after RetryDelay, the refusal staying the message meanwhile, so that the
// status does not change with every attempt.
func (e *Engine) cleanup(ctx context.Context, generation int64) (navv1alpha1.ActionPhase, string, error) {
	o := e.outcomeOf(navv1alpha1.ActionCleanup, generation)
	message := "nodetool cleanup started"
	switch {
	case o.busy != "":
		return navv1alpha1.ActionInProgress, waitingFor(o.busy), nil
	case o.running:
		return navv1alpha1.ActionInProgress, o.message, nil
	case o.done && o.err == nil:
		return navv1alpha1.ActionComplete, "cleaned up: the node holds only the data it replicates", nil
	case o.done && waits(o.err):
		message = fmt.Sprintf("waiting to try again: %v", o.err)
		if !o.retry {
			return navv1alpha1.ActionInProgress, message, nil
		}
	case o.done && !o.retry:
		return navv1alpha1.ActionFailed, o.err.Error(), nil
	}
	return navv1alpha1.ActionInProgress, e.startOperation(ctx, navv1alpha1.ActionCleanup, generation, message, "cleanup"), nil
}

func waits(err error) bool {
	for _, msg := range cleanupWaits {
		if strings.Contains(err.Error(), msg) {
			return true
		}
	}
	return false
}

func waitingFor(busy navv1alpha1.PilotAction) string {
	return fmt.Sprintf("waiting for the nodetool command of %s to finish", busy)
}

// size prints bytes as nodetool does, in binary units with two decimals.
func size(b int64) string {
	units := []string{"bytes", "KiB", "MiB", "GiB", "TiB"}
	v, i := float64(b), 0
	for v >= 1024 && i < len(units)-1 {
		v, i = v/1024, i+1
	}
	if i == 0 {
		return fmt.Sprintf("%d bytes", b)
	}
	return fmt.Sprintf("%.2f %s", v, units[i])
}
