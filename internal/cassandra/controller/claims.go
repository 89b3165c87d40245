package controller

import (
	"context"
	"encoding/json"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	res "github.com/navigator-dbaas/navigator/internal/cassandra/resources"
	"github.com/navigator-dbaas/navigator/internal/failpoint"
)

// The data claims of decommissioned nodes. Under whenScaled: Retain the StatefulSet keeps the
// claim of a node removed by a scale in, and a later scale out mounts it in the new pod of that
// name. Cassandra refuses to start on the data of a decommissioned node ("This node was
// decommissioned and will not rejoin the ring unless cassandra.override_decommission=true has
// been set, or all existing data is removed and the node is bootstrapped again"). Overriding
// would bring back rows deleted since the node left, once their tombstones are gone from the
// other replicas; wiping the claim would destroy what the user asked to keep. So the controller
// marks the claim once its node has left the ring, and a node whose claim carries the mark waits
// at the start gate, saying how to go on.

// markDecommissioned records on the node's data claim that the node left the ring. A node
// without a claim (no persistence) has nothing to mark.
func (r *Reconciler) markDecommissioned(ctx context.Context, n *node) error {
	hostID := "unknown"
	if n.Pilot != nil && n.Pilot.Status.Node.ID != "" {
		hostID = n.Pilot.Status.Node.ID
	}
	patch, err := json.Marshal(map[string]any{"metadata": map[string]any{
		"annotations": map[string]string{res.AnnotationDecommissioned: hostID},
	}})
	if err != nil {
		return err
	}
	claim := &corev1.PersistentVolumeClaim{}
	claim.Name, claim.Namespace = res.ClaimName(n.Name), n.Pod.Namespace
	if err := r.Client.Patch(ctx, claim, client.RawPatch(types.MergePatchType, patch)); err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("marking the claim %s of decommissioned node %s: %w", claim.Name, n.Name, err)
	}
	return failpoint.Inject(ctx, failpoint.CassandraClaimMarked)
}

// decommissionedClaim returns the host id a node's data claim records as decommissioned, or
// empty. The read goes to the API server: claims are read only at a node's start gate, too
// rarely to cache every claim of the cluster.
func (r *Reconciler) decommissionedClaim(ctx context.Context, n *node) (string, error) {
	claim := &corev1.PersistentVolumeClaim{}
	err := r.APIReader.Get(ctx, client.ObjectKey{Namespace: n.Pod.Namespace, Name: res.ClaimName(n.Name)}, claim)
	switch {
	case apierrors.IsNotFound(err):
		return "", nil
	case err != nil:
		return "", fmt.Errorf("reading the claim of %s: %w", n.Name, err)
	}
	return claim.Annotations[res.AnnotationDecommissioned], nil
}
