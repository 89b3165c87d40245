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

// Observe reports the node's facts: version, node id, roles, shards and documents held, the
// cluster health and cluster manager it sees, the cluster UUID and, while the node is excluded
// from allocation, its drain. It also runs the cleanups of cleanup.go. Facts it could not read
// keep their last reported value (health becomes unknown, as it does on a node that knows no
// cluster manager), and the errors are returned for the agent to log.
func (e *Engine) Observe(ctx context.Context, status *navv1alpha1.PilotStatus) error {
	st := status.OpenSearch.DeepCopy()
	if st == nil {
		st = &navv1alpha1.OpenSearchPilotStatus{}
	}
	defer func() { e.observed(status.Node.ID, st) }()
	f, answered, err := node.Observe(ctx, e.api, node.Facts{
		Version: status.Version, ClusterUUID: st.ClusterUUID, Health: st.ClusterHealth, Master: st.ClusterManagerNode,
	})
	status.Version, st.ClusterUUID, st.ClusterHealth, st.ClusterManagerNode = f.Version, f.ClusterUUID, f.Health, f.Master
	if self := f.Self; self != nil {
		status.Node.ID = self.ID
		st.Roles = node.Roles[navv1alpha1.OpenSearchRole](self.Roles)
		st.Shards, st.Documents = self.Shards, self.Documents
	}
	status.OpenSearch = st
	if !answered {
		return err
	}
	errs := []error{err}
	// The cluster settings and the shards' places are the cluster manager's to answer. The
	// allocation exclusion is read once, for the node's drain and the manager's cleanup alike.
	if self := f.Self; self != nil && st.ClusterManagerNode != "" {
		excluded, err := e.api.excluded(ctx)
		if err != nil {
			// The drain stays as last reported.
			return errors.Join(append(errs, fmt.Errorf("reading the allocation exclusions: %w", err))...)
		}
		if d, left, err := e.observeDrain(ctx, *self, status.Action, excluded); err != nil {
			errs = append(errs, err) // the drain stays as last reported
		} else {
			st.Drain, excluded = d, left
		}
		if st.ClusterManagerNode == self.ID {
			if err := e.cleanupDeparted(ctx, excluded); err != nil {
				errs = append(errs, fmt.Errorf("cleaning up after departed nodes: %w", err))
			}
		}
	}
	return errors.Join(errs...)
}

// observeDrain reports the node's drain while it is excluded from allocation, after lifting an
// exclusion its Pilot no longer asks for. reported is the action the Pilot's status reports,
// excluded the names in the allocation exclusion; it returns them as they are afterwards.
func (e *Engine) observeDrain(ctx context.Context, self rest.LocalNode, reported *navv1alpha1.PilotActionStatus, excluded []string) (*navv1alpha1.OpenSearchDrainStatus, []string, error) {
	if !slices.Contains(excluded, self.Name) {
		return nil, excluded, nil
	}
	if e.leaveWithdrawn(reported) {
		left := without(excluded, self.Name)
		if err := e.api.setExcluded(ctx, left); err != nil {
			return nil, excluded, fmt.Errorf("lifting the allocation exclusion its Pilot no longer asks for: %w", err)
		}
		return nil, left, nil
	}
	d, err := e.drainProgress(ctx, self, excluded)
	if err != nil {
		return nil, excluded, err
	}
	return &navv1alpha1.OpenSearchDrainStatus{ShardsRemaining: d.remaining, Relocating: d.relocating, Stalled: d.stalled, Explanation: d.explanation}, excluded, nil
}
