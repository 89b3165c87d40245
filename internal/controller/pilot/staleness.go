package pilot

import (
	"time"

	"k8s.io/apimachinery/pkg/api/meta"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
)

// DefaultStaleAfter is how old a Pilot's heartbeat may be before its report is not believed:
// three heartbeat intervals, so one lost write does not make a node unknown.
const DefaultStaleAfter = 3 * time.Minute

// NodeState is what the controller may believe about one node.
type NodeState string

// Node states. Unknown is never healthy: a stale or missing report allows no disruption.
const (
	NodeReady    NodeState = "Ready"
	NodeNotReady NodeState = "NotReady"
	NodeUnknown  NodeState = "Unknown"
)

// StateOf says what a Pilot's status allows the controller to believe at now.
func StateOf(p *navv1alpha1.Pilot, now time.Time, staleAfter time.Duration) NodeState {
	hb := p.Status.LastHeartbeatTime
	if hb == nil || now.Sub(hb.Time) > staleAfter {
		return NodeUnknown
	}
	if meta.IsStatusConditionTrue(p.Status.Conditions, navv1alpha1.PilotConditionReady) {
		return NodeReady
	}
	return NodeNotReady
}

// Summary sorts a cluster's Pilots by what may be believed of them.
type Summary struct {
	Ready, NotReady, Unknown []string
}

// Summarize sorts pilots into ready, not ready and unknown (stale or silent) nodes.
func Summarize(pilots []navv1alpha1.Pilot, now time.Time, staleAfter time.Duration) Summary {
	var s Summary
	for i := range pilots {
		switch StateOf(&pilots[i], now, staleAfter) {
		case NodeReady:
			s.Ready = append(s.Ready, pilots[i].Name)
		case NodeNotReady:
			s.NotReady = append(s.NotReady, pilots[i].Name)
		default:
			s.Unknown = append(s.Unknown, pilots[i].Name)
		}
	}
	return s
}
