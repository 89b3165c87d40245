//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
)

// TestChaosDuringOperations kills database pods in the middle of Navigator's operations, under
// client traffic, and checks that each operation still completes, the cluster ends Ready, and
// every row and document written before and during it reads back: the leaving node of a
// Cassandra scale in, killed once Navigator has asked it to decommission; the leaving node of an
// Elasticsearch scale in, killed once asked to drain, and in a second scale in its pilot alone,
// inside the pod; an Elasticsearch node killed again while it comes back from its restart in a
// rolling upgrade; and an upgraded node killed while the upgrade restarts the next. Each kill
// is immediate (no grace period), as a node lost to its machine. The report lists each fault
// and what the node's pilot said of its action at that moment.
func TestChaosDuringOperations(t *testing.T) {
	t.Parallel()
	faults := &faultLog{start: time.Now()}
	t.Cleanup(func() { t.Log(faults.report()) })
	t.Run("cassandra", func(t *testing.T) {
		t.Parallel()
		chaosCassandra(t, faults)
	})
	t.Run("elasticsearch", func(t *testing.T) {
		t.Parallel()
		chaosElasticsearch(t, faults)
	})
	t.Run("elasticsearch, two of three masters down in an upgrade", func(t *testing.T) {
		t.Parallel()
		chaosElasticsearchQuorumLost(t, faults)
	})
}

// chaosCassandra: a ring of four scales in to three; the leaving node is killed as soon as its
// Pilot asks it to Leave, and the scale in must still end with three nodes, QUORUM traffic
// served throughout.
func chaosCassandra(t *testing.T, faults *faultLog) {
	ns := restrictedNamespace(t, "e2e-chaos-cass")
	cc := newRing(ns, "cassandra-sim", cassFirstVersion, cassPool("r1", 4))
	session := startRing(t, cc, 4)
	traffic := quorumTraffic(t, session)

	setCassReplicas(t, cc, map[string]int32{"r1": 3})
	faults.add(killWhenAsked(t, ns, "ring-r1-3", navv1alpha1.ActionLeave, "ring-r1-3"))
	waitCassReady(t, cc, cassFirstVersion, 3)
	waitRing(t, ns, "ring-r1-0", 3)

	requireServed(t, traffic, "through a scale in whose leaving node was killed")
	checkRows(t, session, cassRows)
}

// chaosElasticsearch: four master-eligible data nodes scale in to three, the leaving one killed
// as soon as it is asked to drain; out to four and in again, the leaving node's pilot killed
// this time, inside its pod; then a rolling upgrade, the first node it restarts killed again as
// it comes back. Health is never red, every document reads back.
func chaosElasticsearch(t *testing.T, faults *faultLog) {
	ns := restrictedNamespace(t, "e2e-chaos-es")
	esc := startSearch(t, ns, escPool("data", 4, navv1alpha1.ESRoleMaster, navv1alpha1.ESRoleData))
	watch := watchHealth(t, ns)

	setDataReplicas(t, esc, 3)
	faults.add(killWhenAsked(t, ns, "search-data-3", navv1alpha1.ActionLeave, "search-data-3"))
	waitESCReady(t, esc, escFirstVersion)
	if n := poolStatus(t, esc, "data").ReadyReplicas; n != 3 {
		t.Fatalf("data pool ready replicas %d after the scale in, want 3", n)
	}
	readDocs(t, ns)

	setDataReplicas(t, esc, 4)
	waitESCReady(t, esc, escFirstVersion)
	setDataReplicas(t, esc, 3)
	faults.add(killPilotWhenAsked(t, ns, "search-data-3", navv1alpha1.ActionLeave))
	waitESCReady(t, esc, escFirstVersion)
	readDocs(t, ns)

	before := podUIDs(t, ns, esc.Name)
	setVersion(t, esc, escMinorVersion)
	faults.add(killFirstRecreated(t, ns, esc.Name, before))
	waitESCReady(t, esc, escMinorVersion)
	requireNeverRed(t, watch(), "through the scale in and the upgrade, with their nodes killed")
	readDocs(t, ns)
}

// chaosElasticsearchQuorumLost: three master-eligible data nodes upgrade 7.17 → 8.19; the node
// already upgraded is killed the moment the next one is asked to prepare its restart. Either the
// prepare sees that node's copies gone and waits for them (the pilot's last check), or it had
// already completed and two of the three are down at once: a second fault, beyond what any
// budget protects against, during which health may go red and the master may be lost. Then the
// two come back on 8.19 and may elect a master among themselves, and the last 7.17 node, out of
// the cluster, may not join one made only of newer nodes. Either way the upgrade must complete,
// with every document back.
func chaosElasticsearchQuorumLost(t *testing.T, faults *faultLog) {
	ns := restrictedNamespace(t, "e2e-chaos-quorum")
	esc := startSearch(t, ns, escPool("data", 3, navv1alpha1.ESRoleMaster, navv1alpha1.ESRoleData))

	setVersion(t, esc, escMinorVersion)
	f := killWhenAsked(t, ns, "search-data-1", navv1alpha1.ActionPrepareRestart, "search-data-2")
	faults.add(f)
	waitESCReady(t, esc, escMinorVersion)
	readDocs(t, ns)
}

// fault is one kill: when, which pod, and what its pilot reported of its action then.
type fault struct {
	at          time.Duration
	pod, action string
}

// faultLog gathers the faults of every scenario.
type faultLog struct {
	start  time.Time
	mu     sync.Mutex
	faults []fault
}

func (l *faultLog) add(f fault) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f.at = time.Since(l.start)
	l.faults = append(l.faults, f)
}

func (l *faultLog) report() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var b strings.Builder
	elapsed := time.Since(l.start)
	fmt.Fprintf(&b, "chaos: %d faults in %s (%.1f per minute)\n", len(l.faults), elapsed.Round(time.Second), float64(len(l.faults))/elapsed.Minutes())
	for _, f := range l.faults {
		fmt.Fprintf(&b, "  +%-6s %s killed; the action then: %s\n", f.at.Round(time.Second), f.pod, f.action)
	}
	return b.String()
}

// killWhenAsked waits until the controller asks pod's Pilot for action, then kills victim (the
// pod itself, or another) at once and waits for its replacement. Where the action stood (not
// begun, in progress, done) depends on how fast the pilot was; each is a moment the operation
// must survive.
func killWhenAsked(t *testing.T, ns, pod string, action navv1alpha1.PilotAction, victim string) fault {
	t.Helper()
	state := waitAsked(t, ns, pod, action)
	outcome := killNode(t, ns, victim)
	what := fmt.Sprintf("%s %s", action, state)
	if victim != pod {
		what = fmt.Sprintf("%s's %s", pod, what)
	}
	return fault{pod: victim, action: what + "; then " + outcome}
}

// killNode deletes pod at once (no grace period) and waits until its StatefulSet has created a
// successor, or has shrunk past it: a scale in may remove the node it was about to remove
// anyway (a leaving node with little to move can be done within a second of being asked). It
// says which.
func killNode(t *testing.T, ns, pod string) string {
	t.Helper()
	var old corev1.Pod
	if err := k8s.Get(t.Context(), client.ObjectKey{Namespace: ns, Name: pod}, &old); err != nil {
		t.Fatal(err)
	}
	owner := metav1.GetControllerOf(&old)
	i := strings.LastIndexByte(pod, '-')
	ordinal, err := strconv.Atoi(pod[i+1:])
	if owner == nil || owner.Kind != "StatefulSet" || i < 0 || err != nil {
		t.Fatalf("pod %s is not a StatefulSet's", pod)
	}
	// Not found: the operation removed it between the read and the kill; the wait says so.
	if err := k8s.Delete(t.Context(), &old, client.GracePeriodSeconds(0)); client.IgnoreNotFound(err) != nil {
		t.Fatal(err)
	}
	outcome := ""
	err = wait.PollUntilContextTimeout(t.Context(), 500*time.Millisecond, 2*time.Minute, true, func(ctx context.Context) (bool, error) {
		var p corev1.Pod
		err := k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: pod}, &p)
		if err == nil && p.UID != old.UID && p.DeletionTimestamp == nil {
			outcome = "its pod recreated"
			return true, nil
		}
		var sts appsv1.StatefulSet
		if apierrors.IsNotFound(err) && k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: owner.Name}, &sts) == nil &&
			sts.Spec.Replicas != nil && int(*sts.Spec.Replicas) <= ordinal {
			outcome = "its pod removed by the operation"
			return true, nil
		}
		return false, nil
	})
	if err != nil {
		t.Fatalf("pod %s/%s was neither recreated nor removed by its StatefulSet", ns, pod)
	}
	return outcome
}

// killPilotWhenAsked waits until the controller asks pod's Pilot for action, then kills the
// pilot, PID 1 of the database container, through the node's container runtime (SIGKILL, as the
// kernel's OOM killer would: the database in the container goes with it), and waits for the
// kubelet to restart the container. The pod stays, and with it the Pilot and the action it asks
// for: the new pilot must carry the action on from what the database holds.
func killPilotWhenAsked(t *testing.T, ns, pod string, action navv1alpha1.PilotAction) fault {
	t.Helper()
	state := waitAsked(t, ns, pod, action)
	sock := os.Getenv("E2E_CONTAINERD_SOCK")
	if sock == "" {
		// The operation goes on without the fault, and the report says so.
		t.Log("the pilot kill needs the local cluster's container runtime (E2E_CONTAINERD_SOCK, set by hack/e2e.sh); a cluster of E2E_KUBECONFIG gives no access to it")
		return fault{pod: pod + " (its pilot) NOT", action: "no access to the container runtime: fault not injected"}
	}
	var p corev1.Pod
	if err := k8s.Get(t.Context(), client.ObjectKey{Namespace: ns, Name: pod}, &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Status.ContainerStatuses) != 1 {
		t.Fatalf("pod %s: container statuses %+v, want the database container's", pod, p.Status.ContainerStatuses)
	}
	cs := p.Status.ContainerStatuses[0]
	id := strings.TrimPrefix(cs.ContainerID, "containerd://")
	if out, err := exec.CommandContext(t.Context(), "ctr", "--address", sock, "-n", "k8s.io", "tasks", "kill", "-s", "SIGKILL", id).CombinedOutput(); err != nil {
		// The operation may have removed the pod between the action's completion and the kill
		// (a Leave with little to move completes within a second): its task is gone already.
		if removed, _ := podGoneOrGoing(t, ns, pod, p.UID); !removed {
			t.Fatalf("killing the pilot of %s (container %s): %v: %s", pod, id, err, out)
		}
		return fault{pod: pod + " (its pilot, in the pod) NOT", action: fmt.Sprintf("%s %s; its pod was already being removed by the operation", action, state)}
	}
	// The kubelet restarts the container; or, when the action had completed, the operation may
	// remove the pod first (a scale in shrinks its StatefulSet).
	outcome := "its container restarted"
	err := wait.PollUntilContextTimeout(t.Context(), 200*time.Millisecond, 2*time.Minute, true, func(ctx context.Context) (bool, error) {
		if removed, now := podGoneOrGoing(t, ns, pod, p.UID); removed {
			outcome = "its pod removed by the operation"
			return true, nil
		} else if now != nil {
			return len(now.Status.ContainerStatuses) == 1 && now.Status.ContainerStatuses[0].RestartCount > cs.RestartCount, nil
		}
		return false, nil
	})
	if err != nil {
		t.Fatalf("the container of %s was not restarted after its pilot was killed, nor its pod removed", pod)
	}
	return fault{pod: pod + " (its pilot, in the pod)", action: fmt.Sprintf("%s %s; then %s", action, state, outcome)}
}

// podGoneOrGoing: the pod of that UID is deleted or being deleted; otherwise the pod as read now
// (nil when it could not be read).
func podGoneOrGoing(t *testing.T, ns, pod string, uid types.UID) (bool, *corev1.Pod) {
	t.Helper()
	var now corev1.Pod
	err := k8s.Get(t.Context(), client.ObjectKey{Namespace: ns, Name: pod}, &now)
	switch {
	case apierrors.IsNotFound(err):
		return true, nil
	case err != nil:
		return false, nil
	case now.UID != uid || now.DeletionTimestamp != nil:
		return true, nil
	}
	return false, &now
}

// waitAsked waits until the controller asks pod's Pilot for action, and says where the action
// stood then.
func waitAsked(t *testing.T, ns, pod string, action navv1alpha1.PilotAction) string {
	t.Helper()
	var p navv1alpha1.Pilot
	err := wait.PollUntilContextTimeout(t.Context(), 100*time.Millisecond, 3*time.Minute, true, func(ctx context.Context) (bool, error) {
		err := k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: pod}, &p)
		return err == nil && p.Spec.Action == action, nil
	})
	if err != nil {
		t.Fatalf("the controller never asked %s to %s", pod, action)
	}
	state := "not begun"
	if st := p.Status.Action; st != nil && st.Action == action {
		state = string(st.Phase)
		if st.Message != "" {
			state += ": " + st.Message
		}
	}
	return state
}

// killFirstRecreated waits for the first pod of the cluster that a rolling change recreates,
// and kills it again as soon as its database runs, before it has rejoined and recovered.
func killFirstRecreated(t *testing.T, ns, cluster string, before map[string]types.UID) fault {
	t.Helper()
	var pod string
	err := wait.PollUntilContextTimeout(t.Context(), 200*time.Millisecond, 3*time.Minute, true, func(ctx context.Context) (bool, error) {
		now, err := listPodUIDs(ctx, ns, cluster)
		if err != nil {
			return false, nil
		}
		for name, uid := range before {
			if now[name] != "" && now[name] != uid {
				var p corev1.Pod
				if k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, &p) == nil && p.Status.Phase == corev1.PodRunning {
					pod = name
					return true, nil
				}
			}
		}
		return false, nil
	})
	if err != nil {
		t.Fatal("no pod was recreated by the rolling change")
	}
	recreatePod(t, ns, pod, client.GracePeriodSeconds(0))
	return fault{pod: pod, action: "restarted into the new version, running, killed again"}
}
