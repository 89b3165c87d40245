package controller

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	res "github.com/navigator-dbaas/navigator/internal/cassandra/resources"
	"github.com/navigator-dbaas/navigator/internal/controller/objects"
	"github.com/navigator-dbaas/navigator/internal/failpoint"
	"github.com/navigator-dbaas/navigator/internal/resources/pilotpod"
)

// ensureObjects keeps the cluster's Services, PodDisruptionBudgets, pilot RBAC and StatefulSets
// as built from the spec. StatefulSet replicas are left to scale.
func (r *Reconciler) ensureObjects(ctx context.Context, s *clusterState) error {
	cc := s.cc
	sa, role, binding := pilotpod.RBAC(cc.Namespace, cc.Name, navv1alpha1.EngineCassandra, res.Labels(cc.Name))
	if err := objects.UpsertPilotRBAC(ctx, r.Client, cc, sa, role, binding); err != nil {
		return err
	}
	replaced, err := r.deleteVirtualIPClientService(ctx, cc)
	if err != nil {
		return err
	}
	services := []*corev1.Service{res.NodesService(cc)}
	if !replaced {
		services = append(services, res.ClientService(cc))
	}
	for _, svc := range services {
		if err := objects.Upsert(ctx, r.Client, cc, svc, &corev1.Service{}, objects.CopyServiceSpec); err != nil {
			return err
		}
	}
	if err := r.deleteLegacySeedsService(ctx, cc); err != nil {
		return err
	}
	if err := r.ensurePDBs(ctx, cc); err != nil {
		return err
	}
	for _, p := range s.pools {
		desired, err := res.StatefulSet(cc, p.spec, r.Images)
		if err != nil {
			return fmt.Errorf("building the StatefulSet of pool %s: %w", p.spec.Name, err)
		}
		sts := &appsv1.StatefulSet{}
		// A new pool starts at its full size: its pods are created at once, and the start gate
		// lets them bootstrap one at a time. From then on replicas are scale's.
		create := func(o *appsv1.StatefulSet) { o.Spec.Replicas = ptr.To(p.desired()) }
		if err := objects.Upsert(ctx, r.Client, cc, desired, sts, objects.CopyStatefulSetSpec, create); err != nil {
			return err
		}
		if err := failpoint.Inject(ctx, failpoint.CassandraStatefulSetWritten); err != nil {
			return err
		}
		if p.sts == nil {
			p.sts = sts
		}
	}
	return nil
}

// deleteVirtualIPClientService deletes the client Service of a cluster made by an earlier
// release, which had a cluster IP (res.ClientService says why it is headless now). A Service's
// cluster IP cannot be changed, so it is deleted and made again, headless, by the next pass; the
// names of clients resolve to the nodes from then on. Reports whether it deleted it.
func (r *Reconciler) deleteVirtualIPClientService(ctx context.Context, cc *navv1alpha1.CassandraCluster) (bool, error) {
	return r.deleteOwnedService(ctx, cc, res.ClientServiceName(cc.Name), "the client Service made with a cluster IP",
		func(svc *corev1.Service) bool { return svc.Spec.ClusterIP != corev1.ClusterIPNone })
}

// deleteLegacySeedsService deletes the seeds Service of a cluster made by an earlier release: its
// one name resolved to every seed, but Cassandra takes one address per name, so nodes now get
// their seeds by name from their Pilots.
func (r *Reconciler) deleteLegacySeedsService(ctx context.Context, cc *navv1alpha1.CassandraCluster) error {
	_, err := r.deleteOwnedService(ctx, cc, res.LegacySeedsServiceName(cc.Name), "the legacy seeds Service",
		func(*corev1.Service) bool { return true })
	return err
}

// deleteOwnedService deletes the Service name of cc when cc controls it and stale says so, and
// reports whether it did. Read from the cache first, so that a settled cluster costs no API call.
func (r *Reconciler) deleteOwnedService(ctx context.Context, cc *navv1alpha1.CassandraCluster, name, what string,
	stale func(*corev1.Service) bool) (bool, error) {
	svc := &corev1.Service{}
	err := r.Client.Get(ctx, client.ObjectKey{Namespace: cc.Namespace, Name: name}, svc)
	if apierrors.IsNotFound(err) || (err == nil && (!metav1.IsControlledBy(svc, cc) || !stale(svc))) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("reading %s: %w", what, err)
	}
	if err := r.Client.Delete(ctx, svc); client.IgnoreNotFound(err) != nil {
		return false, fmt.Errorf("deleting %s: %w", what, err)
	}
	return true, nil
}

// ensurePDBs keeps one PodDisruptionBudget per datacenter, and deletes those of datacenters the
// cluster no longer has (or all of them, when the cluster disables budgets).
func (r *Reconciler) ensurePDBs(ctx context.Context, cc *navv1alpha1.CassandraCluster) error {
	keep := map[string]bool{}
	for _, pdb := range res.PodDisruptionBudgets(cc) {
		keep[pdb.Name] = true
		if err := objects.Upsert(ctx, r.Client, cc, pdb, &policyv1.PodDisruptionBudget{}, func(dst, src *policyv1.PodDisruptionBudget) { dst.Spec = src.Spec }); err != nil {
			return err
		}
	}
	var existing policyv1.PodDisruptionBudgetList
	if err := r.Client.List(ctx, &existing, client.InNamespace(cc.Namespace), client.MatchingLabels(res.Selector(cc.Name))); err != nil {
		return fmt.Errorf("listing PodDisruptionBudgets: %w", err)
	}
	for i := range existing.Items {
		if pdb := &existing.Items[i]; !keep[pdb.Name] {
			if err := r.Client.Delete(ctx, pdb); client.IgnoreNotFound(err) != nil {
				return fmt.Errorf("deleting PodDisruptionBudget %s: %w", pdb.Name, err)
			}
		}
	}
	return nil
}
