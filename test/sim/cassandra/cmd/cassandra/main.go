// Command cassandra is the Cassandra simulator's node process, installed in the simulator images
// at /opt/cassandra/bin/cassandra where the upstream image has the real start script. It reads
// $CASSANDRA_CONF/cassandra.yaml and cassandra-rackdc.properties (CASSANDRA_CONF defaults to
// /etc/cassandra, as in the upstream image), and the JVM system properties Navigator uses, from
// the command line (-Dname=value) and from JVM_OPTS and JVM_EXTRA_OPTS as cassandra-env.sh reads
// them: cassandra.replace_address_first_boot (or replace_address), cassandra.consistent.rangemovement,
// cassandra.ring_delay_ms. It always runs in the foreground (-f is accepted), logs to stdout, and
// fails at start as Cassandra does: exit status 3 for an exception during start-up, 100 for a data
// directory of another cluster. On SIGTERM it announces its shutdown, stops and exits 143, as the
// JVM does.
//
// The release it reports is set at build time: -ldflags "-X main.version=4.1.10".
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/navigator-dbaas/navigator/test/sim/cassandra/config"
	"github.com/navigator-dbaas/navigator/test/sim/cassandra/node"
)

var version = "4.1.10"

func main() {
	os.Exit(run(os.Args[1:], os.Environ(), os.Stdout, os.Stderr))
}

func run(args, env []string, stdout, stderr io.Writer) int {
	props, err := properties(args, env)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	confDir := "/etc/cassandra"
	if dir := lookupEnv(env, "CASSANDRA_CONF"); dir != "" {
		confDir = dir
	}
	series, err := config.ParseVersion(version)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	cfg, err := config.Load(series, filepath.Join(confDir, "cassandra.yaml"))
	if err != nil {
		return fail(stdout, stderr, &node.StartupError{Class: "org.apache.cassandra.exceptions.ConfigurationException",
			Message: err.Error(), Code: node.ExitStartupException})
	}
	rackdc, err := config.LoadRackDC(filepath.Join(confDir, "cassandra-rackdc.properties"))
	if err != nil {
		return fail(stdout, stderr, &node.StartupError{Class: "java.io.IOException", Message: err.Error(), Code: node.ExitStartupException})
	}
	opts := node.Options{Release: version, Log: stdout, Timing: timing(props),
		ReplaceAddress:                 firstOf(props["cassandra.replace_address_first_boot"], props["cassandra.replace_address"]),
		DisableConsistentRangeMovement: props["cassandra.consistent.rangemovement"] == "false",
		ResetBootstrapProgress:         props["cassandra.reset_bootstrap_progress"],
		IgnoreDC:                       props["cassandra.ignore_dc"] == "true",
		IgnoreRack:                     props["cassandra.ignore_rack"] == "true"}
	if addr := jolokiaAgent(env); addr != "" {
		if opts.JolokiaListener, err = net.Listen("tcp", addr); err != nil {
			// The agent fails in premain, and the JVM with it.
			fmt.Fprintf(stderr, "Error occurred during initialization of VM\nagent library failed to init: instrument (%v)\n", err)
			return 1
		}
	}
	if opts.StreamBytesPerSecond = cfg.StreamBytesPerSecond; opts.StreamBytesPerSecond == 0 {
		opts.StreamBytesPerSecond = -1 // unthrottled
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	n, err := node.Start(ctx, cfg, rackdc, opts)
	if err != nil {
		return fail(stdout, stderr, err)
	}
	select {
	case err := <-n.Ready():
		if err != nil {
			return fail(stdout, stderr, err)
		}
	case <-ctx.Done():
		_ = n.Close()
		return node.ExitSIGTERM
	}
	<-ctx.Done()
	if err := n.Close(); err != nil {
		fmt.Fprintln(stderr, "error while stopping:", err)
	}
	return node.ExitSIGTERM
}

// fail reports a start-up failure as CassandraDaemon.activate does, and returns the exit status.
func fail(stdout, stderr io.Writer, err error) int {
	var se *node.StartupError
	if !errors.As(err, &se) {
		se = &node.StartupError{Class: "java.lang.RuntimeException", Message: err.Error(), Code: node.ExitStartupException}
	}
	if se.Code == node.ExitFatalConfiguration {
		// CassandraDaemon.setup: a ConfigurationException out of StorageService.initServer.
		fmt.Fprintln(stderr, se.Message+"\nFatal configuration error; unable to start server.  See log for stacktrace.")
		return se.Code
	}
	fmt.Fprintln(stdout, se.StdoutLine())
	fmt.Fprintln(stderr, se.Message)
	return se.Code
}

// properties collects -Dname=value from JVM_OPTS, JVM_EXTRA_OPTS and the command line (later
// wins), and checks the launcher's other options.
func properties(args, env []string) (map[string]string, error) {
	var words []string
	for _, name := range []string{"JVM_OPTS", "JVM_EXTRA_OPTS"} {
		words = append(words, strings.Fields(lookupEnv(env, name))...)
	}
	out := map[string]string{}
	for i := 0; i < len(words)+len(args); i++ {
		var w string
		fromArgs := i >= len(words)
		if fromArgs {
			w = args[i-len(words)]
		} else {
			w = words[i]
		}
		switch {
		case strings.HasPrefix(w, "-D"):
			k, v, _ := strings.Cut(strings.TrimPrefix(w, "-D"), "=")
			out[k] = v
		case !fromArgs, w == "-f", w == "-R":
			// other JVM options; foreground (always) and allow-root
		case w == "-p", w == "-H", w == "-E":
			i++ // pidfile, heap dump and error file paths
		default:
			return nil, unrecognized(w)
		}
	}
	return out, nil
}

// jolokiaAgent is where the Jolokia agent named by the JVM options listens: the host and port of
// -javaagent:<path to a jolokia jar>=host=…,port=… (127.0.0.1:8778 when not given, the agent's
// defaults being localhost and 8778); empty when no such agent is named.
func jolokiaAgent(env []string) string {
	for _, name := range []string{"JVM_OPTS", "JVM_EXTRA_OPTS"} {
		for _, w := range strings.Fields(lookupEnv(env, name)) {
			agent, ok := strings.CutPrefix(w, "-javaagent:")
			jar, config, _ := strings.Cut(agent, "=")
			if !ok || !strings.Contains(filepath.Base(jar), "jolokia") {
				continue
			}
			host, port := "127.0.0.1", "8778"
			for _, kv := range strings.Split(config, ",") {
				k, v, _ := strings.Cut(kv, "=")
				switch k {
				case "host":
					host = v
				case "port":
					port = v
				}
			}
			return net.JoinHostPort(host, port)
		}
	}
	return ""
}

// unrecognized is the launcher's refusal of an option it does not know.
type unrecognized string

func (u unrecognized) Error() string { return "Unrecognized option: " + string(u) }

func lookupEnv(env []string, name string) string {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, name+"="); ok {
			return v
		}
	}
	return ""
}

func firstOf(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// timing is Cassandra's timing with the JVM system properties that change it.
func timing(props map[string]string) node.Timing {
	tm := node.DefaultTiming()
	if ms, err := strconv.Atoi(props["cassandra.ring_delay_ms"]); err == nil {
		tm.RingDelay = time.Duration(ms) * time.Millisecond
	}
	// Gossiper.getFailedBootstrapTimeout: -1 keeps a silent joiner for good.
	if ms, err := strconv.ParseInt(props["cassandra.failed_bootstrap_timeout_ms"], 10, 64); err == nil {
		tm.FailedBootstrap = time.Duration(ms) * time.Millisecond
		if ms == -1 {
			tm.FailedBootstrap = math.MaxInt64
		}
	}
	// 0 skips the wait; a positive number only bounds the polls (CassandraRelevantProperties).
	tm.SkipSettle = props["cassandra.skip_wait_for_gossip_to_settle"] == "0"
	return tm
}
