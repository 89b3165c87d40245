package pilot

import (
	"context"
	"fmt"
	"strings"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/failpoint"
	"github.com/navigator-dbaas/navigator/internal/pilot/engine"
	"github.com/navigator-dbaas/navigator/internal/search/node"
	"github.com/navigator-dbaas/navigator/internal/search/rest"
)

// Reasons recorded in the shutdowns the pilot registers, for whoever reads GET _nodes/shutdown.
const (
	reasonLeave   = "Navigator: the node leaves its cluster (Pilot spec.action Leave)"
	reasonRestart = "Navigator: the node restarts with its data (Pilot spec.action PrepareRestart)"
)

// Act carries out Leave and PrepareRestart. Each call registers what is missing and reports
// progress, so that calling it again while the action is requested changes nothing.
func (e *Engine) Act(ctx context.Context, action navv1alpha1.PilotAction, _ engine.Input) (navv1alpha1.PilotActionStatus, error) {
	return node.Act(ctx, "Elasticsearch", action, e.leave, e.prepareRestart)
}

// leave moves the node's data away with a remove-type shutdown. A master-eligible node is also
// excluded from the voting configuration, so that its departure never costs the cluster its
// quorum. The shutdown is registered first: a voting exclusion whose node has no remove-type
// shutdown is one the elected master's pilot may clear (cleanup.go), so the exclusion must
// never exist without it. Complete once Elasticsearch reports the shutdown COMPLETE and the
// node is out of the voting configuration; a STALLED shutdown stays in progress with
// Elasticsearch's explanation: the controller decides what to do about it.
func (e *Engine) leave(ctx context.Context) (navv1alpha1.ActionPhase, string, error) {
	self, err := e.es.Local(ctx)
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
	if sd.is(shutdownRemove) && self.Has(string(navv1alpha1.ESRoleMaster)) {
		excluded := func(ctx context.Context) error {
			return failpoint.Inject(ctx, failpoint.ElasticsearchPilotLeaveExcluded)
		}
		if waiting, err := node.ExcludeSelf(ctx, e.es, self, excluded); err != nil {
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

// prepareRestart registers a restart-type shutdown with the configured allocation delay, so
// that Elasticsearch neither moves the node's shards away nor rebuilds its replicas elsewhere
// while it restarts. Complete once Elasticsearch reports the shutdown COMPLETE (at once for a
// restart, which moves no data), and only while every shard the node holds a copy of is fully
// allocated (unsafeToRestart): the controller admitted the restart on the pilots' last reports,
// and this is the same judgement made on the master's state at the last moment, so a replica
// that began to recover since (another node just back from its own restart) holds the restart.
func (e *Engine) prepareRestart(ctx context.Context) (navv1alpha1.ActionPhase, string, error) {
	self, err := e.es.Local(ctx)
	if err != nil {
		return navv1alpha1.ActionInProgress, "", fmt.Errorf("reading the node's stats: %w", err)
	}
	copies, err := e.es.shardCopies(ctx)
	if err != nil {
		return navv1alpha1.ActionInProgress, "", fmt.Errorf("reading where the shard copies are: %w", err)
	}
	if unsafe := rest.UnsafeToRestart(self.ID, copies); len(unsafe) > 0 {
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
		return navv1alpha1.ActionComplete, fmt.Sprintf("restart shutdown registered with allocation_delay %s: the node may restart", rest.TimeValue(e.RestartAllocationDelay)), nil
	default:
		return navv1alpha1.ActionInProgress, fmt.Sprintf("restart shutdown %s", sd.Status), nil
	}
}
