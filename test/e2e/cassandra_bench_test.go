//go:build e2e

package e2e

import (
	"os"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
)

// BenchmarkCassandraReady measures, side by side in one run, the time from creating a 5-node
// CassandraCluster (racks of 3 and 2) to Ready, against its floor: five simulator pods of a plain
// OrderedReady StatefulSet with static configuration, which join one at a time as Cassandra
// requires (each pod is created once the one before serves CQL), from creation to five nodes UN.
// Then it counts the API writes of the settled Navigator cluster over a minute. Run it with
// `make bench-e2e`; it prints medians.
func BenchmarkCassandraReady(b *testing.B) {
	benchReady(b, "cassandra", "bench-cass", 5, cassFloor, benchRing, &navv1alpha1.CassandraClusterList{})
}

// cassFloor creates five simulator pods joining one at a time and returns the time until the
// ring shows five nodes UN.
func cassFloor(b *testing.B, ns string) time.Duration {
	b.Helper()
	objects := cassSimObjects(ns, os.Getenv("E2E_IMAGE_REPO")+"/cassandra-sim:"+cassSimVersion, map[string]string{"app": "floor"})
	sts := objects[len(objects)-1].(*appsv1.StatefulSet)
	sts.Spec.Replicas = ptr.To[int32](5)
	start := time.Now()
	for _, o := range objects {
		if err := k8s.Create(b.Context(), o); err != nil {
			b.Fatal(err)
		}
	}
	waitRing(b, ns, "cass-0", 5)
	took := time.Since(start)
	podTimeline(b, ns, map[string]string{"app": "floor"}, start)
	if err := k8s.Delete(b.Context(), sts); err != nil {
		b.Fatal(err)
	}
	return took
}

// benchRing is the benchmark's 5-node cluster: racks of 3 and 2.
func benchRing(ns string) client.Object {
	return newRing(ns, "cassandra-sim", cassSimVersion, cassPool("r1", 3), cassPool("r2", 2))
}
