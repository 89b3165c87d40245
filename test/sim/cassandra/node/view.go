package node

import (
	"github.com/navigator-dbaas/navigator/test/sim/cassandra/cql"
	"github.com/navigator-dbaas/navigator/test/sim/cassandra/ring"
)

// viewLocked builds the ring as this node sees it, from its gossip state, its schema and its
// rows. withSelf false leaves the node itself out, as it is before it has joined: the view a
// joining node plans its join on.
func (n *Node) viewLocked(withSelf bool) *ring.Cluster {
	replaced := map[string]bool{}
	for _, st := range n.states {
		if st.Replaces != "" && st.Status == statusNormal {
			replaced[st.Replaces] = true
		}
	}
	var peers []ring.Peer
	for id, st := range n.states {
		self := id == n.local.HostID
		if !st.member() || replaced[id] || self && !withSelf {
			continue
		}
		p := ring.Peer{
			HostID: id, Address: st.Address, StoragePort: st.StoragePort, DC: st.DC, Rack: st.Rack,
			Tokens: st.Tokens, Release: st.Release, CompatibilityMode: st.CompatibilityMode,
			State: ringState(st.Status), Up: n.upLocked(id), Mode: ring.ModeNormal, Started: st.Started, Generation: st.Generation,
			Load: st.Load, Schema: schemaCount(st.Schema), Replaces: st.Replaces,
		}
		if self {
			p.Local, p.Mode = true, n.mode
			p.GossipActive, p.NativeTransportActive = n.gossipOn, n.nativeOn
			p.HeapUsedMB, p.HeapMaxMB = n.opts.HeapMaxMB/4, n.opts.HeapMaxMB
			p.Exceptions, p.LastError, p.DecommissionFailed = n.stats.exceptions, n.stats.lastError, n.stats.decommissionFailed
			p.ReadRepair = [3]int64{n.stats.rrAttempted, n.stats.rrBlocking, n.stats.rrBackground}
			p.Messages = n.stats.messages
			p.Schema = schemaCount(n.local.Schema)
		}
		peers = append(peers, p)
	}
	var streams []ring.PeerStream
	for _, s := range n.streams {
		streams = append(streams, s.snapshot())
	}
	return ring.View(n.cfg.ClusterName, n.settings(), randomSeed(), peers, keyspaceDefs(n.local.Schema), n.rows, streams)
}

// ringState maps a gossip status to the ring model's state. A node that hibernates (a replacement
// at the dead node's own address) stays normal and down until it has streamed its data.
func ringState(status string) ring.State {
	switch status {
	case statusBoot, statusBootReplace:
		return ring.Joining
	case statusLeaving, statusRemoving:
		return ring.Leaving
	default:
		return ring.Normal
	}
}

// keyspaceDefs turns the CQL schema into the ring model's keyspaces.
func keyspaceDefs(schema []cql.Keyspace) []ring.KeyspaceDef {
	var out []ring.KeyspaceDef
	for _, ks := range schema {
		def := ring.KeyspaceDef{Name: ks.Name, Replication: replication(ks.Replication)}
		for _, t := range ks.Tables {
			def.Tables = append(def.Tables, t.Name)
		}
		out = append(out, def)
	}
	return out
}

func replication(r cql.Replication) ring.Replication {
	if r.Class == cql.SimpleStrategy {
		return ring.Simple(r.ReplicationFactor)
	}
	out := ring.Replication{Strategy: ring.NetworkTopologyStrategy, DatacenterRF: map[string]int{}}
	for dc, rf := range r.DataCenters {
		out.DatacenterRF[dc] = rf
	}
	return out
}
