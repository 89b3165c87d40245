package controller

import (
	"sigs.k8s.io/controller-runtime/pkg/client"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	res "github.com/navigator-dbaas/navigator/internal/elasticsearch/resources"
	"github.com/navigator-dbaas/navigator/internal/failpoint"
	searchctl "github.com/navigator-dbaas/navigator/internal/search/controller"
	searchres "github.com/navigator-dbaas/navigator/internal/search/resources"
)

// Dialect is Elasticsearch's, for the shared reconciler.
var Dialect = searchctl.Dialect{
	Dialect:  res.Dialect,
	Product:  "Elasticsearch",
	Watch:    "elasticsearchcluster",
	Eligible: "master-eligible",
	New:      func() client.Object { return &navv1alpha1.ElasticsearchCluster{} },
	View:     func(o client.Object) searchres.Cluster { return res.View(o.(*navv1alpha1.ElasticsearchCluster)) },
	Facts:    facts,
	Bootstrap: func(sp *navv1alpha1.PilotSpec, initial []string) {
		sp.Elasticsearch = nil
		if initial != nil {
			sp.Elasticsearch = &navv1alpha1.ElasticsearchPilotSpec{InitialMasterNodes: initial}
		}
	},
	Failpoints: searchctl.Failpoints{
		StatefulSetWritten: failpoint.ElasticsearchStatefulSetWritten,
		UUIDRecorded:       failpoint.ElasticsearchUUIDRecorded,
		LeaveAsked:         failpoint.ElasticsearchLeaveAsked,
		LeaveWithdrawn:     failpoint.ElasticsearchLeaveWithdrawn,
		Shrunk:             failpoint.ElasticsearchShrunk,
		Grown:              failpoint.ElasticsearchGrown,
		GateOpened:         failpoint.ElasticsearchGateOpened,
		RestartPrepared:    failpoint.ElasticsearchRestartPrepared,
		PodDeleted:         failpoint.ElasticsearchPodDeleted,
	},
}

// facts reads the Pilot's elasticsearch section: a remove-type shutdown Elasticsearch reports
// STALLED is a leave whose shards cannot move.
func facts(p *navv1alpha1.Pilot) *searchctl.Facts {
	es := p.Status.Elasticsearch
	if es == nil {
		return nil
	}
	f := &searchctl.Facts{ClusterUUID: es.ClusterUUID, Master: es.MasterNode, Shards: es.Shards, Health: es.ClusterHealth}
	if sd := es.Shutdown; sd != nil && sd.Type == "remove" && sd.Status == "STALLED" {
		f.Stalled = sd.Explanation
	}
	return f
}

// Engine registers the ElasticsearchCluster reconciler on navigator-controller's manager; the
// binary lists it in manager.Options.Engines.
var Engine = Dialect.Registration("ElasticsearchCluster")
