package controller

import (
	"context"
	"slices"
	"time"

	appsv1 "k8s.io/api/apps/v1"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	res "github.com/navigator-dbaas/navigator/internal/cassandra/resources"
	"github.com/navigator-dbaas/navigator/internal/controller/nodes"
	"github.com/navigator-dbaas/navigator/internal/controller/pilot"
)

// node is one ordinal of a pool: the engine-neutral facts, and the pool it belongs to.
type node struct {
	*nodes.Node
	pool *poolState
}

// poolState is one pool (one rack): its spec, its StatefulSet (nil before creation), and the
// nodes of every ordinal the StatefulSet currently runs.
type poolState struct {
	spec  *navv1alpha1.CassandraNodePool
	sts   *appsv1.StatefulSet
	nodes []*node
	// departing are the nodes a scale in removed that have not finished leaving.
	departing []nodes.Departure
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

// all is the engine-neutral part of the pool's nodes.
func (p *poolState) all() []*nodes.Node {
	return nodes.Bases(p.nodes)
}

// all is every node's engine-neutral part, for the judgements of package nodes.
func (s *clusterState) all() []*nodes.Node {
	return nodes.Bases(s.nodes())
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
	return slices.ContainsFunc(s.nodes(), func(n *node) bool { return n.Pilot != nil && n.Pilot.Status.Node.HoldsData })
}

// facts are the node's fresh Cassandra facts, or nil when they cannot be believed.
func (n *node) facts() *navv1alpha1.CassandraPilotStatus {
	if n.State == pilot.NodeUnknown || n.Pilot == nil {
		return nil
	}
	return n.Pilot.Status.Cassandra
}

// load reads the cluster's StatefulSets, pods and Pilots.
func (r *Reconciler) load(ctx context.Context, cc *navv1alpha1.CassandraCluster) (*clusterState, error) {
	s := &clusterState{cc: cc, now: r.Clock.Now()}
	read, err := nodes.Read(ctx, r.Client, cc.Namespace, cc.Name, navv1alpha1.EngineCassandra, s.now, r.StaleAfter)
	if err != nil {
		return nil, err
	}
	for i := range cc.Spec.NodePools {
		p := &poolState{spec: &cc.Spec.NodePools[i]}
		sts, all, err := read.Pool(ctx, res.StatefulSetName(cc.Name, p.spec.Name))
		if err != nil {
			return nil, err
		}
		p.sts, p.departing = sts, read.Departing(sts)
		for _, n := range all {
			p.nodes = append(p.nodes, &node{Node: n, pool: p})
		}
		s.pools = append(s.pools, p)
	}
	return s, nil
}
