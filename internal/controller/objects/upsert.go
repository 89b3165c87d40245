package objects

import (
	"context"
	"fmt"
	"maps"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	"github.com/navigator-dbaas/navigator/internal/controller/pilot"
	"github.com/navigator-dbaas/navigator/internal/resources/workload"
)

// Upsert creates desired, or brings existing in line with it when the hash of desired differs
// from the one recorded on existing; an object already written from the same desired state is
// not written again, so a settled cluster costs no API writes. existing receives the object.
// onCreate, if given, sets what only a new object gets.
func Upsert[T client.Object](ctx context.Context, c client.Client, owner client.Object, desired, existing T, copySpec func(dst, src T), onCreate ...func(T)) error {
	hash := workload.Hash(desired)
	annotations := desired.GetAnnotations()
	if annotations == nil {
		annotations = map[string]string{}
	}
	annotations[AnnotationSpecHash] = hash
	desired.SetAnnotations(annotations)
	if err := controllerutil.SetControllerReference(owner, desired, c.Scheme()); err != nil {
		return err
	}
	kind := fmt.Sprintf("%T %s", desired, desired.GetName())
	err := c.Get(ctx, client.ObjectKeyFromObject(desired), existing)
	if apierrors.IsNotFound(err) {
		for _, f := range onCreate {
			f(desired)
		}
		if err := c.Create(ctx, desired, client.FieldOwner(pilot.FieldOwner)); err != nil {
			return fmt.Errorf("creating %s: %w", kind, err)
		}
		return c.Get(ctx, client.ObjectKeyFromObject(desired), existing)
	}
	if err != nil {
		return fmt.Errorf("reading %s: %w", kind, err)
	}
	if existing.GetAnnotations()[AnnotationSpecHash] == hash {
		return nil
	}
	copySpec(existing, desired)
	labels := existing.GetLabels()
	if labels == nil {
		labels = map[string]string{}
	}
	maps.Copy(labels, desired.GetLabels())
	existing.SetLabels(labels)
	ann := existing.GetAnnotations()
	if ann == nil {
		ann = map[string]string{}
	}
	maps.Copy(ann, annotations)
	existing.SetAnnotations(ann)
	existing.SetOwnerReferences(desired.GetOwnerReferences())
	if err := c.Update(ctx, existing, client.FieldOwner(pilot.FieldOwner)); err != nil {
		return fmt.Errorf("updating %s: %w", kind, err)
	}
	return nil
}

// CopyServiceSpec copies what Navigator decides, and keeps what the API server allocated.
func CopyServiceSpec(dst, src *corev1.Service) {
	dst.Spec.Ports = src.Spec.Ports
	dst.Spec.Selector = src.Spec.Selector
	dst.Spec.PublishNotReadyAddresses = src.Spec.PublishNotReadyAddresses
}

// CopyStatefulSetSpec copies the mutable fields; replicas belong to the controller's scaling.
func CopyStatefulSetSpec(dst, src *appsv1.StatefulSet) {
	dst.Spec.Template = src.Spec.Template
	dst.Spec.UpdateStrategy = src.Spec.UpdateStrategy
	dst.Spec.PersistentVolumeClaimRetentionPolicy = src.Spec.PersistentVolumeClaimRetentionPolicy
}

// UpsertPilotRBAC keeps a cluster's pilot ServiceAccount, Role and RoleBinding.
func UpsertPilotRBAC(ctx context.Context, c client.Client, owner client.Object, sa *corev1.ServiceAccount, role *rbacv1.Role, binding *rbacv1.RoleBinding) error {
	if err := Upsert(ctx, c, owner, sa, &corev1.ServiceAccount{}, func(dst, src *corev1.ServiceAccount) {}); err != nil {
		return err
	}
	if err := Upsert(ctx, c, owner, role, &rbacv1.Role{}, func(dst, src *rbacv1.Role) { dst.Rules = src.Rules }); err != nil {
		return err
	}
	return Upsert(ctx, c, owner, binding, &rbacv1.RoleBinding{}, func(dst, src *rbacv1.RoleBinding) { dst.Subjects = src.Subjects })
}
