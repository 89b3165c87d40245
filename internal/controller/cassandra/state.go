package cassandra

import (
	"context"
	"fmt"
	"slices"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/controller/pilot"
	res "github.com/navigator-dbaas/navigator/internal/resources/cassandra"
)

// node is one ordinal of a pool as the controller sees it: its pod and Pilot, either of which
// may be missing.
type node struct {
	name    string
	pool    *poolState
	ordinal int32
	pod     *corev1.Pod
	pilot   *navv1alpha1.Pilot
	// state is what the Pilot's status allows the controller to believe; a missing Pilot or a
	// stale heartbeat is Unknown.
	state pilot.NodeState
	// updated: the pod runs the StatefulSet's current revision.
	updated bool
}

// poolState is one pool (one rack): its spec, its StatefulSet (nil before creation), and the
// nodes of every ordinal the StatefulSet currently runs.
type poolState struct {
	spec  *navv1alpha1.CassandraNodePool
	sts   *appsv1.StatefulSet
	nodes []*node
}

func (p *poolState) desired() int32 {
	if p.spec.Replicas == nil {
		return 1
	}
	return *p.spec.Replicas
}

// current is the number of ordinals the StatefulSet runs.
func (p *poolState) current() int32 {
	if p.sts == nil || p.sts.Spec.Replicas == nil {
		return 0
	}
	return *p.sts.Spec.Replicas
}

func (p *poolState) datacenter() string { return res.Datacenter(p.spec) }
func (p *poolState) rack() string       { return res.Rack(p.spec) }

// clusterState is everything one reconcile decides from.
type clusterState struct {
	cc    *navv1alpha1.CassandraCluster
	pools []*poolState
	now   time.Time
	// cleaned are the nodes whose cleanup this reconcile acknowledged: their CleanupPending
	// is cleared in the status it writes.
	cleaned []string
}

func (s *clusterState) nodes() []*node {
	var all []*node
	for _, p := range s.pools {
		all = append(all, p.nodes...)
	}
	return all
}

// member is the status record of a node Navigator has seen in the ring, or nil.
func (s *clusterState) member(name string) *navv1alpha1.CassandraNodeStatus {
	i := slices.IndexFunc(s.cc.Status.Nodes, func(m navv1alpha1.CassandraNodeStatus) bool { return m.Name == name })
	if i < 0 {
		return nil
	}
	return &s.cc.Status.Nodes[i]
}

// formed: the ring exists. Once a node has been seen in it, or some node holds data from an
// earlier run, no node is ever again started as the founder of a new ring.
func (s *clusterState) formed() bool {
	if len(s.cc.Status.Nodes) > 0 {
		return true
	}
	return slices.ContainsFunc(s.nodes(), func(n *node) bool { return n.pilot != nil && n.pilot.Status.Node.HoldsData })
}

// ready is a fresh Pilot saying the node is UN in its own view and serves CQL.
func (n *node) ready() bool { return n.state == pilot.NodeReady }

// facts are the node's fresh Cassandra facts, or nil when they cannot be believed.
func (n *node) facts() *navv1alpha1.CassandraPilotStatus {
	if n.state == pilot.NodeUnknown || n.pilot == nil {
		return nil
	}
	return n.pilot.Status.Cassandra
}

// started: the controller has opened the node's start gate.
func (n *node) started() bool { return n.pilot != nil && n.pilot.Spec.Start }

// actionDone reports whether the Pilot has completed the action its spec asks for now.
func (n *node) actionDone(a navv1alpha1.PilotAction) bool {
	if n.pilot == nil || n.pilot.Spec.Action != a {
		return false
	}
	st := n.pilot.Status.Action
	return st != nil && st.Action == a && st.Phase == navv1alpha1.ActionComplete &&
		n.pilot.Status.ObservedGeneration == n.pilot.Generation
}

// actionMessage is the pilot's word on its action, or a placeholder.
func (n *node) actionMessage() string {
	if n.pilot != nil && n.pilot.Status.Action != nil && n.pilot.Status.Action.Message != "" {
		return n.pilot.Status.Action.Message
	}
	return "waiting for the pilot"
}

// load reads the cluster's StatefulSets, pods and Pilots.
func (r *Reconciler) load(ctx context.Context, cc *navv1alpha1.CassandraCluster) (*clusterState, error) {
	s := &clusterState{cc: cc, now: r.Clock.Now()}
	var pods corev1.PodList
	if err := r.Client.List(ctx, &pods, client.InNamespace(cc.Namespace), client.MatchingLabels(res.Selector(cc.Name))); err != nil {
		return nil, fmt.Errorf("listing pods: %w", err)
	}
	var pilots navv1alpha1.PilotList
	if err := r.Client.List(ctx, &pilots, client.InNamespace(cc.Namespace), client.MatchingLabels{pilot.LabelCluster: cc.Name, pilot.LabelEngine: string(navv1alpha1.EngineCassandra)}); err != nil {
		return nil, fmt.Errorf("listing Pilots: %w", err)
	}
	podByName := map[string]*corev1.Pod{}
	for i := range pods.Items {
		podByName[pods.Items[i].Name] = &pods.Items[i]
	}
	pilotByName := map[string]*navv1alpha1.Pilot{}
	for i := range pilots.Items {
		pilotByName[pilots.Items[i].Name] = &pilots.Items[i]
	}
	for i := range cc.Spec.NodePools {
		spec := &cc.Spec.NodePools[i]
		p := &poolState{spec: spec}
		var sts appsv1.StatefulSet
		err := r.Client.Get(ctx, client.ObjectKey{Namespace: cc.Namespace, Name: res.StatefulSetName(cc.Name, spec.Name)}, &sts)
		if client.IgnoreNotFound(err) != nil {
			return nil, fmt.Errorf("reading the StatefulSet of pool %s: %w", spec.Name, err)
		}
		if err == nil {
			p.sts = &sts
		}
		for o := range p.current() {
			name := fmt.Sprintf("%s-%d", res.StatefulSetName(cc.Name, spec.Name), o)
			n := &node{name: name, pool: p, ordinal: o, pod: podByName[name], pilot: pilotByName[name], state: pilot.NodeUnknown}
			if n.pilot != nil && n.pod != nil && ownedBy(n.pilot, n.pod) {
				n.state = pilot.StateOf(n.pilot, s.now, r.StaleAfter)
			} else {
				// A Pilot left from the pod's previous life says nothing of the new pod.
				n.pilot = nil
			}
			if n.pod != nil && p.sts != nil {
				n.updated = n.pod.Labels[appsv1.ControllerRevisionHashLabelKey] == p.sts.Status.UpdateRevision
			}
			p.nodes = append(p.nodes, n)
		}
		s.pools = append(s.pools, p)
	}
	return s, nil
}

func ownedBy(p *navv1alpha1.Pilot, pod *corev1.Pod) bool {
	return slices.ContainsFunc(p.OwnerReferences, func(o metav1.OwnerReference) bool { return o.UID == pod.UID })
}
