//go:build integration

// Package pilot runs a real pilot process (test/pilot/testpilot wrapping testdb) against a real
// API server, with the test in the controller's seat: the status handshake (spec generation,
// action, observedGeneration), the start gate, the probes, the graceful stop, and the number of
// status writes of a settled node.
package pilot

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	pilotctl "github.com/navigator-dbaas/navigator/internal/controller/pilot"
	"github.com/navigator-dbaas/navigator/test/apiserver"
	"github.com/navigator-dbaas/navigator/test/gen"
	"github.com/navigator-dbaas/navigator/test/loopback"
	"github.com/navigator-dbaas/navigator/test/procio"
)

var (
	server     *apiserver.Server
	k8s        client.Client
	kubeconfig string
	testpilot  string
	testdb     string
)

func TestMain(m *testing.M) {
	code, err := setup(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		code = 1
	}
	os.Exit(code)
}

func setup(m *testing.M) (int, error) {
	dir, err := os.MkdirTemp("", "pilot-it-")
	if err != nil {
		return 1, err
	}
	defer func() { _ = os.RemoveAll(dir) }()
	testpilot, testdb = filepath.Join(dir, "testpilot"), filepath.Join(dir, "testdb")
	for bin, pkg := range map[string]string{testpilot: "./test/pilot/testpilot", testdb: "./test/pilot/testdb"} {
		cmd := exec.Command("go", "build", "-o", bin, pkg)
		cmd.Dir = filepath.Join("..", "..", "..")
		if out, err := cmd.CombinedOutput(); err != nil {
			return 1, fmt.Errorf("building %s: %w\n%s", pkg, err, out)
		}
	}
	s, err := apiserver.Start()
	if err != nil {
		return 1, err
	}
	defer func() { _ = s.Stop() }()
	server, k8s = s, s.Client
	kubeconfig = filepath.Join(dir, "kubeconfig")
	if err := s.WriteKubeconfig(kubeconfig, ""); err != nil {
		return 1, err
	}
	return m.Run(), nil
}

// pilotProcess is a running testpilot.
type pilotProcess struct {
	cmd    *exec.Cmd
	listen string
	out    *procio.Buffer
	done   chan struct{}
	err    error
}

func startPilot(t *testing.T, name string, extra ...string) *pilotProcess {
	t.Helper()
	return startPilotWith(t, kubeconfig, name, extra...)
}

// startPilotWith starts a pilot that reaches the API server as the kubeconfig at config says.
func startPilotWith(t *testing.T, config, name string, extra ...string) *pilotProcess {
	t.Helper()
	data := t.TempDir()
	p := &pilotProcess{listen: loopback.FreeAddr(t), out: &procio.Buffer{}, done: make(chan struct{})}
	args := append([]string{"test",
		"--pod-name", name, "--pod-namespace", "default", "--pod-ip", "127.0.0.1",
		"--listen", p.listen, "--log-level", "debug",
		"--observe-interval", "200ms", "--stop-timeout", "10s",
		"--data-dir", filepath.Join(data, "data"), "--config-dir", filepath.Join(data, "conf"),
		"--db-port", strings.Split(loopback.FreeAddr(t), ":")[1], "--join-delay", "300ms", "--move-rate", "200",
	}, extra...)
	args = append(args, "--", testdb)
	p.cmd = exec.Command(testpilot, args...)
	p.cmd.Env = append(os.Environ(), "KUBECONFIG="+config)
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	// A database child that outlives a killed pilot must not hold Wait on its output pipe.
	p.cmd.WaitDelay = 5 * time.Second
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		// As the kubelet does: SIGTERM, so the pilot stops its database, then SIGKILL.
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(20 * time.Second):
			_ = p.cmd.Process.Kill()
			<-p.done
		}
		// In a container a killed PID 1 takes its children along; here a database whose pilot
		// was killed lives on, so end whatever still runs from this test's directory.
		killStrays(t, data)
		if t.Failed() {
			t.Logf("pilot output:\n%s", p.out.String())
		}
	})
	return p
}

func (p *pilotProcess) probe(t *testing.T, path string) int {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://"+p.listen+path, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode
}

// TestHandshake walks one node through the contract of docs/design/0002: announced behind a
// closed gate, started when spec.start opens it, leaving when asked, each step acknowledged
// with observedGeneration; then a SIGTERM stops it cleanly.
func TestHandshake(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	pl := gen.Pilot("default", "handshake-0", navv1alpha1.EngineElasticsearch, "search")
	if err := k8s.Create(ctx, pl); err != nil {
		t.Fatal(err)
	}
	p := startPilot(t, pl.Name)

	got := waitStatus(t, pl.Name, "announced behind the closed gate", func(s navv1alpha1.PilotStatus) bool {
		return s.ObservedGeneration == 1 && s.Phase == navv1alpha1.PilotWaiting
	})
	ready := meta.FindStatusCondition(got.Status.Conditions, navv1alpha1.PilotConditionReady)
	if ready == nil || ready.Status != metav1.ConditionFalse || ready.Reason != navv1alpha1.PilotReasonWaitingForStart {
		t.Errorf("Ready condition behind the gate: %+v", ready)
	}
	if got.Status.Node.Address != "127.0.0.1" || got.Status.Node.HoldsData || got.Status.LastHeartbeatTime == nil {
		t.Errorf("announcement: node %+v heartbeat %v; want address, no data yet, a heartbeat", got.Status.Node, got.Status.LastHeartbeatTime)
	}
	if code := p.probe(t, "/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz behind the gate = %d, want 503", code)
	}
	if code := p.probe(t, "/livez"); code != http.StatusOK {
		t.Errorf("/livez behind the gate = %d, want 200", code)
	}

	setSpec(t, pl.Name, func(s *navv1alpha1.PilotSpec) { s.Start = true })
	got = waitStatus(t, pl.Name, "running and ready", func(s navv1alpha1.PilotStatus) bool {
		return s.ObservedGeneration == 2 && s.Phase == navv1alpha1.PilotRunning
	})
	if got.Status.Version != "1.0.0" || got.Status.Node.ID == "" || !got.Status.Node.HoldsData {
		t.Errorf("facts once running: version %q node %+v", got.Status.Version, got.Status.Node)
	}
	if !meta.IsStatusConditionTrue(got.Status.Conditions, navv1alpha1.PilotConditionReady) {
		t.Errorf("Ready is not True once running: %+v", got.Status.Conditions)
	}
	if code := p.probe(t, "/readyz"); code != http.StatusOK {
		t.Errorf("/readyz once running = %d, want 200", code)
	}

	// Level-triggered: a status changed behind the pilot's back is put right.
	tampered := got.DeepCopy()
	tampered.Status.Phase = navv1alpha1.PilotFailed
	if err := k8s.Status().Patch(ctx, tampered, client.MergeFrom(got)); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, pl.Name, "put right after tampering", func(s navv1alpha1.PilotStatus) bool {
		return s.Phase == navv1alpha1.PilotRunning
	})

	setSpec(t, pl.Name, func(s *navv1alpha1.PilotSpec) { s.Action = navv1alpha1.ActionLeave })
	got = waitStatus(t, pl.Name, "left", func(s navv1alpha1.PilotStatus) bool {
		return s.ObservedGeneration == 3 && s.Action != nil && s.Action.Action == navv1alpha1.ActionLeave &&
			s.Action.Phase == navv1alpha1.ActionComplete
	})
	if got.Status.Phase != navv1alpha1.PilotLeft || got.Status.Action.StartedAt == nil {
		t.Errorf("after Leave: phase %s, action %+v", got.Status.Phase, got.Status.Action)
	}
	// Ending the request clears its report.
	setSpec(t, pl.Name, func(s *navv1alpha1.PilotSpec) { s.Action = navv1alpha1.ActionNone })
	waitStatus(t, pl.Name, "without an action report", func(s navv1alpha1.PilotStatus) bool {
		return s.ObservedGeneration == 4 && s.Action == nil
	})

	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		t.Fatal("the pilot did not exit after SIGTERM")
	}
	if p.err != nil {
		t.Errorf("pilot exit: %v, want 0 (testdb stops cleanly on SIGTERM)", p.err)
	}
	if !strings.Contains(p.out.String(), "stopped cleanly") {
		t.Errorf("testdb's own output is missing from the pilot's:\n%s", p.out.String())
	}
}

// TestSettledWriteRate counts the status writes of a node that has settled, over a little more
// than two heartbeat intervals: the design allows one heartbeat per interval and nothing else,
// and a heartbeat must come, or a silent pilot would pass. The interval is 10 s here (a minute
// by default, which made this the integration tier's longest test by far): what is counted is
// that nothing but heartbeats is written, whatever their interval.
func TestSettledWriteRate(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	pl := gen.Pilot("default", "settled-0", navv1alpha1.EngineElasticsearch, "search")
	pl.Spec.Start = true
	if err := k8s.Create(ctx, pl); err != nil {
		t.Fatal(err)
	}
	const heartbeat = 10 * time.Second
	startPilot(t, pl.Name, "--heartbeat-interval", heartbeat.String())
	waitStatus(t, pl.Name, "running", func(s navv1alpha1.PilotStatus) bool { return s.Phase == navv1alpha1.PilotRunning })

	// Count every change of this Pilot from now on: each is one write.
	watcher, err := client.NewWithWatch(server.Config, client.Options{Scheme: k8s.Scheme()})
	if err != nil {
		t.Fatal(err)
	}
	var current navv1alpha1.Pilot
	if err := k8s.Get(ctx, client.ObjectKeyFromObject(pl), &current); err != nil {
		t.Fatal(err)
	}
	w, err := watcher.Watch(ctx, &navv1alpha1.PilotList{}, client.InNamespace("default"),
		client.MatchingFields{"metadata.name": pl.Name},
		&client.ListOptions{Raw: &metav1.ListOptions{ResourceVersion: current.ResourceVersion}})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	const window = heartbeat * 5 / 2
	deadline := time.After(window)
	writes := 0
	for done := false; !done; {
		select {
		case <-w.ResultChan():
			writes++
		case <-deadline:
			done = true
		}
	}
	t.Logf("status writes of a settled node in %s: %d (%.2f per heartbeat interval of %s)", window, writes, float64(writes)*float64(heartbeat)/float64(window), heartbeat)
	if writes < 1 || writes > 2 {
		t.Errorf("%d status writes in %s, want 1 or 2: one heartbeat per %s and nothing else", writes, window, heartbeat)
	}
}

// TestSilentPilotBecomesUnknown: a pilot that stops reporting leaves a Ready status behind in
// the API; once its heartbeat is older than the staleness limit the controller must treat the
// node as unknown, never as ready.
func TestSilentPilotBecomesUnknown(t *testing.T) {
	t.Parallel()
	pl := gen.Pilot("default", "silent-0", navv1alpha1.EngineElasticsearch, "search")
	pl.Spec.Start = true
	if err := k8s.Create(t.Context(), pl); err != nil {
		t.Fatal(err)
	}
	p := startPilot(t, pl.Name)
	waitStatus(t, pl.Name, "running", func(s navv1alpha1.PilotStatus) bool { return s.Phase == navv1alpha1.PilotRunning })
	// SIGKILL: no last word, as when a node vanishes.
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-p.done
	var got navv1alpha1.Pilot
	if err := k8s.Get(t.Context(), client.ObjectKeyFromObject(pl), &got); err != nil {
		t.Fatal(err)
	}
	heartbeat := got.Status.LastHeartbeatTime.Time
	if s := pilotctl.StateOf(&got, heartbeat.Add(time.Minute), pilotctl.DefaultStaleAfter); s != pilotctl.NodeReady {
		t.Errorf("a minute after its last heartbeat the node is %s, want Ready", s)
	}
	if s := pilotctl.StateOf(&got, heartbeat.Add(pilotctl.DefaultStaleAfter+time.Second), pilotctl.DefaultStaleAfter); s != pilotctl.NodeUnknown {
		t.Errorf("past the staleness limit the silent node is %s, want Unknown", s)
	}
}

func waitStatus(t *testing.T, name, what string, cond func(navv1alpha1.PilotStatus) bool) *navv1alpha1.Pilot {
	t.Helper()
	return waitStatusWithin(t, time.Minute, name, what, cond)
}

func waitStatusWithin(t *testing.T, timeout time.Duration, name, what string, cond func(navv1alpha1.PilotStatus) bool) *navv1alpha1.Pilot {
	t.Helper()
	var p navv1alpha1.Pilot
	err := wait.PollUntilContextTimeout(t.Context(), 100*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
		if err := k8s.Get(ctx, client.ObjectKey{Namespace: "default", Name: name}, &p); err != nil {
			return false, nil
		}
		return cond(p.Status), nil
	})
	if err != nil {
		t.Fatalf("Pilot %s never became %s; last status: %+v", name, what, p.Status)
	}
	return &p
}

func setSpec(t *testing.T, name string, change func(*navv1alpha1.PilotSpec)) {
	t.Helper()
	var p navv1alpha1.Pilot
	if err := k8s.Get(t.Context(), client.ObjectKey{Namespace: "default", Name: name}, &p); err != nil {
		t.Fatal(err)
	}
	before := p.DeepCopy()
	change(&p.Spec)
	if err := k8s.Patch(t.Context(), &p, client.MergeFrom(before), client.FieldOwner("navigator-controller")); err != nil {
		t.Fatal(err)
	}
}

// killStrays kills the processes whose command line mentions dir.
func killStrays(t *testing.T, dir string) {
	t.Helper()
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		cmdline, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err == nil && strings.Contains(string(cmdline), dir) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}
