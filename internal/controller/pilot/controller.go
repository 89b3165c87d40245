// Package pilot keeps the Pilot lifecycle: one Pilot per Navigator database pod, with the pod's
// name and namespace, owned by the pod so that garbage collection removes it with the pod. It
// only creates Pilots; what a Pilot's spec asks of its node is the engine controllers' business,
// and its status is the pilot's.
package pilot

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
)

// Labels on every database pod that Navigator manages.
const (
	// LabelCluster names the pod's cluster resource.
	LabelCluster = "navigator.dev/cluster"
	// LabelEngine names the pod's engine, as spec.engine of its Pilot spells it.
	LabelEngine = "navigator.dev/engine"
	// LabelNodePool names the pod's node pool.
	LabelNodePool = "navigator.dev/node-pool"
)

// FieldOwner is the field manager of the controller's writes.
const FieldOwner = "navigator-controller"

// Reconciler creates the Pilot of each managed pod.
type Reconciler struct {
	Client client.Client
}

// +kubebuilder:rbac:groups="",resources=pods,verbs=get;list;watch

// SetupWithManager watches pods that carry the cluster and engine labels, and Pilots.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	managed, err := predicate.LabelSelectorPredicate(metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
		{Key: LabelCluster, Operator: metav1.LabelSelectorOpExists},
		{Key: LabelEngine, Operator: metav1.LabelSelectorOpIn, Values: []string{string(navv1alpha1.EngineElasticsearch), string(navv1alpha1.EngineCassandra), string(navv1alpha1.EngineOpenSearch)}},
	}})
	if err != nil {
		return err
	}
	return ctrl.NewControllerManagedBy(mgr).
		Named("pilot-lifecycle").
		For(&corev1.Pod{}, builder.WithPredicates(managed)).
		// A Pilot deleted by hand while its pod lives is created again.
		Owns(&navv1alpha1.Pilot{}).
		Complete(r)
}

// Reconcile creates the pod's Pilot when it is missing. An existing Pilot is left alone.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	var pod corev1.Pod
	if err := r.Client.Get(ctx, req.NamespacedName, &pod); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if pod.DeletionTimestamp != nil {
		return ctrl.Result{}, nil
	}
	var existing navv1alpha1.Pilot
	err := r.Client.Get(ctx, req.NamespacedName, &existing)
	if err == nil || !apierrors.IsNotFound(err) {
		return ctrl.Result{}, err
	}
	p := &navv1alpha1.Pilot{
		ObjectMeta: metav1.ObjectMeta{
			Namespace: pod.Namespace, Name: pod.Name,
			Labels: map[string]string{
				LabelCluster: pod.Labels[LabelCluster], LabelEngine: pod.Labels[LabelEngine], LabelNodePool: pod.Labels[LabelNodePool],
			},
		},
		Spec: navv1alpha1.PilotSpec{
			Engine:  navv1alpha1.Engine(pod.Labels[LabelEngine]),
			Cluster: pod.Labels[LabelCluster],
			Action:  navv1alpha1.ActionNone,
		},
	}
	if err := controllerutil.SetControllerReference(&pod, p, r.Client.Scheme()); err != nil {
		return ctrl.Result{}, err
	}
	if err := r.Client.Create(ctx, p, client.FieldOwner(FieldOwner)); err != nil && !apierrors.IsAlreadyExists(err) {
		return ctrl.Result{}, fmt.Errorf("creating the Pilot of pod %s: %w", pod.Name, err)
	}
	return ctrl.Result{}, nil
}
