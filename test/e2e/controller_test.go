//go:build e2e

package e2e

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/controller/manager"
	"github.com/navigator-dbaas/navigator/test/gen"
)

const deploymentName = "navigator-controller"

func TestControllerDeploymentAvailable(t *testing.T) {
	var d appsv1.Deployment
	if err := k8s.Get(t.Context(), client.ObjectKey{Namespace: controllerNamespace, Name: deploymentName}, &d); err != nil {
		t.Fatal(err)
	}
	available := false
	for _, c := range d.Status.Conditions {
		if c.Type == appsv1.DeploymentAvailable && c.Status == corev1.ConditionTrue {
			available = true
		}
	}
	if !available || d.Status.ReadyReplicas != 2 {
		t.Fatalf("deployment not Available with 2 ready replicas: available=%v ready=%d", available, d.Status.ReadyReplicas)
	}
}

// TestRestrictedPodSecurity: the suite's namespace enforces Pod Security "restricted", so the
// controller pods running there were admitted under it. This checks that the enforcement is
// really on, by asking the API server to admit a pod that breaks the profile.
func TestRestrictedPodSecurity(t *testing.T) {
	var ns corev1.Namespace
	if err := k8s.Get(t.Context(), client.ObjectKey{Name: controllerNamespace}, &ns); err != nil {
		t.Fatal(err)
	}
	if ns.Labels["pod-security.kubernetes.io/enforce"] != "restricted" {
		t.Fatalf("namespace %s does not enforce restricted: labels %v", controllerNamespace, ns.Labels)
	}
	root := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: controllerNamespace, Name: "root-probe"},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Name: "c", Image: "navigator.local/pause:3.10",
			SecurityContext: &corev1.SecurityContext{Privileged: ptr.To(true)},
		}}},
	}
	err := k8s.Create(t.Context(), root, client.DryRunAll)
	if err == nil || !strings.Contains(err.Error(), "violates PodSecurity \"restricted") {
		t.Fatalf("a privileged pod was not refused by Pod Security: %v", err)
	}
	pods := controllerPods(t)
	if len(pods) != 2 {
		t.Fatalf("want 2 running controller pods admitted under restricted, got %d", len(pods))
	}
}

func TestCRDsServed(t *testing.T) {
	resources, err := kube.Discovery().ServerResourcesForGroupVersion(navv1alpha1.GroupVersion.String())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range resources.APIResources {
		names = append(names, r.Name)
	}
	for _, want := range []string{"elasticsearchclusters", "cassandraclusters", "pilots"} {
		if !slices.Contains(names, want) {
			t.Errorf("%s not served (served: %v)", want, names)
		}
	}
	es := gen.ElasticsearchCluster("default", "e2e-served")
	if err := k8s.Create(t.Context(), es, client.DryRunAll); err != nil {
		t.Errorf("a valid ElasticsearchCluster is refused: %v", err)
	}
}

// TestExactlyOneLeader: one controller pod holds the Lease and reports itself leader; the other
// does not.
func TestExactlyOneLeader(t *testing.T) {
	holder := leaseHolder(t)
	pods := controllerPods(t)
	leaders := 0
	for _, p := range pods {
		body := podMetrics(t, p.Name)
		isLeader := strings.Contains(body, `leader_election_master_status{name="`+manager.LeaderElectionID+`"} 1`)
		if isLeader {
			leaders++
			if !strings.HasPrefix(holder, p.Name+"_") {
				t.Errorf("pod %s reports itself leader, but the Lease is held by %q", p.Name, holder)
			}
		}
	}
	if leaders != 1 {
		t.Fatalf("%d pods report themselves leader, want exactly 1 (Lease holder %q)", leaders, holder)
	}
}

// TestLeaderFailover kills the leader pod without a grace period, so it cannot release the
// Lease, and waits for the other replica to take over once the Lease expires.
func TestLeaderFailover(t *testing.T) {
	holder := leaseHolder(t)
	leader, _, _ := strings.Cut(holder, "_")
	start := time.Now()
	err := k8s.Delete(t.Context(), &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: controllerNamespace, Name: leader}},
		client.GracePeriodSeconds(0))
	if err != nil {
		t.Fatalf("killing the leader %s: %v", leader, err)
	}
	var newHolder string
	err = wait.PollUntilContextTimeout(t.Context(), time.Second, 2*time.Minute, true, func(ctx context.Context) (bool, error) {
		newHolder = leaseHolderOrEmpty(ctx)
		return newHolder != "" && !strings.HasPrefix(newHolder, leader+"_"), nil
	})
	if err != nil {
		t.Fatalf("no new leader within 2m of killing %s (Lease holder %q)", leader, newHolder)
	}
	t.Logf("leader %s killed; %s took over after %s", leader, newHolder, time.Since(start).Round(time.Second))
	err = wait.PollUntilContextTimeout(t.Context(), time.Second, 2*time.Minute, true, func(ctx context.Context) (bool, error) {
		var d appsv1.Deployment
		err := k8s.Get(ctx, client.ObjectKey{Namespace: controllerNamespace, Name: deploymentName}, &d)
		return err == nil && d.Status.ReadyReplicas == 2, nil
	})
	if err != nil {
		t.Fatal("the Deployment did not return to 2 ready replicas")
	}
}

func leaseHolder(t *testing.T) string {
	t.Helper()
	var holder string
	err := wait.PollUntilContextTimeout(t.Context(), time.Second, time.Minute, true, func(ctx context.Context) (bool, error) {
		holder = leaseHolderOrEmpty(ctx)
		return holder != "", nil
	})
	if err != nil {
		t.Fatal("no controller holds the Lease")
	}
	return holder
}

func leaseHolderOrEmpty(ctx context.Context) string {
	var lease coordinationv1.Lease
	if err := k8s.Get(ctx, client.ObjectKey{Namespace: controllerNamespace, Name: manager.LeaderElectionID}, &lease); err != nil {
		return ""
	}
	return ptr.Deref(lease.Spec.HolderIdentity, "")
}

// controllerPods returns the running, ready controller pods.
func controllerPods(t *testing.T) []corev1.Pod {
	t.Helper()
	var list corev1.PodList
	err := k8s.List(t.Context(), &list, client.InNamespace(controllerNamespace),
		client.MatchingLabels{"app.kubernetes.io/name": "navigator", "app.kubernetes.io/component": "controller"})
	if err != nil {
		t.Fatal(err)
	}
	var ready []corev1.Pod
	for _, p := range list.Items {
		if p.DeletionTimestamp == nil && p.Status.Phase == corev1.PodRunning {
			ready = append(ready, p)
		}
	}
	return ready
}

// podMetrics reads a controller pod's /metrics through the API server's pod proxy.
func podMetrics(t *testing.T, pod string) string {
	t.Helper()
	raw, err := kube.CoreV1().Pods(controllerNamespace).ProxyGet("http", pod, "8080", "/metrics", nil).DoRaw(t.Context())
	if err != nil {
		t.Fatalf("reading /metrics of %s: %v", pod, err)
	}
	return string(raw)
}

func inNamespace(ns string) client.ListOption { return client.InNamespace(ns) }
