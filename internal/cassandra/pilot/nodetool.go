package pilot

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/navigator-dbaas/navigator/internal/cassandra/jolokia"
	"github.com/navigator-dbaas/navigator/internal/cassandra/nodetool"
	"github.com/navigator-dbaas/navigator/internal/pilot/agent"
)

const (
	// readTimeout bounds the nodetool runs that only read (status, version, netstats): one that
	// takes longer is a node that does not answer.
	readTimeout = 30 * time.Second
	// freshStatus is how old a nodetool status may be for Observe and the engine's own checks:
	// calls of the same step share it rather than start a JVM each.
	freshStatus = time.Second
	// readyStatus is how old a ring status the readiness probe may answer from: the agent
	// observes every few seconds, so the probe, every second, normally reads no status of its
	// own. Whether the node serves CQL, the probe checks live every time.
	readyStatus = 2 * agent.DefaultObserve
	// waitDelay bounds the wait for nodetool's output once it has exited or been killed, should
	// a child of the script keep the pipes open.
	waitDelay = 5 * time.Second
)

// nodetoolError is a nodetool run that failed: the node refused, raised an error, or could not
// be reached.
type nodetoolError struct {
	command string
	// message is what nodetool printed about it (nodetool.Failure).
	message string
}

func (e *nodetoolError) Error() string { return fmt.Sprintf("nodetool %s: %s", e.command, e.message) }

// run runs nodetool with args and returns what it printed on stdout. A run that succeeds tells
// that the node answers nodetool (see Live).
func (e *Engine) run(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, e.Nodetool[0], append(e.Nodetool[1:len(e.Nodetool):len(e.Nodetool)], args...)...)
	// nodetool finds the JMX port in cassandra-env.sh under CASSANDRA_CONF, as Cassandra does.
	cmd.Env = append(os.Environ(), "CASSANDRA_CONF="+e.ConfigDir)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = waitDelay
	if err := cmd.Run(); err != nil {
		msg := nodetool.Failure(stdout.String(), stderr.String())
		if msg == "" || ctx.Err() != nil {
			msg = strings.TrimSpace(msg + " (" + err.Error() + ")")
		}
		return stdout.String(), &nodetoolError{command: strings.Join(args, " "), message: msg}
	}
	e.markAnswered()
	return stdout.String(), nil
}

// read runs a read-only nodetool command, bounded by readTimeout.
func (e *Engine) read(ctx context.Context, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, readTimeout)
	defer cancel()
	return e.run(ctx, args...)
}

// statusRead is a nodetool status, the node's operation mode read with it (through the agent;
// empty through nodetool), and when they were read.
type statusRead struct {
	at     time.Time
	status *nodetool.Status
	mode   string
	// gossip is what the node's gossip holds of each member of status (the failure detector's
	// flag, the generation); nil when read through nodetool, which prints neither.
	gossip map[string]jolokia.Peer
}

// status is nodetool status, read again when the last one is older than maxAge. Callers at the
// same time share one run.
func (e *Engine) status(ctx context.Context, maxAge time.Duration) (*nodetool.Status, error) {
	r, err := e.ring(ctx, maxAge)
	if err != nil {
		return nil, err
	}
	return r.status, nil
}

// ring is the last read of the ring, read again when older than maxAge.
func (e *Engine) ring(ctx context.Context, maxAge time.Duration) (*statusRead, error) {
	e.mu.Lock()
	last := e.lastStatus
	e.mu.Unlock()
	if last != nil && e.Clock.Since(last.at) < maxAge {
		return last, nil
	}
	r, err, _ := e.statusRuns.Do("status", func() (any, error) {
		r, err := e.readRing(ctx)
		if err != nil {
			return nil, err
		}
		r.at = e.Clock.Now()
		e.mu.Lock()
		e.lastStatus = r
		e.mu.Unlock()
		return r, nil
	})
	if err != nil {
		return nil, err
	}
	return r.(*statusRead), nil
}

// readRing reads the ring through the Jolokia agent when there is one and it answers, else
// through nodetool: status, and netstats for the operation mode.
func (e *Engine) readRing(ctx context.Context) (*statusRead, error) {
	if e.jolokia != nil {
		r, err := e.jolokia.Ring(ctx)
		switch {
		case err == nil:
			e.markAnswered()
			return &statusRead{status: r.Status, mode: r.Mode, gossip: r.Gossip}, nil
		case !jolokia.Gone(err):
			return nil, fmt.Errorf("reading the ring: %w", err)
		}
		// The agent has stopped while the node runs (a failed bootstrap): nodetool still reads
		// it, once JMX answers.
		if err := e.jmxAnswers(ctx, err); err != nil {
			return nil, fmt.Errorf("reading the ring: %w", err)
		}
	}
	out, err := e.read(ctx, "status")
	if err != nil {
		return nil, err
	}
	st, err := nodetool.ParseStatus(out)
	if err != nil {
		return nil, fmt.Errorf("reading nodetool status: %w", err)
	}
	ns, err := e.netstats(ctx)
	if err != nil {
		return nil, err
	}
	return &statusRead{status: st, mode: ns.Mode}, nil
}

// jmxAnswers is nil when JMX answers, so that a nodetool run can read the node although its
// agent refused (agentErr). Before JMX is up (the JVM is starting, and the agent with it), a
// nodetool run would cost a JVM of a second's CPU to learn nothing; the node is observed every
// second while it starts.
func (e *Engine) jmxAnswers(ctx context.Context, agentErr error) error {
	if err := pingJMX(ctx, e.JMXAddress); err != nil {
		return fmt.Errorf("neither the Jolokia agent (%w) nor JMX (%w) answers", agentErr, err)
	}
	return nil
}

// netstats is nodetool netstats: the node's operation mode and its streams.
func (e *Engine) netstats(ctx context.Context) (*nodetool.Netstats, error) {
	out, err := e.read(ctx, "netstats")
	if err != nil {
		return nil, err
	}
	ns, err := nodetool.ParseNetstats(out)
	if err != nil {
		return nil, fmt.Errorf("reading nodetool netstats: %w", err)
	}
	return ns, nil
}

// releaseVersion reads the release (through the agent, or nodetool version when there is none
// or it has stopped) and remembers it: it cannot change while the process runs.
func (e *Engine) releaseVersion(ctx context.Context) (string, error) {
	release, err := e.readRelease(ctx)
	if err != nil {
		return "", err
	}
	e.mu.Lock()
	e.version = release
	e.mu.Unlock()
	return release, nil
}

func (e *Engine) readRelease(ctx context.Context) (string, error) {
	if e.jolokia != nil {
		v, err := e.jolokia.ReleaseVersion(ctx)
		switch {
		case err == nil:
			return v, nil
		case !jolokia.Gone(err):
			return "", fmt.Errorf("reading the release: %w", err)
		}
		if err := e.jmxAnswers(ctx, err); err != nil {
			return "", fmt.Errorf("reading the release: %w", err)
		}
	}
	out, err := e.read(ctx, "version")
	if err != nil {
		return "", err
	}
	v, err := nodetool.ParseVersion(out)
	if err != nil {
		return "", fmt.Errorf("reading nodetool version: %w", err)
	}
	return v.Release, nil
}

// knownVersion is the release, read once per process.
func (e *Engine) knownVersion(ctx context.Context) (string, error) {
	e.mu.Lock()
	v := e.version
	e.mu.Unlock()
	if v != "" {
		return v, nil
	}
	return e.releaseVersion(ctx)
}
