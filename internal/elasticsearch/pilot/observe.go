package pilot

import (
	"context"
	"errors"
	"fmt"
	"strings"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
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
	defer func() { e.gauges.set(status.Node.ID, es) }()
	root, err := e.es.info(ctx)
	if err != nil {
		// A node that does not answer GET / answers nothing else: no need to wait for each call.
		es.ClusterHealth, es.MasterNode = navv1alpha1.HealthUnknown, ""
		status.Elasticsearch = es
		return fmt.Errorf("GET /: %w", err)
	}
	status.Version = root.Version.Number
	es.ClusterUUID = clusterUUID(root.ClusterUUID)
	var errs []error
	self, err := e.es.local(ctx)
	if err != nil {
		errs = append(errs, fmt.Errorf("reading the node's stats: %w", err))
	} else {
		status.Node.ID = self.ID
		es.Roles, es.Shards, es.Documents = self.Roles, self.Shards, self.Documents
	}
	// The master before and after the health: a node without an elected master answers red
	// (ClusterStateHealth under the no-master block, also while it starts), which says nothing
	// of the cluster's shards. Its health is unknown then, as a node's that does not answer.
	before, errBefore := e.es.localState(ctx, "master_node")
	if es.ClusterHealth, err = e.es.health(ctx); err != nil {
		errs = append(errs, fmt.Errorf("reading the cluster health: %w", err))
	}
	st, err := e.es.localState(ctx, "master_node")
	if err = errors.Join(errBefore, err); err != nil {
		errs = append(errs, fmt.Errorf("reading the node's cluster state: %w", err))
		es.MasterNode = ""
	} else {
		es.MasterNode = st.MasterNode
	}
	if es.MasterNode == "" || before == nil || before.MasterNode == "" {
		es.ClusterHealth = navv1alpha1.HealthUnknown
	}
	// The shutdown API needs a master; without one it would only wait and fail.
	if self.ID != "" && es.MasterNode != "" {
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
	status.Elasticsearch = es
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

// clusterUUID is GET /'s cluster_uuid, empty until the cluster has formed ("_na_").
func clusterUUID(uuid string) string {
	if uuid == "_na_" {
		return ""
	}
	return uuid
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
