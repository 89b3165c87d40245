package objects

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/controller/pilot"
	"github.com/navigator-dbaas/navigator/internal/failpoint"
)

// PatchPilot changes a Pilot's spec when mutate changes it, and writes nothing otherwise. The
// failpoint after is reached only once the write is made; so with SetReplicas and DeletePod.
func PatchPilot(ctx context.Context, c client.Client, p *navv1alpha1.Pilot, after failpoint.Name, mutate func(*navv1alpha1.PilotSpec)) error {
	before := p.DeepCopy()
	mutate(&p.Spec)
	if equality.Semantic.DeepEqual(before.Spec, p.Spec) {
		return nil
	}
	if err := c.Patch(ctx, p, client.MergeFrom(before), client.FieldOwner(pilot.FieldOwner)); err != nil {
		return fmt.Errorf("updating the spec of Pilot %s: %w", p.Name, err)
	}
	return failpoint.Inject(ctx, after)
}

// SetReplicas sizes a StatefulSet, writing only when the size changes.
func SetReplicas(ctx context.Context, c client.Client, sts *appsv1.StatefulSet, n int32, after failpoint.Name) error {
	if sts.Spec.Replicas != nil && *sts.Spec.Replicas == n {
		return nil
	}
	before := sts.DeepCopy()
	sts.Spec.Replicas = ptr.To(n)
	if err := c.Patch(ctx, sts, client.MergeFrom(before), client.FieldOwner(pilot.FieldOwner)); err != nil {
		return fmt.Errorf("scaling StatefulSet %s to %d: %w", sts.Name, n, err)
	}
	return failpoint.Inject(ctx, after)
}

// DeletePod deletes exactly this pod: a pod recreated meanwhile under the same name is not
// touched, since the decision was taken about the old one.
func DeletePod(ctx context.Context, c client.Client, pod *corev1.Pod, after failpoint.Name) error {
	if pod.DeletionTimestamp != nil {
		return nil
	}
	err := c.Delete(ctx, pod, client.Preconditions{UID: &pod.UID})
	if client.IgnoreNotFound(err) != nil {
		return fmt.Errorf("deleting pod %s: %w", pod.Name, err)
	}
	return failpoint.Inject(ctx, after)
}
