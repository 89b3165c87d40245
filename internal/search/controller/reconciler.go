package controller

import (
	"context"
	"strings"
	"time"

	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/controller/nodes"
	"github.com/navigator-dbaas/navigator/internal/controller/pass"
	"github.com/navigator-dbaas/navigator/internal/controller/pilot"
	"github.com/navigator-dbaas/navigator/internal/controller/progress"
	res "github.com/navigator-dbaas/navigator/internal/search/resources"
)

// Reconciler drives the clusters of one engine (Elasticsearch, OpenSearch) toward their spec.
type Reconciler struct {
	Dialect  Dialect
	Client   client.Client
	Recorder events.EventRecorder
	// Images are the defaults injected when a cluster names none.
	Images res.Images
	// StaleAfter is how old a Pilot's heartbeat may be before its report is not believed.
	StaleAfter time.Duration
	Clock      clock.PassiveClock
}

// SetupWithManager sets the defaults and watches the dialect's kind as pass.Watch says.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	if r.StaleAfter <= 0 {
		r.StaleAfter = pilot.DefaultStaleAfter
	}
	if r.Clock == nil {
		r.Clock = clock.RealClock{}
	}
	return pass.Watch(mgr, r.Dialect.Watch, r.Dialect.Engine, r.Dialect.New(), r)
}

func (r *Reconciler) now() time.Time { return r.Clock.Now() }

// Reconcile is one pass: read everything, take the next safe step of each operation, report.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	obj := r.Dialect.New()
	if ok, err := pass.Get(ctx, r.Client, req.NamespacedName, obj); !ok {
		return ctrl.Result{}, err
	}
	s, err := r.load(ctx, r.Dialect.View(obj))
	if err != nil {
		return ctrl.Result{}, err
	}
	step := func(ctx context.Context, prog *progress.Progress) error { return r.step(ctx, s, prog) }
	report := func(ctx context.Context, prog *progress.Progress) error { return r.writeStatus(ctx, s, prog) }
	recheck, err := pass.Run(ctx, s.c.Spec.Paused, step, report)
	if err != nil {
		return ctrl.Result{}, err
	}
	return ctrl.Result{RequeueAfter: pass.Sooner(recheck, nodes.NextStaleness(s.all(), s.now, r.StaleAfter))}, nil
}

// step takes every operation one safe step further.
func (r *Reconciler) step(ctx context.Context, s *clusterState, prog *progress.Progress) error {
	if err := r.ensureObjects(ctx, s); err != nil {
		return err
	}
	if err := r.recordClusterUUID(ctx, s); err != nil {
		return err
	}
	if err := r.scale(ctx, s, prog); err != nil {
		return err
	}
	if err := r.openGates(ctx, s, prog); err != nil {
		return err
	}
	if err := r.roll(ctx, s, prog); err != nil {
		return err
	}
	if waiting := nodes.Joining(s.all()); len(waiting) > 0 {
		prog.Set(navv1alpha1.ReasonNodesNotReady, "waiting for nodes to join: "+strings.Join(waiting, ", "))
	}
	return nil
}
