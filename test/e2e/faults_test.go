//go:build e2e

package e2e

import (
	"context"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
)

// Faults on the services every cluster of the local cluster shares (the API server, cluster
// DNS), for the tests that run alone (make chaos) and the chaos schedule's timed runs.

// apiServerOutage is how long the API server stays stopped: past the controller's leader lease
// (15 s) and the kube-controller-manager's node-monitor-grace-period, so that everything that
// depends on the API server notices it is gone.
const apiServerOutage = time.Minute

// stopAPIServer stops the local cluster's API server for d, then starts it again and waits
// until it is ready.
func stopAPIServer(t *testing.T, script string, d time.Duration) {
	t.Helper()
	stopped, restarted := time.Now(), false
	t.Cleanup(func() {
		if !restarted { // a test that ended early must not leave the others without an API server
			runCluster(t, script, "apiserver-start")
		}
	})
	runCluster(t, script, "apiserver-stop")
	hold(t, d-time.Since(stopped))
	runCluster(t, script, "apiserver-start")
	restarted = true
	t.Logf("API server stopped for %s, ready again %s after it stopped", d, time.Since(stopped).Round(time.Second))
}

// dnsOutage is how long cluster DNS stays down once every node of the new cluster runs:
// several of Elasticsearch's discovery rounds (discovery.find_peers_interval, 1 s) and of the
// pilots' reports.
const dnsOutage = 30 * time.Second

// takeDNSDown scales CoreDNS to none for d, then back to one ready pod.
func takeDNSDown(t *testing.T, d time.Duration) {
	t.Helper()
	scaleCoreDNS(t, 0)
	t.Cleanup(func() { scaleCoreDNS(t, 1) }) // a no-op once restored below
	hold(t, d)
	scaleCoreDNS(t, 1)
}

// hold lets a fault last d: the fault's length, not a wait for a condition. It fails the test
// if the test ends first.
func hold(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case <-t.Context().Done():
		t.Fatal("the test ended while a fault was held")
	case <-time.After(d):
	}
}

// waitAnyAsked waits until the controller asks a Pilot of ns for action, and names its pod.
func waitAnyAsked(t *testing.T, ns string, action navv1alpha1.PilotAction) string {
	t.Helper()
	var pod string
	err := wait.PollUntilContextTimeout(t.Context(), 100*time.Millisecond, 3*time.Minute, true, func(ctx context.Context) (bool, error) {
		var pilots navv1alpha1.PilotList
		if err := k8s.List(ctx, &pilots, client.InNamespace(ns)); err != nil {
			return false, nil
		}
		for _, p := range pilots.Items {
			if p.Spec.Action == action {
				pod = p.Name
				return true, nil
			}
		}
		return false, nil
	})
	if err != nil {
		t.Fatalf("the controller never asked a node of %s to %s", ns, action)
	}
	return pod
}

// runCluster runs a command of the local cluster's script (test/cluster/cluster.sh).
func runCluster(t *testing.T, script string, args ...string) {
	t.Helper()
	// Not the test's context: an API server left stopped would fail every test after this one.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(t.Context()), 3*time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, script, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v: %s", script, args, err, out)
	}
}

// scaleCoreDNS sets the CoreDNS Deployment's replicas and waits until that many run ready. Not
// on the test's context: a cleanup that restores DNS runs after it ends.
func scaleCoreDNS(t *testing.T, replicas int32) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(t.Context()), 3*time.Minute)
	defer cancel()
	key := client.ObjectKey{Namespace: "kube-system", Name: "coredns"}
	var d appsv1.Deployment
	if err := k8s.Get(ctx, key, &d); err != nil {
		t.Fatal(err)
	}
	before := d.DeepCopy()
	d.Spec.Replicas = ptr.To(replicas)
	if err := k8s.Patch(ctx, &d, client.MergeFrom(before)); err != nil {
		t.Fatalf("scaling CoreDNS to %d: %v", replicas, err)
	}
	err := wait.PollUntilContextTimeout(ctx, 500*time.Millisecond, 2*time.Minute, true, func(ctx context.Context) (bool, error) {
		var pods corev1.PodList
		if err := k8s.List(ctx, &pods, client.InNamespace(key.Namespace), client.MatchingLabels(d.Spec.Selector.MatchLabels)); err != nil {
			return false, nil
		}
		ready := int32(0)
		for _, p := range pods.Items {
			if p.DeletionTimestamp != nil {
				return false, nil // still serving until it is gone
			}
			if isPodReady(&p) {
				ready++
			}
		}
		return ready == replicas && int32(len(pods.Items)) == replicas, nil
	})
	if err != nil {
		t.Fatalf("CoreDNS did not settle at %d ready pods", replicas)
	}
}

// stopPilot stops pod's pilot, PID 1 of its database container, with SIGSTOP sent from the node
// (a process cannot signal its own namespace's init), as a pilot starved of CPU or paused by the
// kernel would be: the database it wraps runs on and serves its clients, while the pilot neither
// reports nor acts. It returns the function that continues it (SIGCONT), which the test's cleanup
// also calls. It needs the local cluster's container runtime (E2E_CONTAINERD_SOCK).
func stopPilot(t *testing.T, ns, pod string) (resume func()) {
	t.Helper()
	sock := os.Getenv("E2E_CONTAINERD_SOCK")
	if sock == "" {
		t.Fatal("stopping a pilot needs the local cluster's container runtime (E2E_CONTAINERD_SOCK, set by hack/e2e.sh); a cluster of E2E_KUBECONFIG gives no access to it")
	}
	id := containerID(t, ns, pod)
	out, err := exec.CommandContext(t.Context(), "ctr", "--address", sock, "-n", "k8s.io", "tasks", "ls").CombinedOutput()
	if err != nil {
		t.Fatalf("listing the container runtime's tasks: %v: %s", err, out)
	}
	pid := 0
	for line := range strings.Lines(string(out)) {
		// TASK PID STATUS
		if f := strings.Fields(line); len(f) == 3 && f[0] == id {
			pid, _ = strconv.Atoi(f[1])
		}
	}
	if pid <= 1 {
		t.Fatalf("no task of container %s (pod %s) in:\n%s", id, pod, out)
	}
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatalf("stopping the pilot of %s (pid %d): %v", pod, pid, err)
	}
	var once sync.Once
	resume = func() {
		once.Do(func() {
			if err := syscall.Kill(pid, syscall.SIGCONT); err != nil {
				t.Errorf("continuing the pilot of %s (pid %d): %v", pod, pid, err)
			}
		})
	}
	t.Cleanup(resume)
	return resume
}

// containerID is the containerd ID of pod's database container, the only container it runs.
func containerID(t *testing.T, ns, pod string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(t.Context()), time.Minute)
	defer cancel()
	var p corev1.Pod
	if err := k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: pod}, &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Status.ContainerStatuses) != 1 || p.Status.ContainerStatuses[0].ContainerID == "" {
		t.Fatalf("pod %s: container statuses %+v, want the database container's", pod, p.Status.ContainerStatuses)
	}
	return strings.TrimPrefix(p.Status.ContainerStatuses[0].ContainerID, "containerd://")
}
