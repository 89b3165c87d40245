package controller

import (
	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/controller/pilot"
)

// health is the worst cluster health among the fresh reports of nodes in a cluster, or unknown
// without any. Not the elected master's view alone: a pilot writes on change, so a master that
// never observed a restarted node's short absence still shows the green it saw before, while the
// restarted node's own first report, made after it joined, shows its copies recovering. A stale
// report never makes the cluster look healthy. A node that knows no elected master reports
// unknown: it cannot see the cluster's shards, and its own copies are out of the cluster's
// routing, which the others' reports count. It is a node down, held by the budget and by
// oneMasterAtATime, not a cluster of unknown health; letting it make the whole cluster unknown
// would also hold its own restart, the only way back for a node of an older version that
// dropped out of a cluster now made only of newer ones (the engine refuses its join).
func (s *clusterState) health() navv1alpha1.SearchHealth {
	worst := navv1alpha1.SearchHealth("")
	for _, n := range s.nodes() {
		if n.State == pilot.NodeUnknown || n.facts == nil {
			continue
		}
		h := n.facts.Health
		if h != "" && h != navv1alpha1.HealthUnknown && (worst == "" || rank(h) > rank(worst)) {
			worst = h
		}
	}
	if worst == "" {
		return navv1alpha1.HealthUnknown
	}
	return worst
}

func rank(h navv1alpha1.SearchHealth) int {
	switch h {
	case navv1alpha1.HealthGreen:
		return 0
	case navv1alpha1.HealthYellow:
		return 1
	case navv1alpha1.HealthRed:
		return 2
	default:
		return 3
	}
}
