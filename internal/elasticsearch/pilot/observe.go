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
// (health becomes unknown), and the errors are returned for the agent to log.
func (e *Engine) Observe(ctx context.Context, status *navv1alpha1.PilotStatus) error {
	es := status.Elasticsearch.DeepCopy()
	if es == nil {
		es = &navv1alpha1.ElasticsearchPilotStatus{}
	}
	var errs []error
	if root, err := e.es.info(ctx); err != nil {
		errs = append(errs, fmt.Errorf("GET /: %w", err))
	} else {
		status.Version = root.Version.Int
		es.ClusterUUID = clusterUUID(root.ClusterUuid)
	}
	self, err := e.es.local(ctx)
	if err != nil {
		errs = append(errs, fmt.Errorf("reading the node's stats: %w", err))
	} else {
		status.Node.ID = self.ID
		es.Roles, es.Shards, es.Documents = self.Roles, self.Shards, self.Documents
	}
	if es.ClusterHealth, err = e.es.health(ctx); err != nil {
		errs = append(errs, fmt.Errorf("reading the cluster health: %w", err))
	}
	st, err := e.es.localState(ctx, "master_node")
	if err != nil {
		errs = append(errs, fmt.Errorf("reading the node's cluster state: %w", err))
		es.MasterNode = ""
	} else {
		es.MasterNode = st.MasterNode
	}
	// The shutdown API needs a master; without one it would only wait and fail.
	if self.ID != "" && es.MasterNode != "" {
		if err := e.observeShutdown(ctx, self.ID, status, es); err != nil {
			errs = append(errs, err)
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

// observeShutdown reports the node's registered shutdown, after the restart cleanup.
func (e *Engine) observeShutdown(ctx context.Context, id string, status *navv1alpha1.PilotStatus, es *navv1alpha1.ElasticsearchPilotStatus) error {
	sd, err := e.es.shutdownOf(ctx, id)
	if err != nil {
		return fmt.Errorf("reading the node's shutdown: %w", err)
	}
	if sd, err = e.cleanupRestart(ctx, sd, status.Action); err != nil {
		return fmt.Errorf("deleting the restart shutdown of a node that is back: %w", err)
	}
	es.Shutdown = shutdownStatus(sd)
	return nil
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
		Explanation:     sd.ShardMigration.Explanation,
	}
}
