//go:build e2e

package e2e

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
)

// BenchmarkRealCassandraReady measures, side by side in one run, the time from creating a
// CassandraCluster of three real Cassandra 5.0 nodes (racks of 2 and 1, as the lifecycle test) to
// Ready, against its floor: three real nodes of the same image in a plain OrderedReady
// StatefulSet with static configuration, the same memory limit, heap (half of it) and ring delay,
// each pod created once the one before serves CQL, from creation to three nodes UN. Then it counts
// the API writes of the settled Navigator cluster over a minute. Run it with
// `make bench-e2e-real`; it prints medians.
func BenchmarkRealCassandraReady(b *testing.B) {
	benchReady(b, "real cassandra", "bench-real-cass", 3, realCassFloor, realBenchRing, &navv1alpha1.CassandraClusterList{})
}

// realCassConfig is what the floor's nodes need besides Cassandra's defaults: the simulator
// floor's settings and the commit log's sync, which real Cassandra requires. Listen and client
// addresses are left to Cassandra, which takes the pod's (its hostname's) address.
const realCassConfig = cassSimConfig + `commitlog_sync: periodic
commitlog_sync_period: 10000ms
`

// realCassFloor creates three real nodes joining one at a time and returns the time until the
// ring shows three nodes UN.
func realCassFloor(b *testing.B, ns string) time.Duration {
	b.Helper()
	labels := map[string]string{"app": "floor"}
	objects := cassSimObjects(ns, os.Getenv("E2E_IMAGE_REPO")+"/cassandra:"+cassRealNext, labels)
	objects[0].(*corev1.ConfigMap).Data["cassandra.yaml"] = strings.Replace(realCassConfig, "%s", ns, 1)
	sts := objects[len(objects)-1].(*appsv1.StatefulSet)
	c := &sts.Spec.Template.Spec.Containers[0]
	c.Env = []corev1.EnvVar{
		{Name: "MAX_HEAP_SIZE", Value: "512M"},
		{Name: "JVM_EXTRA_OPTS", Value: strings.Join(cassRealJVMOptions, " ")},
	}
	c.Resources = corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("1Gi")}}
	// The two files only: the image's /etc/cassandra holds the JVM option files.
	c.VolumeMounts = []corev1.VolumeMount{
		{Name: "data", MountPath: "/var/lib/cassandra"},
		{Name: "config", MountPath: "/etc/cassandra/cassandra.yaml", SubPath: "cassandra.yaml"},
		{Name: "config", MountPath: "/etc/cassandra/cassandra-rackdc.properties", SubPath: "cassandra-rackdc.properties"},
	}
	// As Navigator's pods run: group 0, which may write the image's folders (the logs' among
	// them), and the volume's group the cassandra user's.
	sts.Spec.Template.Spec.SecurityContext.RunAsGroup = ptr.To[int64](0)
	sts.Spec.Template.Spec.SecurityContext.FSGroup = ptr.To[int64](999)
	sts.Spec.Replicas = ptr.To[int32](3)
	start := time.Now()
	for _, o := range objects {
		if err := k8s.Create(b.Context(), o); err != nil {
			b.Fatal(err)
		}
	}
	err := wait.PollUntilContextTimeout(b.Context(), time.Second, 8*time.Minute, true, func(ctx context.Context) (bool, error) {
		var s appsv1.StatefulSet
		return k8s.Get(ctx, client.ObjectKeyFromObject(sts), &s) == nil && s.Status.ReadyReplicas == 3, nil
	})
	if err != nil {
		podTimeline(b, ns, labels, start)
		b.Fatal("the floor's three real nodes never served CQL")
	}
	waitRing(b, ns, "cass-0", 3)
	took := time.Since(start)
	podTimeline(b, ns, labels, start)
	if err := k8s.Delete(b.Context(), sts); err != nil {
		b.Fatal(err)
	}
	return took
}

// realBenchRing is the benchmark's cluster: three real nodes, racks of 2 and 1.
func realBenchRing(ns string) client.Object {
	return newRing(ns, "cassandra", cassRealNext, realCassPool("r1", 2), realCassPool("r2", 1))
}
