// Package manager builds navigator-controller's controller-runtime Manager: the scheme with
// Navigator's kinds, leader election through a Lease, the metrics and probe endpoints, the
// namespace scope of the cache, and the Pilot lifecycle. The engines' reconcilers are set up on
// it from Options.Engines, which the binary lists (one line per engine); this package knows no
// engine (docs/design/0009-one-folder-per-engine.md).
package manager

import (
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/config"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/controller/pilot"
	"github.com/navigator-dbaas/navigator/internal/resources/workload"
)

// LeaderElectionID names the Lease that navigator-controller replicas compete for.
const LeaderElectionID = "navigator-controller.navigator.dev"

// Engine sets one engine's reconcilers up on the manager. Each engine's controller package
// provides its own (internal/<engine>/controller.Engine).
type Engine struct {
	// Kind is the engine's cluster kind, for errors.
	Kind string
	// Setup registers the engine's reconcilers; images are the pilot image settings its
	// workloads inject.
	Setup func(mgr ctrl.Manager, images workload.Images) error
}

// Options are navigator-controller's settings, one per flag, and the engines it runs.
type Options struct {
	// Engines are the engines whose clusters the controller manages.
	Engines []Engine
	// MetricsAddr serves Prometheus metrics; "0" turns them off.
	MetricsAddr string
	// ProbeAddr serves /healthz and /readyz.
	ProbeAddr string
	// LeaderElect makes replicas elect one active leader through a Lease.
	LeaderElect bool
	// LeaderElectionNamespace holds the Lease; empty means the pod's own namespace.
	LeaderElectionNamespace string
	// WatchNamespaces limits the controller to these namespaces; empty means all.
	WatchNamespaces []string
	// ExcludeNamespaces are namespaces the controller leaves alone while it manages all the
	// others: where a second controller (the canary of a new release, a test's) manages the
	// clusters instead. It cannot be combined with WatchNamespaces.
	ExcludeNamespaces []string
	// GracefulShutdownTimeout bounds how long runnables get to stop on SIGTERM.
	GracefulShutdownTimeout time.Duration
	// PilotImage and PilotPullPolicy are injected into database pods whose cluster names no
	// pilot image of its own.
	PilotImage      string
	PilotPullPolicy corev1.PullPolicy
	// SkipNameValidation lets one process build several managers, as tests do; controller names
	// are otherwise unique per process so that their metrics do not collide.
	SkipNameValidation bool
}

// Scheme returns a scheme with the Kubernetes kinds and Navigator's.
func Scheme() (*runtime.Scheme, error) {
	s := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(s); err != nil {
		return nil, fmt.Errorf("registering Kubernetes kinds: %w", err)
	}
	if err := navv1alpha1.AddToScheme(s); err != nil {
		return nil, fmt.Errorf("registering Navigator kinds: %w", err)
	}
	return s, nil
}

// New builds the manager. It does not start it.
func New(cfg *rest.Config, o Options) (ctrl.Manager, error) {
	scheme, err := Scheme()
	if err != nil {
		return nil, err
	}
	if len(o.WatchNamespaces) > 0 && len(o.ExcludeNamespaces) > 0 {
		return nil, fmt.Errorf("watch-namespaces and exclude-namespaces cannot be combined: list only the namespaces to watch")
	}
	// Every informer of the cache lists and watches with this selector, so no event of an
	// excluded namespace ever reaches a reconciler; the API server filters, not the controller.
	var exclude fields.Selector
	if len(o.ExcludeNamespaces) > 0 {
		terms := make([]fields.Selector, 0, len(o.ExcludeNamespaces))
		for _, ns := range o.ExcludeNamespaces {
			terms = append(terms, fields.OneTermNotEqualSelector("metadata.namespace", ns))
		}
		exclude = fields.AndSelectors(terms...)
	}
	var namespaces map[string]cache.Config
	if len(o.WatchNamespaces) > 0 {
		namespaces = make(map[string]cache.Config, len(o.WatchNamespaces))
		for _, ns := range o.WatchNamespaces {
			namespaces[ns] = cache.Config{}
		}
	}
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                  scheme,
		Metrics:                 metricsserver.Options{BindAddress: o.MetricsAddr},
		HealthProbeBindAddress:  o.ProbeAddr,
		LeaderElection:          o.LeaderElect,
		LeaderElectionID:        LeaderElectionID,
		LeaderElectionNamespace: o.LeaderElectionNamespace,
		// A leader that stops cleanly hands over at once instead of after the lease expires.
		LeaderElectionReleaseOnCancel: true,
		GracefulShutdownTimeout:       &o.GracefulShutdownTimeout,
		Cache:                         cache.Options{DefaultNamespaces: namespaces, DefaultFieldSelector: exclude},
		Controller:                    config.Controller{SkipNameValidation: &o.SkipNameValidation},
	})
	if err != nil {
		return nil, fmt.Errorf("creating the manager: %w", err)
	}
	if err := (&pilot.Reconciler{Client: mgr.GetClient()}).SetupWithManager(mgr); err != nil {
		return nil, fmt.Errorf("setting up the Pilot lifecycle: %w", err)
	}
	images := workload.Images{Pilot: o.PilotImage, PilotPullPolicy: o.PilotPullPolicy}
	for _, e := range o.Engines {
		if err := e.Setup(mgr, images); err != nil {
			return nil, fmt.Errorf("setting up the %s controller: %w", e.Kind, err)
		}
	}
	if err := mgr.AddHealthzCheck("ping", healthz.Ping); err != nil {
		return nil, fmt.Errorf("adding the health check: %w", err)
	}
	if err := mgr.AddReadyzCheck("ping", healthz.Ping); err != nil {
		return nil, fmt.Errorf("adding the readiness check: %w", err)
	}
	return mgr, nil
}
