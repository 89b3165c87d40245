package elasticsearch

import (
	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/controller/pilot"
)

// health is the worst cluster health among the fresh reports, or unknown without any. Not the
// elected master's view alone: a pilot writes on change, so a master that never observed a
// restarted node's short absence still shows the green it saw before, while the restarted node's
// own first report, made after it joined, shows its copies recovering. A stale report never
// makes the cluster look healthy.
func (s *clusterState) health() navv1alpha1.ElasticsearchHealth {
	worst := navv1alpha1.ElasticsearchHealth("")
	for _, n := range s.nodes() {
		if n.State == pilot.NodeUnknown || n.Pilot.Status.Elasticsearch == nil {
			continue
		}
		h := n.Pilot.Status.Elasticsearch.ClusterHealth
		if h != "" && (worst == "" || rank(h) > rank(worst)) {
			worst = h
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
