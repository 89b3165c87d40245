package supervisor

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/go-logr/logr"
	"golang.org/x/sys/unix"
)

// Process describes the database process.
type Process struct {
	// Path of the executable and its arguments (Args[0] included).
	Path string
	Args []string
	// Env of the process; nil means the pilot's own environment.
	Env []string
	// Dir is the working directory; empty means the pilot's.
	Dir string
}

// Options tune the supervision.
type Options struct {
	// StopTimeout bounds the whole graceful stop, graceful hook included. It must be shorter than
	// the pod's terminationGracePeriodSeconds, so that the pilot, not the kubelet, decides when
	// to SIGKILL.
	StopTimeout time.Duration
	// GracefulStop is the engine's stop hook (nodetool drain, flush), run on SIGTERM before the
	// database is signalled. It gets at most half of StopTimeout, so that the database always
	// has time for its own clean shutdown.
	GracefulStop func(ctx context.Context) error
	// Started, when set, is called with the database's PID once it runs.
	Started func(pid int)
	// Log receives the supervisor's own messages; never the database's output.
	Log logr.Logger
	// OutputTail, when positive, is how many bytes of the end of each of the database's
	// standard output and error Exit carries. The output then goes through pipes, still copied
	// unchanged to the pilot's own; otherwise the database writes to them itself.
	OutputTail int
	// OutputLines, when set, is called with each whole line the database writes to its
	// standard output or error (without the newline; a line longer than maxLine is cut), from
	// the goroutine that copies that stream. The output then goes through pipes likewise.
	OutputLines func(line string)
}

// Exit is how the database ended.
type Exit struct {
	// Code is the exit status the pilot should exit with: the database's own, or 128+signal
	// when a signal killed it (the shell convention the kubelet reports).
	Code int
	// Signal is the signal that killed the database, if any.
	Signal syscall.Signal
	// StopRequested is true when the database ended because the pilot was asked to stop.
	StopRequested bool
	// Stdout and Stderr are the ends of what the database wrote, from their first whole line,
	// when Options.OutputTail asked for them.
	Stdout, Stderr string
}

// forwarded are the signals passed to the database unchanged.
var forwarded = []os.Signal{syscall.SIGHUP, syscall.SIGINT, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2}

// Run starts the database, supervises it until it exits, and reports how it ended. A SIGTERM to
// the pilot, or the cancellation of ctx, starts the graceful stop.
func Run(ctx context.Context, p Process, o Options) (Exit, error) {
	if os.Getpid() != 1 {
		// Orphans of the database must come to us, as they would to PID 1 in a container.
		if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
			return Exit{}, fmt.Errorf("becoming a child subreaper: %w", err)
		}
	}
	signals := make(chan os.Signal, 16)
	signal.Notify(signals, append([]os.Signal{syscall.SIGTERM, syscall.SIGCHLD}, forwarded...)...)
	defer signal.Stop(signals)

	stdout, stderr := os.Stdout, os.Stderr
	var out [2]*tail
	drain, closeChild := func() {}, func() {}
	if o.OutputTail > 0 || o.OutputLines != nil {
		out = [2]*tail{{max: max(o.OutputTail, 0)}, {max: max(o.OutputTail, 0)}}
		files, closeFiles, wait, err := teeOutput(out, o.OutputLines)
		if err != nil {
			return Exit{}, fmt.Errorf("piping the database's output: %w", err)
		}
		stdout, stderr, drain, closeChild = files[0], files[1], wait, closeFiles
	}
	proc, err := os.StartProcess(p.Path, p.Args, &os.ProcAttr{
		Dir:   p.Dir,
		Env:   p.Env,
		Files: []*os.File{os.Stdin, stdout, stderr},
		// Its own process group, so that the final SIGKILL reaches the database's helpers too.
		Sys: &syscall.SysProcAttr{Setpgid: true},
	})
	// Only the database holds the pipes' write ends from now on, so that they close when it ends.
	closeChild()
	if err != nil {
		return Exit{}, fmt.Errorf("starting %s: %w", p.Path, err)
	}
	o.Log.Info("Started the database", "pid", proc.Pid, "command", p.Args)
	if o.Started != nil {
		o.Started(proc.Pid)
	}
	s := &supervision{pid: proc.Pid, opts: o, signals: signals, done: ctx.Done()}
	exit, err := s.loop()
	if out[0] != nil {
		drain()
		exit.Stdout, exit.Stderr = out[0].String(), out[1].String()
	}
	return exit, err
}

type supervision struct {
	pid     int
	opts    Options
	signals chan os.Signal
	done    <-chan struct{}

	stopping bool
	stopped  chan struct{} // closed when the graceful hook has finished
	killAt   <-chan time.Time
}

func (s *supervision) loop() (Exit, error) {
	for {
		select {
		case sig := <-s.signals:
			if sig == syscall.SIGCHLD {
				if exit, ok := s.reap(); ok {
					return exit, nil
				}
				continue
			}
			if sig == syscall.SIGTERM {
				s.beginStop("SIGTERM")
				continue
			}
			s.signal(sig.(syscall.Signal))
		case <-s.done:
			s.done = nil
			s.beginStop("context cancelled")
		case <-s.stopped:
			s.stopped = nil
			s.signal(syscall.SIGTERM)
		case <-s.killAt:
			s.killAt = nil
			s.opts.Log.Info("Graceful stop deadline passed; killing the database's process group", "pid", s.pid)
			_ = syscall.Kill(-s.pid, syscall.SIGKILL)
		}
	}
}

// beginStop runs the graceful hook in the background, then SIGTERM; SIGKILL at the deadline.
func (s *supervision) beginStop(why string) {
	if s.stopping {
		return
	}
	s.stopping = true
	timeout := s.opts.StopTimeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	s.opts.Log.Info("Stopping the database", "reason", why, "deadline", timeout)
	s.killAt = time.After(timeout)
	s.stopped = make(chan struct{})
	if s.opts.GracefulStop == nil {
		close(s.stopped)
		return
	}
	go func() {
		defer close(s.stopped)
		ctx, cancel := context.WithTimeout(context.Background(), timeout/2)
		defer cancel()
		if err := s.opts.GracefulStop(ctx); err != nil {
			s.opts.Log.Error(err, "Graceful stop hook failed; stopping the database anyway")
		}
	}()
}

func (s *supervision) signal(sig syscall.Signal) {
	if err := syscall.Kill(s.pid, sig); err != nil && !errors.Is(err, syscall.ESRCH) {
		s.opts.Log.Error(err, "Forwarding a signal to the database", "signal", sig)
	}
}

// reap collects orphans and reports the database's end once its PID has exited.
func (s *supervision) reap() (Exit, bool) {
	for _, pid := range reapOrphans(s.pid) {
		s.opts.Log.V(1).Info("Reaped an orphan", "pid", pid)
	}
	var status syscall.WaitStatus
	pid, err := syscall.Wait4(s.pid, &status, syscall.WNOHANG, nil)
	if err != nil || pid != s.pid {
		return Exit{}, false
	}
	exit := Exit{Code: status.ExitStatus(), StopRequested: s.stopping}
	if status.Signaled() {
		exit.Signal = status.Signal()
		exit.Code = 128 + int(status.Signal())
	}
	s.opts.Log.Info("The database exited", "pid", pid, "code", exit.Code, "signal", exit.Signal.String())
	// Whatever the database left behind in its process group goes with it.
	_ = syscall.Kill(-s.pid, syscall.SIGKILL)
	return exit, true
}
