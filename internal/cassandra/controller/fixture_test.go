package controller

import (
	"fmt"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	clocktesting "k8s.io/utils/clock/testing"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/controller/nodes"
	"github.com/navigator-dbaas/navigator/internal/controller/pilot"
)

// fixture is a settled ring: racks a (3 nodes) and b (2 nodes) in dc1, every node UN with
// 10GiB loaded and 100GiB free, a keyspace at RF 3, every node a recorded member.
func fixture() *clusterState {
	cc := &navv1alpha1.CassandraCluster{
		ObjectMeta: metav1.ObjectMeta{Name: "ring", Namespace: "db", Generation: 1},
		Spec: navv1alpha1.CassandraClusterSpec{
			Version: "4.1.10",
			NodePools: []navv1alpha1.CassandraNodePool{
				{NodePoolCommon: navv1alpha1.NodePoolCommon{Name: "a", Replicas: ptr.To[int32](3)}, Datacenter: "dc1"},
				{NodePoolCommon: navv1alpha1.NodePoolCommon{Name: "b", Replicas: ptr.To[int32](2)}, Datacenter: "dc1"},
			},
		},
	}
	s := &clusterState{cc: cc, now: time.Now()}
	for i := range cc.Spec.NodePools {
		spec := &cc.Spec.NodePools[i]
		p := &poolState{spec: spec, sts: &appsv1.StatefulSet{
			ObjectMeta: metav1.ObjectMeta{Name: "ring-" + spec.Name, Namespace: "db"},
			Spec:       appsv1.StatefulSetSpec{Replicas: ptr.To(*spec.Replicas)},
		}}
		for o := range *spec.Replicas {
			name := fmt.Sprintf("ring-%s-%d", spec.Name, o)
			addr := fmt.Sprintf("10.0.%d.%d", i, o+1)
			hb := metav1.NewTime(s.now)
			pl := &navv1alpha1.Pilot{
				ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "db", Generation: 1},
				Spec:       navv1alpha1.PilotSpec{Engine: navv1alpha1.EngineCassandra, Cluster: "ring", Start: true, Action: navv1alpha1.ActionNone},
				Status: navv1alpha1.PilotStatus{
					ObservedGeneration: 1, Version: "4.1.10", LastHeartbeatTime: &hb,
					Conditions: []metav1.Condition{{Type: navv1alpha1.PilotConditionReady, Status: metav1.ConditionTrue, Reason: "Serving", LastTransitionTime: hb}},
					Node:       navv1alpha1.PilotNode{ID: "host-" + name, Address: addr, HoldsData: true},
					Cassandra: &navv1alpha1.CassandraPilotStatus{Datacenter: "dc1", Rack: spec.Name, State: "UN", Tokens: 16,
						Load: ptr.To(resource.MustParse("10Gi")), FreeSpace: ptr.To(resource.MustParse("100Gi")), ReplicationFactor: 3, ReplicationKeyspace: "shop"},
				},
			}
			pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "db", UID: types.UID("uid-" + name), Labels: map[string]string{}}}
			p.nodes = append(p.nodes, &node{Node: &nodes.Node{Name: name, Ordinal: o, Pod: pod, Pilot: pl, State: pilot.NodeReady, Updated: true}, pool: p})
			cc.Status.Nodes = append(cc.Status.Nodes, navv1alpha1.CassandraNodeStatus{Name: name, HostID: "host-" + name, Address: addr})
		}
		s.pools = append(s.pools, p)
	}
	return s
}

func (s *clusterState) node(name string) *node {
	for _, n := range s.nodes() {
		if n.Name == name {
			return n
		}
	}
	panic("no node " + name)
}

// emptyNode turns a node into a freshly created pod whose pilot announced itself, holds no data
// and waits at the start gate.
func emptyNode(n *node, address string) {
	n.Pilot.Spec.Start = false
	n.Pilot.Status.Conditions[0].Status = metav1.ConditionFalse
	n.Pilot.Status.Node = navv1alpha1.PilotNode{Address: address}
	n.Pilot.Status.Cassandra = nil
	n.State = pilot.NodeNotReady
}

// addNode appends a new, empty, announced node to a pool.
func addNode(p *poolState, address string) *node {
	base := *p.nodes[0].Node
	n := node{Node: &base, pool: p}
	n.Ordinal = int32(len(p.nodes))
	n.Name = fmt.Sprintf("ring-%s-%d", p.spec.Name, n.Ordinal)
	n.Pilot, n.Pod = n.Pilot.DeepCopy(), n.Pod.DeepCopy()
	n.Pilot.Name, n.Pod.Name, n.Pod.UID = n.Name, n.Name, types.UID("uid-"+n.Name)
	emptyNode(&n, address)
	p.nodes = append(p.nodes, &n)
	*p.sts.Spec.Replicas = int32(len(p.nodes))
	return &n
}

// addPool appends a pool (a rack of dc1) whose one node is new, empty and announced.
func addPool(s *clusterState, name, address string) *node {
	s.cc.Spec.NodePools = append(s.cc.Spec.NodePools, navv1alpha1.CassandraNodePool{
		NodePoolCommon: navv1alpha1.NodePoolCommon{Name: name, Replicas: ptr.To[int32](1)}, Datacenter: "dc1"})
	// The specs moved: point every pool at its own again.
	for i, p := range s.pools {
		p.spec = &s.cc.Spec.NodePools[i]
	}
	p := &poolState{spec: &s.cc.Spec.NodePools[len(s.pools)], sts: &appsv1.StatefulSet{
		ObjectMeta: metav1.ObjectMeta{Name: "ring-" + name, Namespace: "db"},
		Spec:       appsv1.StatefulSetSpec{Replicas: ptr.To[int32](0)},
	}}
	s.pools = append(s.pools, p)
	template := *s.pools[0].nodes[0]
	p.nodes = []*node{{Node: template.Node, pool: p}}
	n := addNode(p, address)
	p.nodes = p.nodes[1:]
	n.Ordinal, n.Name = 0, "ring-"+name+"-0"
	n.Pilot.Name, n.Pod.Name, n.Pod.UID = n.Name, n.Name, types.UID("uid-"+n.Name)
	*p.sts.Spec.Replicas = 1
	return n
}

// reconciler returns a Reconciler over a fake API server holding the fixture's Pilots and pods.
func reconciler(t *testing.T, s *clusterState) *Reconciler {
	t.Helper()
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{navv1alpha1.AddToScheme, corev1.AddToScheme, appsv1.AddToScheme} {
		if err := add(scheme); err != nil {
			t.Fatal(err)
		}
	}
	var objs []client.Object
	for _, n := range s.nodes() {
		objs = append(objs, n.Pilot, n.Pod)
	}
	c := fake.NewClientBuilder().WithScheme(scheme).WithObjects(objs...).Build()
	return &Reconciler{Client: c, APIReader: c, Clock: clocktesting.NewFakePassiveClock(s.now), StaleAfter: pilot.DefaultStaleAfter}
}
