package elasticsearch

import (
	"context"
	"fmt"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/navigator-dbaas/navigator/internal/controller/pilot"
	res "github.com/navigator-dbaas/navigator/internal/resources/elasticsearch"
)

// recordClusterUUID writes the UUID of the formed cluster on the resource, once. From then on
// no node is given cluster.initial_master_nodes, even after every pod has been replaced.
func (r *Reconciler) recordClusterUUID(ctx context.Context, s *clusterState) error {
	if s.esc.Annotations[res.AnnotationClusterUUID] != "" {
		return nil
	}
	for _, n := range s.nodes() {
		if n.state == pilot.NodeUnknown || n.pilot.Status.Elasticsearch == nil || n.pilot.Status.Elasticsearch.ClusterUUID == "" {
			continue
		}
		before := s.esc.DeepCopy()
		if s.esc.Annotations == nil {
			s.esc.Annotations = map[string]string{}
		}
		s.esc.Annotations[res.AnnotationClusterUUID] = n.pilot.Status.Elasticsearch.ClusterUUID
		if err := r.Client.Patch(ctx, s.esc, client.MergeFrom(before), client.FieldOwner(pilot.FieldOwner)); err != nil {
			return fmt.Errorf("recording the cluster UUID: %w", err)
		}
		return nil
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
		if n.pilot != nil && (n.pilot.Status.Node.HoldsData || (n.pilot.Status.Elasticsearch != nil && n.pilot.Status.Elasticsearch.ClusterUUID != "")) {
			return true
		}
	}
	return false
}
