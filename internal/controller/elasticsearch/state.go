package elasticsearch

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
	res "github.com/navigator-dbaas/navigator/internal/resources/elasticsearch"
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

// poolState is one pool: its spec, its StatefulSet (nil before creation), and the nodes of
// every ordinal the StatefulSet currently runs.
type poolState struct {
	spec  *navv1alpha1.ElasticsearchNodePool
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

// clusterState is everything one reconcile decides from.
type clusterState struct {
	esc   *navv1alpha1.ElasticsearchCluster
	pools []*poolState
	now   time.Time
}

func (s *clusterState) nodes() []*node {
	var all []*node
	for _, p := range s.pools {
		all = append(all, p.nodes...)
	}
	return all
}

// masterEligible and holdsShards answer from the pool's spec, which is what the node runs with
// once it is up to date.
func (n *node) masterEligible() bool { return res.MasterEligible(n.pool.spec) }
func (n *node) holdsShards() bool    { return res.HoldsShards(n.pool.spec) }

// ready is a fresh Pilot saying the node serves and has joined.
func (n *node) ready() bool { return n.state == pilot.NodeReady }

// shards the node's fresh report says it holds; -1 when unknown.
func (n *node) shards() int32 {
	if n.state == pilot.NodeUnknown || n.pilot == nil || n.pilot.Status.Elasticsearch == nil {
		return -1
	}
	return n.pilot.Status.Elasticsearch.Shards
}

// actionDone reports whether the Pilot has completed the action its spec asks for now.
func (n *node) actionDone(a navv1alpha1.PilotAction) bool {
	if n.pilot == nil || n.pilot.Spec.Action != a {
		return false
	}
	st := n.pilot.Status.Action
	return st != nil && st.Action == a && st.Phase == navv1alpha1.ActionComplete &&
		n.pilot.Status.ObservedGeneration == n.pilot.Generation
}

// load reads the cluster's StatefulSets, pods and Pilots.
func (r *Reconciler) load(ctx context.Context, esc *navv1alpha1.ElasticsearchCluster) (*clusterState, error) {
	s := &clusterState{esc: esc, now: r.now()}
	sel := client.MatchingLabels(res.Selector(esc.Name))
	var pods corev1.PodList
	if err := r.Client.List(ctx, &pods, client.InNamespace(esc.Namespace), sel); err != nil {
		return nil, fmt.Errorf("listing pods: %w", err)
	}
	var pilots navv1alpha1.PilotList
	if err := r.Client.List(ctx, &pilots, client.InNamespace(esc.Namespace), client.MatchingLabels{pilot.LabelCluster: esc.Name}); err != nil {
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
	for i := range esc.Spec.NodePools {
		spec := &esc.Spec.NodePools[i]
		p := &poolState{spec: spec}
		var sts appsv1.StatefulSet
		err := r.Client.Get(ctx, client.ObjectKey{Namespace: esc.Namespace, Name: res.StatefulSetName(esc.Name, spec.Name)}, &sts)
		if client.IgnoreNotFound(err) != nil {
			return nil, fmt.Errorf("reading the StatefulSet of pool %s: %w", spec.Name, err)
		}
		if err == nil {
			p.sts = &sts
		}
		for o := range p.current() {
			name := fmt.Sprintf("%s-%d", res.StatefulSetName(esc.Name, spec.Name), o)
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
