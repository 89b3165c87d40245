package nodes

import (
	"slices"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/controller/pilot"
)

// Node is one ordinal of a pool as the controller sees it.
type Node struct {
	Name    string
	Ordinal int32
	Pod     *corev1.Pod
	Pilot   *navv1alpha1.Pilot
	// State is what the Pilot's status allows the controller to believe; a missing Pilot or a
	// stale heartbeat is Unknown.
	State pilot.NodeState
	// Updated: the pod runs the StatefulSet's current revision.
	Updated bool
}

// New builds the node of one ordinal from the pod and Pilot of that name, if any, at now.
func New(name string, ordinal int32, pod *corev1.Pod, p *navv1alpha1.Pilot, sts *appsv1.StatefulSet, now time.Time, staleAfter time.Duration) *Node {
	n := &Node{Name: name, Ordinal: ordinal, Pod: pod, Pilot: p, State: pilot.NodeUnknown}
	if p != nil && pod != nil && ownedBy(p, pod) {
		n.State = pilot.StateOf(p, now, staleAfter)
		// The kubelet's readiness probe asks the same pilot, but Services and disruption budgets
		// go by the pod's condition: until the kubelet agrees, no client reaches the node and a
		// budget counts it unavailable, so the controller does not count it ready either.
		if n.State == pilot.NodeReady && !podReady(pod) {
			n.State = pilot.NodeNotReady
		}
	} else {
		// A Pilot left from the pod's previous life says nothing of the new pod.
		n.Pilot = nil
	}
	if pod != nil && sts != nil {
		n.Updated = pod.Labels[appsv1.ControllerRevisionHashLabelKey] == sts.Status.UpdateRevision
	}
	return n
}

func podReady(pod *corev1.Pod) bool {
	return slices.ContainsFunc(pod.Status.Conditions, func(c corev1.PodCondition) bool {
		return c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue
	})
}

// readySince is when the kubelet last found the pod ready, if it is.
func readySince(pod *corev1.Pod) (time.Time, bool) {
	if pod == nil {
		return time.Time{}, false
	}
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue {
			return c.LastTransitionTime.Time, true
		}
	}
	return time.Time{}, false
}

func ownedBy(p *navv1alpha1.Pilot, pod *corev1.Pod) bool {
	return slices.ContainsFunc(p.OwnerReferences, func(o metav1.OwnerReference) bool { return o.UID == pod.UID })
}

// Ready is a fresh Pilot saying the node serves and has joined its cluster.
func (n *Node) Ready() bool { return n.State == pilot.NodeReady }

// Started reports whether the controller has opened the node's start gate.
func (n *Node) Started() bool { return n.Pilot != nil && n.Pilot.Spec.Start }

// Stale reports whether the node has a pod and a Pilot that reported once, but not recently.
func (n *Node) Stale() bool {
	return n.State == pilot.NodeUnknown && n.Pod != nil && n.Pilot != nil && n.Pilot.Status.LastHeartbeatTime != nil
}

// ActionDone reports whether the Pilot has completed the action its spec asks for now.
func (n *Node) ActionDone(a navv1alpha1.PilotAction) bool {
	if n.Pilot == nil || n.Pilot.Spec.Action != a {
		return false
	}
	st := n.Pilot.Status.Action
	return st != nil && st.Action == a && st.Phase == navv1alpha1.ActionComplete &&
		n.Pilot.Status.ObservedGeneration == n.Pilot.Generation
}

// ActionMessage is the pilot's word on its action, or a placeholder.
func (n *Node) ActionMessage() string {
	if n.Pilot != nil && n.Pilot.Status.Action != nil && n.Pilot.Status.Action.Message != "" {
		return n.Pilot.Status.Action.Message
	}
	return "waiting for the pilot"
}
