package pilot

import (
	"context"
	"errors"
	"fmt"

	"github.com/elastic/go-elasticsearch/v8/typedapi/types/enums/type_"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
)

// Cleanups the pilot runs while observing. Both remove records that Elasticsearch keeps until
// someone deletes them and that would otherwise pile up or mislead:
//
//   - A restart-type shutdown makes Elasticsearch wait allocation_delay before rebuilding the
//     node's replicas elsewhere. Left behind once the node is back, it would also delay the
//     recovery after the node's next, unplanned, failure. So a node that has joined its cluster
//     deletes its own restart shutdown once its Pilot no longer asks for PrepareRestart
//     (ARCHITECTURE.md: "then clears it once the node is back").
//   - A remove-type shutdown and a voting configuration exclusion outlive the node they name.
//     Elasticsearch caps exclusions at cluster.max_voting_config_exclusions (10), after which no
//     master-eligible node can leave. Only the elected master's pilot clears them, and only for
//     nodes that have left the cluster, so that exactly one pilot does it and never for a node
//     still leaving. This is the database's own election, not one among pilots
//     (docs/design/0001-pilot.md rule 4).

// cleanupRestart deletes sd, the node's own shutdown, when it is a restart-type one and the
// Pilot no longer asks for PrepareRestart. It is called only while the node knows a master,
// that is has joined its cluster. It returns the shutdown still registered.
func (e *Engine) cleanupRestart(ctx context.Context, sd *shutdown, reported *navv1alpha1.PilotActionStatus) (*shutdown, error) {
	if !sd.is(type_.Restart) || !e.restartDone(reported) {
		return sd, nil
	}
	if err := e.es.deleteShutdown(ctx, sd.NodeID); err != nil && !hasStatus(err, 404) {
		return sd, err
	}
	return nil, nil
}

// restartDone reports whether the Pilot has moved on from PrepareRestart. The status Observe
// gets is the one read at the start of the agent's step, so it lags one step behind an Act that
// has just registered a restart: restartPending covers that step.
func (e *Engine) restartDone(reported *navv1alpha1.PilotActionStatus) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if reported != nil && reported.Action == navv1alpha1.ActionPrepareRestart {
		e.restartPending = false // the status carries the request from now on
		return false
	}
	return !e.restartPending
}

// cleanupDeparted runs on the elected master: it deletes remove-type shutdowns of nodes that
// are no longer in the cluster, and clears the voting configuration exclusions once every
// excluded node has left (Elasticsearch clears them all at once; wait_for_removal=false because
// they are gone already).
func (e *Engine) cleanupDeparted(ctx context.Context) error {
	st, err := e.es.localState(ctx, "nodes,metadata",
		"cluster_uuid", "nodes.*.name", "metadata.cluster_coordination.voting_config_exclusions")
	if err != nil {
		return err
	}
	if len(st.Nodes) == 0 {
		// The master is always in its own state: an empty list is a misread, and taken at its
		// word it would make every node look departed.
		return errors.New("the cluster state lists no nodes")
	}
	all, err := e.es.shutdowns(ctx, "")
	if err != nil {
		return err
	}
	var errs []error
	for _, sd := range all {
		if _, member := st.Nodes[sd.NodeID]; member || !sd.is(type_.Remove) {
			continue
		}
		if err := e.es.deleteShutdown(ctx, sd.NodeID); err != nil && !hasStatus(err, 404) {
			errs = append(errs, fmt.Errorf("deleting the shutdown of departed node %s: %w", sd.NodeID, err))
		}
	}
	if exclusions := st.Metadata.ClusterCoordination.VotingConfigExclusions; len(exclusions) > 0 && allDeparted(st, exclusions) {
		if err := e.es.clearVotingExclusions(ctx); err != nil {
			errs = append(errs, fmt.Errorf("clearing voting configuration exclusions: %w", err))
		}
	}
	return errors.Join(errs...)
}

// allDeparted reports whether no excluded node is in the cluster. A node excluded by name
// before it was seen has the id "_absent_", so names are compared too.
func allDeparted(st *stateView, exclusions []votingExclusion) bool {
	for _, x := range exclusions {
		if _, member := st.Nodes[x.NodeID]; member {
			return false
		}
		for _, n := range st.Nodes {
			if x.NodeID == "_absent_" && n.Name == x.NodeName {
				return false
			}
		}
	}
	return true
}
