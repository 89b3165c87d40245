//go:build integration

package pilot

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/test/gen"
	"github.com/navigator-dbaas/navigator/test/loopback"
)

// TestAPIServerOutage cuts a running node off the API server for several heartbeat intervals
// while the server itself keeps running. The database must go on serving (a pilot never stops
// its database for want of the API), the pilot must keep trying to write with back-off, and
// once the link is mended it must carry out what was asked meanwhile and report again.
func TestAPIServerOutage(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	addr, err := server.Addr()
	if err != nil {
		t.Fatal(err)
	}
	link := loopback.NewLink(t, addr)
	config := filepath.Join(t.TempDir(), "kubeconfig")
	if err := server.WriteKubeconfig(config, link.Addr); err != nil {
		t.Fatal(err)
	}
	pl := gen.Pilot("default", "outage-0", navv1alpha1.EngineElasticsearch, "search")
	pl.Spec.Start = true
	if err := k8s.Create(ctx, pl); err != nil {
		t.Fatal(err)
	}
	const heartbeat = 5 * time.Second
	p := startPilotWith(t, config, pl.Name, "--heartbeat-interval", heartbeat.String())
	waitStatus(t, pl.Name, "running", func(s navv1alpha1.PilotStatus) bool { return s.Phase == navv1alpha1.PilotRunning })

	link.Cut()
	cutAt := time.Now()
	// Asked while the node cannot hear it.
	setSpec(t, pl.Name, func(s *navv1alpha1.PilotSpec) { s.Action = navv1alpha1.ActionLeave })

	const outage = 4 * heartbeat
	polls, notServing := 0, 0
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	for time.Since(cutAt) < outage {
		select {
		case <-p.done:
			t.Fatalf("the pilot exited during the outage: %v", p.err)
		case <-tick.C:
		}
		polls++
		if p.probe(t, "/readyz") != http.StatusOK {
			notServing++
		}
	}
	if notServing > 0 {
		t.Errorf("/readyz failed %d of %d polls during the outage: the database must keep serving", notServing, polls)
	}
	var during navv1alpha1.Pilot
	if err := k8s.Get(ctx, client.ObjectKeyFromObject(pl), &during); err != nil {
		t.Fatal(err)
	}
	if hb := during.Status.LastHeartbeatTime; hb != nil && hb.After(cutAt) {
		t.Fatalf("a heartbeat of %s reached the API server through the cut link", hb)
	}
	retries := strings.Count(p.out.String(), "Cannot write the Pilot status; retrying")
	if retries == 0 {
		t.Error("the pilot never tried to write its status during an outage of four heartbeat intervals")
	}
	// Back-off: 2, 4, 8, 16 s between attempts, so at most a handful in the outage.
	if retries > 6 {
		t.Errorf("%d write attempts in %s: the pilot does not back off", retries, outage)
	}

	link.Mend()
	mendedAt := time.Now()
	after := waitStatusWithin(t, 2*time.Minute, pl.Name, "reporting the Leave asked during the outage",
		func(s navv1alpha1.PilotStatus) bool {
			return s.ObservedGeneration == during.Generation && s.Action != nil &&
				s.Action.Action == navv1alpha1.ActionLeave && s.Action.Phase == navv1alpha1.ActionComplete &&
				s.LastHeartbeatTime != nil && s.LastHeartbeatTime.After(mendedAt)
		})
	t.Logf("outage %s: %d readiness polls all served, %d failed writes; reported again %.1fs after the link was mended (phase %s)",
		outage, polls, retries, time.Since(mendedAt).Seconds(), after.Status.Phase)
}
