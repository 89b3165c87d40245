package node

import (
	"context"
	"net"
	"net/netip"
	"strconv"
	"time"

	"github.com/navigator-dbaas/navigator/test/sim/cassandra/cql"
)

// seenState is what the node last told its CQL clients: which peers are in the ring and up, and
// which keyspaces and tables exist. Events are pushed for the differences, as Cassandra's
// EventNotifier pushes them from gossip and schema changes.
type seenState struct {
	members map[string]peerSeen
	schema  map[string]bool // "ks" and "ks.table"
}

type peerSeen struct {
	up     bool
	native netip.AddrPort
}

// afterGossip logs what gossip changed and publishes it to the CQL clients.
func (n *Node) afterGossip() {
	n.mu.Lock()
	if n.seen.members == nil {
		n.seen = seenState{members: map[string]peerSeen{}, schema: map[string]bool{}}
	}
	var events []cql.Event
	now := map[string]peerSeen{}
	for id, st := range n.peersLocked() {
		if !st.member() || st.Status == statusBoot || st.Status == statusBootReplace || n.replacedLocked(id) {
			continue
		}
		native, _ := netip.ParseAddr(st.NativeAddress)
		p := peerSeen{up: n.upLocked(id), native: netip.AddrPortFrom(native, uint16(st.NativePort))}
		now[id] = p
		old, known := n.seen.members[id]
		switch {
		case !known:
			n.log.info("GossipStage:1", "Gossiper.java:1303", "Node /%s is now part of the cluster", st.endpoint())
			events = append(events, cql.TopologyChange{Change: cql.NewNode, Address: p.native})
		case old.up != p.up:
			change, word := cql.Down, "DOWN"
			if p.up {
				change, word = cql.Up, "UP"
			}
			n.log.info("GossipStage:1", "Gossiper.java:1346", "InetAddress /%s is now %s", st.endpoint(), word)
			events = append(events, cql.StatusChange{Change: change, Address: p.native})
		}
	}
	for id, old := range n.seen.members {
		if _, still := now[id]; !still {
			events = append(events, cql.TopologyChange{Change: cql.RemovedNode, Address: old.native})
		}
	}
	n.seen.members = now
	for _, ks := range n.local.Schema {
		if !n.seen.schema[ks.Name] {
			n.seen.schema[ks.Name] = true
			events = append(events, cql.SchemaChange{Change: cql.Created, Target: cql.TargetKeyspace, Keyspace: ks.Name})
		}
		for _, t := range ks.Tables {
			if name := ks.Name + "." + t.Name; !n.seen.schema[name] {
				n.seen.schema[name] = true
				events = append(events, cql.SchemaChange{Change: cql.Created, Target: cql.TargetTable, Keyspace: ks.Name, Table: t.Name})
			}
		}
	}
	srv := n.cql
	n.mu.Unlock()
	if srv == nil {
		return
	}
	for _, ev := range events {
		srv.Publish(ev)
	}
}

// startNative starts the CQL server: Cassandra opens the native transport once the node has joined.
func (n *Node) startNative() error {
	ln := n.opts.NativeListener
	if ln == nil {
		var err error
		addr := net.JoinHostPort(n.bindRPC(), strconv.Itoa(n.cfg.NativeTransportPort))
		if ln, err = net.Listen("tcp", addr); err != nil {
			return startupErr("java.lang.IllegalStateException", "Failed to bind port %d on %s.", n.cfg.NativeTransportPort, n.bindRPC())
		}
	}
	n.afterGossip() // what the first clients will be told is what the node knows now
	srv := cql.NewServer(cql.Config{Backend: backend{n}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	n.mu.Lock()
	n.cql, n.cqlCancel, n.cqlDone, n.nativeOn = srv, cancel, done, true
	n.mu.Unlock()
	go func() {
		defer close(done)
		_ = srv.Serve(ctx, ln)
	}()
	n.log.info("main", "Server.java:159", "Starting listening for CQL clients on /%s (unencrypted)...", ln.Addr())
	return nil
}

// stopNative closes the CQL server and its connections (drain, decommission, shutdown).
func (n *Node) stopNative() {
	n.mu.Lock()
	cancel, done := n.cqlCancel, n.cqlDone
	n.cql, n.cqlCancel, n.nativeOn = nil, nil, false
	n.mu.Unlock()
	if cancel != nil {
		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
		}
		n.log.info("main", "Server.java:179", "Stop listening for CQL clients")
	}
}

// bindRPC is the address the CQL server binds: rpc_address, wildcards included.
func (n *Node) bindRPC() string {
	if n.cfg.RPCAddress != "" {
		return n.cfg.RPCAddress
	}
	return n.address
}
