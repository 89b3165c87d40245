package pilot

import (
	"context"
	"errors"
	"fmt"
	"strings"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/search/node"
)

// Observe reports the node's facts: version, node id, roles, shards and documents held, the
// cluster health and master it sees, the cluster UUID and its own registered shutdown. It also
// runs the cleanups of cleanup.go. Facts it could not read keep their last reported value
// (health becomes unknown, as it does on a node that knows no master), and the errors are
// returned for the agent to log.
func (e *Engine) Observe(ctx context.Context, status *navv1alpha1.PilotStatus) error {
	es := status.Elasticsearch.DeepCopy()
	if es == nil {
		es = &navv1alpha1.ElasticsearchPilotStatus{}
	}
	defer func() { e.observed(status.Node.ID, es) }()
	f, answered, err := node.Observe(ctx, e.es, node.Facts{
		Version: status.Version, ClusterUUID: es.ClusterUUID, Health: es.ClusterHealth, Master: es.MasterNode,
	})
	status.Version, es.ClusterUUID, es.ClusterHealth, es.MasterNode = f.Version, f.ClusterUUID, f.Health, f.Master
	if self := f.Self; self != nil {
		status.Node.ID = self.ID
		es.Roles = node.Roles[navv1alpha1.ElasticsearchRole](self.Roles)
		es.Shards, es.Documents = self.Shards, self.Documents
	}
	status.Elasticsearch = es
	if !answered {
		return err
	}
	errs := []error{err}
	// The shutdown API needs a master; without one it would only wait and fail.
	if self := f.Self; self != nil && es.MasterNode != "" {
		if sd, err := e.observeShutdown(ctx, self.ID, status.Action); err != nil {
			errs = append(errs, err) // the shutdown stays as last reported
		} else {
			es.Shutdown = sd
		}
		if es.MasterNode == self.ID {
			if err := e.cleanupDeparted(ctx); err != nil {
				errs = append(errs, fmt.Errorf("cleaning up after departed nodes: %w", err))
			}
		}
	}
	return errors.Join(errs...)
}

// observeShutdown reports the node's registered shutdown, after the restart cleanup. reported
// is the action the Pilot's status reports.
func (e *Engine) observeShutdown(ctx context.Context, id string, reported *navv1alpha1.PilotActionStatus) (*navv1alpha1.ElasticsearchShutdownStatus, error) {
	sd, err := e.es.shutdownOf(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("reading the node's shutdown: %w", err)
	}
	if sd, err = e.cleanupOwnShutdown(ctx, sd, reported); err != nil {
		return nil, fmt.Errorf("deleting the node's shutdown that its Pilot no longer asks for: %w", err)
	}
	return shutdownStatus(sd), nil
}

func shutdownStatus(sd *shutdown) *navv1alpha1.ElasticsearchShutdownStatus {
	if sd == nil {
		return nil
	}
	return &navv1alpha1.ElasticsearchShutdownStatus{
		Type:            strings.ToLower(sd.Type),
		Status:          sd.Status,
		ShardsRemaining: sd.ShardMigration.Remaining,
		Explanation:     sd.explanation(),
	}
}
