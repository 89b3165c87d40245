package pilot

import (
	"context"
	"fmt"
	"slices"
	"strings"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/pilot/engine"
	"github.com/navigator-dbaas/navigator/internal/search/node"
	"github.com/navigator-dbaas/navigator/internal/search/rest"
)

// Act carries out Leave and PrepareRestart. Each call writes what is missing and reports
// progress, so that calling it again while the action is requested changes nothing.
func (e *Engine) Act(ctx context.Context, action navv1alpha1.PilotAction, _ engine.Input) (navv1alpha1.PilotActionStatus, error) {
	return node.Act(ctx, "OpenSearch", action, e.leave, e.prepareRestart)
}

// leave moves the node's copies away by naming it in cluster.routing.allocation.exclude._name,
// and takes a cluster-manager-eligible node out of the voting configuration, so that its
// departure never costs the cluster its quorum. The allocation exclusion comes first: a voting
// exclusion whose node is not excluded from allocation is one the elected cluster manager's
// pilot may clear (cleanup.go), so it must never exist without it.
//
// The setting is one list for the whole cluster, which the pilots of leaving nodes each rewrite:
// two writing at once may each drop the other's name. Every call checks the node's own name and
// writes it again when it is missing, so a lost write is mended on the next step, and the drain
// is judged only on a list that holds the name.
func (e *Engine) leave(ctx context.Context) (navv1alpha1.ActionPhase, string, error) {
	self, err := e.api.Local(ctx)
	if err != nil {
		return navv1alpha1.ActionInProgress, "", fmt.Errorf("reading the node's stats: %w", err)
	}
	e.mu.Lock()
	e.leavePending = true
	e.mu.Unlock()
	excluded, err := e.api.excluded(ctx)
	if err != nil {
		return navv1alpha1.ActionInProgress, "", fmt.Errorf("reading the allocation exclusions: %w", err)
	}
	if !slices.Contains(excluded, self.Name) {
		if err := e.api.setExcluded(ctx, append(excluded, self.Name)); err != nil {
			return navv1alpha1.ActionInProgress, "", fmt.Errorf("excluding the node from allocation: %w", err)
		}
		return navv1alpha1.ActionInProgress, "excluded from allocation; its shard copies are about to move away", nil
	}
	if self.Has(string(navv1alpha1.OSRoleClusterManager)) {
		if waiting, err := node.ExcludeSelf(ctx, e.api, self, nil); err != nil {
			return navv1alpha1.ActionInProgress, "", err
		} else if waiting {
			return navv1alpha1.ActionInProgress, "waiting for the node to leave the voting configuration", nil
		}
	}
	d, err := e.drainProgress(ctx, self, excluded)
	if err != nil {
		return navv1alpha1.ActionInProgress, "", err
	}
	if d.done {
		return navv1alpha1.ActionComplete, d.message, nil
	}
	return navv1alpha1.ActionInProgress, d.message, nil
}

// prepareRestart gets the node ready to restart with its data. OpenSearch has no restart-type
// shutdown: while the node is away its copies are unassigned, NODE_LEFT, and each index waits
// its index.unassigned.node_left.delayed_timeout (1m unless set) before rebuilding them
// elsewhere; a restart that takes longer costs copying, never data. The action completes only
// while every shard the node holds a copy of is fully allocated (rest.UnsafeToRestart, the
// judgement the Elasticsearch engine makes too), after a flush, so that the copies recover from
// their files when the node is back.
func (e *Engine) prepareRestart(ctx context.Context) (navv1alpha1.ActionPhase, string, error) {
	self, err := e.api.Local(ctx)
	if err != nil {
		return navv1alpha1.ActionInProgress, "", fmt.Errorf("reading the node's stats: %w", err)
	}
	copies, err := e.api.shardCopies(ctx)
	if err != nil {
		return navv1alpha1.ActionInProgress, "", fmt.Errorf("reading where the shard copies are: %w", err)
	}
	if unsafe := rest.UnsafeToRestart(self.ID, copies); len(unsafe) > 0 {
		return navv1alpha1.ActionInProgress, "waiting for the other copies of the shards this node holds to be active: " + strings.Join(unsafe, ", "), nil
	}
	if err := e.api.flush(ctx); err != nil {
		return navv1alpha1.ActionInProgress, "", fmt.Errorf("flushing before the restart: %w", err)
	}
	return navv1alpha1.ActionComplete, "flushed, every other copy of its shards active: the node may restart (OpenSearch delays rebuilding its copies by each index's node_left.delayed_timeout)", nil
}
