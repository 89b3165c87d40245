package jvm

import (
	"errors"
	"fmt"
	"io"
	"os/exec"
	"syscall"
	"time"
)

// Process is a running node: the JVM a launcher became, in a process group of its own.
type Process struct {
	cmd  *exec.Cmd
	done chan struct{}
	err  error
}

// Start runs path with args and env (a launcher, or the pilot's command for the node), its
// output going to out, in its own process group.
func Start(path string, args, env []string, out io.Writer) (*Process, error) {
	return StartAs(path, args, env, "", nil, out)
}

// StartAs is Start in the working directory dir ("": the test's), as the user cred names (nil:
// the test's own): OpenSearch refuses to run as root.
func StartAs(path string, args, env []string, dir string, cred *syscall.Credential, out io.Writer) (*Process, error) {
	cmd := exec.Command(path, args...)
	cmd.Env, cmd.Dir = env, dir
	cmd.Stdout, cmd.Stderr = out, out
	// Pdeathsig: a test binary that dies (a panic, its -timeout) takes its nodes with it rather
	// than leave JVMs of 800 MiB each holding the loopback addresses of the next run.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL, Credential: cred}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &Process{cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// Kill stops the node as a crash does, and waits for it to be gone.
func (p *Process) Kill() error {
	return p.signal(syscall.SIGKILL, 30*time.Second)
}

// Stop sends SIGTERM, as the kubelet does, and waits up to timeout for the JVM to exit.
func (p *Process) Stop(timeout time.Duration) error {
	return p.signal(syscall.SIGTERM, timeout)
}

func (p *Process) signal(sig syscall.Signal, timeout time.Duration) error {
	select {
	case <-p.done:
		return nil
	default:
	}
	if err := syscall.Kill(-p.cmd.Process.Pid, sig); err != nil && !errors.Is(err, syscall.ESRCH) {
		return err
	}
	select {
	case <-p.done:
		return nil
	case <-time.After(timeout):
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.done
		return fmt.Errorf("the node did not exit within %s of %s", timeout, sig)
	}
}

// Exited reports whether the process has ended, and how.
func (p *Process) Exited() (bool, error) {
	select {
	case <-p.done:
		return true, p.err
	default:
		return false, nil
	}
}
