// Command navigator-controller is Navigator's operator: it watches ElasticsearchClusters,
// CassandraClusters and Pilots and drives each cluster toward its spec. This file only turns
// flags into manager.Options and lists the engines; internal/controller/manager builds the rest.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	ctrl "sigs.k8s.io/controller-runtime"

	cassandra "github.com/navigator-dbaas/navigator/internal/cassandra/controller"
	"github.com/navigator-dbaas/navigator/internal/controller/manager"
	elasticsearch "github.com/navigator-dbaas/navigator/internal/elasticsearch/controller"
	"github.com/navigator-dbaas/navigator/internal/logging"
	opensearch "github.com/navigator-dbaas/navigator/internal/opensearch/controller"
)

func main() {
	o := manager.Options{Engines: []manager.Engine{
		elasticsearch.Engine,
		cassandra.Engine,
		opensearch.Engine,
	}}
	var namespaces, excluded, level, format string
	flag.StringVar(&o.MetricsAddr, "metrics-bind-address", ":8080", "Address of the Prometheus metrics endpoint; 0 turns it off.")
	flag.StringVar(&o.ProbeAddr, "health-probe-bind-address", ":8081", "Address of the /healthz and /readyz endpoints.")
	flag.BoolVar(&o.LeaderElect, "leader-elect", true, "Elect one active replica through a Lease.")
	flag.StringVar(&o.LeaderElectionNamespace, "leader-election-namespace", "", "Namespace of the Lease; empty means the pod's namespace.")
	flag.StringVar(&namespaces, "watch-namespaces", "", "Comma-separated namespaces to manage; empty means all namespaces.")
	flag.StringVar(&excluded, "exclude-namespaces", "", "Comma-separated namespaces to leave alone while managing all others; not with --watch-namespaces.")
	flag.DurationVar(&o.GracefulShutdownTimeout, "graceful-shutdown-timeout", 30*time.Second, "How long to wait for work in progress on SIGTERM.")
	flag.StringVar(&o.PilotImage, "pilot-image", "", "navigator-pilot image injected into database pods whose cluster names none.")
	var pullPolicy string
	flag.StringVar(&pullPolicy, "pilot-image-pull-policy", string(corev1.PullIfNotPresent), "Pull policy of the pilot image: Always, IfNotPresent or Never.")
	flag.StringVar(&level, "log-level", "info", "Log level: debug, info, error, or a number (higher is more verbose).")
	flag.StringVar(&format, "log-format", "json", "Log format: json or text.")
	flag.Parse()
	o.PilotPullPolicy = corev1.PullPolicy(pullPolicy)

	logger, err := logging.New(os.Stderr, level, format)
	if err != nil {
		fmt.Fprintln(os.Stderr, "navigator-controller:", err)
		os.Exit(2)
	}
	ctrl.SetLogger(logger)
	log := ctrl.Log.WithName("setup")
	o.WatchNamespaces, o.ExcludeNamespaces = list(namespaces), list(excluded)

	mgr, err := manager.New(ctrl.GetConfigOrDie(), o)
	if err != nil {
		log.Error(err, "Unable to set up the manager")
		os.Exit(1)
	}
	log.Info("Starting navigator-controller", "watchNamespaces", o.WatchNamespaces, "excludeNamespaces", o.ExcludeNamespaces, "leaderElect", o.LeaderElect)
	// SetupSignalHandler cancels on SIGTERM: the manager stops its runnables, releases the Lease
	// and returns, within GracefulShutdownTimeout.
	if err := mgr.Start(ctrl.SetupSignalHandler()); err != nil {
		log.Error(err, "Manager stopped with an error")
		os.Exit(1)
	}
	log.Info("Stopped navigator-controller")
}

// list splits a comma-separated flag value, dropping empty items.
func list(v string) []string {
	var out []string
	for _, item := range strings.Split(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}
