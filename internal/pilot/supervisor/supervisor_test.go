package supervisor

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"
	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/navigator-dbaas/navigator/test/procio"
)

// The tests run the supervisor in a child process (this test binary, re-executed), because it
// installs signal handlers, becomes a subreaper and exits with the database's status: things a
// test must observe from outside.

const helperEnv = "SUPERVISOR_TEST_HELPER"

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) != "" {
		os.Exit(helper())
	}
	os.Exit(m.Run())
}

// helper supervises `sh -c $SCRIPT` and exits with its status. Its own log goes to $LOG.
func helper() int {
	logFile, err := os.Create(os.Getenv("LOG"))
	if err != nil {
		return 100
	}
	defer func() { _ = logFile.Close() }()
	log := funcr.New(func(prefix, args string) { fmt.Fprintln(logFile, prefix, args) }, funcr.Options{Verbosity: 1})
	opts := Options{StopTimeout: 2 * time.Second, Log: log}
	if n, err := strconv.Atoi(os.Getenv("TAIL")); err == nil {
		opts.OutputTail = n
	}
	if os.Getenv("LINES") != "" {
		var mu sync.Mutex
		opts.OutputLines = func(line string) {
			mu.Lock()
			defer mu.Unlock()
			fmt.Fprintf(logFile, "line %q\n", line)
		}
	}
	if os.Getenv("HOOK") != "" {
		opts.GracefulStop = func(context.Context) error {
			_, err := os.Stdout.WriteString("hook ran\n")
			return err
		}
	}
	stopExec, execDone := make(chan struct{}), make(chan struct{})
	if os.Getenv("EXEC_LOOP") != "" {
		go execLoop(log, stopExec, execDone)
	} else {
		close(execDone)
	}
	exit, err := Run(context.Background(), Process{Path: "/bin/sh", Args: []string{"sh", "-c", os.Getenv("SCRIPT")}}, opts)
	if err != nil {
		fmt.Fprintln(logFile, "run error:", err)
		return 101
	}
	// An Exec command that has just exited is a zombie until its own Wait collects it: stop the
	// loop before counting, so that only zombies nobody would ever reap are counted.
	close(stopExec)
	<-execDone
	fmt.Fprintf(logFile, "exit code=%d stop=%v zombies=%d\n", exit.Code, exit.StopRequested, len(zombieChildren()))
	fmt.Fprintf(logFile, "stdout=%q stderr=%q\n", exit.Stdout, exit.Stderr)
	return exit.Code
}

// execLoop runs short commands through Exec while orphans are reaped, and logs any whose exit
// status was stolen, until stop is closed.
func execLoop(log logr.Logger, stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		default:
		}
		_, err := Exec(context.Background(), "/bin/sh", "-c", "exit 3")
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 3 {
			log.Info("EXEC STOLEN", "iteration", i, "err", fmt.Sprint(err))
		} else {
			log.Info("exec ok")
		}
	}
}

type run struct {
	cmd            *exec.Cmd
	stdout, stderr procio.Buffer
	logPath        string
}

func start(t *testing.T, script string, env ...string) *run {
	t.Helper()
	r := &run{logPath: t.TempDir() + "/supervisor.log"}
	r.cmd = exec.Command(os.Args[0], "-test.run=^$")
	r.cmd.Env = append(os.Environ(), append(env, helperEnv+"=1", "SCRIPT="+script, "LOG="+r.logPath)...)
	r.cmd.Stdout, r.cmd.Stderr = &r.stdout, &r.stderr
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return r
}

// wait returns the helper's exit code, failing the test if it takes longer than a generous
// bound (a hung supervisor is the failure this catches, not slowness).
func (r *run) wait(t *testing.T) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- r.cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(20 * time.Second):
		_ = r.cmd.Process.Kill()
		t.Fatalf("supervisor did not exit; log:\n%s", r.log(t))
		return -1
	}
}

func (r *run) log(t *testing.T) string {
	raw, _ := os.ReadFile(r.logPath)
	return string(raw)
}

// waitFor polls the helper's stdout for s, so that signals are sent only once the script runs.
func (r *run) waitFor(t *testing.T, s string) {
	t.Helper()
	err := wait.PollUntilContextTimeout(t.Context(), 20*time.Millisecond, 10*time.Second, true,
		func(context.Context) (bool, error) { return strings.Contains(r.stdout.String(), s), nil })
	if err != nil {
		t.Fatalf("never saw %q on stdout; log:\n%s", s, r.log(t))
	}
}

func TestExitStatusPropagates(t *testing.T) {
	for _, code := range []int{0, 1, 7, 42} {
		r := start(t, "exit "+strconv.Itoa(code))
		if got := r.wait(t); got != code {
			t.Errorf("database exited %d, pilot exited %d", code, got)
		}
	}
}

func TestKilledBySignalIs128PlusSignal(t *testing.T) {
	r := start(t, "kill -SEGV $$")
	if got := r.wait(t); got != 128+int(syscall.SIGSEGV) {
		t.Errorf("exit code %d, want %d", got, 128+int(syscall.SIGSEGV))
	}
}

func TestOutputPassesThroughUnchanged(t *testing.T) {
	r := start(t, `printf 'line one\n{"json": true}\n'; printf 'to stderr\n' >&2; printf 'no newline at end'`)
	if code := r.wait(t); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if got, want := r.stdout.String(), "line one\n{\"json\": true}\nno newline at end"; got != want {
		t.Errorf("stdout = %q, want exactly %q", got, want)
	}
	if got, want := r.stderr.String(), "to stderr\n"; got != want {
		t.Errorf("stderr = %q, want exactly %q", got, want)
	}
}

// TestOutputTailIsKept: with OutputTail, the output still passes through unchanged, and the exit
// carries the end of each stream from its first whole line kept: what a database that stopped
// on its own said last.
func TestOutputTailIsKept(t *testing.T) {
	script := `for i in 1 2 3 4 5 6 7 8 9; do echo "starting, step $i"; done; echo 'Exception (ConfigurationException) encountered during startup: bad' >&2; exit 3`
	r := start(t, script, "TAIL=40")
	if code := r.wait(t); code != 3 {
		t.Fatalf("exit %d", code)
	}
	if !strings.HasPrefix(r.stdout.String(), "starting, step 1\n") || !strings.HasSuffix(r.stdout.String(), "starting, step 9\n") {
		t.Errorf("stdout = %q: not passed through whole", r.stdout.String())
	}
	const line = "Exception (ConfigurationException) encountered during startup: bad\n"
	if got := r.stderr.String(); got != line {
		t.Errorf("stderr = %q, want %q", got, line)
	}
	// The stderr line is longer than the tail: its last 40 bytes are kept.
	want := fmt.Sprintf("stdout=%q stderr=%q", "starting, step 8\nstarting, step 9\n", line[len(line)-40:])
	if log := r.log(t); !strings.Contains(log, want) {
		t.Errorf("the exit's output is not the last whole lines (%s); log:\n%s", want, log)
	}
}

// TestOutputLinesAreRead: with OutputLines, each whole line of either stream reaches the engine
// once, however the database's writes cut it, and the output still passes through unchanged.
func TestOutputLinesAreRead(t *testing.T) {
	script := `printf 'Some data '; sleep 0.1; printf 'streaming failed.\nsecond'; sleep 0.1; echo ' line'; echo 'to stderr' >&2; printf 'no newline at the end'`
	r := start(t, script, "LINES=1")
	if code := r.wait(t); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if got := r.stdout.String(); got != "Some data streaming failed.\nsecond line\nno newline at the end" {
		t.Errorf("stdout = %q: not passed through unchanged", got)
	}
	log := r.log(t)
	for _, line := range []string{"Some data streaming failed.", "second line", "to stderr"} {
		if strings.Count(log, fmt.Sprintf("line %q\n", line)) != 1 {
			t.Errorf("the line %q was not read once; log:\n%s", line, log)
		}
	}
	if strings.Contains(log, `line "no newline`) {
		t.Errorf("a line without its end was read; log:\n%s", log)
	}
}

// TestLineWriterCutsOverlongLines: a line longer than maxLine is passed on cut rather than held
// in memory until its end.
func TestLineWriterCutsOverlongLines(t *testing.T) {
	var lines []string
	w := LineWriter(func(l string) { lines = append(lines, l) })
	long := strings.Repeat("x", maxLine+10)
	for _, chunk := range []string{long[:100], long[100:], "\nshort\n"} {
		if _, err := w.Write([]byte(chunk)); err != nil {
			t.Fatal(err)
		}
	}
	if len(lines) != 3 || len(lines[0]) != maxLine || lines[1] != strings.Repeat("x", 10) || lines[2] != "short" {
		t.Errorf("got %d lines of lengths %v", len(lines), func() (n []int) {
			for _, l := range lines {
				n = append(n, len(l))
			}
			return n
		}())
	}
}

func TestSignalsAreForwarded(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGHUP, syscall.SIGQUIT} {
		name := strings.TrimPrefix(unixName(sig), "SIG")
		r := start(t, fmt.Sprintf(`trap 'echo got %s; exit 0' %s; echo ready; while :; do sleep 0.05; done`, name, name))
		r.waitFor(t, "ready")
		if err := r.cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		if code := r.wait(t); code != 0 || !strings.Contains(r.stdout.String(), "got "+name) {
			t.Errorf("%s: exit %d, stdout %q; want the database to get it and exit 0", name, code, r.stdout.String())
		}
	}
}

func TestGracefulStopRunsHookThenTerm(t *testing.T) {
	r := start(t, `trap 'echo got TERM; exit 0' TERM; echo ready; while :; do sleep 0.05; done`, "HOOK=1")
	r.waitFor(t, "ready")
	if err := r.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := r.wait(t); code != 0 {
		t.Fatalf("exit %d, want the database's clean 0; log:\n%s", code, r.log(t))
	}
	out := r.stdout.String()
	hook, term := strings.Index(out, "hook ran"), strings.Index(out, "got TERM")
	if hook < 0 || term < 0 || hook > term {
		t.Errorf("want the graceful hook before the database's SIGTERM, got stdout %q", out)
	}
	if !strings.Contains(r.log(t), "stop=true") {
		t.Errorf("the exit is not reported as requested; log:\n%s", r.log(t))
	}
}

func TestStopDeadlineKills(t *testing.T) {
	// The database ignores SIGTERM; the supervisor's 2s deadline must end it with SIGKILL.
	r := start(t, `trap '' TERM; echo ready; while :; do sleep 0.05; done`)
	r.waitFor(t, "ready")
	if err := r.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := r.wait(t); code != 128+int(syscall.SIGKILL) {
		t.Errorf("exit %d, want %d (killed at the deadline); log:\n%s", code, 128+int(syscall.SIGKILL), r.log(t))
	}
}

func TestOrphansAreReapedAndExecIsNotStolen(t *testing.T) {
	// Each inner sh starts a sleep in the background and exits at once: the sleeps are orphans,
	// re-parented to the supervisor, and become zombies when they end.
	r := start(t, `for i in 1 2 3 4 5 6 7 8 9 10; do sh -c 'sleep 0.1 &'; done; sleep 1; exit 0`, "EXEC_LOOP=1")
	if code := r.wait(t); code != 0 {
		t.Fatalf("exit %d; log:\n%s", code, r.log(t))
	}
	log := r.log(t)
	if n := strings.Count(log, "Reaped an orphan"); n < 10 {
		t.Errorf("reaped %d orphans, want 10; log:\n%s", n, log)
	}
	if !strings.Contains(log, "zombies=0") {
		t.Errorf("zombies left behind; log:\n%s", log)
	}
	if strings.Contains(log, "EXEC STOLEN") {
		t.Errorf("the reaper stole the exit status of an Exec command; log:\n%s", log)
	}
	if !strings.Contains(log, "exec ok") {
		t.Errorf("the Exec loop never completed a command; log:\n%s", log)
	}
}

func unixName(s syscall.Signal) string {
	return map[syscall.Signal]string{
		syscall.SIGUSR1: "SIGUSR1", syscall.SIGUSR2: "SIGUSR2", syscall.SIGHUP: "SIGHUP", syscall.SIGQUIT: "SIGQUIT",
	}[s]
}
