//go:build e2e && chaos

package e2e

import (
	"context"
	"os"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/controller/pilot"
)

// TestAPIServerOutageDuringRollingUpgrade stops the API server for a minute in the middle of a
// Cassandra rolling upgrade, at the moment the controller has asked the first node to drain,
// under QUORUM traffic. The drain then completes on the node while nobody can record it, the
// chart's controller loses its lease, and the kubelet its node lease. When the API server is
// back, the upgrade must complete with every node on the new version, every request served
// (the database needs no API server), and every row read back.
//
// It runs alone, not in parallel: every other test and the chart's controller lose the API
// server with it. Go runs the sequential tests before it starts any parallel one.
func TestAPIServerOutageDuringRollingUpgrade(t *testing.T) {
	script := os.Getenv("E2E_CLUSTER_SCRIPT")
	if script == "" {
		t.Skip("stopping the API server needs the local cluster (E2E_CLUSTER_SCRIPT, set by hack/e2e.sh); a cluster of E2E_KUBECONFIG gives no access to it")
	}
	ns := restrictedNamespace(t, "e2e-outage")
	cc := newRing(ns, "cassandra-sim", cassFirstVersion, cassPool("r1", 3))
	session := startRing(t, cc, 3)
	traffic := quorumTraffic(t, session)

	target := cassUpgrades[0]
	updateCass(t, cc, func(c *navv1alpha1.CassandraCluster) { c.Spec.Version = target })
	pod := waitAnyAsked(t, ns, navv1alpha1.ActionPrepareRestart)
	t.Logf("stopping the API server: %s was asked to %s", pod, navv1alpha1.ActionPrepareRestart)
	stopped := time.Now()
	stopAPIServer(t, script, apiServerOutage)

	waitCassReady(t, cc, target, 3)
	t.Logf("upgrade complete %s after the API server stopped", time.Since(stopped).Round(time.Second))
	requireServed(t, traffic, "through the upgrade and the API server's outage")
	checkRows(t, session, cassRows)
}

// TestCoreDNSDownDuringBootstrap takes cluster DNS down (CoreDNS scaled to none) before an
// Elasticsearch cluster of three master-eligible nodes is created, and keeps it down a while
// after every node runs. The nodes find each other through the discovery Service's name, which
// then does not resolve: they must wait, without forming a cluster of their own, and form
// exactly one cluster once DNS is back, Ready, with every document written then read back.
//
// It runs alone, not in parallel: every other test's pods lose DNS with it.
func TestCoreDNSDownDuringBootstrap(t *testing.T) {
	if os.Getenv("E2E_CLUSTER_SCRIPT") == "" {
		t.Skip("taking cluster DNS down is done on the local cluster only (E2E_CLUSTER_SCRIPT, set by hack/e2e.sh), not on the shared cluster of E2E_KUBECONFIG")
	}
	ns := restrictedNamespace(t, "e2e-nodns")
	scaleCoreDNS(t, 0)
	t.Cleanup(func() { scaleCoreDNS(t, 1) }) // a test that ended early must not leave the others without DNS

	esc := newSearch(ns, escPool("data", 3, navv1alpha1.ESRoleMaster, navv1alpha1.ESRoleData))
	if err := k8s.Create(t.Context(), esc); err != nil {
		t.Fatal(err)
	}
	waitPodsRunning(t, ns, esc.Name, 3)
	hold(t, dnsOutage)
	held := &navv1alpha1.ElasticsearchCluster{}
	if err := k8s.Get(t.Context(), client.ObjectKeyFromObject(esc), held); err != nil {
		t.Fatal(err)
	}
	if c := meta.FindStatusCondition(held.Status.Conditions, navv1alpha1.ConditionReady); c != nil && c.Status == metav1.ConditionTrue {
		t.Fatalf("Ready while its nodes could not resolve one another: %+v", held.Status)
	}
	if p := meta.FindStatusCondition(held.Status.Conditions, navv1alpha1.ConditionProgressing); p != nil {
		t.Logf("with DNS down %s after every node ran: Progressing %s: %s", dnsOutage, p.Reason, p.Message)
	}

	scaleCoreDNS(t, 1)
	back := time.Now()
	waitESCReady(t, esc, escFirstVersion)
	t.Logf("Ready %s after DNS came back", time.Since(back).Round(time.Second))
	writeDocs(t, ns)
	requireOneClusterUUID(t, ns)
}

// waitPodsRunning waits until n pods of the cluster run.
func waitPodsRunning(t *testing.T, ns, cluster string, n int) {
	t.Helper()
	err := wait.PollUntilContextTimeout(t.Context(), 500*time.Millisecond, 3*time.Minute, true, func(ctx context.Context) (bool, error) {
		var pods corev1.PodList
		if err := k8s.List(ctx, &pods, client.InNamespace(ns), client.MatchingLabels{pilot.LabelCluster: cluster}); err != nil {
			return false, nil
		}
		running := 0
		for _, p := range pods.Items {
			if p.Status.Phase == corev1.PodRunning {
				running++
			}
		}
		return running == n, nil
	})
	if err != nil {
		t.Fatalf("%d pods of %s never ran", n, cluster)
	}
}

// requireOneClusterUUID fails unless every node of ns reports the same cluster.
func requireOneClusterUUID(t *testing.T, ns string) {
	t.Helper()
	var pilots navv1alpha1.PilotList
	if err := k8s.List(t.Context(), &pilots, client.InNamespace(ns)); err != nil {
		t.Fatal(err)
	}
	uuids := map[string][]string{}
	for _, p := range pilots.Items {
		if es := p.Status.Elasticsearch; es != nil {
			uuids[es.ClusterUUID] = append(uuids[es.ClusterUUID], p.Name)
		}
	}
	if _, none := uuids[""]; len(uuids) != 1 || none {
		t.Fatalf("the nodes report clusters %v, want one", uuids)
	}
}
