package cassandra

import (
	"context"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/controller/nodes"
	"github.com/navigator-dbaas/navigator/internal/controller/pilot"
	"github.com/navigator-dbaas/navigator/internal/controller/progress"
	"github.com/navigator-dbaas/navigator/internal/resources/workload"
)

// Reconciler drives CassandraClusters toward their spec.
type Reconciler struct {
	Client client.Client
	// APIReader reads what the manager does not cache: a node's data claim, at its start gate.
	APIReader client.Reader
	Recorder  events.EventRecorder
	// Images are the defaults injected when a cluster names none.
	Images workload.Images
	// StaleAfter is how old a Pilot's heartbeat may be before its report is not believed.
	StaleAfter time.Duration
	Clock      clock.PassiveClock
}

// SetupWithManager watches CassandraClusters, the objects they own, and the pods and Pilots of
// their nodes (owned by the StatefulSets and pods, so mapped through the cluster label).
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	if r.StaleAfter <= 0 {
		r.StaleAfter = pilot.DefaultStaleAfter
	}
	if r.Clock == nil {
		r.Clock = clock.RealClock{}
	}
	if r.APIReader == nil {
		r.APIReader = mgr.GetAPIReader()
	}
	byCluster := handler.EnqueueRequestsFromMapFunc(func(_ context.Context, o client.Object) []reconcile.Request {
		l := o.GetLabels()
		if l[pilot.LabelEngine] != string(navv1alpha1.EngineCassandra) || l[pilot.LabelCluster] == "" {
			return nil
		}
		return []reconcile.Request{{NamespacedName: client.ObjectKey{Namespace: o.GetNamespace(), Name: l[pilot.LabelCluster]}}}
	})
	return ctrl.NewControllerManagedBy(mgr).
		Named("cassandracluster").
		For(&navv1alpha1.CassandraCluster{}, builder.WithPredicates(predicate.Or(predicate.GenerationChangedPredicate{}, predicate.AnnotationChangedPredicate{}))).
		Owns(&appsv1.StatefulSet{}).
		Owns(&corev1.Service{}).
		Owns(&policyv1.PodDisruptionBudget{}).
		Owns(&rbacv1.Role{}).
		Watches(&corev1.Pod{}, byCluster).
		Watches(&navv1alpha1.Pilot{}, byCluster).
		Complete(r)
}

// Reconcile is one pass: read everything, take the next safe step of each operation, report.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	var cc navv1alpha1.CassandraCluster
	if err := r.Client.Get(ctx, req.NamespacedName, &cc); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if cc.DeletionTimestamp != nil {
		// Garbage collection removes what the cluster owns; the StatefulSets' claim retention
		// policy, set from spec.persistence, keeps or deletes the data.
		return ctrl.Result{}, nil
	}
	s, err := r.load(ctx, &cc)
	if err != nil {
		return ctrl.Result{}, err
	}
	prog := &progress.Progress{}
	if cc.Spec.Paused {
		prog.Set(navv1alpha1.ReasonPaused, "spec.paused is true: Navigator changes nothing until it is false")
	} else if err := r.step(ctx, s, prog); err != nil {
		return ctrl.Result{}, err
	}
	if err := r.writeStatus(ctx, s, prog); err != nil {
		return ctrl.Result{}, err
	}
	return ctrl.Result{RequeueAfter: nodes.NextStaleness(s.all(), s.now, r.StaleAfter)}, nil
}

// step takes every operation one safe step further, most important first: scaling, then
// starting nodes (bootstrap, replacement), then cleanup, then rolling restarts.
func (r *Reconciler) step(ctx context.Context, s *clusterState, prog *progress.Progress) error {
	if err := r.ensureObjects(ctx, s); err != nil {
		return err
	}
	if err := r.labelSeeds(ctx, s); err != nil {
		return err
	}
	if err := r.scale(ctx, s, prog); err != nil {
		return err
	}
	if err := r.openGates(ctx, s, prog); err != nil {
		return err
	}
	if err := r.cleanup(ctx, s, prog); err != nil {
		return err
	}
	if err := r.roll(ctx, s, prog); err != nil {
		return err
	}
	if waiting := nodes.Joining(s.all()); len(waiting) > 0 {
		prog.Set(navv1alpha1.ReasonNodesNotReady, "waiting for nodes to join: "+strings.Join(waiting, ", "))
	}
	return nil
}
