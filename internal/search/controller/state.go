package controller

import (
	"context"
	"time"

	appsv1 "k8s.io/api/apps/v1"

	"github.com/navigator-dbaas/navigator/internal/controller/nodes"
	"github.com/navigator-dbaas/navigator/internal/controller/pilot"
	res "github.com/navigator-dbaas/navigator/internal/search/resources"
)

// node is one ordinal of a pool: the engine-neutral facts, the facts its pilot reports in the
// engine's section of its status (nil without one), and the pool it belongs to.
type node struct {
	*nodes.Node
	facts *Facts
	pool  *poolState
}

// poolState is one pool: its spec, its StatefulSet (nil before creation), and the nodes of
// every ordinal the StatefulSet currently runs.
type poolState struct {
	spec  res.Pool
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

// clusterState is everything one reconcile decides from.
type clusterState struct {
	d     *Dialect
	c     res.Cluster
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

// all is the engine-neutral part of the pool's nodes.
func (p *poolState) all() []*nodes.Node {
	return nodes.Bases(p.nodes)
}

// all is every node's engine-neutral part, for the judgements of package nodes.
func (s *clusterState) all() []*nodes.Node {
	return nodes.Bases(s.nodes())
}

// masterEligible and holdsShards answer from the pool's spec, which is what the node runs with
// once it is up to date.
func (n *node) masterEligible() bool { return n.pool.spec.MasterEligible }
func (n *node) holdsShards() bool    { return n.pool.spec.HoldsShards }

// shards the node's fresh report says it holds; -1 when unknown. A node's stats count only
// the shards the cluster routes to it: none while it is not in a cluster (no cluster UUID yet,
// "_na_" in GET /; or no elected master now), and none, after a restart, until the
// master allocates its copies back to it, whatever its disk holds. So a data node that reports
// none while its data directory holds data has an unknown count, not none.
func (n *node) shards() int32 {
	if n.State == pilot.NodeUnknown || n.Pilot == nil || n.facts == nil {
		return -1
	}
	f := n.facts
	switch {
	case f.ClusterUUID == "" || f.Master == "":
		return -1
	case f.Shards == 0 && n.holdsShards() && n.Pilot.Status.Node.HoldsData:
		return -1
	}
	return f.Shards
}

// load reads the cluster's StatefulSets, pods and Pilots.
func (r *Reconciler) load(ctx context.Context, c res.Cluster) (*clusterState, error) {
	s := &clusterState{d: &r.Dialect, c: c, now: r.now()}
	read, err := nodes.Read(ctx, r.Client, c.Meta.Namespace, c.Meta.Name, r.Dialect.Engine, s.now, r.StaleAfter)
	if err != nil {
		return nil, err
	}
	for _, spec := range c.Pools {
		p := &poolState{spec: spec}
		sts, all, err := read.Pool(ctx, res.StatefulSetName(c.Meta.Name, p.spec.Name))
		if err != nil {
			return nil, err
		}
		p.sts, p.departing = sts, read.Departing(sts)
		for _, n := range all {
			var f *Facts
			if n.Pilot != nil {
				f = r.Dialect.Facts(n.Pilot)
			}
			p.nodes = append(p.nodes, &node{Node: n, facts: f, pool: p})
		}
		s.pools = append(s.pools, p)
	}
	return s, nil
}
