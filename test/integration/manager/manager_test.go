//go:build integration

// Package manager checks navigator-controller's manager on a real API server: it elects itself
// through a Lease, serves its probe and metrics endpoints, and hands the Lease back when it
// stops.
package manager

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"

	cassctl "github.com/navigator-dbaas/navigator/internal/cassandra/controller"
	"github.com/navigator-dbaas/navigator/internal/controller/manager"
	esctl "github.com/navigator-dbaas/navigator/internal/elasticsearch/controller"
	"github.com/navigator-dbaas/navigator/test/apiserver"
	"github.com/navigator-dbaas/navigator/test/loopback"
)

var server *apiserver.Server

func TestMain(m *testing.M) {
	s, err := apiserver.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	server = s
	code := m.Run()
	_ = s.Stop()
	os.Exit(code)
}

func TestManagerElectsServesAndReleases(t *testing.T) {
	metricsAddr, probeAddr := loopback.FreeAddr(t), loopback.FreeAddr(t)
	// As navigator-controller lists its engines.
	mgr, err := manager.New(server.Config, manager.Options{
		Engines:                 []manager.Engine{esctl.Engine, cassctl.Engine},
		MetricsAddr:             metricsAddr,
		ProbeAddr:               probeAddr,
		LeaderElect:             true,
		LeaderElectionNamespace: "default",
		GracefulShutdownTimeout: 5 * time.Second,
		SkipNameValidation:      true,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	stopped := make(chan error, 1)
	go func() { stopped <- mgr.Start(ctx) }()

	key := client.ObjectKey{Namespace: "default", Name: manager.LeaderElectionID}
	var lease coordinationv1.Lease
	eventually(t, 30*time.Second, "the manager holds the Lease", func() bool {
		err := server.Client.Get(t.Context(), key, &lease)
		return err == nil && lease.Spec.HolderIdentity != nil && *lease.Spec.HolderIdentity != ""
	})
	holder := *lease.Spec.HolderIdentity
	hostname, _ := os.Hostname()
	if !strings.HasPrefix(holder, hostname) {
		t.Errorf("Lease holder %q does not name this host %q", holder, hostname)
	}

	for _, path := range []string{"/healthz", "/readyz"} {
		eventually(t, 10*time.Second, path+" answers 200", func() bool {
			code, _ := get(t, "http://"+probeAddr+path)
			return code == http.StatusOK
		})
	}
	eventually(t, 10*time.Second, "metrics report the leader", func() bool {
		_, body := get(t, "http://"+metricsAddr+"/metrics")
		return strings.Contains(body, `leader_election_master_status{name="`+manager.LeaderElectionID+`"} 1`)
	})

	cancel()
	select {
	case err := <-stopped:
		if err != nil {
			t.Fatalf("manager stopped with an error: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("manager did not stop within 10s of cancellation")
	}
	if err := server.Client.Get(t.Context(), key, &lease); err != nil {
		t.Fatal(err)
	}
	if h := lease.Spec.HolderIdentity; h != nil && *h != "" {
		t.Errorf("a cleanly stopped leader still holds the Lease (%q): a successor would wait for it to expire", *h)
	}
}

func get(t *testing.T, url string) (int, string) {
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, ""
	}
	defer func() { _ = resp.Body.Close() }()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// eventually polls cond every 100ms until it holds or the deadline passes.
func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	err := wait.PollUntilContextTimeout(t.Context(), 100*time.Millisecond, within, true,
		func(context.Context) (bool, error) { return cond(), nil })
	if err != nil {
		t.Fatalf("timed out after %s waiting until %s", within, what)
	}
}
