//go:build e2e

package e2e

import (
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	gocql "github.com/apache/cassandra-gocql-driver/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	cassctl "github.com/navigator-dbaas/navigator/internal/cassandra/controller"
	res "github.com/navigator-dbaas/navigator/internal/cassandra/resources"
	"github.com/navigator-dbaas/navigator/test/cqllog"
)

// Real Cassandra 5.0, built from Maven Central by test/real/cassandra (make images): created on
// the first release, upgraded to the second.
const (
	cassRealFirst = "5.0.8"
	cassRealNext  = "5.0.9"
	cassRealRows  = 300
)

// Settings of the real nodes, each one a user could set the same way: a 1GiB memory limit (the
// pilot gives the heap half of it), RING_DELAY shortened from 30 s to 5 s
// (-Dcassandra.ring_delay_ms), and no wait for gossip to settle before serving
// (-Dcassandra.skip_wait_for_gossip_to_settle=0), so that joins take seconds, not minutes; and,
// for starts that share two cores with the rest of the tier, the client compiler only
// (-XX:TieredStopAtLevel=1) and no heap pre-touched at start, as in the pilot's conformance
// suite (internal/cassandra/pilot, realJVMOptions). Neither changes what Cassandra does.
var (
	cassRealCheapStart = []string{"-XX:TieredStopAtLevel=1", "-XX:-AlwaysPreTouch"}
	cassRealJVMOptions = append([]string{"-Dcassandra.ring_delay_ms=5000", "-Dcassandra.skip_wait_for_gossip_to_settle=0"}, cassRealCheapStart...)
)

// TestRealCassandraLifecycle runs one CassandraCluster of real Cassandra 5.0 nodes through its
// life, with QUORUM writes and reads through the Go driver during every step and every row read
// back at ALL after it: created with 3 nodes over 2 racks; paused while a scale out to 4 is
// asked, then resumed; scaled in to 3 by a real decommission; a scale in below the replication
// factor held with its reason; a rolling restart on demand; a rolling upgrade 5.0.8 → 5.0.9; a
// setting Cassandra refuses, reported in its own words while the roll waits; a killed pod; a pod
// deleted with its claim, replaced (replace_address_first_boot); a new rack
// whose first node's bootstrap is cut short, which must bootstrap again rather than come back
// as a seed without data (read at ONE through that node).
func TestRealCassandraLifecycle(t *testing.T) {
	t.Parallel()
	ns := restrictedNamespace(t, "e2e-real-cass")
	cc := newRing(ns, "cassandra", cassRealFirst, realCassPool("r1", 2), realCassPool("r2", 1))
	start := time.Now()
	if err := k8s.Create(t.Context(), cc); err != nil {
		t.Fatal(err)
	}
	waitCassReady(t, cc, cassRealFirst, 3)
	t.Logf("created: Ready after %s", time.Since(start).Round(time.Second))
	waitPilotMetric(t, ns, "ring-r1-0", `navigator_cassandra_node_state{state="UN"} 1`)
	session := cassClient(t, ns, cc.Name)
	writeRows(t, session, cassRealRows)
	checkRowsAt(t, session, cassRealRows, gocql.All)

	// step runs one change with QUORUM traffic throughout, then reads every row back at ALL.
	step := func(name string, change func(t *testing.T)) {
		t.Run(name, func(t *testing.T) {
			begin := time.Now()
			traffic := quorumTraffic(t, session)
			change(t)
			requireServed(t, traffic, "during "+name)
			checkRowsAt(t, session, cassRealRows, gocql.All)
			t.Logf("%s: %s", name, time.Since(begin).Round(time.Second))
		})
	}

	step("pause, scale out 3 to 4, resume", func(t *testing.T) {
		setCassPaused(t, cc, true)
		setCassReplicas(t, cc, map[string]int32{"r2": 2})
		waitCassCondition(t, cc, "Progressing reason Paused", func(c *navv1alpha1.CassandraCluster) bool {
			p := meta.FindStatusCondition(c.Status.Conditions, navv1alpha1.ConditionProgressing)
			return p != nil && p.Reason == navv1alpha1.ReasonPaused && p.ObservedGeneration == c.Generation
		})
		holdsReplicas(t, ns, res.StatefulSetName(cc.Name, "r2"), 1, "while paused")
		setCassPaused(t, cc, false)
		waitCassReady(t, cc, cassRealFirst, 4)
		expectEvent(t, ns, cc.Name, string(navv1alpha1.OperationCleanup))
		waitRing(t, ns, "ring-r1-0", 4)
	})

	step("scale in 4 to 3", func(t *testing.T) {
		setCassReplicas(t, cc, map[string]int32{"r2": 1})
		waitCassCondition(t, cc, "a scale-in operation", func(c *navv1alpha1.CassandraCluster) bool {
			return hasOperation(c, navv1alpha1.OperationScaleIn, "")
		})
		waitCassReady(t, cc, cassRealFirst, 3)
		waitRing(t, ns, "ring-r1-0", 3)
	})

	step("scale in below the replication factor is held", func(t *testing.T) {
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
		waitCassReady(t, cc, cassRealFirst, 3)
	})

	step("rolling restart on demand", func(t *testing.T) {
		before := podUIDs(t, ns, cc.Name)
		updateCass(t, cc, func(c *navv1alpha1.CassandraCluster) {
			metav1.SetMetaDataAnnotation(&c.ObjectMeta, res.AnnotationRestart, "e2e-1")
		})
		waitAllRecreated(t, ns, cc.Name, before)
		waitCassReady(t, cc, cassRealFirst, 3)
	})

	step("rolling upgrade to "+cassRealNext, func(t *testing.T) {
		updateCass(t, cc, func(c *navv1alpha1.CassandraCluster) { c.Spec.Version = cassRealNext })
		waitCassReady(t, cc, cassRealNext, 3)
		waitRing(t, ns, "ring-r1-0", 3)
	})

	step("a setting Cassandra refuses is reported and holds the roll", func(t *testing.T) {
		before := podUIDs(t, ns, cc.Name)
		updateCass(t, cc, func(c *navv1alpha1.CassandraCluster) {
			c.Spec.NodePools[0].Config = map[string]string{"bogus_setting": "1"}
		})
		held := waitCassCondition(t, cc, "Degraded with Cassandra's own words, and the roll held", func(c *navv1alpha1.CassandraCluster) bool {
			d := meta.FindStatusCondition(c.Status.Conditions, navv1alpha1.ConditionDegraded)
			return d != nil && d.Status == metav1.ConditionTrue && d.Reason == navv1alpha1.ReasonDatabaseExited &&
				d.ObservedGeneration == c.Generation && strings.Contains(d.Message, "bogus_setting") &&
				hasOperation(c, navv1alpha1.OperationRestart, cassctl.PredicateOtherNodesUp)
		})
		t.Logf("Degraded: %s", meta.FindStatusCondition(held.Status.Conditions, navv1alpha1.ConditionDegraded).Message)
		restarted := changedPods(t, ns, cc.Name, before)
		if len(restarted) != 1 {
			t.Fatalf("pods restarted by the roll while its first node cannot start: %v, want one", restarted)
		}
		exited := waitPilot(t, ns, restarted[0], "its last exit recorded", func(p *navv1alpha1.Pilot) bool {
			return p.Status.LastExit != nil
		})
		if e := exited.Status.LastExit; e.Code != 3 || !strings.Contains(e.Message, "Please remove properties [bogus_setting] from your cassandra.yaml") {
			t.Fatalf("the Pilot's last exit: %+v, want status 3 and Cassandra's message", e)
		}
		updateCass(t, cc, func(c *navv1alpha1.CassandraCluster) { c.Spec.NodePools[0].Config = nil })
		waitCassReady(t, cc, cassRealNext, 3)
		if again := changedPods(t, ns, cc.Name, before); !slices.Equal(again, restarted) {
			t.Fatalf("pods restarted once the setting was withdrawn: %v, want only %v", again, restarted)
		}
	})

	step("killed pod heals", func(t *testing.T) {
		recreatePod(t, ns, "ring-r1-0", client.GracePeriodSeconds(0))
		waitHealed(t, cc, "ring-r1-0", cassRealNext, 3)
	})

	step("pod deleted with its disk is replaced", func(t *testing.T) {
		const victim = "ring-r2-0"
		before := cassMember(t, cc, victim)
		// The claim goes first: it is held by its pod until the pod is gone, then deleted, so
		// the pod comes back on a new, empty volume.
		claim := &corev1.PersistentVolumeClaim{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: res.ClaimName(victim)}}
		if err := k8s.Delete(t.Context(), claim); err != nil {
			t.Fatal(err)
		}
		recreatePod(t, ns, victim)
		expectEvent(t, ns, cc.Name, string(navv1alpha1.OperationReplace))
		ready := waitCassReady(t, cc, cassRealNext, 3)
		after := cassMember(t, cc, victim)
		if after.Address == before.Address {
			t.Fatalf("%s still recorded at %s: the replacement did not take place", victim, before.Address)
		}
		t.Logf("%s replaced: %s → %s (host id %s → %s); nodes %+v", victim, before.Address, after.Address, before.HostID, after.HostID, ready.Status.Nodes)
		waitRing(t, ns, "ring-r1-0", 3)
	})

	step("a bootstrap cut short bootstraps again", func(t *testing.T) {
		// A new rack's first node is a seed candidate; its RING_DELAY of 15 s keeps it joining
		// (UJ) long enough for its pilot to report it, and the test to kill it then.
		pool := realCassPool("r3", 1)
		pool.JVMOptions = append([]string{"-Dcassandra.ring_delay_ms=15000", "-Dcassandra.skip_wait_for_gossip_to_settle=0"}, cassRealCheapStart...)
		updateCass(t, cc, func(c *navv1alpha1.CassandraCluster) { c.Spec.NodePools = append(c.Spec.NodePools, pool) })
		const joiner = "ring-r3-0"
		waitPilot(t, ns, joiner, "joining (UJ)", func(p *navv1alpha1.Pilot) bool {
			return p.Status.Cassandra != nil && p.Status.Cassandra.State == "UJ"
		})
		recreatePod(t, ns, joiner, client.GracePeriodSeconds(0))
		waitCassReady(t, cc, cassRealNext, 4)
		waitRing(t, ns, "ring-r1-0", 4)
		// With three racks and RF 3, the node of rack r3 replicates every row: read at ONE with
		// it as coordinator, each row comes from its own disk.
		checkRowsAt(t, nodeSession(t, ns, joiner), cassRealRows, gocql.One)
	})
}

func realCassPool(rack string, replicas int32) navv1alpha1.CassandraNodePool {
	return navv1alpha1.CassandraNodePool{
		NodePoolCommon: navv1alpha1.NodePoolCommon{
			Name: rack, Replicas: ptr.To(replicas),
			Resources:   corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("1Gi")}},
			Persistence: &navv1alpha1.PersistenceSpec{Size: resource.MustParse("1Gi")},
		},
		Datacenter: "dc1",
		Rack:       rack,
		JVMOptions: cassRealJVMOptions,
	}
}

// waitPilot waits until a pod's Pilot meets cond.
func waitPilot(t *testing.T, ns, name, what string, cond func(*navv1alpha1.Pilot) bool) *navv1alpha1.Pilot {
	t.Helper()
	p := &navv1alpha1.Pilot{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
	return waitFor(t, p, what, cond, func(p *navv1alpha1.Pilot) any { return p.Status })
}

// nodeSession connects the driver to one node only, so that it coordinates every request.
func nodeSession(t *testing.T, ns, pod string) *gocql.Session {
	t.Helper()
	var p corev1.Pod
	if err := k8s.Get(t.Context(), client.ObjectKey{Namespace: ns, Name: pod}, &p); err != nil {
		t.Fatal(err)
	}
	cfg := gocql.NewCluster(net.JoinHostPort(p.Status.PodIP, "9042"))
	cfg.ProtoVersion = 4
	cfg.Timeout = 5 * time.Second
	cfg.ConnectTimeout = 5 * time.Second
	cfg.HostFilter = gocql.WhiteListHostFilter(p.Status.PodIP)
	log := &cqllog.Lines{}
	cfg.Logger = log
	s, err := cfg.CreateSession()
	if err != nil {
		t.Fatalf("connecting the driver to %s: %v\ndriver log:\n%s", pod, err, log)
	}
	t.Cleanup(s.Close)
	return s
}

// changedPods names, sorted, the cluster's pods whose UID is no longer the one in before.
func changedPods(t *testing.T, ns, cluster string, before map[string]types.UID) []string {
	t.Helper()
	var changed []string
	for name, uid := range podUIDs(t, ns, cluster) {
		if before[name] != uid {
			changed = append(changed, name)
		}
	}
	slices.Sort(changed)
	return changed
}
