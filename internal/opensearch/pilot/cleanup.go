package pilot

import (
	"context"
	"errors"
	"fmt"
	"slices"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/search/node"
	"github.com/navigator-dbaas/navigator/internal/search/rest"
)

// Cleanups the pilot runs while observing, of what OpenSearch keeps until someone removes it:
//
//   - A node named in cluster.routing.allocation.exclude._name whose Pilot no longer asks it to
//     Leave (the scale in was withdrawn: the user raised the replicas back) would stay empty for
//     good: its own pilot takes its name out, and OpenSearch may allocate copies to it again
//     (observe.go).
//   - Names of nodes that have left the cluster stay in the list, and voting configuration
//     exclusions outlive the nodes they name (OpenSearch caps them at
//     cluster.max_voting_config_exclusions, 10, after which no cluster-manager-eligible node can
//     leave). Only the elected cluster manager's pilot clears them, so that exactly one pilot
//     does it: the names of nodes no longer in the cluster, and the voting exclusions once no
//     excluded node is still leaving, that is each has left or is no longer excluded from
//     allocation (a withdrawn leave). This is the database's own election, not one among pilots
//     (docs/design/0001-pilot.md rule 4). Navigator owns the persistent exclude._name of the
//     clusters it runs.

// leaveWithdrawn reports whether the Pilot has moved on from Leave. The status Observe gets is
// the one read at the start of the agent's step, so it lags one step behind an Act that has just
// written the exclusion: leavePending, set by that Act, covers that step.
func (e *Engine) leaveWithdrawn(reported *navv1alpha1.PilotActionStatus) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if reported != nil && reported.Action == navv1alpha1.ActionLeave {
		e.leavePending = false // the status carries the request from now on
		return false
	}
	return !e.leavePending
}

// cleanupDeparted runs on the elected cluster manager: it drops from the allocation exclusion
// (excluded, as Observe read it) the names of nodes that are no longer in the cluster, and
// clears the voting configuration exclusions once no excluded node is leaving
// (wait_for_removal=false: the nodes are gone or stay).
func (e *Engine) cleanupDeparted(ctx context.Context, excluded []string) error {
	st, err := node.Members(ctx, e.api)
	if err != nil {
		return err
	}
	members := map[string]string{} // name → id
	for id, n := range st.Nodes {
		members[n.Name] = id
	}
	var errs []error
	leaving := map[string]bool{}
	var stay []string
	for _, name := range excluded {
		if id, member := members[name]; member {
			leaving[id] = true
			stay = append(stay, name)
		}
	}
	if len(stay) < len(excluded) {
		if err := e.api.setExcluded(ctx, stay); err != nil {
			errs = append(errs, fmt.Errorf("dropping departed nodes from the allocation exclusion: %w", err))
		}
	}
	if len(st.Metadata.ClusterCoordination.VotingConfigExclusions) > 0 && rest.NoneLeaving(st, leaving) {
		if err := e.api.clearVotingExclusions(ctx); err != nil {
			errs = append(errs, fmt.Errorf("clearing voting configuration exclusions: %w", err))
		}
	}
	return errors.Join(errs...)
}

// without returns names less name.
func without(names []string, name string) []string {
	return slices.DeleteFunc(slices.Clone(names), func(n string) bool { return n == name })
}
