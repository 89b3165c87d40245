package controller

import (
	"context"
	"fmt"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/navigator-dbaas/navigator/internal/controller/pilot"
	"github.com/navigator-dbaas/navigator/internal/failpoint"
	res "github.com/navigator-dbaas/navigator/internal/search/resources"
)

// recordClusterUUID writes the UUID of the formed cluster on the resource, once. From then on
// no node is given its initial master (cluster manager) nodes, even after every pod has been
// replaced.
func (r *Reconciler) recordClusterUUID(ctx context.Context, s *clusterState) error {
	meta := s.c.Meta
	if meta.Annotations[res.AnnotationClusterUUID] != "" {
		return nil
	}
	for _, n := range s.nodes() {
		if n.State == pilot.NodeUnknown || n.facts == nil || n.facts.ClusterUUID == "" {
			continue
		}
		before := s.c.Object.DeepCopyObject().(client.Object)
		if meta.Annotations == nil {
			meta.Annotations = map[string]string{}
		}
		meta.Annotations[res.AnnotationClusterUUID] = n.facts.ClusterUUID
		if err := r.Client.Patch(ctx, s.c.Object, client.MergeFrom(before), client.FieldOwner(pilot.FieldOwner)); err != nil {
			return fmt.Errorf("recording the cluster UUID: %w", err)
		}
		return failpoint.Inject(ctx, r.Dialect.Failpoints.UUIDRecorded)
	}
	return nil
}

// formed reports whether the cluster has ever formed: its UUID is recorded, or some node
// already holds data (a cluster recreated over retained volumes must not bootstrap again).
func (s *clusterState) formed() bool {
	if s.c.Meta.Annotations[res.AnnotationClusterUUID] != "" {
		return true
	}
	for _, n := range s.nodes() {
		if n.Pilot != nil && (n.Pilot.Status.Node.HoldsData || (n.facts != nil && n.facts.ClusterUUID != "")) {
			return true
		}
	}
	return false
}
