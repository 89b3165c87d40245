package elasticsearch

import (
	"context"
	"fmt"
	"maps"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/controller/pilot"
	res "github.com/navigator-dbaas/navigator/internal/resources/elasticsearch"
	"github.com/navigator-dbaas/navigator/internal/resources/pilotpod"
)

// ensureObjects keeps the cluster's Services, PodDisruptionBudget, pilot RBAC and StatefulSets
// as built from the spec. StatefulSet replicas are left to scale.
func (r *Reconciler) ensureObjects(ctx context.Context, s *clusterState) error {
	esc := s.esc
	sa, role, binding := pilotpod.RBAC(esc.Namespace, esc.Name, navv1alpha1.EngineElasticsearch, res.Labels(esc.Name))
	if err := upsert(ctx, r.Client, esc, sa, &corev1.ServiceAccount{}, func(dst, src *corev1.ServiceAccount) {}); err != nil {
		return err
	}
	if err := upsert(ctx, r.Client, esc, role, &rbacv1.Role{}, func(dst, src *rbacv1.Role) { dst.Rules = src.Rules }); err != nil {
		return err
	}
	if err := upsert(ctx, r.Client, esc, binding, &rbacv1.RoleBinding{}, func(dst, src *rbacv1.RoleBinding) { dst.Subjects = src.Subjects }); err != nil {
		return err
	}
	for _, svc := range []*corev1.Service{res.DiscoveryService(esc), res.ClientService(esc)} {
		if err := upsert(ctx, r.Client, esc, svc, &corev1.Service{}, copyServiceSpec); err != nil {
			return err
		}
	}
	if err := r.ensurePDB(ctx, esc); err != nil {
		return err
	}
	for _, p := range s.pools {
		desired, err := res.StatefulSet(esc, p.spec, r.Images)
		if err != nil {
			return fmt.Errorf("building the StatefulSet of pool %s: %w", p.spec.Name, err)
		}
		sts := &appsv1.StatefulSet{}
		// A new pool starts at its full size (its nodes join through the start gate); from then
		// on replicas are scale's, and outside the spec hash.
		create := func(o *appsv1.StatefulSet) { o.Spec.Replicas = ptr.To(p.desired()) }
		if err := upsert(ctx, r.Client, esc, desired, sts, copyStatefulSetSpec, create); err != nil {
			return err
		}
		if p.sts == nil {
			p.sts = sts
		}
	}
	return nil
}

func (r *Reconciler) ensurePDB(ctx context.Context, esc *navv1alpha1.ElasticsearchCluster) error {
	pdb := res.PodDisruptionBudget(esc)
	if pdb != nil {
		return upsert(ctx, r.Client, esc, pdb, &policyv1.PodDisruptionBudget{}, func(dst, src *policyv1.PodDisruptionBudget) { dst.Spec = src.Spec })
	}
	existing := &policyv1.PodDisruptionBudget{}
	existing.Namespace, existing.Name = esc.Namespace, res.PodDisruptionBudgetName(esc.Name)
	if err := r.Client.Delete(ctx, existing); client.IgnoreNotFound(err) != nil {
		return fmt.Errorf("deleting the PodDisruptionBudget: %w", err)
	}
	return nil
}

// upsert creates desired, or brings existing in line with it when the hash of desired differs
// from the one recorded on existing; an object already written from the same desired state is
// not written again, so a settled cluster costs no API writes. existing receives the object.
// onCreate, if given, sets what only a new object gets.
func upsert[T client.Object](ctx context.Context, c client.Client, owner *navv1alpha1.ElasticsearchCluster, desired, existing T, copySpec func(dst, src T), onCreate ...func(T)) error {
	hash := res.Hash(desired)
	annotations := desired.GetAnnotations()
	if annotations == nil {
		annotations = map[string]string{}
	}
	annotations[res.AnnotationSpecHash] = hash
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
	if existing.GetAnnotations()[res.AnnotationSpecHash] == hash {
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

// copyServiceSpec copies what Navigator decides, and keeps what the API server allocated.
func copyServiceSpec(dst, src *corev1.Service) {
	dst.Spec.Ports = src.Spec.Ports
	dst.Spec.Selector = src.Spec.Selector
	dst.Spec.PublishNotReadyAddresses = src.Spec.PublishNotReadyAddresses
}

// copyStatefulSetSpec copies the mutable fields; replicas belong to scale.
func copyStatefulSetSpec(dst, src *appsv1.StatefulSet) {
	dst.Spec.Template = src.Spec.Template
	dst.Spec.UpdateStrategy = src.Spec.UpdateStrategy
	dst.Spec.PersistentVolumeClaimRetentionPolicy = src.Spec.PersistentVolumeClaimRetentionPolicy
}

func equalSpec(a, b *navv1alpha1.PilotSpec) bool { return equality.Semantic.DeepEqual(a, b) }
