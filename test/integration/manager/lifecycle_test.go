//go:build integration

package manager

import (
	"context"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/controller/manager"
	"github.com/navigator-dbaas/navigator/internal/controller/pilot"
)

// TestPilotLifecycle: the running manager gives every labelled database pod a Pilot owned by
// the pod, leaves other pods alone, and recreates a Pilot deleted while its pod lives.
func TestPilotLifecycle(t *testing.T) {
	mgr, err := manager.New(server.Config, manager.Options{MetricsAddr: "0", ProbeAddr: "0", SkipNameValidation: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go func() { _ = mgr.Start(ctx) }()

	c := server.Client
	db := pod("search-data-0", map[string]string{
		pilot.LabelCluster: "search", pilot.LabelEngine: string(navv1alpha1.EngineElasticsearch), pilot.LabelNodePool: "data",
	})
	other := pod("unrelated-0", map[string]string{"app": "web"})
	for _, p := range []*corev1.Pod{db, other} {
		if err := c.Create(t.Context(), p); err != nil {
			t.Fatal(err)
		}
	}
	got := waitPilot(t, db.Name)
	ref := metav1.GetControllerOf(got)
	if ref == nil || ref.Kind != "Pod" || ref.Name != db.Name || ref.UID != db.UID {
		t.Errorf("Pilot controller reference %+v, want the pod %s", ref, db.Name)
	}
	if got.Spec.Engine != navv1alpha1.EngineElasticsearch || got.Spec.Cluster != "search" || got.Spec.Start {
		t.Errorf("new Pilot spec %+v: want engine and cluster from the pod's labels, gate closed", got.Spec)
	}

	if err := c.Delete(t.Context(), got); err != nil {
		t.Fatal(err)
	}
	again := waitPilot(t, db.Name)
	if again.UID == got.UID {
		t.Error("the deleted Pilot was not recreated")
	}

	var stray navv1alpha1.Pilot
	if err := c.Get(t.Context(), client.ObjectKeyFromObject(other), &stray); err == nil {
		t.Error("a pod without Navigator's labels got a Pilot")
	}
}

func pod(name string, labels map[string]string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: name, Labels: labels},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "db", Image: "db"}}},
	}
}

func waitPilot(t *testing.T, name string) *navv1alpha1.Pilot {
	t.Helper()
	var p navv1alpha1.Pilot
	err := wait.PollUntilContextTimeout(t.Context(), 100*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		err := server.Client.Get(ctx, client.ObjectKey{Namespace: "default", Name: name}, &p)
		return err == nil && p.DeletionTimestamp == nil, nil
	})
	if err != nil {
		t.Fatalf("no Pilot %s", name)
	}
	return &p
}

// TestExcludedNamespaceIsLeftAlone: a manager told to exclude a namespace gives no Pilot to a
// database pod there, while it serves the others; excluding and listing namespaces together is
// refused.
func TestExcludedNamespaceIsLeftAlone(t *testing.T) {
	if _, err := manager.New(server.Config, manager.Options{MetricsAddr: "0", ProbeAddr: "0", SkipNameValidation: true,
		WatchNamespaces: []string{"a"}, ExcludeNamespaces: []string{"b"}}); err == nil || !strings.Contains(err.Error(), "watch-namespaces and exclude-namespaces cannot be combined") {
		t.Errorf("watching and excluding namespaces: %v", err)
	}
	c := server.Client
	excluded := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "left-alone"}}
	if err := c.Create(t.Context(), excluded); err != nil {
		t.Fatal(err)
	}
	mgr, err := manager.New(server.Config, manager.Options{MetricsAddr: "0", ProbeAddr: "0", SkipNameValidation: true, ExcludeNamespaces: []string{excluded.Name}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go func() { _ = mgr.Start(ctx) }()

	labels := map[string]string{pilot.LabelCluster: "ring", pilot.LabelEngine: string(navv1alpha1.EngineCassandra), pilot.LabelNodePool: "r1"}
	// The excluded pod is created first: had the manager seen it, its Pilot would be written
	// before the one of the pod it serves.
	skipped := pod("ring-r1-0", labels)
	skipped.Namespace = excluded.Name
	served := pod("ring-r1-0", labels)
	for _, p := range []*corev1.Pod{skipped, served} {
		if err := c.Create(t.Context(), p); err != nil {
			t.Fatal(err)
		}
	}
	waitPilot(t, served.Name)
	var p navv1alpha1.Pilot
	if err := c.Get(t.Context(), client.ObjectKeyFromObject(skipped), &p); err == nil {
		t.Errorf("a pod in the excluded namespace got a Pilot")
	}
}
