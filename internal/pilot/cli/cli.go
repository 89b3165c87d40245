// Package cli is navigator-pilot's command line, shared by the release binary (which registers
// the Elasticsearch and Cassandra engines) and by test binaries (which register test engines).
//
//	navigator-pilot install DEST               copy this binary to DEST (the init container)
//	navigator-pilot ENGINE [flags] -- CMD...   run CMD as the pilot's supervised database
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"k8s.io/klog/v2"

	"github.com/navigator-dbaas/navigator/internal/logging"
	"github.com/navigator-dbaas/navigator/internal/pilot/agent"
	"github.com/navigator-dbaas/navigator/internal/pilot/engine"
	"github.com/navigator-dbaas/navigator/internal/pilot/kube"
)

// Factory registers an engine's own flags and returns the function that builds it once the
// flags are parsed.
type Factory func(fs *flag.FlagSet) func() (engine.Engine, error)

// Main runs the pilot with the given engines and exits with the database's status.
func Main(engines map[string]Factory) {
	os.Exit(run(os.Args[1:], engines))
}

func run(args []string, engines map[string]Factory) int {
	names := make([]string, 0, len(engines))
	for n := range engines {
		names = append(names, n)
	}
	slices.Sort(names)
	if len(args) == 0 {
		fmt.Fprintf(os.Stderr, "usage: navigator-pilot install DEST | navigator-pilot ENGINE [flags] -- COMMAND...\nengines: %s\n", strings.Join(names, ", "))
		return 2
	}
	if args[0] == "install" {
		if len(args) != 2 {
			fmt.Fprintln(os.Stderr, "usage: navigator-pilot install DEST")
			return 2
		}
		if err := install(args[1]); err != nil {
			fmt.Fprintln(os.Stderr, "navigator-pilot install:", err)
			return 1
		}
		return 0
	}
	factory, ok := engines[args[0]]
	if !ok {
		fmt.Fprintf(os.Stderr, "navigator-pilot: unknown engine %q; this binary has: %s\n", args[0], strings.Join(names, ", "))
		return 2
	}
	code, err := runEngine(args[0], args[1:], factory)
	if err != nil {
		fmt.Fprintln(os.Stderr, "navigator-pilot:", err)
	}
	return code
}

// install copies this executable to dest, so that the database container, which runs the
// unchanged upstream image, can run it from a shared emptyDir; and the Java agents shipped beside
// it (the directory agents next to the executable: the Jolokia agent the Cassandra engine adds
// to the JVM) to the directory agents next to dest.
func install(dest string) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	if err := copyFile(self, dest, 0o755); err != nil {
		return err
	}
	agents := filepath.Join(filepath.Dir(self), "agents")
	entries, err := os.ReadDir(agents)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Type().IsRegular() {
			if err := copyFile(filepath.Join(agents, e.Name()), filepath.Join(filepath.Dir(dest), "agents", e.Name()), 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

// copyFile copies src to dest, which appears whole or not at all.
func copyFile(src, dest string, mode os.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer func() { _ = in.Close() }()
	tmp := dest + ".tmp"
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return err
	}
	dst, err := os.OpenFile(tmp, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, in); err != nil {
		_ = dst.Close()
		return err
	}
	if err := dst.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, dest)
}

type options struct {
	listen, level, format, cluster string
	node                           engine.Node
	heartbeat, observe, transition time.Duration
	stop                           time.Duration
	command                        []string
}

// parseFlags reads the pilot's flags, the engine's flags and the database command after `--`.
func parseFlags(name string, args []string, factory Factory) (options, func() (engine.Engine, error), error) {
	fs := flag.NewFlagSet("navigator-pilot "+name, flag.ContinueOnError)
	var o options
	fs.StringVar(&o.listen, "listen", ":9110", "Address of /livez, /readyz and /metrics.")
	fs.StringVar(&o.level, "log-level", "info", "Log level: debug, info, error, or a verbosity number.")
	fs.StringVar(&o.format, "log-format", "json", "Log format: json or text.")
	fs.StringVar(&o.node.Name, "pod-name", os.Getenv("POD_NAME"), "Name of this pod and of its Pilot.")
	fs.StringVar(&o.node.Namespace, "pod-namespace", os.Getenv("POD_NAMESPACE"), "Namespace of this pod.")
	fs.StringVar(&o.node.IP, "pod-ip", os.Getenv("POD_IP"), "IP of this pod.")
	fs.StringVar(&o.cluster, "cluster", os.Getenv("NAVIGATOR_CLUSTER"), "Name of the cluster resource this node belongs to.")
	fs.DurationVar(&o.heartbeat, "heartbeat-interval", agent.DefaultHeartbeat, "Longest time between two status writes of a settled node.")
	fs.DurationVar(&o.observe, "observe-interval", agent.DefaultObserve, "How often the engine of a settled node is observed.")
	fs.DurationVar(&o.transition, "transition-interval", agent.DefaultTransition, "How often the engine is observed while the node starts, joins or carries out an action.")
	fs.DurationVar(&o.stop, "stop-timeout", 60*time.Second, "Bound of the graceful stop; shorter than the pod's grace period.")
	build := factory(fs)
	if err := fs.Parse(args); err != nil {
		return o, nil, err
	}
	if o.command = fs.Args(); len(o.command) == 0 {
		return o, nil, errors.New("no database command: give it after --")
	}
	if o.node.Name == "" || o.node.Namespace == "" {
		return o, nil, errors.New("--pod-name and --pod-namespace (or POD_NAME and POD_NAMESPACE) are required")
	}
	return o, build, nil
}

// runEngine runs the pilot for one engine until the database exits, and returns its status.
func runEngine(name string, args []string, factory Factory) (int, error) {
	o, build, err := parseFlags(name, args, factory)
	if err != nil {
		return 2, err
	}
	log, err := logging.New(os.Stderr, o.level, o.format)
	if err != nil {
		return 2, err
	}
	// client-go's informers log through klog: send them to the same structured log.
	klog.SetLogger(log.WithName("client-go"))
	eng, err := build()
	if err != nil {
		return 2, fmt.Errorf("building the %s engine: %w", name, err)
	}

	log.Info("Starting navigator-pilot", "engine", name, "pod", o.node.Name, "namespace", o.node.Namespace)
	cfg, err := kube.Config()
	if err != nil {
		return 1, fmt.Errorf("loading the API server's configuration: %w", err)
	}
	kind := eng.ClusterKind()
	if kind.Resource != "" && o.cluster == "" {
		return 2, errors.New("--cluster (or NAVIGATOR_CLUSTER) is required by this engine")
	}
	api, err := kube.New(cfg, kube.Target{
		Namespace: o.node.Namespace, Pilot: o.node.Name,
		ClusterResource: kind.Resource, Cluster: o.cluster, NewCluster: kind.New, NewClusterList: kind.NewList,
	})
	if err != nil {
		return 1, err
	}
	registry := prometheus.NewRegistry()
	registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if m, ok := eng.(engine.Metered); ok {
		registry.MustRegister(m.Collectors()...)
	}
	a := &agent.Agent{
		Engine: eng, Node: o.node, Command: o.command, API: api,
		Heartbeat: o.heartbeat, Observe: o.observe, Transition: o.transition, StopTimeout: o.stop,
		Log: log.WithName("agent"), Metrics: agent.NewMetrics(registry),
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = api.Run(ctx, a.Kick) }()
	srv := &http.Server{Addr: o.listen, Handler: endpoints(a, registry), ReadHeaderTimeout: 5 * time.Second}
	go func() {
		// The database keeps running without the endpoints; the kubelet's probes will say so.
		if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error(err, "Serving /livez, /readyz and /metrics")
		}
	}()
	exit, err := a.Run(ctx)
	shutdown, stop := context.WithTimeout(context.Background(), 2*time.Second)
	defer stop()
	_ = srv.Shutdown(shutdown)
	return exit.Code, err
}

// endpoints serves the kubelet's probes and Prometheus on one port.
func endpoints(a *agent.Agent, registry *prometheus.Registry) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /livez", probeHandler(a.Live))
	mux.Handle("GET /readyz", probeHandler(a.Ready))
	mux.Handle("GET /metrics", promhttp.HandlerFor(registry, promhttp.HandlerOpts{}))
	return mux
}

func probeHandler(check func(context.Context) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		if err := check(ctx); err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, "ok")
	})
}
