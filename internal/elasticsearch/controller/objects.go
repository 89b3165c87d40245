package controller

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/controller/objects"
	res "github.com/navigator-dbaas/navigator/internal/elasticsearch/resources"
	"github.com/navigator-dbaas/navigator/internal/failpoint"
	"github.com/navigator-dbaas/navigator/internal/resources/pilotpod"
)

// ensureObjects keeps the cluster's Services, PodDisruptionBudget, pilot RBAC and StatefulSets
// as built from the spec. StatefulSet replicas are left to scale.
func (r *Reconciler) ensureObjects(ctx context.Context, s *clusterState) error {
	esc := s.esc
	sa, role, binding := pilotpod.RBAC(esc.Namespace, esc.Name, navv1alpha1.EngineElasticsearch, res.Labels(esc.Name))
	if err := objects.UpsertPilotRBAC(ctx, r.Client, esc, sa, role, binding); err != nil {
		return err
	}
	for _, svc := range []*corev1.Service{res.DiscoveryService(esc), res.ClientService(esc)} {
		if err := objects.Upsert(ctx, r.Client, esc, svc, &corev1.Service{}, objects.CopyServiceSpec); err != nil {
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
		if err := objects.Upsert(ctx, r.Client, esc, desired, sts, objects.CopyStatefulSetSpec, create); err != nil {
			return err
		}
		if err := failpoint.Inject(ctx, failpoint.ElasticsearchStatefulSetWritten); err != nil {
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
		return objects.Upsert(ctx, r.Client, esc, pdb, &policyv1.PodDisruptionBudget{}, func(dst, src *policyv1.PodDisruptionBudget) { dst.Spec = src.Spec })
	}
	existing := &policyv1.PodDisruptionBudget{}
	existing.Namespace, existing.Name = esc.Namespace, res.PodDisruptionBudgetName(esc.Name)
	if err := r.Client.Delete(ctx, existing); client.IgnoreNotFound(err) != nil {
		return fmt.Errorf("deleting the PodDisruptionBudget: %w", err)
	}
	return nil
}
