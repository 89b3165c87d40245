//go:build e2e

package e2e

import (
	"context"
	"slices"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/controller/pilot"
)

// waitHealed waits, after recreatePod, until the cluster has really taken the new pod back:
// the pod is Ready and its own Pilot (not the one of its previous life) reports ready, and
// nodetool status on every node shows every node up and normal; then until the cluster reports
// Ready. The cluster's Ready condition alone may still be the one written before the controller
// saw the pod go, and a node that is up in its own view may still be down in a peer's, where a
// read at ALL coordinated by that peer fails.
func waitHealed(t *testing.T, cc *navv1alpha1.CassandraCluster, pod, version string, nodes int) *navv1alpha1.CassandraCluster {
	t.Helper()
	var last string
	err := wait.PollUntilContextTimeout(t.Context(), time.Second, 5*time.Minute, true, func(ctx context.Context) (bool, error) {
		var p corev1.Pod
		if err := k8s.Get(ctx, client.ObjectKey{Namespace: cc.Namespace, Name: pod}, &p); err != nil {
			last = err.Error()
			return false, nil
		}
		if !slices.ContainsFunc(p.Status.Conditions, func(c corev1.PodCondition) bool {
			return c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue
		}) {
			last = pod + " is not Ready"
			return false, nil
		}
		var pl navv1alpha1.Pilot
		if err := k8s.Get(ctx, client.ObjectKey{Namespace: cc.Namespace, Name: pod}, &pl); err != nil {
			last = err.Error()
			return false, nil
		}
		if !slices.ContainsFunc(pl.OwnerReferences, func(o metav1.OwnerReference) bool { return o.UID == p.UID }) ||
			!meta.IsStatusConditionTrue(pl.Status.Conditions, navv1alpha1.PilotConditionReady) {
			last = "the Pilot of the new " + pod + " does not report it ready yet"
			return false, nil
		}
		return true, nil
	})
	if err != nil {
		t.Fatalf("%s never came back: %s", pod, last)
	}
	var pods corev1.PodList
	if err := k8s.List(t.Context(), &pods, client.InNamespace(cc.Namespace), client.MatchingLabels{pilot.LabelCluster: cc.Name}); err != nil {
		t.Fatal(err)
	}
	for _, p := range pods.Items {
		waitRing(t, cc.Namespace, p.Name, nodes)
	}
	return waitCassReady(t, cc, version, nodes)
}
