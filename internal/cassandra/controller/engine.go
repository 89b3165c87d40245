package controller

import (
	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/navigator-dbaas/navigator/internal/controller/manager"
	"github.com/navigator-dbaas/navigator/internal/resources/workload"
)

// Engine registers the CassandraCluster reconciler on navigator-controller's manager; the binary lists it
// in manager.Options.Engines.
var Engine = manager.Engine{Kind: "CassandraCluster", Setup: func(mgr ctrl.Manager, images workload.Images) error {
	r := &Reconciler{Client: mgr.GetClient(), Recorder: mgr.GetEventRecorder("navigator-controller"), Images: images}
	return r.SetupWithManager(mgr)
}}
