//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/util/retry"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	res "github.com/navigator-dbaas/navigator/internal/search/resources"
)

// The upgrade path the e2e cluster walks, the one real Elasticsearch allows from 7.17 to 9.1
// (admission refuses the others): 7.17 to 8.19, the last 8.x minor, then 8.19 to 9.1, whose
// nodes refuse data of 8.18 or older. Each is one of the Makefile's ES_SIM_VERSIONS.
const (
	escFirstVersion = "7.17.29"
	escMinorVersion = "8.19.7"
	escMajorVersion = "9.1.5"
	escDocs         = 300
)

// TestElasticsearchClusterLifecycle applies one ElasticsearchCluster and walks it through its
// life on the local cluster, with documents written first and every one read back after each
// step: bootstrap to Ready and green; data scale out and in (drained first); a scale in that
// cannot be done safely, held with its reason; pause; rolling upgrades 7.17 → 8.19 → 9.1 with
// health never red; a rolling restart asked for by annotation; pods killed.
func TestElasticsearchClusterLifecycle(t *testing.T) {
	// The lifecycles run side by side, each in its namespace: on this machine they wait on
	// their databases far more than they compute.
	t.Parallel()
	ns := restrictedNamespace(t, "e2e-esc")
	esc := newSearch(ns, escPool("master", 3, navv1alpha1.ESRoleMaster), escPool("data", 2, navv1alpha1.ESRoleData, navv1alpha1.ESRoleIngest))
	start := time.Now()
	if err := k8s.Create(t.Context(), esc); err != nil {
		t.Fatal(err)
	}
	waitESCReady(t, esc, escFirstVersion)
	t.Logf("created: Ready after %s", time.Since(start).Round(time.Second))
	waitPilotMetric(t, ns, "search-master-0", `navigator_elasticsearch_cluster_health{state="green"} 1`)
	writeDocs(t, ns)

	t.Run("scale data out and in", func(t *testing.T) {
		setDataReplicas(t, esc, 4)
		waitESCReady(t, esc, escFirstVersion)
		if n := poolStatus(t, esc, "data").ReadyReplicas; n != 4 {
			t.Fatalf("data pool ready replicas %d, want 4", n)
		}
		// Put copies on the new nodes (a third copy of each shard), then go back to two
		// copies: the leaving nodes hold some of them, which must move before they go.
		escRequest(t, ns, "PUT", "/e2e/_settings", `{"index":{"number_of_replicas":2}}`, nil)
		waitHealth(t, ns, "green")
		escRequest(t, ns, "PUT", "/e2e/_settings", `{"index":{"number_of_replicas":1}}`, nil)
		waitHealth(t, ns, "green")
		setDataReplicas(t, esc, 2)
		sawScaleIn := waitESCCondition(t, esc, "a scale-in operation", func(e *navv1alpha1.ElasticsearchCluster) bool {
			for _, o := range e.Status.Operations {
				if o.Type == navv1alpha1.OperationScaleIn {
					return true
				}
			}
			return false
		})
		t.Logf("scale in reported: %+v", sawScaleIn.Status.Operations)
		waitESCReady(t, esc, escFirstVersion)
		readDocs(t, ns)
		// Ready comes once the removed pods are gone; the elected master drops a node when its
		// connection closes, which the pod's deletion has only just confirmed.
		var nodes []map[string]string
		err := wait.PollUntilContextTimeout(t.Context(), 500*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
			nodes = nil
			raw, err := escRaw(ctx, ns, "GET", "/_cat/nodes?format=json&h=name", "")
			return err == nil && json.Unmarshal(raw, &nodes) == nil && len(nodes) == 5, nil
		})
		if err != nil {
			t.Fatalf("nodes after scaling in: %v, want 5", nodes)
		}
	})

	t.Run("unsafe scale in is held", func(t *testing.T) {
		setDataReplicas(t, esc, 0)
		held := waitESCCondition(t, esc, "the scale in held with its reason", func(e *navv1alpha1.ElasticsearchCluster) bool {
			c := meta.FindStatusCondition(e.Status.Conditions, navv1alpha1.ConditionProgressing)
			if c == nil || c.Reason != navv1alpha1.ReasonBlocked || c.ObservedGeneration != e.Generation {
				return false
			}
			for _, o := range e.Status.Operations {
				if o.Phase == navv1alpha1.OperationBlocked && o.BlockedBy == "DataHasSomewhereToGo" {
					return true
				}
			}
			return false
		})
		t.Logf("held: %s", meta.FindStatusCondition(held.Status.Conditions, navv1alpha1.ConditionProgressing).Message)
		// Held, not slowly carried out: the data nodes stay.
		holdsReplicas(t, ns, res.StatefulSetName(esc.Name, "data"), 2, "while the scale in was held")
		expectEvent(t, ns, esc.Name, "ScaleInBlocked")
		setDataReplicas(t, esc, 2)
		waitESCReady(t, esc, escFirstVersion)
		readDocs(t, ns)
	})

	t.Run("scale data in to one node with a replica per shard", func(t *testing.T) {
		// Each shard has a copy on both data nodes: the leaving node's copies can go nowhere,
		// but the node that stays holds the other copy of each, so Elasticsearch reports the
		// shutdown COMPLETE and the scale in completes, leaving the replicas unassigned.
		setDataReplicas(t, esc, 1)
		done := waitESCCondition(t, esc, "one data node, yellow, nothing in progress", func(e *navv1alpha1.ElasticsearchCluster) bool {
			p := meta.FindStatusCondition(e.Status.Conditions, navv1alpha1.ConditionProgressing)
			for _, pool := range e.Status.NodePools {
				if pool.Name == "data" && pool.Replicas == 1 && pool.ReadyReplicas == 1 {
					return e.Status.Health == navv1alpha1.HealthYellow && p != nil && p.Status == metav1.ConditionFalse && p.ObservedGeneration == e.Generation
				}
			}
			return false
		})
		t.Logf("scaled in: %s", meta.FindStatusCondition(done.Status.Conditions, navv1alpha1.ConditionDegraded).Message)
		holdsReplicas(t, ns, res.StatefulSetName(esc.Name, "data"), 1, "after the scale in")
		readDocs(t, ns)
		setDataReplicas(t, esc, 2)
		waitESCReady(t, esc, escFirstVersion)
		readDocs(t, ns)
	})

	t.Run("a scale in stalled by an allocation filter is blocked with the reason", func(t *testing.T) {
		// An index without replicas whose shard an allocation filter keeps off search-data-0:
		// when search-data-1 leaves, that shard can go nowhere, and the scale in is held with
		// Elasticsearch's reason until the filter goes.
		escRequest(t, ns, "PUT", "/_cluster/settings", `{"persistent":{"cluster.routing.allocation.exclude._name":"search-data-0"}}`, nil)
		escRequest(t, ns, "PUT", "/pinned", `{"settings":{"number_of_shards":1,"number_of_replicas":0}}`, nil)
		escRequest(t, ns, "PUT", "/pinned/_doc/1?refresh=true", `{"n":1}`, nil)
		setDataReplicas(t, esc, 1)
		held := waitESCCondition(t, esc, "the scale in blocked by the filter", func(e *navv1alpha1.ElasticsearchCluster) bool {
			for _, o := range e.Status.Operations {
				if o.Phase == navv1alpha1.OperationBlocked && o.BlockedBy == "ShardsCanMove" &&
					strings.Contains(o.Message, "of index [pinned] cannot move") &&
					strings.Contains(o.Message, `search-data-0: node matches cluster setting [cluster.routing.allocation.exclude] filters [_name:"search-data-0"]`) {
					return true
				}
			}
			return false
		})
		t.Logf("held: %+v", held.Status.Operations)
		holdsReplicas(t, ns, res.StatefulSetName(esc.Name, "data"), 2, "while the scale in was stalled")
		// The leaving node's claim is held past its deletion (whenScaled: Delete), so that the
		// scale out below comes while it is still going, as a quick one does: grown back then,
		// the StatefulSet would never create search-data-1 again.
		release := holdClaim(t, ns, res.DataVolume+"-"+res.StatefulSetName(esc.Name, "data")+"-1")
		escRequest(t, ns, "PUT", "/_cluster/settings", `{"persistent":{"cluster.routing.allocation.exclude._name":null}}`, nil)
		waitESCCondition(t, esc, "one data node once the filter went", func(e *navv1alpha1.ElasticsearchCluster) bool {
			for _, pool := range e.Status.NodePools {
				if pool.Name == "data" {
					return pool.Replicas == 1 && pool.ReadyReplicas == 1
				}
			}
			return false
		})
		// The index has no replica: it would make every later restart of its node red.
		dropPinned(t, ns)
		setDataReplicas(t, esc, 2)
		waitESCCondition(t, esc, "the scale out waiting for search-data-1 to finish leaving", func(e *navv1alpha1.ElasticsearchCluster) bool {
			c := meta.FindStatusCondition(e.Status.Conditions, navv1alpha1.ConditionProgressing)
			return c != nil && c.ObservedGeneration == e.Generation && c.Reason == navv1alpha1.ReasonScalingOut &&
				strings.HasSuffix(c.Message, "have finished leaving: search-data-1")
		})
		holdsReplicas(t, ns, res.StatefulSetName(esc.Name, "data"), 1, "while the claim of search-data-1 was still being deleted")
		release()
		waitESCReady(t, esc, escFirstVersion)
		readDocs(t, ns)
	})

	t.Run("pause, change, resume", func(t *testing.T) {
		setPaused(t, esc, true)
		setDataReplicas(t, esc, 3)
		waitESCCondition(t, esc, "Progressing reason Paused", func(e *navv1alpha1.ElasticsearchCluster) bool {
			c := meta.FindStatusCondition(e.Status.Conditions, navv1alpha1.ConditionProgressing)
			return c != nil && c.Reason == navv1alpha1.ReasonPaused && c.ObservedGeneration == e.Generation
		})
		holdsReplicas(t, ns, res.StatefulSetName(esc.Name, "data"), 2, "while paused")
		setPaused(t, esc, false)
		waitESCReady(t, esc, escFirstVersion)
		if n := poolStatus(t, esc, "data").ReadyReplicas; n != 3 {
			t.Fatalf("data pool ready replicas %d after resuming, want 3", n)
		}
		readDocs(t, ns)
	})

	for _, v := range []string{escMinorVersion, escMajorVersion} {
		t.Run("rolling upgrade to "+v, func(t *testing.T) {
			watch := watchHealth(t, ns)
			setVersion(t, esc, v)
			waitESCReady(t, esc, v)
			if seen := requireNeverRed(t, watch(), "during the upgrade"); seen["green"] == 0 {
				t.Fatalf("health during the upgrade: %v (polls per status); never green", seen)
			}
			requireNodesAt(t, ns, v)
			readDocs(t, ns)
		})
	}

	t.Run("rolling restart on demand", func(t *testing.T) {
		watch := watchHealth(t, ns)
		restartESC(t, esc, "e2e-1", escMajorVersion)
		requireNeverRed(t, watch(), "during the restart")
		readDocs(t, ns)
	})

	t.Run("killed pods heal", func(t *testing.T) {
		for _, pod := range []string{res.StatefulSetName(esc.Name, "data") + "-0", res.StatefulSetName(esc.Name, "master") + "-1"} {
			recreatePod(t, ns, pod, client.GracePeriodSeconds(0))
		}
		waitESCReady(t, esc, escMajorVersion)
		readDocs(t, ns)
	})
}

// newSearch is an ElasticsearchCluster named search in ns, on the simulator's image, at the
// first version of the upgrade path.
func newSearch(ns string, pools ...navv1alpha1.ElasticsearchNodePool) *navv1alpha1.ElasticsearchCluster {
	return &navv1alpha1.ElasticsearchCluster{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "search"},
		Spec: navv1alpha1.ElasticsearchClusterSpec{
			Version: escFirstVersion,
			ClusterCommonSpec: navv1alpha1.ClusterCommonSpec{
				Image: &navv1alpha1.ImageSpec{Repository: os.Getenv("E2E_IMAGE_REPO") + "/elasticsearch", PullPolicy: corev1.PullNever},
			},
			NodePools: pools,
		},
	}
}

// startSearch creates newSearch's cluster, waits for it to be Ready and writes the documents
// every step reads back.
func startSearch(t *testing.T, ns string, pools ...navv1alpha1.ElasticsearchNodePool) *navv1alpha1.ElasticsearchCluster {
	t.Helper()
	esc := newSearch(ns, pools...)
	if err := k8s.Create(t.Context(), esc); err != nil {
		t.Fatal(err)
	}
	waitESCReady(t, esc, escFirstVersion)
	writeDocs(t, ns)
	return esc
}

func escPool(name string, replicas int32, roles ...navv1alpha1.ElasticsearchRole) navv1alpha1.ElasticsearchNodePool {
	return navv1alpha1.ElasticsearchNodePool{
		NodePoolCommon: navv1alpha1.NodePoolCommon{
			Name: name, Replicas: ptr.To(replicas),
			Resources:   corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("128Mi")}},
			Persistence: &navv1alpha1.PersistenceSpec{Size: resource.MustParse("10Mi")},
		},
		Roles: roles,
	}
}

// waitESCReady waits for Ready=True at the current generation, green, every node on version.
func waitESCReady(t *testing.T, esc *navv1alpha1.ElasticsearchCluster, version string) {
	t.Helper()
	waitESCCondition(t, esc, "Ready at version "+version, func(e *navv1alpha1.ElasticsearchCluster) bool {
		c := meta.FindStatusCondition(e.Status.Conditions, navv1alpha1.ConditionReady)
		return c != nil && c.Status == metav1.ConditionTrue && e.Status.ObservedGeneration == e.Generation &&
			e.Status.Health == navv1alpha1.HealthGreen && e.Status.Version == version && len(e.Status.Operations) == 0
	})
}

func waitESCCondition(t *testing.T, esc *navv1alpha1.ElasticsearchCluster, what string, cond func(*navv1alpha1.ElasticsearchCluster) bool) *navv1alpha1.ElasticsearchCluster {
	t.Helper()
	return waitFor(t, esc, what, cond, func(e *navv1alpha1.ElasticsearchCluster) any { return e.Status })
}

// waitFor polls obj for five minutes until cond holds, and fails showing status(obj) otherwise.
func waitFor[T client.Object](t *testing.T, obj T, what string, cond func(T) bool, status func(T) any) T {
	t.Helper()
	fresh := obj.DeepCopyObject().(T)
	err := wait.PollUntilContextTimeout(t.Context(), time.Second, 5*time.Minute, true, func(ctx context.Context) (bool, error) {
		return k8s.Get(ctx, client.ObjectKeyFromObject(obj), fresh) == nil && cond(fresh), nil
	})
	if err != nil {
		raw, _ := json.MarshalIndent(status(fresh), "", "  ")
		t.Fatalf("%T %s never reached: %s; status:\n%s", obj, obj.GetName(), what, raw)
	}
	return fresh
}

func poolStatus(t *testing.T, esc *navv1alpha1.ElasticsearchCluster, pool string) navv1alpha1.NodePoolStatus {
	t.Helper()
	var e navv1alpha1.ElasticsearchCluster
	if err := k8s.Get(t.Context(), client.ObjectKeyFromObject(esc), &e); err != nil {
		t.Fatal(err)
	}
	for _, p := range e.Status.NodePools {
		if p.Name == pool {
			return p
		}
	}
	t.Fatalf("no status for pool %s", pool)
	return navv1alpha1.NodePoolStatus{}
}

// updateESC re-reads the cluster and applies change, retrying on conflicts.
func updateESC(t *testing.T, esc *navv1alpha1.ElasticsearchCluster, change func(*navv1alpha1.ElasticsearchCluster)) {
	t.Helper()
	updateObject(t, esc, change)
}

// updateObject reads obj afresh, changes it and writes it, again on a conflict.
func updateObject[T client.Object](t *testing.T, obj T, change func(T)) {
	t.Helper()
	err := wait.PollUntilContextTimeout(t.Context(), 200*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		fresh := obj.DeepCopyObject().(T)
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(obj), fresh); err != nil {
			return false, nil
		}
		change(fresh)
		return k8s.Update(ctx, fresh) == nil, nil
	})
	if err != nil {
		t.Fatalf("updating %T %s: %v", obj, obj.GetName(), err)
	}
}

func setDataReplicas(t *testing.T, esc *navv1alpha1.ElasticsearchCluster, n int32) {
	t.Helper()
	updateESC(t, esc, func(e *navv1alpha1.ElasticsearchCluster) {
		for i := range e.Spec.NodePools {
			if e.Spec.NodePools[i].Name == "data" {
				e.Spec.NodePools[i].Replicas = ptr.To(n)
			}
		}
	})
}

func setPaused(t *testing.T, esc *navv1alpha1.ElasticsearchCluster, paused bool) {
	t.Helper()
	updateESC(t, esc, func(e *navv1alpha1.ElasticsearchCluster) { e.Spec.Paused = paused })
}

func setVersion(t *testing.T, esc *navv1alpha1.ElasticsearchCluster, v string) {
	t.Helper()
	updateESC(t, esc, func(e *navv1alpha1.ElasticsearchCluster) { e.Spec.Version = v })
}

// holdClaim puts a finalizer of the test's on a claim, so that once deleted it stays until
// release is called (and at the latest when the test ends).
func holdClaim(t *testing.T, ns, name string) (release func()) {
	t.Helper()
	const hold = "e2e.navigator.test/hold"
	// Finalizers are a list a merge patch replaces whole, and the API server's own controllers
	// edit this one (pvc-protection): each change is made on the latest copy, under its
	// resource version.
	change := func(edit func(*corev1.PersistentVolumeClaim) bool) error {
		return retry.RetryOnConflict(retry.DefaultRetry, func() error {
			var claim corev1.PersistentVolumeClaim
			if err := k8s.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, &claim); err != nil {
				return err
			}
			before := claim.DeepCopy()
			if !edit(&claim) {
				return nil
			}
			return k8s.Patch(context.Background(), &claim, client.MergeFromWithOptions(before, client.MergeFromWithOptimisticLock{}))
		})
	}
	if err := change(func(c *corev1.PersistentVolumeClaim) bool { return controllerutil.AddFinalizer(c, hold) }); err != nil {
		t.Fatalf("holding claim %s: %v", name, err)
	}
	var once sync.Once
	release = func() {
		once.Do(func() {
			err := change(func(c *corev1.PersistentVolumeClaim) bool { return controllerutil.RemoveFinalizer(c, hold) })
			if client.IgnoreNotFound(err) != nil {
				t.Errorf("releasing claim %s: %v", name, err)
			}
		})
	}
	t.Cleanup(release)
	return release
}

// holdsReplicas checks, for ten seconds, that a StatefulSet keeps its replicas, failing at the
// first poll that sees another number.
func holdsReplicas(t *testing.T, ns, name string, want int32, while string) {
	t.Helper()
	reads := 0
	err := wait.PollUntilContextTimeout(t.Context(), 500*time.Millisecond, 10*time.Second, true, func(ctx context.Context) (bool, error) {
		var s appsv1.StatefulSet
		// A failed read proves nothing either way; near the deadline the client's own rate
		// limiter refuses to wait, so read errors only mean "poll again".
		if err := k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, &s); err != nil {
			return false, nil
		}
		reads++
		if n := ptr.Deref(s.Spec.Replicas, 1); n != want {
			return false, fmt.Errorf("StatefulSet %s scaled to %d %s", name, n, while)
		}
		return false, nil
	})
	if !wait.Interrupted(err) {
		t.Fatal(err)
	}
	if reads == 0 {
		t.Fatalf("StatefulSet %s could not be read %s", name, while)
	}
}

func expectEvent(t *testing.T, ns, object, reason string) {
	t.Helper()
	err := wait.PollUntilContextTimeout(t.Context(), time.Second, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		list, err := kube.EventsV1().Events(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, nil
		}
		for _, e := range list.Items {
			if e.Regarding.Name == object && e.Reason == reason {
				return true, nil
			}
		}
		return false, nil
	})
	if err != nil {
		t.Fatalf("no %s event on %s", reason, object)
	}
}

// dropPinned reads back the one document of the index "pinned", which a test pinned to a node to
// stall its leave, and deletes the index.
func dropPinned(t *testing.T, ns string) {
	t.Helper()
	var doc struct {
		Found bool `json:"found"`
	}
	escRequest(t, ns, "GET", "/pinned/_doc/1", "", &doc)
	if !doc.Found {
		t.Fatal("the pinned index lost its document")
	}
	escRequest(t, ns, "DELETE", "/pinned", "", nil)
}

// escRequest calls Elasticsearch through the cluster's client Service, which routes to ready
// nodes only, as an application would.
func escRequest(t *testing.T, ns, method, path, body string, into any) {
	t.Helper()
	raw, err := escRaw(t.Context(), ns, method, path, body)
	if err != nil {
		t.Fatalf("%s %s: %v: %s", method, path, err, raw)
	}
	if into != nil {
		if err := json.Unmarshal(raw, into); err != nil {
			t.Fatalf("%s %s: %v: %s", method, path, err, raw)
		}
	}
}

func escRaw(ctx context.Context, ns, method, path, body string) ([]byte, error) {
	p, query, _ := strings.Cut(path, "?")
	req := kube.CoreV1().RESTClient().Verb(method).Namespace(ns).Resource("services").
		Name(res.ClientServiceName("search") + ":http").SubResource("proxy").Suffix(p)
	for _, kv := range strings.Split(query, "&") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			req = req.Param(k, v)
		}
	}
	if body != "" {
		req = req.Body([]byte(body)).SetHeader("Content-Type", "application/json")
	}
	return req.DoRaw(ctx)
}

func waitHealth(t *testing.T, ns, status string) {
	t.Helper()
	err := wait.PollUntilContextTimeout(t.Context(), time.Second, 2*time.Minute, true, func(ctx context.Context) (bool, error) {
		var h esHealthResponse
		raw, err := escRaw(ctx, ns, "GET", "/_cluster/health", "")
		return err == nil && json.Unmarshal(raw, &h) == nil && h.Status == status, nil
	})
	if err != nil {
		t.Fatalf("cluster health never %s", status)
	}
}

// writeDocs creates the e2e index (two shards, one replica) and writes escDocs documents.
func writeDocs(t *testing.T, ns string) {
	t.Helper()
	escRequest(t, ns, "PUT", "/e2e", `{"settings":{"number_of_shards":2,"number_of_replicas":1}}`, nil)
	var resp struct{ Errors bool }
	escRequest(t, ns, "POST", "/_bulk?refresh=true", bulkBody(escDocs), &resp)
	if resp.Errors {
		t.Fatal("bulk reported errors")
	}
	readDocs(t, ns)
}

// readDocs reads every document back through the client Service.
func readDocs(t *testing.T, ns string) {
	t.Helper()
	checkDocs(t, escDocs, func(path string, into any) { escRequest(t, ns, "GET", path, "", into) })
}

// restartESC asks for a rolling restart by annotation and waits until every pod was recreated
// and the cluster is Ready at version again.
func restartESC(t *testing.T, esc *navv1alpha1.ElasticsearchCluster, token, version string) {
	t.Helper()
	restartByAnnotation(t, esc, token)
	waitESCReady(t, esc, version)
}

// restartByAnnotation asks a cluster of either search kind for a rolling restart and waits until
// every one of its pods was recreated.
func restartByAnnotation[T client.Object](t *testing.T, cluster T, token string) {
	t.Helper()
	before := podUIDs(t, cluster.GetNamespace(), cluster.GetName())
	updateObject(t, cluster, func(c T) {
		a := c.GetAnnotations()
		if a == nil {
			a = map[string]string{}
		}
		a[res.AnnotationRestart] = token
		c.SetAnnotations(a)
	})
	waitAllRecreated(t, cluster.GetNamespace(), cluster.GetName(), before)
}

// requireNodesAt fails the test unless every node the cluster lists runs version.
func requireNodesAt(t *testing.T, ns, version string) {
	t.Helper()
	var nodes []map[string]string
	escRequest(t, ns, "GET", "/_cat/nodes?format=json&h=name,version", "", &nodes)
	for _, n := range nodes {
		if n["version"] != version {
			t.Fatalf("after the upgrade to %s: %v", version, nodes)
		}
	}
}

// requireNeverRed fails the test when the health polls (watchHealth's) saw red; it returns them.
func requireNeverRed(t *testing.T, seen map[string]int, during string) map[string]int {
	t.Helper()
	if seen["red"] > 0 {
		t.Fatalf("health %s: %v (polls per status); it must never be red", during, seen)
	}
	t.Logf("health %s: %v", during, seen)
	return seen
}

// watchHealth polls the cluster health every half second until the returned function is
// called, and returns how many polls saw each status. Polls that get no answer (no ready node
// behind the Service for an instant) count as "unanswered", not as a status.
func watchHealth(t *testing.T, ns string) func() map[string]int {
	ctx, cancel := context.WithCancel(t.Context())
	var mu sync.Mutex
	seen := map[string]int{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			var h esHealthResponse
			raw, err := escRaw(ctx, ns, "GET", "/_cluster/health", "")
			mu.Lock()
			if err == nil && json.Unmarshal(raw, &h) == nil {
				if h.Status == "red" && seen["red"] == 0 {
					t.Logf("health red at %s: %s", time.Now().UTC().Format(time.RFC3339Nano), raw)
				}
				seen[h.Status]++
			} else if ctx.Err() == nil {
				seen["unanswered"]++
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
