//go:build e2e && chaos

package e2e

import (
	"os"
	"testing"
	"time"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
)

// partitionLength is how long a pod stays cut off from its peers: past the elected master's
// follower checks (three failures of ten seconds each), so that the master removes the node,
// and a while after.
const partitionLength = 45 * time.Second

// TestPartitionDuringScaleIn: four master-eligible data nodes scale in to three; once the
// leaving node is asked to drain, a node that stays is cut off from its peers, in its network
// namespace, for partitionLength, and then reconnected. Its pod and pilot still reach the API
// server. The master removes it (or, if it was the master, the others elect another), its
// copies are lost until it rejoins, and the scale in goes on with the nodes left. The scale in
// must complete with three ready nodes, health never red, every document back.
func TestPartitionDuringScaleIn(t *testing.T) {
	t.Parallel()
	faults := &faultLog{start: time.Now()}
	t.Cleanup(func() { t.Log(faults.report()) })
	script := os.Getenv("E2E_CLUSTER_SCRIPT")
	if script == "" {
		t.Skip("cutting a pod off from its peers needs the local cluster (E2E_CLUSTER_SCRIPT, set by hack/e2e.sh)")
	}
	ns := restrictedNamespace(t, "e2e-chaos-partition")
	esc := startSearch(t, ns, escPool("data", 4, navv1alpha1.ESRoleMaster, navv1alpha1.ESRoleData))
	watch := watchHealth(t, ns)

	setDataReplicas(t, esc, 3)
	state := waitAsked(t, ns, "search-data-3", navv1alpha1.ActionLeave)
	victim := "search-data-0"
	faults.add(fault{pod: victim + " cut off from its peers for " + partitionLength.String() + ", not",
		action: "search-data-3's Leave " + state})
	partitionPod(t, script, ns, victim, partitionLength)
	waitESCReady(t, esc, escFirstVersion)
	if n := poolStatus(t, esc, "data").ReadyReplicas; n != 3 {
		t.Fatalf("data pool ready replicas %d after the scale in, want 3", n)
	}
	requireNeverRed(t, watch(), "through a scale in with a node cut off from its peers")
	readDocs(t, ns)
}

// partitionPod cuts pod off from its peers for d, then reconnects it.
func partitionPod(t *testing.T, script, ns, pod string, d time.Duration) {
	t.Helper()
	runCluster(t, script, "partition", containerID(t, ns, pod))
	healed := false
	t.Cleanup(func() {
		if !healed { // a pod left cut off would hold its cluster's deletion
			runCluster(t, script, "heal", containerID(t, ns, pod))
		}
	})
	hold(t, d)
	// The pod's own container: the one cut off may have been restarted since; the rules live in
	// the pod's network namespace, which its containers share.
	runCluster(t, script, "heal", containerID(t, ns, pod))
	healed = true
}
