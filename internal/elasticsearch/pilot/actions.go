package pilot

import (
	"context"
	"fmt"
	"slices"
	"strings"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/failpoint"
	"github.com/navigator-dbaas/navigator/internal/pilot/engine"
)

// Reasons recorded in the shutdowns the pilot registers, for whoever reads GET _nodes/shutdown.
const (
	reasonLeave   = "Navigator: the node leaves its cluster (Pilot spec.action Leave)"
	reasonRestart = "Navigator: the node restarts with its data (Pilot spec.action PrepareRestart)"
)

// Act carries out Leave and PrepareRestart. Each call registers what is missing and reports
// progress, so that calling it again while the action is requested changes nothing.
func (e *Engine) Act(ctx context.Context, action navv1alpha1.PilotAction, _ engine.Input) (navv1alpha1.PilotActionStatus, error) {
	st := navv1alpha1.PilotActionStatus{Action: action, Phase: navv1alpha1.ActionInProgress}
	var err error
	switch action {
	case navv1alpha1.ActionLeave:
		st.Phase, st.Message, err = e.leave(ctx)
	case navv1alpha1.ActionPrepareRestart:
		st.Phase, st.Message, err = e.prepareRestart(ctx)
	default:
		return st, fmt.Errorf("the Elasticsearch engine does not carry out %s (Cleanup is a Cassandra action)", action)
	}
	return st, err
}

// leave moves the node's data away with a remove-type shutdown. A master-eligible node is also
// excluded from the voting configuration, so that its departure never costs the cluster its
// quorum. The shutdown is registered first: a voting exclusion whose node has no remove-type
// shutdown is one the elected master's pilot may clear (cleanup.go), so the exclusion must
// never exist without it. Complete once Elasticsearch reports the shutdown COMPLETE and the
// node is out of the voting configuration; a STALLED shutdown stays in progress with
// Elasticsearch's explanation: the controller decides what to do about it.
func (e *Engine) leave(ctx context.Context) (navv1alpha1.ActionPhase, string, error) {
	self, err := e.es.local(ctx)
	if err != nil {
		return navv1alpha1.ActionInProgress, "", fmt.Errorf("reading the node's stats: %w", err)
	}
	e.mu.Lock()
	e.leavePending = true
	e.mu.Unlock()
	sd, err := e.es.shutdownOf(ctx, self.ID)
	if err != nil {
		return navv1alpha1.ActionInProgress, "", fmt.Errorf("reading the node's shutdown: %w", err)
	}
	if !sd.is(shutdownRemove) {
		if err := e.es.putShutdown(ctx, self.ID, shutdownRemove, reasonLeave, 0); err != nil {
			return navv1alpha1.ActionInProgress, "", fmt.Errorf("registering the remove shutdown: %w", err)
		}
		if err := failpoint.Inject(ctx, failpoint.ElasticsearchPilotLeaveShutdownRegistered); err != nil {
			return navv1alpha1.ActionInProgress, "", err
		}
		if sd, err = e.es.shutdownOf(ctx, self.ID); err != nil {
			return navv1alpha1.ActionInProgress, "", fmt.Errorf("reading the node's shutdown: %w", err)
		}
	}
	if sd.is(shutdownRemove) && self.masterEligible() {
		if waiting, err := e.excludeSelf(ctx, self); err != nil {
			return navv1alpha1.ActionInProgress, "", err
		} else if waiting {
			return navv1alpha1.ActionInProgress, "waiting for the node to leave the voting configuration", nil
		}
	}
	return leaveProgress(sd)
}

// leaveProgress turns the shutdown's status into the action's phase and message. COMPLETE is
// Elasticsearch's word that the node can go: no shard is routed to it any more (the node deletes
// its relocated copies as it applies that), or the copies left have nowhere to go and a started
// copy on a node that is not shutting down (TransportGetShutdownStatusAction.
// hasShardCopyOnAnotherNode, which explains it), as when a data pool of two shrinks to one with
// a replica per shard. Waiting for those copies to leave would wait for good.
func leaveProgress(sd *shutdown) (navv1alpha1.ActionPhase, string, error) {
	switch {
	case sd == nil:
		return navv1alpha1.ActionInProgress, "the remove shutdown is not registered yet", nil
	case sd.Status == "COMPLETE" && sd.ShardMigration.Explanation != "":
		return navv1alpha1.ActionComplete, "shutdown COMPLETE, the node can be removed: " + sd.explanation(), nil
	case sd.Status == "COMPLETE":
		return navv1alpha1.ActionComplete, "every shard has moved away: the node can be removed", nil
	case sd.Status == "STALLED":
		return navv1alpha1.ActionInProgress, fmt.Sprintf("shutdown STALLED with %d shards remaining: %s", sd.ShardMigration.Remaining, sd.explanation()), nil
	default:
		return navv1alpha1.ActionInProgress, fmt.Sprintf("shutdown %s: %d shards remaining to move away", sd.Status, sd.ShardMigration.Remaining), nil
	}
}

// excludeSelf adds the node's voting configuration exclusion unless the cluster state has it.
// waiting is true while Elasticsearch has not yet taken the node out of the voting
// configuration (a timeout_exception); the next call asks again, which adds nothing twice.
func (e *Engine) excludeSelf(ctx context.Context, self localNode) (waiting bool, err error) {
	st, err := e.es.localState(ctx, "metadata", "metadata.cluster_coordination.voting_config_exclusions")
	if err != nil {
		return false, fmt.Errorf("reading the voting configuration exclusions: %w", err)
	}
	if slices.ContainsFunc(st.Metadata.ClusterCoordination.VotingConfigExclusions, func(x votingExclusion) bool {
		return x.NodeID == self.ID
	}) {
		return false, nil
	}
	err = e.es.excludeFromVoting(ctx, self.Name)
	if err == nil || isTimeout(err) {
		// Added, or added and not yet in effect: the write has happened either way.
		if err := failpoint.Inject(ctx, failpoint.ElasticsearchPilotLeaveExcluded); err != nil {
			return false, err
		}
	}
	switch {
	case isTimeout(err):
		return true, nil
	case err != nil:
		return false, fmt.Errorf("excluding the node from the voting configuration: %w", err)
	}
	return false, nil
}

// prepareRestart registers a restart-type shutdown with the configured allocation delay, so
// that Elasticsearch neither moves the node's shards away nor rebuilds its replicas elsewhere
// while it restarts. Complete once Elasticsearch reports the shutdown COMPLETE (at once for a
// restart, which moves no data), and only while every shard the node holds a copy of is fully
// allocated (unsafeToRestart): the controller admitted the restart on the pilots' last reports,
// and this is the same judgement made on the master's state at the last moment, so a replica
// that began to recover since (another node just back from its own restart) holds the restart.
func (e *Engine) prepareRestart(ctx context.Context) (navv1alpha1.ActionPhase, string, error) {
	self, err := e.es.local(ctx)
	if err != nil {
		return navv1alpha1.ActionInProgress, "", fmt.Errorf("reading the node's stats: %w", err)
	}
	copies, err := e.es.shardCopies(ctx)
	if err != nil {
		return navv1alpha1.ActionInProgress, "", fmt.Errorf("reading where the shard copies are: %w", err)
	}
	if unsafe := unsafeToRestart(self.ID, copies); len(unsafe) > 0 {
		return navv1alpha1.ActionInProgress, "waiting for the other copies of the shards this node holds to be active: " + strings.Join(unsafe, ", "), nil
	}
	e.mu.Lock()
	e.restartPending = true
	e.mu.Unlock()
	sd, err := e.es.shutdownOf(ctx, self.ID)
	if err != nil {
		return navv1alpha1.ActionInProgress, "", fmt.Errorf("reading the node's shutdown: %w", err)
	}
	if !sd.is(shutdownRestart) {
		if err := e.es.putShutdown(ctx, self.ID, shutdownRestart, reasonRestart, e.RestartAllocationDelay); err != nil {
			return navv1alpha1.ActionInProgress, "", fmt.Errorf("registering the restart shutdown: %w", err)
		}
		if err := failpoint.Inject(ctx, failpoint.ElasticsearchPilotRestartShutdownRegistered); err != nil {
			return navv1alpha1.ActionInProgress, "", err
		}
		if sd, err = e.es.shutdownOf(ctx, self.ID); err != nil {
			return navv1alpha1.ActionInProgress, "", fmt.Errorf("reading the node's shutdown: %w", err)
		}
	}
	switch {
	case sd == nil:
		return navv1alpha1.ActionInProgress, "the restart shutdown is not registered yet", nil
	case sd.Status == "COMPLETE":
		return navv1alpha1.ActionComplete, fmt.Sprintf("restart shutdown registered with allocation_delay %s: the node may restart", timeValue(e.RestartAllocationDelay)), nil
	default:
		return navv1alpha1.ActionInProgress, fmt.Sprintf("restart shutdown %s", sd.Status), nil
	}
}
