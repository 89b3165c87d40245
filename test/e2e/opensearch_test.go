//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	res "github.com/navigator-dbaas/navigator/internal/search/resources"
)

// The OpenSearch versions of the lifecycle's rolling upgrade: the Makefile's OS_SIM_VERSIONS.
const (
	oscFirstVersion = "2.19.5"
	oscNextVersion  = "2.19.6"
)

// TestOpenSearchClusterLifecycle applies one OpenSearchCluster of three cluster managers and two
// data nodes and walks it through its life, with documents written first and every one read
// back after each step: bootstrap to Ready and green; data scaled out 2 → 3 and in 3 → 1 with a
// replica per shard (complete, yellow at worst); the data pool scaled to 0, held with its
// reason; the cluster managers scaled 3 → 1 and back with an elected manager throughout; a
// rolling upgrade 2.19.5 → 2.19.6 and a rolling restart with health never red; killed pods heal.
//
// Real OpenSearch cannot run in a pod on these machines (docs/design/0011: it needs 65535 open
// files, the machines allow 20000), so the nodes are the Elasticsearch simulator answering as
// OpenSearch (opensearch-sim images), which TestOnSimulatedOpenSearch and TestOnRealOpenSearch
// hold to real OpenSearch with the same cases; the controller and the pilot are Navigator's own,
// in OpenSearch's words throughout.
func TestOpenSearchClusterLifecycle(t *testing.T) {
	t.Parallel()
	ns := restrictedNamespace(t, "e2e-osc")
	osc := newOSC(ns, oscPool("manager", 3, navv1alpha1.OSRoleClusterManager), oscPool("data", 2, navv1alpha1.OSRoleData, navv1alpha1.OSRoleIngest))
	start := time.Now()
	if err := k8s.Create(t.Context(), osc); err != nil {
		t.Fatal(err)
	}
	waitOSCReady(t, osc, oscFirstVersion)
	t.Logf("created: Ready after %s", time.Since(start).Round(time.Second))
	waitPilotMetric(t, ns, "search-manager-0", `navigator_opensearch_cluster_health{state="green"} 1`)
	writeDocs(t, ns)

	t.Run("scale data out to three and in to one", func(t *testing.T) {
		setOSCReplicas(t, osc, "data", 3)
		waitOSCReady(t, osc, oscFirstVersion)
		readDocs(t, ns)
		// Each shard has a copy on two of the three nodes. Going to one node, the first to
		// leave drains its copies to the two that stay; the second's copies can go nowhere (the
		// node that stays holds the other copy of each), so its drain completes with them and
		// the cluster ends yellow, never red.
		watch := watchHealth(t, ns)
		setOSCReplicas(t, osc, "data", 1)
		done := waitOSCCondition(t, osc, "one data node, yellow, nothing in progress", func(c *navv1alpha1.OpenSearchCluster) bool {
			p := meta.FindStatusCondition(c.Status.Conditions, navv1alpha1.ConditionProgressing)
			pool := oscPoolStatus(c, "data")
			return pool.Replicas == 1 && pool.ReadyReplicas == 1 && c.Status.Health == navv1alpha1.HealthYellow &&
				p != nil && p.Status == metav1.ConditionFalse && p.ObservedGeneration == c.Generation
		})
		requireNeverRed(t, watch(), "while the data pool shrank to one node")
		t.Logf("scaled in: %s", meta.FindStatusCondition(done.Status.Conditions, navv1alpha1.ConditionDegraded).Message)
		holdsReplicas(t, ns, res.StatefulSetName(osc.Name, "data"), 1, "after the scale in")
		readDocs(t, ns)
		setOSCReplicas(t, osc, "data", 2)
		waitOSCReady(t, osc, oscFirstVersion)
		readDocs(t, ns)
	})

	t.Run("scaling the data pool to zero is held", func(t *testing.T) {
		setOSCReplicas(t, osc, "data", 0)
		held := waitOSCCondition(t, osc, "the scale in held with its reason", func(c *navv1alpha1.OpenSearchCluster) bool {
			p := meta.FindStatusCondition(c.Status.Conditions, navv1alpha1.ConditionProgressing)
			if p == nil || p.Reason != navv1alpha1.ReasonBlocked || p.ObservedGeneration != c.Generation {
				return false
			}
			for _, o := range c.Status.Operations {
				if o.Phase == navv1alpha1.OperationBlocked && o.BlockedBy == "DataHasSomewhereToGo" {
					return true
				}
			}
			return false
		})
		t.Logf("held: %s", meta.FindStatusCondition(held.Status.Conditions, navv1alpha1.ConditionProgressing).Message)
		holdsReplicas(t, ns, res.StatefulSetName(osc.Name, "data"), 2, "while the scale in was held")
		expectEvent(t, ns, osc.Name, "ScaleInBlocked")
		setOSCReplicas(t, osc, "data", 2)
		waitOSCReady(t, osc, oscFirstVersion)
		readDocs(t, ns)
	})

	t.Run("cluster managers 3 → 1 → 3 keep an elected manager", func(t *testing.T) {
		watch := watchManager(t, ns)
		setOSCReplicas(t, osc, "manager", 1)
		waitOSCReady(t, osc, oscFirstVersion)
		// Ready comes once the removed pods are gone; the elected cluster manager drops a node
		// when its connection closes, which the pod's deletion has only just confirmed.
		var nodes []map[string]string
		err := wait.PollUntilContextTimeout(t.Context(), 500*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
			nodes = nil
			raw, err := escRaw(ctx, ns, "GET", "/_cat/nodes?format=json&h=name", "")
			return err == nil && json.Unmarshal(raw, &nodes) == nil && len(nodes) == 3, nil
		})
		if err != nil {
			t.Fatalf("nodes after the cluster managers went to one: %v, want 3", nodes)
		}
		readDocs(t, ns)
		setOSCReplicas(t, osc, "manager", 3)
		waitOSCReady(t, osc, oscFirstVersion)
		readDocs(t, ns)
		seen := watch()
		t.Logf("elected cluster manager polls: %v", seen)
		if seen["none"] > 0 || seen["elected"] == 0 {
			t.Fatalf("polls per answer %v: a poll found no elected cluster manager", seen)
		}
	})

	t.Run("rolling upgrade to "+oscNextVersion, func(t *testing.T) {
		watch := watchHealth(t, ns)
		updateObject(t, osc, func(c *navv1alpha1.OpenSearchCluster) { c.Spec.Version = oscNextVersion })
		waitOSCReady(t, osc, oscNextVersion)
		requireNeverRed(t, watch(), "during the upgrade")
		requireNodesAt(t, ns, oscNextVersion)
		readDocs(t, ns)
	})

	t.Run("rolling restart on demand", func(t *testing.T) {
		watch := watchHealth(t, ns)
		restartOSC(t, osc, "e2e-1", oscNextVersion)
		requireNeverRed(t, watch(), "during the restart")
		readDocs(t, ns)
	})

	t.Run("killed pods heal", func(t *testing.T) {
		for _, pod := range []string{res.StatefulSetName(osc.Name, "data") + "-0", res.StatefulSetName(osc.Name, "manager") + "-1"} {
			recreatePod(t, ns, pod, client.GracePeriodSeconds(0))
		}
		waitOSCReady(t, osc, oscNextVersion)
		readDocs(t, ns)
	})
}

// newOSC is an OpenSearchCluster named search in ns, on the simulator's OpenSearch image, at the
// first version of the upgrade.
func newOSC(ns string, pools ...navv1alpha1.OpenSearchNodePool) *navv1alpha1.OpenSearchCluster {
	return &navv1alpha1.OpenSearchCluster{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "search"},
		Spec: navv1alpha1.OpenSearchClusterSpec{
			Version: oscFirstVersion,
			ClusterCommonSpec: navv1alpha1.ClusterCommonSpec{
				Image: &navv1alpha1.ImageSpec{Repository: os.Getenv("E2E_IMAGE_REPO") + "/opensearch-sim", PullPolicy: corev1.PullNever},
			},
			NodePools: pools,
		},
	}
}

// restartOSC asks for a rolling restart by annotation and waits until every pod was recreated
// and the cluster is Ready at version again.
func restartOSC(t *testing.T, osc *navv1alpha1.OpenSearchCluster, token, version string) {
	t.Helper()
	restartByAnnotation(t, osc, token)
	waitOSCReady(t, osc, version)
}

func oscPool(name string, replicas int32, roles ...navv1alpha1.OpenSearchRole) navv1alpha1.OpenSearchNodePool {
	return navv1alpha1.OpenSearchNodePool{
		NodePoolCommon: navv1alpha1.NodePoolCommon{
			Name: name, Replicas: ptr.To(replicas),
			Resources:   corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("128Mi")}},
			Persistence: &navv1alpha1.PersistenceSpec{Size: resource.MustParse("10Mi")},
		},
		Roles: roles,
	}
}

// waitOSCReady waits for Ready=True at the current generation, green, every node on version,
// nothing in progress.
func waitOSCReady(t *testing.T, osc *navv1alpha1.OpenSearchCluster, version string) {
	t.Helper()
	waitOSCCondition(t, osc, "Ready at version "+version, func(c *navv1alpha1.OpenSearchCluster) bool {
		r := meta.FindStatusCondition(c.Status.Conditions, navv1alpha1.ConditionReady)
		return r != nil && r.Status == metav1.ConditionTrue && c.Status.ObservedGeneration == c.Generation &&
			c.Status.Health == navv1alpha1.HealthGreen && c.Status.Version == version && len(c.Status.Operations) == 0
	})
}

func waitOSCCondition(t *testing.T, osc *navv1alpha1.OpenSearchCluster, what string, cond func(*navv1alpha1.OpenSearchCluster) bool) *navv1alpha1.OpenSearchCluster {
	t.Helper()
	return waitFor(t, osc, what, cond, func(c *navv1alpha1.OpenSearchCluster) any { return c.Status })
}

// oscPoolStatus is the pool's status in c, zero when it reports none.
func oscPoolStatus(c *navv1alpha1.OpenSearchCluster, pool string) navv1alpha1.NodePoolStatus {
	for _, p := range c.Status.NodePools {
		if p.Name == pool {
			return p
		}
	}
	return navv1alpha1.NodePoolStatus{}
}

func setOSCReplicas(t *testing.T, osc *navv1alpha1.OpenSearchCluster, pool string, n int32) {
	t.Helper()
	updateObject(t, osc, func(c *navv1alpha1.OpenSearchCluster) {
		for i := range c.Spec.NodePools {
			if c.Spec.NodePools[i].Name == pool {
				c.Spec.NodePools[i].Replicas = ptr.To(n)
			}
		}
	})
}

// watchManager asks the cluster for its elected cluster manager every half second until the
// returned function is called, and counts the answers: "elected" when one is named, "none" when
// the cluster answers without one or that none is discovered, "unanswered" when no ready node
// answers through the Service for an instant (a pod going away).
func watchManager(t *testing.T, ns string) func() map[string]int {
	ctx, cancel := context.WithCancel(t.Context())
	var mu sync.Mutex
	seen := map[string]int{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			var rows []struct {
				Node string `json:"node"`
			}
			raw, err := escRaw(ctx, ns, "GET", "/_cat/cluster_manager?format=json", "")
			answer := "unanswered"
			switch {
			case err == nil && json.Unmarshal(raw, &rows) == nil && len(rows) == 1 && rows[0].Node != "":
				answer = "elected"
			case err == nil, strings.Contains(string(raw), "not_discovered"):
				answer = "none"
				t.Logf("no elected cluster manager at %s: %v %s", time.Now().UTC().Format(time.RFC3339Nano), err, raw)
			}
			mu.Lock()
			if ctx.Err() == nil {
				seen[answer]++
			}
			mu.Unlock()
			select {
			case <-ctx.Done():
			case <-time.After(500 * time.Millisecond):
			}
		}
	}()
	return func() map[string]int {
		cancel()
		<-done
		mu.Lock()
		defer mu.Unlock()
		return seen
	}
}
