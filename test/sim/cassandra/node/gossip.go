package node

import (
	"context"
	"maps"
	"net"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/navigator-dbaas/navigator/test/sim/cassandra/cql"
	"github.com/navigator-dbaas/navigator/test/sim/cassandra/ring"
)

// Gossip STATUS values, as Cassandra's VersionedValue spells them.
const (
	statusBoot        = "BOOT"
	statusBootReplace = "BOOT_REPLACE"
	statusHibernate   = "hibernate"
	statusNormal      = "NORMAL"
	statusLeaving     = "LEAVING"
	statusLeft        = "LEFT"
	statusRemoving    = "removing"
	statusRemoved     = "removed"
)

// endpointState is what one node gossips about itself: Cassandra's EndpointState, the
// application states the simulator uses in one record. (Generation, Version) orders the records
// of one node: a restart starts a new generation, every change and every round's heartbeat bumps
// the version, and the newer record wins wherever two meet.
type endpointState struct {
	HostID      string `json:"host_id"`
	ClusterName string `json:"cluster_name"`
	Generation  int64  `json:"generation"`
	Version     int64  `json:"version"`
	// Address and StoragePort are the broadcast address and the storage port, where gossip and
	// internode messages reach the node.
	Address           string       `json:"address"`
	StoragePort       int          `json:"storage_port"`
	NativeAddress     string       `json:"native_address"`
	NativePort        int          `json:"native_port"`
	DC                string       `json:"dc"`
	Rack              string       `json:"rack"`
	Tokens            []ring.Token `json:"tokens,omitempty"`
	Release           string       `json:"release_version"`
	CompatibilityMode string       `json:"compatibility_mode,omitempty"`
	// Status is the ring status (STATUS_WITH_PORT): empty before the node has chosen its tokens.
	Status string `json:"status,omitempty"`
	// Replaces is the host ID a BOOT_REPLACE node takes the place of.
	Replaces string `json:"replaces,omitempty"`
	// Shutdown is set by a node that stops cleanly (Gossiper.announceShutdown): the others mark it
	// down at once, rather than when the failure detector convicts it.
	Shutdown bool           `json:"shutdown,omitempty"`
	Load     int64          `json:"load"`
	Schema   []cql.Keyspace `json:"schema,omitempty"`
	Started  time.Time      `json:"started"`
}

func (s *endpointState) newerThan(o *endpointState) bool {
	return s.Generation > o.Generation || s.Generation == o.Generation && s.Version > o.Version
}

func (s *endpointState) endpoint() string {
	return net.JoinHostPort(s.Address, strconv.Itoa(s.StoragePort))
}

// member reports whether the node is in the ring or joining it, as opposed to a node that has not
// chosen its tokens yet or has left.
func (s *endpointState) member() bool {
	return len(s.Tokens) > 0 && s.Status != "" && s.Status != statusLeft && s.Status != statusRemoved
}

// gossipMessage is a gossip exchange: the sender's states, answered with the receiver's
// (Cassandra's SYN, ACK and ACK2 in one round trip).
type gossipMessage struct {
	ClusterName string                    `json:"cluster_name"`
	From        string                    `json:"from"`
	States      map[string]*endpointState `json:"states"`
}

// gossipRound is one round: bump the heartbeat, then exchange states with every seed (resolved
// through DNS now: in Kubernetes, seeds are Service names whose addresses change) and every
// known member. Cassandra gossips with one random live node, maybe a seed and maybe an
// unreachable node per second; exchanging with all of them is the same for the small clusters
// the simulator runs, and lets the failure detector hear from every peer directly.
func (n *Node) gossipRound(ctx context.Context) {
	n.mu.Lock()
	if !n.gossipOn {
		n.mu.Unlock()
		return
	}
	n.mine().Version++
	n.mine().Load = rowsBytes(n.rows)
	msg := n.gossipMessageLocked()
	targets := map[string]bool{}
	for id, st := range n.states {
		if id != n.local.HostID && st.Status != statusLeft && st.Status != statusRemoved {
			targets[st.endpoint()] = true
		}
	}
	n.mu.Unlock()
	for _, s := range n.resolveSeeds(ctx) {
		targets[s] = true
	}
	delete(targets, n.endpoint)
	var wg sync.WaitGroup
	for addr := range targets {
		wg.Go(func() {
			var resp gossipMessage
			if err := n.call(ctx, addr, "/gossip", msg, &resp); err != nil {
				return
			}
			n.mu.Lock()
			n.mergeLocked(resp.From, resp.States)
			n.mu.Unlock()
		})
	}
	wg.Wait()
	n.mu.Lock()
	n.evictSilentJoinersLocked(time.Now())
	n.mu.Unlock()
	n.afterGossip()
}

// evictSilentJoinersLocked is Gossiper.doStatusCheck's removal of a fat client: a node joining
// the ring (a gossip-only member, its tokens not yet the ring's) from which no newer state has
// come for Timing.FailedBootstrap is removed from gossip and from the ring's membership
// (evictFromMembership: its pending ranges go), so that another node may bootstrap, and is
// quarantined so that the others' gossip does not bring it back.
func (n *Node) evictSilentJoinersLocked(now time.Time) {
	timeout := n.opts.Timing.failedBootstrap()
	for id, st := range n.states {
		if id == n.local.HostID || st.Status != statusBoot && st.Status != statusBootReplace {
			continue
		}
		if now.Sub(n.updated[id]) <= timeout {
			continue
		}
		n.log.info("GossipTasks:1", "Gossiper.java:1074", "FatClient /%s has been silent for %dms, removing from gossip", st.endpoint(), timeout.Milliseconds())
		delete(n.states, id)
		delete(n.contact, id)
		delete(n.updated, id)
		n.quarantined[id] = now.Add(n.opts.Timing.quarantine())
	}
}

// gossipMessageLocked copies the states for sending.
func (n *Node) gossipMessageLocked() gossipMessage {
	states := make(map[string]*endpointState, len(n.states))
	for id, st := range n.states {
		c := *st
		states[id] = &c
	}
	return gossipMessage{ClusterName: n.cfg.ClusterName, From: n.local.HostID, States: states}
}

// onGossip answers another node's round.
func (n *Node) onGossip(_ context.Context, msg *gossipMessage) (*gossipMessage, error) {
	if msg.ClusterName != n.cfg.ClusterName {
		// GossipDigestSynVerbHandler drops the message: the nodes never see each other.
		n.log.warn("GossipStage:1", "GossipDigestSynVerbHandler.java:70", "ClusterName mismatch from %s %s!=%s",
			msg.From, msg.ClusterName, n.cfg.ClusterName)
		return nil, &messageError{Status: 409, Message: "ClusterName mismatch"}
	}
	n.mu.Lock()
	if !n.gossipOn {
		n.mu.Unlock()
		return nil, errNotAccepting
	}
	n.mergeLocked(msg.From, msg.States)
	resp := n.gossipMessageLocked()
	n.mu.Unlock()
	n.afterGossip()
	return &resp, nil
}

// mergeLocked takes the newer record of every node, and notes that the sender is alive. A node
// ignores what others say about itself: it is the authority on its own state.
func (n *Node) mergeLocked(from string, states map[string]*endpointState) {
	if from != "" && from != n.local.HostID {
		n.contact[from] = time.Now()
	}
	now := time.Now()
	for id, st := range states {
		if id == n.local.HostID || st == nil {
			continue
		}
		if until, ok := n.quarantined[id]; ok {
			if now.Before(until) {
				continue
			}
			delete(n.quarantined, id)
		}
		if old, ok := n.states[id]; !ok || st.newerThan(old) {
			c := *st
			n.states[id] = &c
			n.updated[id] = now // EndpointState.getUpdateTimestamp
		}
	}
	n.adoptSchemaLocked()
}

// up is the failure detector: a peer is up when it answered or called within the conviction
// time and has not announced its shutdown. The node itself is always up in its own view, drained
// or not gossiping: Gossiper.getLiveMembers adds the local endpoint to the live ones, so a
// drained node's nodetool status prints it UN while every peer sees it DN. Once gossip has
// stopped, nothing convicts a peer any more (the status check runs in the cancelled gossip
// task, Gossiper.stop): the node's view of its peers stays as it was then.
func (n *Node) upLocked(id string) bool {
	st := n.states[id]
	if st == nil {
		return false
	}
	if id == n.local.HostID {
		return true
	}
	at := time.Now()
	if !n.gossipOn && !n.gossipStopped.IsZero() {
		at = n.gossipStopped
	}
	return !st.Shutdown && at.Sub(n.contact[id]) < n.opts.Timing.Convict
}

// announceShutdown is Gossiper.announceShutdown: tell every peer that the node stops, so that
// they mark it down at once.
func (n *Node) announceShutdown(ctx context.Context) {
	n.mu.Lock()
	if !n.gossipOn {
		n.mu.Unlock()
		return
	}
	n.mine().Shutdown = true
	n.mine().Version++
	msg := n.gossipMessageLocked()
	var targets []string
	for id, st := range n.states {
		if id != n.local.HostID && n.upLocked(id) {
			targets = append(targets, st.endpoint())
		}
	}
	n.gossipOn, n.gossipStopped = false, time.Now()
	n.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, n.opts.Timing.RequestTimeout)
	defer cancel()
	var wg sync.WaitGroup
	for _, addr := range targets {
		wg.Go(func() { _ = n.call(ctx, addr, "/gossip/shutdown", msg, nil) })
	}
	wg.Wait()
}

func (n *Node) onShutdown(_ context.Context, msg *gossipMessage) (*struct{}, error) {
	n.mu.Lock()
	n.mergeLocked("", msg.States)
	delete(n.contact, msg.From)
	n.mu.Unlock()
	n.afterGossip()
	return &struct{}{}, nil
}

// resolveSeeds returns the seeds' endpoints, host names resolved now.
func (n *Node) resolveSeeds(ctx context.Context) []string {
	var out []string
	for _, s := range n.cfg.Seeds {
		host, port := s, strconv.Itoa(n.cfg.StoragePort)
		if h, p, err := net.SplitHostPort(s); err == nil {
			host, port = h, p
		}
		addrs := []string{host}
		if net.ParseIP(host) == nil {
			lctx, cancel := context.WithTimeout(ctx, n.opts.Timing.RequestTimeout)
			resolved, err := n.opts.LookupHost(lctx, host)
			cancel()
			if err != nil {
				continue // a seed that does not resolve yet is skipped, as SimpleSeedProvider does
			}
			addrs = resolved
		}
		for _, a := range addrs {
			out = append(out, net.JoinHostPort(a, port))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// isSeed reports whether the node is one of its seeds.
func (n *Node) isSeed(ctx context.Context) bool {
	return slices.Contains(n.resolveSeeds(ctx), n.endpoint)
}

// mine returns the node's own record. Callers hold mu.
func (n *Node) mine() *endpointState { return n.states[n.local.HostID] }

// setStatusLocked changes the node's ring status and announces it with the next round.
func (n *Node) setStatusLocked(status string, tokens []ring.Token) {
	st := n.mine()
	st.Status, st.Tokens = status, slices.Clone(tokens)
	st.Version++
}

// peersLocked returns the other nodes' records, by host ID.
func (n *Node) peersLocked() map[string]*endpointState {
	out := maps.Clone(n.states)
	delete(out, n.local.HostID)
	return out
}

func rowsBytes(rows ring.Rows) int64 {
	var total int64
	for _, byKey := range rows {
		for _, c := range byKey {
			total += c.Size
		}
	}
	return total
}
