package controller

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/navigator-dbaas/navigator/internal/controller/objects"
	"github.com/navigator-dbaas/navigator/internal/failpoint"
	"github.com/navigator-dbaas/navigator/internal/resources/pilotpod"
	res "github.com/navigator-dbaas/navigator/internal/search/resources"
)

// ensureObjects keeps the cluster's Services, PodDisruptionBudget, pilot RBAC and StatefulSets
// as built from the spec. StatefulSet replicas are left to scale.
func (r *Reconciler) ensureObjects(ctx context.Context, s *clusterState) error {
	c, d := s.c, r.Dialect
	sa, role, binding := pilotpod.RBAC(c.Meta.Namespace, c.Meta.Name, d.Engine, d.Labels(c.Meta.Name))
	if err := objects.UpsertPilotRBAC(ctx, r.Client, c.Object, sa, role, binding); err != nil {
		return err
	}
	for _, svc := range []*corev1.Service{d.DiscoveryService(c), d.ClientService(c)} {
		if err := objects.Upsert(ctx, r.Client, c.Object, svc, &corev1.Service{}, objects.CopyServiceSpec); err != nil {
			return err
		}
	}
	if err := r.ensurePDB(ctx, c); err != nil {
		return err
	}
	for _, p := range s.pools {
		desired, err := d.StatefulSet(c, p.spec, r.Images)
		if err != nil {
			return fmt.Errorf("building the StatefulSet of pool %s: %w", p.spec.Name, err)
		}
		sts := &appsv1.StatefulSet{}
		// A new pool starts at its full size (its nodes join through the start gate); from then
		// on replicas are scale's, and outside the spec hash.
		create := func(o *appsv1.StatefulSet) { o.Spec.Replicas = ptr.To(p.desired()) }
		if err := objects.Upsert(ctx, r.Client, c.Object, desired, sts, objects.CopyStatefulSetSpec, create); err != nil {
			return err
		}
		if err := failpoint.Inject(ctx, d.Failpoints.StatefulSetWritten); err != nil {
			return err
		}
		if p.sts == nil {
			p.sts = sts
		}
	}
	return nil
}

func (r *Reconciler) ensurePDB(ctx context.Context, c res.Cluster) error {
	pdb := r.Dialect.PodDisruptionBudget(c)
	if pdb != nil {
		return objects.Upsert(ctx, r.Client, c.Object, pdb, &policyv1.PodDisruptionBudget{}, func(dst, src *policyv1.PodDisruptionBudget) { dst.Spec = src.Spec })
	}
	existing := &policyv1.PodDisruptionBudget{}
	existing.Namespace, existing.Name = c.Meta.Namespace, res.PodDisruptionBudgetName(c.Meta.Name)
	if err := r.Client.Delete(ctx, existing); client.IgnoreNotFound(err) != nil {
		return fmt.Errorf("deleting the PodDisruptionBudget: %w", err)
	}
	return nil
}
