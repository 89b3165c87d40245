package elasticsearch

import (
	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/controller/pilot"
)

// health is the cluster health as the fresh reports tell it: the elected master's own view
// when its pilot is fresh (the master decides allocation), else the worst fresh view, else
// unknown. A stale report never makes the cluster look healthy.
func (s *clusterState) health() navv1alpha1.ElasticsearchHealth {
	worst := navv1alpha1.ElasticsearchHealth("")
	for _, n := range s.nodes() {
		if n.state == pilot.NodeUnknown || n.pilot.Status.Elasticsearch == nil {
			continue
		}
		es := n.pilot.Status.Elasticsearch
		if es.ClusterHealth == "" {
			continue
		}
		if es.MasterNode != "" && es.MasterNode == n.pilot.Status.Node.ID {
			return es.ClusterHealth
		}
		if worst == "" || rank(es.ClusterHealth) > rank(worst) {
			worst = es.ClusterHealth
		}
	}
	if worst == "" {
		return navv1alpha1.ESHealthUnknown
	}
	return worst
}

func rank(h navv1alpha1.ElasticsearchHealth) int {
	switch h {
	case navv1alpha1.ESHealthGreen:
		return 0
	case navv1alpha1.ESHealthYellow:
		return 1
	case navv1alpha1.ESHealthRed:
		return 2
	default:
		return 3
	}
}
