//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	gocql "github.com/apache/cassandra-gocql-driver/v2"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	res "github.com/navigator-dbaas/navigator/internal/cassandra/resources"
)

// The versions of the Cassandra lifecycle test: created on the first, upgraded 4.0 → 4.1 → 5.0.
const (
	cassFirstVersion = "4.0.17"
	cassRows         = 300
)

var cassUpgrades = []string{"4.1.10", "5.0.5"}

// TestCassandraClusterLifecycle runs one CassandraCluster through its life on the local cluster,
// with rows written at QUORUM (RF 3) first and all read back after every step: created with 3
// nodes over 2 racks; scaled out 3 → 5 (one join at a time, cleanup after) and in 5 → 3
// (decommission); a scale in below the replication factor, held with its reason; pause, change,
// resume; rolling upgrades 4.0 → 4.1 → 5.0 and a rolling restart asked for by annotation, with
// QUORUM reads and writes checked continuously; a killed pod; a pod deleted with its disk,
// replaced automatically; a scale in under whenScaled: Retain, whose kept claim holds the pod
// that comes back on it until the claim is deleted.
func TestCassandraClusterLifecycle(t *testing.T) {
	// The lifecycles run side by side, each in its namespace: on this machine they wait on
	// their databases far more than they compute.
	t.Parallel()
	ns := restrictedNamespace(t, "e2e-cass")
	cc := newRing(ns, "cassandra-sim", cassFirstVersion, cassPool("r1", 2), cassPool("r2", 1))
	start := time.Now()
	if err := k8s.Create(t.Context(), cc); err != nil {
		t.Fatal(err)
	}
	waitCassReady(t, cc, cassFirstVersion, 3)
	t.Logf("created: Ready after %s", time.Since(start).Round(time.Second))
	waitPilotMetric(t, ns, "ring-r1-0", `navigator_cassandra_node_state{state="UN"} 1`)
	session := cassClient(t, ns, cc.Name)
	writeRows(t, session, cassRows)

	t.Run("scale out 3 to 5 and in to 3", func(t *testing.T) {
		setCassReplicas(t, cc, map[string]int32{"r1": 3, "r2": 2})
		waitCassReady(t, cc, cassFirstVersion, 5)
		expectEvent(t, ns, cc.Name, string(navv1alpha1.OperationCleanup))
		checkRows(t, session, cassRows)
		setCassReplicas(t, cc, map[string]int32{"r1": 2, "r2": 1})
		waitCassCondition(t, cc, "a scale-in operation", func(c *navv1alpha1.CassandraCluster) bool {
			return hasOperation(c, navv1alpha1.OperationScaleIn, "")
		})
		waitCassReady(t, cc, cassFirstVersion, 3)
		waitRing(t, ns, "ring-r1-0", 3)
		checkRows(t, session, cassRows)
	})

	t.Run("scale in below the replication factor is held", func(t *testing.T) {
		setCassReplicas(t, cc, map[string]int32{"r1": 1})
		held := waitCassCondition(t, cc, "the scale in held with its reason", func(c *navv1alpha1.CassandraCluster) bool {
			p := meta.FindStatusCondition(c.Status.Conditions, navv1alpha1.ConditionProgressing)
			return p != nil && p.Reason == navv1alpha1.ReasonBlocked && p.ObservedGeneration == c.Generation &&
				hasOperation(c, navv1alpha1.OperationScaleIn, "ReplicationFactorMet")
		})
		t.Logf("held: %s", meta.FindStatusCondition(held.Status.Conditions, navv1alpha1.ConditionProgressing).Message)
		holdsReplicas(t, ns, res.StatefulSetName(cc.Name, "r1"), 2, "while the scale in was held")
		expectEvent(t, ns, cc.Name, "ScaleInBlocked")
		setCassReplicas(t, cc, map[string]int32{"r1": 2})
		waitCassReady(t, cc, cassFirstVersion, 3)
		checkRows(t, session, cassRows)
	})

	t.Run("pause, change, resume", func(t *testing.T) {
		setCassPaused(t, cc, true)
		setCassReplicas(t, cc, map[string]int32{"r2": 2})
		waitCassCondition(t, cc, "Progressing reason Paused", func(c *navv1alpha1.CassandraCluster) bool {
			p := meta.FindStatusCondition(c.Status.Conditions, navv1alpha1.ConditionProgressing)
			return p != nil && p.Reason == navv1alpha1.ReasonPaused && p.ObservedGeneration == c.Generation
		})
		holdsReplicas(t, ns, res.StatefulSetName(cc.Name, "r2"), 1, "while paused")
		setCassPaused(t, cc, false)
		waitCassReady(t, cc, cassFirstVersion, 4)
		checkRows(t, session, cassRows)
	})

	for _, v := range cassUpgrades {
		t.Run("rolling upgrade to "+v, func(t *testing.T) {
			traffic := quorumTraffic(t, session)
			updateCass(t, cc, func(c *navv1alpha1.CassandraCluster) { c.Spec.Version = v })
			waitCassReady(t, cc, v, 4)
			requireServed(t, traffic, "during the upgrade")
			checkRows(t, session, cassRows)
		})
	}

	t.Run("rolling restart on demand", func(t *testing.T) {
		before := podUIDs(t, ns, cc.Name)
		traffic := quorumTraffic(t, session)
		updateCass(t, cc, func(c *navv1alpha1.CassandraCluster) {
			metav1.SetMetaDataAnnotation(&c.ObjectMeta, res.AnnotationRestart, "e2e-1")
		})
		waitAllRecreated(t, ns, cc.Name, before)
		waitCassReady(t, cc, cassUpgrades[len(cassUpgrades)-1], 4)
		requireServed(t, traffic, "during the restart")
		checkRows(t, session, cassRows)
	})

	t.Run("killed pod heals", func(t *testing.T) {
		recreatePod(t, ns, "ring-r1-0")
		waitHealed(t, cc, "ring-r1-0", cassUpgrades[len(cassUpgrades)-1], 4)
		checkRows(t, session, cassRows)
	})

	t.Run("pod deleted with its disk is replaced", func(t *testing.T) {
		const victim = "ring-r2-1"
		before := cassMember(t, cc, victim)
		// The claim goes first: it is held by its pod until the pod is gone, then deleted, so
		// the pod comes back on a new, empty volume.
		claim := &corev1.PersistentVolumeClaim{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: res.DataVolume + "-" + victim}}
		if err := k8s.Delete(t.Context(), claim); err != nil {
			t.Fatal(err)
		}
		recreatePod(t, ns, victim)
		expectEvent(t, ns, cc.Name, string(navv1alpha1.OperationReplace))
		ready := waitCassReady(t, cc, cassUpgrades[len(cassUpgrades)-1], 4)
		after := cassMember(t, cc, victim)
		if after.Address == before.Address {
			t.Fatalf("%s still recorded at %s: the replacement did not take place", victim, before.Address)
		}
		t.Logf("%s replaced: %s → %s (host id %s → %s); nodes %+v", victim, before.Address, after.Address, before.HostID, after.HostID, ready.Status.Nodes)
		waitRing(t, ns, "ring-r1-0", 4)
		checkRows(t, session, cassRows)
	})

	t.Run("a kept claim of a decommissioned node holds its pod", func(t *testing.T) {
		const gone = "ring-r2-1"
		version := cassUpgrades[len(cassUpgrades)-1]
		updateCass(t, cc, func(c *navv1alpha1.CassandraCluster) {
			for i := range c.Spec.NodePools {
				if c.Spec.NodePools[i].Name == "r2" {
					c.Spec.NodePools[i].Persistence.RetentionPolicy.WhenScaled = navv1alpha1.PVCRetain
					c.Spec.NodePools[i].Replicas = ptr.To[int32](1)
				}
			}
		})
		waitCassReady(t, cc, version, 3)
		claim := &corev1.PersistentVolumeClaim{}
		if err := k8s.Get(t.Context(), client.ObjectKey{Namespace: ns, Name: res.ClaimName(gone)}, claim); err != nil {
			t.Fatalf("the claim of %s was not kept: %v", gone, err)
		}
		if claim.Annotations[res.AnnotationDecommissioned] == "" {
			t.Fatalf("the kept claim of %s is not marked decommissioned: %v", gone, claim.Annotations)
		}
		setCassReplicas(t, cc, map[string]int32{"r2": 2})
		held := waitCassCondition(t, cc, gone+" held on its kept claim", func(c *navv1alpha1.CassandraCluster) bool {
			p := meta.FindStatusCondition(c.Status.Conditions, navv1alpha1.ConditionProgressing)
			return p != nil && p.Reason == navv1alpha1.ReasonBlocked && hasOperation(c, navv1alpha1.OperationScaleOut, "NotDecommissioned")
		})
		t.Logf("held: %s", meta.FindStatusCondition(held.Status.Conditions, navv1alpha1.ConditionProgressing).Message)
		expectEvent(t, ns, cc.Name, "ScaleOutBlocked")
		// The way out the message gives: delete the claim, then the pod.
		if err := k8s.Delete(t.Context(), claim); err != nil {
			t.Fatal(err)
		}
		deletePods(t, ns, gone)
		waitCassReady(t, cc, version, 4)
		waitRing(t, ns, "ring-r1-0", 4)
		checkRows(t, session, cassRows)
	})
}

func cassPool(rack string, replicas int32) navv1alpha1.CassandraNodePool {
	return navv1alpha1.CassandraNodePool{
		NodePoolCommon: navv1alpha1.NodePoolCommon{
			Name: rack, Replicas: ptr.To(replicas),
			Resources:   corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("256Mi")}},
			Persistence: &navv1alpha1.PersistenceSpec{Size: resource.MustParse("10Mi")},
		},
		Datacenter: "dc1",
		Rack:       rack,
		JVMOptions: cassSimJVMOptions,
	}
}

// waitCassReady waits for Ready=True at the current generation with nodes nodes on version and
// no operation under way.
func waitCassReady(t *testing.T, cc *navv1alpha1.CassandraCluster, version string, nodes int) *navv1alpha1.CassandraCluster {
	t.Helper()
	return waitCassCondition(t, cc, fmt.Sprintf("Ready with %d nodes at version %s", nodes, version), func(c *navv1alpha1.CassandraCluster) bool {
		r := meta.FindStatusCondition(c.Status.Conditions, navv1alpha1.ConditionReady)
		total := int32(0)
		for _, p := range c.Status.NodePools {
			total += p.ReadyReplicas
		}
		return r != nil && r.Status == metav1.ConditionTrue && c.Status.ObservedGeneration == c.Generation &&
			c.Status.Version == version && len(c.Status.Operations) == 0 && int(total) == nodes
	})
}

func waitCassCondition(t *testing.T, cc *navv1alpha1.CassandraCluster, what string, cond func(*navv1alpha1.CassandraCluster) bool) *navv1alpha1.CassandraCluster {
	t.Helper()
	return waitFor(t, cc, what, cond, func(c *navv1alpha1.CassandraCluster) any { return c.Status })
}

func hasOperation(c *navv1alpha1.CassandraCluster, typ navv1alpha1.OperationType, blockedBy string) bool {
	for _, o := range c.Status.Operations {
		if o.Type == typ && (blockedBy == "" || (o.Phase == navv1alpha1.OperationBlocked && o.BlockedBy == blockedBy)) {
			return true
		}
	}
	return false
}

func cassMember(t *testing.T, cc *navv1alpha1.CassandraCluster, name string) navv1alpha1.CassandraNodeStatus {
	t.Helper()
	var c navv1alpha1.CassandraCluster
	if err := k8s.Get(t.Context(), client.ObjectKeyFromObject(cc), &c); err != nil {
		t.Fatal(err)
	}
	for _, m := range c.Status.Nodes {
		if m.Name == name {
			return m
		}
	}
	t.Fatalf("%s is not among the recorded members %+v", name, c.Status.Nodes)
	return navv1alpha1.CassandraNodeStatus{}
}

func updateCass(t *testing.T, cc *navv1alpha1.CassandraCluster, change func(*navv1alpha1.CassandraCluster)) {
	t.Helper()
	updateObject(t, cc, change)
}

func setCassReplicas(t *testing.T, cc *navv1alpha1.CassandraCluster, replicas map[string]int32) {
	t.Helper()
	updateCass(t, cc, func(c *navv1alpha1.CassandraCluster) {
		for i := range c.Spec.NodePools {
			if n, ok := replicas[c.Spec.NodePools[i].Name]; ok {
				c.Spec.NodePools[i].Replicas = ptr.To(n)
			}
		}
	})
}

func setCassPaused(t *testing.T, cc *navv1alpha1.CassandraCluster, paused bool) {
	t.Helper()
	updateCass(t, cc, func(c *navv1alpha1.CassandraCluster) { c.Spec.Paused = paused })
}

func deletePods(t *testing.T, ns string, names ...string) {
	t.Helper()
	for _, name := range names {
		if err := k8s.Delete(t.Context(), &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}); err != nil {
			t.Fatal(err)
		}
	}
}

// cassClient connects the driver to the cluster's client Service, retrying idempotent
// statements on another node, as an application that survives rolling restarts is set up. In
// the cluster, the headless Service's name resolves to the ready nodes, which the driver takes
// as its contact points; the test, outside the cluster's DNS, reads the same addresses from the
// Service's EndpointSlices.
func cassClient(t *testing.T, ns, cluster string) *gocql.Session {
	t.Helper()
	var list discoveryv1.EndpointSliceList
	if err := k8s.List(t.Context(), &list, client.InNamespace(ns),
		client.MatchingLabels{discoveryv1.LabelServiceName: res.ClientServiceName(cluster)}); err != nil {
		t.Fatal(err)
	}
	var contacts []string
	for _, s := range list.Items {
		for _, e := range s.Endpoints {
			if e.Conditions.Ready == nil || *e.Conditions.Ready {
				for _, a := range e.Addresses {
					contacts = append(contacts, net.JoinHostPort(a, "9042"))
				}
			}
		}
	}
	if len(contacts) == 0 {
		t.Fatalf("the client Service %s lists no ready node", res.ClientServiceName(cluster))
	}
	return cqlSession(t, contacts...)
}

// writeRows creates the e2e keyspace (RF 3 in dc1) and writes rows rows at QUORUM, then reads
// them back.
func writeRows(t *testing.T, s *gocql.Session, rows int) {
	t.Helper()
	for _, stmt := range []string{
		"CREATE KEYSPACE e2e WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 3}",
		"CREATE TABLE e2e.kv (k int PRIMARY KEY, v text)",
	} {
		if err := s.Query(stmt).ExecContext(t.Context()); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	for i := range rows {
		q := s.Query("INSERT INTO e2e.kv (k, v) VALUES (?, ?)", i, fmt.Sprint("value-", i)).Consistency(gocql.Quorum)
		if err := q.ExecContext(t.Context()); err != nil {
			t.Fatalf("insert %d at QUORUM: %v", i, err)
		}
	}
	checkRows(t, s, rows)
}

// writeBulk writes rows rows of size bytes each into e2e.bulk at QUORUM: data enough for a
// stream to take seconds. checkBulk reads them all back.
func writeBulk(t *testing.T, s *gocql.Session, rows, size int) {
	t.Helper()
	if err := s.Query("CREATE TABLE IF NOT EXISTS e2e.bulk (k int PRIMARY KEY, v text)").ExecContext(t.Context()); err != nil {
		t.Fatal(err)
	}
	for i := range rows {
		if err := s.Query("INSERT INTO e2e.bulk (k, v) VALUES (?, ?)", i, bulkValue(i, size)).Consistency(gocql.Quorum).ExecContext(t.Context()); err != nil {
			t.Fatalf("insert bulk %d at QUORUM: %v", i, err)
		}
	}
}

func checkBulk(t *testing.T, s *gocql.Session, rows, size int) {
	t.Helper()
	for i := range rows {
		var v string
		if err := s.Query("SELECT v FROM e2e.bulk WHERE k = ?", i).Consistency(gocql.Quorum).ScanContext(t.Context(), &v); err != nil {
			t.Fatalf("read bulk %d at QUORUM: %v", i, err)
		}
		if v != bulkValue(i, size) {
			t.Fatalf("bulk row %d at QUORUM: %d bytes, not the %d written", i, len(v), size)
		}
	}
}

func bulkValue(i, size int) string {
	return strings.Repeat(fmt.Sprintf("%08d", i), size/8)
}

// quorumTraffic writes a row and reads it back at QUORUM, over and over, until the returned
// function is called; it returns how many round trips succeeded and the failures. Its rows live
// in their own table, so that checkRows' COUNT(*) of e2e.kv stays exact.
func quorumTraffic(t *testing.T, s *gocql.Session) func() (int, []string) {
	t.Helper()
	if err := s.Query("CREATE TABLE IF NOT EXISTS e2e.traffic (k int PRIMARY KEY, v text)").ExecContext(t.Context()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	var mu sync.Mutex
	ok, failures := 0, []string{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ctx.Err() == nil; i++ {
			want := fmt.Sprint("t-", i)
			err := s.Query("INSERT INTO e2e.traffic (k, v) VALUES (?, ?)", i, want).Consistency(gocql.Quorum).Idempotent(true).ExecContext(ctx)
			var got string
			if err == nil {
				err = s.Query("SELECT v FROM e2e.traffic WHERE k = ?", i).Consistency(gocql.Quorum).Idempotent(true).ScanContext(ctx, &got)
			}
			if err == nil && got != want {
				err = fmt.Errorf("read %q back, want %q", got, want)
			}
			mu.Lock()
			switch {
			case err == nil:
				ok++
			case ctx.Err() == nil:
				failures = append(failures, fmt.Sprintf("%s: %v", time.Now().UTC().Format(time.RFC3339Nano), err))
			}
			mu.Unlock()
			select {
			case <-ctx.Done():
			case <-time.After(100 * time.Millisecond):
			}
		}
	}()
	return func() (int, []string) {
		cancel()
		<-done
		mu.Lock()
		defer mu.Unlock()
		return ok, failures
	}
}

// startRing creates the simulated ring cc of nodes nodes, waits for it to be Ready at its
// version, and writes the rows every step reads back through the session it returns.
func startRing(t *testing.T, cc *navv1alpha1.CassandraCluster, nodes int) *gocql.Session {
	t.Helper()
	if err := k8s.Create(t.Context(), cc); err != nil {
		t.Fatal(err)
	}
	waitCassReady(t, cc, cc.Spec.Version, nodes)
	session := cassClient(t, cc.Namespace, cc.Name)
	writeRows(t, session, cassRows)
	return session
}

// requireServed stops the traffic and fails the test unless it served every request, and at
// least one.
func requireServed(t *testing.T, traffic func() (int, []string), during string) {
	t.Helper()
	ok, failures := traffic()
	if len(failures) > 0 || ok == 0 {
		t.Fatalf("QUORUM traffic %s: %d ok, %d failed: %v", during, ok, len(failures), failures)
	}
	t.Logf("QUORUM traffic %s: %d writes and reads, none failed", during, ok)
}

// newRing is a CassandraCluster named ring in ns, of the image (cassandra-sim, or cassandra for
// the real one) at version, loaded into the local cluster, with pools.
func newRing(ns, image, version string, pools ...navv1alpha1.CassandraNodePool) *navv1alpha1.CassandraCluster {
	return &navv1alpha1.CassandraCluster{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "ring"},
		Spec: navv1alpha1.CassandraClusterSpec{
			Version: version,
			ClusterCommonSpec: navv1alpha1.ClusterCommonSpec{
				Image: &navv1alpha1.ImageSpec{Repository: os.Getenv("E2E_IMAGE_REPO") + "/" + image, PullPolicy: corev1.PullNever},
			},
			NodePools: pools,
		},
	}
}
