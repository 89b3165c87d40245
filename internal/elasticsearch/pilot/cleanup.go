package pilot

import (
	"context"
	"errors"
	"fmt"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/search/node"
	"github.com/navigator-dbaas/navigator/internal/search/rest"
)

// Cleanups the pilot runs while observing. Each removes records that Elasticsearch keeps until
// someone deletes them and that would otherwise pile up or mislead:
//
//   - A restart-type shutdown makes Elasticsearch wait allocation_delay before rebuilding the
//     node's replicas elsewhere. Left behind once the node is back, it would also delay the
//     recovery after the node's next, unplanned, failure. So a node that has joined its cluster
//     deletes its own restart shutdown once its Pilot no longer asks for PrepareRestart
//     (ARCHITECTURE.md: "then clears it once the node is back").
//   - A remove-type shutdown of a node whose Pilot no longer asks it to Leave (the scale in was
//     withdrawn: the user raised the replicas back) would keep the node empty for good: the
//     node's own pilot deletes it, and Elasticsearch may allocate shards to it again.
//   - A remove-type shutdown and a voting configuration exclusion outlive the node they name.
//     Elasticsearch caps exclusions at cluster.max_voting_config_exclusions (10), after which no
//     master-eligible node can leave. Only the elected master's pilot clears them, so that
//     exactly one pilot does it: the shutdowns of nodes that have left the cluster, and the
//     exclusions once no excluded node is still leaving, that is each has left or stays with no
//     remove-type shutdown (a withdrawn leave). This is the database's own election, not one
//     among pilots (docs/design/0001-pilot.md rule 4).

// cleanupOwnShutdown deletes sd, the node's own shutdown, when the Pilot no longer asks for the
// action that registered it: a restart-type one once it no longer asks for PrepareRestart, a
// remove-type one once it no longer asks to Leave. It is called only while the node knows a
// master, that is has joined its cluster. It returns the shutdown still registered.
func (e *Engine) cleanupOwnShutdown(ctx context.Context, sd *shutdown, reported *navv1alpha1.PilotActionStatus) (*shutdown, error) {
	restartWithdrawn := e.withdrawn(reported, navv1alpha1.ActionPrepareRestart, &e.restartPending)
	leaveWithdrawn := e.withdrawn(reported, navv1alpha1.ActionLeave, &e.leavePending)
	stale := (sd.is(shutdownRestart) && restartWithdrawn) || (sd.is(shutdownRemove) && leaveWithdrawn)
	if !stale {
		return sd, nil
	}
	if err := e.es.deleteShutdown(ctx, sd.NodeID); err != nil && !rest.HasStatus(err, 404) {
		return sd, err
	}
	return nil, nil
}

// withdrawn reports whether the Pilot has moved on from action. The status Observe gets is the
// one read at the start of the agent's step, so it lags one step behind an Act that has just
// registered a shutdown: pending, set by that Act, covers that step.
func (e *Engine) withdrawn(reported *navv1alpha1.PilotActionStatus, action navv1alpha1.PilotAction, pending *bool) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if reported != nil && reported.Action == action {
		*pending = false // the status carries the request from now on
		return false
	}
	return !*pending
}

// cleanupDeparted runs on the elected master: it deletes remove-type shutdowns of nodes that
// are no longer in the cluster, and clears the voting configuration exclusions once no excluded
// node is leaving (Elasticsearch clears them all at once; wait_for_removal=false because the
// nodes are gone or stay).
func (e *Engine) cleanupDeparted(ctx context.Context) error {
	st, err := node.Members(ctx, e.es)
	if err != nil {
		return err
	}
	all, err := e.es.shutdowns(ctx, "")
	if err != nil {
		return err
	}
	var errs []error
	leaving := map[string]bool{}
	for _, sd := range all {
		_, member := st.Nodes[sd.NodeID]
		if !sd.is(shutdownRemove) {
			continue
		}
		if member {
			leaving[sd.NodeID] = true
			continue
		}
		if err := e.es.deleteShutdown(ctx, sd.NodeID); err != nil && !rest.HasStatus(err, 404) {
			errs = append(errs, fmt.Errorf("deleting the shutdown of departed node %s: %w", sd.NodeID, err))
		}
	}
	if len(st.Metadata.ClusterCoordination.VotingConfigExclusions) > 0 && rest.NoneLeaving(st, leaving) {
		if err := e.es.clearVotingExclusions(ctx); err != nil {
			errs = append(errs, fmt.Errorf("clearing voting configuration exclusions: %w", err))
		}
	}
	return errors.Join(errs...)
}
