package controller

import (
	"context"
	"fmt"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/navigator-dbaas/navigator/internal/controller/pilot"
	res "github.com/navigator-dbaas/navigator/internal/elasticsearch/resources"
	"github.com/navigator-dbaas/navigator/internal/failpoint"
)

// recordClusterUUID writes the UUID of the formed cluster on the resource, once. From then on
// no node is given cluster.initial_master_nodes, even after every pod has been replaced.
func (r *Reconciler) recordClusterUUID(ctx context.Context, s *clusterState) error {
	if s.esc.Annotations[res.AnnotationClusterUUID] != "" {
		return nil
	}
	for _, n := range s.nodes() {
		if n.State == pilot.NodeUnknown || n.Pilot.Status.Elasticsearch == nil || n.Pilot.Status.Elasticsearch.ClusterUUID == "" {
			continue
		}
		before := s.esc.DeepCopy()
		if s.esc.Annotations == nil {
			s.esc.Annotations = map[string]string{}
		}
		s.esc.Annotations[res.AnnotationClusterUUID] = n.Pilot.Status.Elasticsearch.ClusterUUID
		if err := r.Client.Patch(ctx, s.esc, client.MergeFrom(before), client.FieldOwner(pilot.FieldOwner)); err != nil {
			return fmt.Errorf("recording the cluster UUID: %w", err)
		}
		return failpoint.Inject(ctx, failpoint.ElasticsearchUUIDRecorded)
	}
	return nil
}

// formed reports whether the cluster has ever formed: its UUID is recorded, or some node
// already holds data (a cluster recreated over retained volumes must not bootstrap again).
func (s *clusterState) formed() bool {
	if s.esc.Annotations[res.AnnotationClusterUUID] != "" {
		return true
	}
	for _, n := range s.nodes() {
		if n.Pilot != nil && (n.Pilot.Status.Node.HoldsData || (n.Pilot.Status.Elasticsearch != nil && n.Pilot.Status.Elasticsearch.ClusterUUID != "")) {
			return true
		}
	}
	return false
}
