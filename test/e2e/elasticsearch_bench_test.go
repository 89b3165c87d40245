//go:build e2e

package e2e

import (
	"os"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
)

// BenchmarkElasticsearchReady measures, side by side in one run, the time from creating a
// 5-node ElasticsearchCluster (3 masters, 2 data) to Ready, against its floor: five simulator
// pods of a plain StatefulSet, bootstrapped from static configuration, from creation to a green
// 5-node cluster (pod start plus simulator start, nothing orchestrated). Then it counts the API
// writes of the settled Navigator cluster over a minute: the controller's (cluster status and
// metadata, Pilot specs, owned objects) and the pilots' (Pilot status). Run it with
// `make bench-e2e`; it prints medians.
func BenchmarkElasticsearchReady(b *testing.B) {
	benchReady(b, "elasticsearch", "bench-esc", 5, simFloor, benchSearch, &navv1alpha1.ElasticsearchClusterList{})
}

// simFloor creates five simulator pods with static configuration and returns the time until
// they form a green 5-node cluster.
func simFloor(b *testing.B, ns string) time.Duration {
	b.Helper()
	labels := map[string]string{"app": "floor"}
	image := os.Getenv("E2E_IMAGE_REPO") + "/elasticsearch:" + escMinorVersion
	sts := esSimStatefulSet(ns, image, labels)
	sts.Name, sts.Spec.Replicas, sts.Spec.ServiceName = "es", ptr.To[int32](5), "es-discovery"
	objects := []client.Object{
		&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "es-config"}, Data: map[string]string{"elasticsearch.yml": esSimConfig}},
		&corev1.Service{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "es-discovery"},
			Spec: corev1.ServiceSpec{ClusterIP: corev1.ClusterIPNone, PublishNotReadyAddresses: true, Selector: labels,
				Ports: []corev1.ServicePort{{Name: "transport", Port: 9300, TargetPort: intstr.FromInt32(9300)}}},
		},
	}
	for _, o := range objects {
		if err := k8s.Create(b.Context(), o); err != nil {
			b.Fatal(err)
		}
	}
	start := time.Now()
	if err := k8s.Create(b.Context(), sts); err != nil {
		b.Fatal(err)
	}
	esHealth(b, ns, "es-0", "green", 5)
	took := time.Since(start)
	podTimeline(b, ns, labels, start)
	if err := k8s.Delete(b.Context(), &appsv1.StatefulSet{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "es"}}); err != nil {
		b.Fatal(err)
	}
	return took
}

// benchSearch is the benchmark's 5-node cluster: 3 masters, 2 data nodes.
func benchSearch(ns string) client.Object {
	return &navv1alpha1.ElasticsearchCluster{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "search"},
		Spec: navv1alpha1.ElasticsearchClusterSpec{
			Version:           escMinorVersion,
			ClusterCommonSpec: navv1alpha1.ClusterCommonSpec{Image: &navv1alpha1.ImageSpec{Repository: os.Getenv("E2E_IMAGE_REPO") + "/elasticsearch", PullPolicy: corev1.PullNever}},
			NodePools:         []navv1alpha1.ElasticsearchNodePool{escPool("master", 3, navv1alpha1.ESRoleMaster), escPool("data", 2, navv1alpha1.ESRoleData)},
		},
	}
}
