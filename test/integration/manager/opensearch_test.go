//go:build integration

package manager

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/controller/manager"
	"github.com/navigator-dbaas/navigator/internal/controller/pilot"
	osctl "github.com/navigator-dbaas/navigator/internal/opensearch/controller"
	"github.com/navigator-dbaas/navigator/test/gen"
)

// TestOpenSearchClusterBootstraps runs the OpenSearchCluster reconciler on a real API server,
// with the pilots' reports written by the test: the cluster's objects in OpenSearch's words,
// the initial cluster managers given to the cluster-manager-eligible nodes only, once every one
// has announced itself, then the cluster's UUID recorded and the cluster Ready once the pilots
// report it formed and green.
func TestOpenSearchClusterBootstraps(t *testing.T) {
	c := server.Client
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "opensearch-"}}
	if err := c.Create(t.Context(), ns); err != nil {
		t.Fatal(err)
	}
	mgr, err := manager.New(server.Config, manager.Options{
		Engines: []manager.Engine{osctl.Engine}, MetricsAddr: "0", ProbeAddr: "0", SkipNameValidation: true,
		WatchNamespaces: []string{ns.Name}, PilotImage: "navigator.local/navigator-pilot:test",
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go func() { _ = mgr.Start(ctx) }()

	osc := gen.OpenSearchCluster(ns.Name, "logs")
	if err := c.Create(t.Context(), osc); err != nil {
		t.Fatal(err)
	}
	want := map[string]int32{"logs-manager": 3, "logs-data": 2}
	for name, replicas := range want {
		var sts appsv1.StatefulSet
		eventually(t, 30*time.Second, "StatefulSet "+name, func() bool {
			return c.Get(t.Context(), client.ObjectKey{Namespace: ns.Name, Name: name}, &sts) == nil
		})
		db := sts.Spec.Template.Spec.Containers[0]
		if *sts.Spec.Replicas != replicas || db.Name != "opensearch" || db.Image != "opensearchproject/opensearch:2.19.6" ||
			!slices.Contains(db.Command, "/usr/share/opensearch/bin/opensearch") || !slices.Contains(db.Command, "opensearch") {
			t.Fatalf("StatefulSet %s: %d replicas, container %s %s %v", name, *sts.Spec.Replicas, db.Name, db.Image, db.Command)
		}
	}
	for _, name := range []string{"logs-discovery", "logs-http"} {
		eventually(t, 10*time.Second, "Service "+name, func() bool {
			return c.Get(t.Context(), client.ObjectKey{Namespace: ns.Name, Name: name}, &corev1.Service{}) == nil
		})
	}
	eventually(t, 10*time.Second, "the PodDisruptionBudget", func() bool {
		return c.Get(t.Context(), client.ObjectKey{Namespace: ns.Name, Name: "logs"}, &policyv1.PodDisruptionBudget{}) == nil
	})
	var roles rbacv1.RoleList
	if err := c.List(t.Context(), &roles, client.InNamespace(ns.Name)); err != nil || len(roles.Items) != 1 ||
		!slices.ContainsFunc(roles.Items[0].Rules, func(r rbacv1.PolicyRule) bool { return slices.Contains(r.Resources, "opensearchclusters") }) {
		t.Fatalf("the pilots' Role (%v): %+v, want it to read opensearchclusters", err, roles.Items)
	}

	// The pods the StatefulSets would run, each announced by its pilot.
	names := []string{"logs-manager-0", "logs-manager-1", "logs-manager-2", "logs-data-0", "logs-data-1"}
	for _, name := range names {
		pool := "manager"
		if strings.HasPrefix(name, "logs-data-") {
			pool = "data"
		}
		p := pod(name, map[string]string{pilot.LabelCluster: "logs", pilot.LabelEngine: string(navv1alpha1.EngineOpenSearch), pilot.LabelNodePool: pool})
		p.Namespace = ns.Name
		if err := c.Create(t.Context(), p); err != nil {
			t.Fatal(err)
		}
	}
	pilots := map[string]*navv1alpha1.Pilot{}
	for _, name := range names {
		pilots[name] = waitPilotIn(t, ns.Name, name)
		report(t, pilots[name], func(st *navv1alpha1.PilotStatus) {})
	}
	initial := []string{"logs-manager-0", "logs-manager-1", "logs-manager-2"}
	for _, name := range names {
		eventually(t, 30*time.Second, "the start gate of "+name, func() bool {
			return c.Get(t.Context(), client.ObjectKeyFromObject(pilots[name]), pilots[name]) == nil && pilots[name].Spec.Start
		})
		got := pilots[name].Spec
		if got.Elasticsearch != nil || got.Cassandra != nil {
			t.Fatalf("%s's Pilot spec has another engine's section: %+v", name, got)
		}
		if isManager := strings.HasPrefix(name, "logs-manager-"); isManager != (got.OpenSearch != nil) ||
			isManager && !slices.Equal(got.OpenSearch.InitialClusterManagerNodes, initial) {
			t.Fatalf("%s's Pilot spec.opensearch %+v, want the initial cluster managers %v on cluster managers only", name, got.OpenSearch, initial)
		}
	}

	// The nodes start, form one cluster and report it green.
	for _, name := range names {
		report(t, pilots[name], func(st *navv1alpha1.PilotStatus) {
			st.Version, st.Phase, st.Node.ID = "2.19.6", navv1alpha1.PilotRunning, name
			st.OpenSearch = &navv1alpha1.OpenSearchPilotStatus{ClusterUUID: "uuid-1", ClusterManagerNode: "logs-manager-0", ClusterHealth: navv1alpha1.HealthGreen}
			meta.SetStatusCondition(&st.Conditions, metav1.Condition{Type: navv1alpha1.PilotConditionReady, Status: metav1.ConditionTrue, Reason: "Joined", Message: "joined"})
		})
		var p corev1.Pod
		if err := c.Get(t.Context(), client.ObjectKey{Namespace: ns.Name, Name: name}, &p); err != nil {
			t.Fatal(err)
		}
		// A patch, as the kubelet writes pod status: the controller may change the pod meanwhile.
		before := p.DeepCopy()
		p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: metav1.Now()}}
		if err := c.Status().Patch(t.Context(), &p, client.MergeFrom(before)); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, 30*time.Second, "the OpenSearchCluster Ready, its UUID recorded", func() bool {
		if c.Get(t.Context(), client.ObjectKeyFromObject(osc), osc) != nil {
			return false
		}
		ready := meta.FindStatusCondition(osc.Status.Conditions, navv1alpha1.ConditionReady)
		return osc.Annotations["navigator.dev/cluster-uuid"] == "uuid-1" && ready != nil && ready.Status == metav1.ConditionTrue &&
			ready.ObservedGeneration == osc.Generation && osc.Status.Health == navv1alpha1.HealthGreen && osc.Status.Version == "2.19.6"
	})
}

// report writes a fresh heartbeat, and change, into the Pilot's status, as its pilot would: a
// merge patch without a resourceVersion, since the controller writes the Pilot's spec meanwhile
// (an update raced it: "the object has been modified", test-flaky run 2 of session 17).
func report(t *testing.T, p *navv1alpha1.Pilot, change func(*navv1alpha1.PilotStatus)) {
	t.Helper()
	if err := server.Client.Get(t.Context(), client.ObjectKeyFromObject(p), p); err != nil {
		t.Fatal(err)
	}
	before := p.DeepCopy()
	change(&p.Status)
	p.Status.LastHeartbeatTime = &metav1.Time{Time: time.Now()}
	if err := server.Client.Status().Patch(t.Context(), p, client.MergeFrom(before)); err != nil {
		t.Fatal(err)
	}
}

func waitPilotIn(t *testing.T, namespace, name string) *navv1alpha1.Pilot {
	t.Helper()
	var p navv1alpha1.Pilot
	eventually(t, 30*time.Second, "the Pilot of "+name, func() bool {
		return server.Client.Get(t.Context(), client.ObjectKey{Namespace: namespace, Name: name}, &p) == nil
	})
	return &p
}
