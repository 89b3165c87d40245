package pass

import (
	"context"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/controller/pilot"
	"github.com/navigator-dbaas/navigator/internal/controller/progress"
)

// Watch registers r as the controller name of an engine's cluster kind: the cluster itself
// (its spec and annotations, not its own status writes), the objects it owns, and the pods,
// Pilots and data claims of its nodes, which the StatefulSets and pods own, so mapped through
// the cluster label. Of the claims only metadata is watched and cached: a scale out waits for
// the claims of removed nodes to be deleted (nodes.Reader.Departing), and needs nothing else.
func Watch(mgr ctrl.Manager, name string, engine navv1alpha1.Engine, cluster client.Object, r reconcile.Reconciler) error {
	byCluster := handler.EnqueueRequestsFromMapFunc(func(_ context.Context, o client.Object) []reconcile.Request {
		l := o.GetLabels()
		if l[pilot.LabelEngine] != string(engine) || l[pilot.LabelCluster] == "" {
			return nil
		}
		return []reconcile.Request{{NamespacedName: client.ObjectKey{Namespace: o.GetNamespace(), Name: l[pilot.LabelCluster]}}}
	})
	return ctrl.NewControllerManagedBy(mgr).
		Named(name).
		For(cluster, builder.WithPredicates(predicate.Or(predicate.GenerationChangedPredicate{}, predicate.AnnotationChangedPredicate{}))).
		Owns(&appsv1.StatefulSet{}).
		Owns(&corev1.Service{}).
		Owns(&policyv1.PodDisruptionBudget{}).
		Owns(&rbacv1.Role{}).
		Watches(&corev1.Pod{}, byCluster).
		Watches(&navv1alpha1.Pilot{}, byCluster).
		WatchesMetadata(&corev1.PersistentVolumeClaim{}, byCluster).
		Complete(r)
}

// Get reads the cluster into obj and says whether there is anything to reconcile: not once it
// is gone, nor while it is being deleted (garbage collection removes what it owns; the
// StatefulSets' claim retention policy, set from spec.persistence, keeps or deletes the data).
func Get(ctx context.Context, c client.Client, key client.ObjectKey, obj client.Object) (bool, error) {
	if err := c.Get(ctx, key, obj); err != nil {
		return false, client.IgnoreNotFound(err)
	}
	return obj.GetDeletionTimestamp() == nil, nil
}

// Run takes every operation one step further unless the cluster is paused, then reports what
// it did and what holds it in the status. recheck is how soon the clock alone changes a
// decision taken (zero: never).
func Run(ctx context.Context, paused bool, step, report func(context.Context, *progress.Progress) error) (recheck time.Duration, err error) {
	prog := &progress.Progress{}
	if paused {
		prog.Set(navv1alpha1.ReasonPaused, "spec.paused is true: Navigator changes nothing until it is false")
	} else if err := step(ctx, prog); err != nil {
		return 0, err
	}
	return prog.Recheck(), report(ctx, prog)
}

// Sooner is the earlier of two requeue delays, zero meaning none.
func Sooner(a, b time.Duration) time.Duration {
	if a == 0 || (b != 0 && b < a) {
		return b
	}
	return a
}
