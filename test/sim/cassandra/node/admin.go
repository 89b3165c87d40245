package node

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/navigator-dbaas/navigator/test/sim/cassandra/config"
	"github.com/navigator-dbaas/navigator/test/sim/cassandra/nodetool"
	"github.com/navigator-dbaas/navigator/test/sim/cassandra/ring"
)

// The admin endpoint stands where Cassandra has JMX: the nodetool command sends its arguments,
// the node runs the command on its own view and answers with what nodetool prints and its exit
// status. Like JMX with LOCAL_JMX=yes, it listens on 127.0.0.1 only.

type nodetoolRequest struct {
	Args []string `json:"args"`
}

func (n *Node) adminHandler() http.Handler {
	mux := http.NewServeMux()
	handle(mux, "/nodetool", func(ctx context.Context, req *nodetoolRequest) (*nodetool.Result, error) {
		res := n.runNodetool(ctx, req.Args)
		return &res, nil
	})
	return mux
}

// runNodetool runs one command: nodetool's flags, the command and its arguments.
func (n *Node) runNodetool(ctx context.Context, args []string) nodetool.Result {
	var o nodetool.Options
	var words []string
	force := false
	for _, a := range args {
		switch a {
		case "-pp", "--print-port":
			o.PrintPort = true
		case "-H", "--human-readable":
			o.HumanReadable = true
		case "-T", "--tokens":
			o.AllTokens = true
		case "-f", "--force":
			force = true
		case "-r", "--resolve-ip":
		default:
			words = append(words, a)
		}
	}
	if len(words) == 0 {
		return badUse("No command specified")
	}
	cmd, rest := words[0], words[1:]
	o.Snitch = n.cfg.EndpointSnitch
	o.DataDirectory = n.disk.root
	switch cmd {
	case "status", "info", "describecluster", "version", "netstats":
		if cmd == "status" && len(rest) > 0 {
			o.Keyspace = rest[0]
		}
		return n.report(cmd, o)
	case "decommission":
		return decommissionResult(n.decommission(ctx, force))
	case "drain":
		n.drain(ctx)
		return nodetool.Result{}
	case "cleanup":
		return operationResult(n.cleanup(), "java.lang.RuntimeException")
	case "setstreamthroughput":
		return n.setStreamThroughput(rest)
	case "removenode":
		if len(rest) != 1 {
			return badUse("Missing required parameter: host ID, status or force")
		}
		return n.removeNodeCommand(ctx, rest[0])
	}
	return badUse(fmt.Sprintf("Found unexpected parameters: [%s]", strings.Join(words, ", ")))
}

// report prints one of the read-only commands on the node's view.
func (n *Node) report(cmd string, o nodetool.Options) nodetool.Result {
	// The view shares the node's rows, which the formatters read: they run under the lock.
	n.mu.Lock()
	defer n.mu.Unlock()
	view := n.viewLocked(true)
	on := view.Local()
	if on == nil {
		// Before the node has chosen its tokens, and after it has left, it has no place in the
		// ring to report from.
		series, _ := config.ParseVersion(n.opts.Release)
		if cmd == "version" {
			return nodetool.Result{Stdout: "ReleaseVersion: " + n.opts.Release + "\n"}
		}
		if cmd == "netstats" {
			// STARTING before the node has chosen its tokens; DECOMMISSIONED once it has left.
			return nodetool.Result{Stdout: fmt.Sprintf("Mode: %s\n", n.mode)}
		}
		return nodetool.Refused(series, "127.0.0.1", JMXPort)
	}
	var res nodetool.Result
	var err error
	switch cmd {
	case "status":
		res, err = nodetool.Status(view, on, o)
	case "info":
		res, err = nodetool.Info(view, on, time.Now(), o)
	case "describecluster":
		res, err = nodetool.DescribeCluster(view, on, o)
	case "version":
		res, err = nodetool.Version(on)
	case "netstats":
		res, err = nodetool.Netstats(view, on, o)
	}
	if err != nil {
		return failure("java.lang.RuntimeException", err.Error())
	}
	return res
}

// badUse is NodeTool.badUse: a usage error, exit status 1.
func badUse(msg string) nodetool.Result {
	return nodetool.Result{Stdout: "nodetool: " + msg + "\nSee 'nodetool help' or 'nodetool help <command>'.\n", ExitCode: 1}
}

// failure is NodeTool.err: an exception from the node, with its stack trace, exit status 2.
func failure(class, msg string) nodetool.Result {
	return nodetool.Result{Stderr: fmt.Sprintf("error: %s\n-- StackTrace --\n%s: %s\n", msg, class, msg), ExitCode: 2}
}

// operationResult reports an operation's outcome: ring.OperationError is Cassandra's
// UnsupportedOperationException.
func operationResult(err error, class string) nodetool.Result {
	var op *ring.OperationError
	switch {
	case err == nil:
		return nodetool.Result{}
	case errors.As(err, &op):
		return failure("java.lang.UnsupportedOperationException", op.Message)
	}
	return failure(class, err.Error())
}

// decommissionResult: Decommission.java turns UnsupportedOperationException into an
// IllegalStateException "Unsupported operation: ...", which nodetool reports as a usage error.
func decommissionResult(err error) nodetool.Result {
	var op *ring.OperationError
	if errors.As(err, &op) {
		return badUse("Unsupported operation: " + op.Message)
	}
	return operationResult(err, "java.lang.RuntimeException")
}

func (n *Node) removeNodeCommand(ctx context.Context, arg string) nodetool.Result {
	switch arg {
	case "status":
		n.mu.Lock()
		defer n.mu.Unlock()
		for id, st := range n.states {
			if st.Status == statusRemoving {
				return nodetool.Result{Stdout: fmt.Sprintf("RemovalStatus: Removing token (%d). Waiting for replication confirmation from [].\n", slices.Min(n.states[id].Tokens))}
			}
		}
		return nodetool.Result{Stdout: "RemovalStatus: No removals in process.\n"}
	case "force":
		return failure("java.lang.UnsupportedOperationException", "No tokens to force removal on, call 'removenode' first")
	}
	return operationResult(n.removeNode(ctx, arg), "java.lang.RuntimeException")
}

// setStreamThroughput is nodetool setstreamthroughput: a cap in megabits per second
// (StorageService.setStreamThroughputMbitPerSec, 125,000 bytes each), 0 to disable throttling. It
// applies to the sessions that begin afterwards, where Cassandra's shared rate limiter also slows
// those under way.
func (n *Node) setStreamThroughput(args []string) nodetool.Result {
	if len(args) != 1 {
		return badUse("Missing required parameter: stream_throughput")
	}
	mbps, err := strconv.Atoi(args[0])
	if err != nil {
		return badUse(fmt.Sprintf("stream_throughput: can not convert \"%s\" to a Integer", args[0]))
	}
	rate := int64(mbps) * 125_000
	if mbps <= 0 {
		rate = -1
	}
	n.streamRate.Store(rate)
	return nodetool.Result{}
}
