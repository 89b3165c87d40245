package jolokia

import (
	"context"
	"net"
	"net/netip"
	"slices"
	"strings"

	"github.com/navigator-dbaas/navigator/internal/cassandra/nodetool"
)

// MBeans the pilot reads.
const (
	StorageService     = "org.apache.cassandra.db:type=StorageService"
	EndpointSnitchInfo = "org.apache.cassandra.db:type=EndpointSnitchInfo"
	FailureDetector    = "org.apache.cassandra.net:type=FailureDetector"
	Gossiper           = "org.apache.cassandra.net:type=Gossiper"
)

// ring is what nodetool status reads of StorageService (tools/nodetool/Status.java), with ports.
type ring struct {
	TokenToEndpoint  map[string]string `json:"TokenToEndpointWithPortMap"`
	Live             []string          `json:"LiveNodesWithPort"`
	Unreachable      []string          `json:"UnreachableNodesWithPort"`
	Joining          []string          `json:"JoiningNodesWithPort"`
	Leaving          []string          `json:"LeavingNodesWithPort"`
	Moving           []string          `json:"MovingNodesWithPort"`
	Load             map[string]string `json:"LoadMapWithPort"`
	EndpointToHostID map[string]string `json:"EndpointWithPortToHostId"`
	OperationMode    string            `json:"OperationMode"`
}

var ringAttributes = []string{"TokenToEndpointWithPortMap", "LiveNodesWithPort", "UnreachableNodesWithPort",
	"JoiningNodesWithPort", "LeavingNodesWithPort", "MovingNodesWithPort", "LoadMapWithPort", "EndpointWithPortToHostId",
	"OperationMode"}

// Ring is the ring as one node sees it, and that node's operation mode (STARTING, NORMAL,
// JOINING, JOINING_FAILED, LEAVING, DECOMMISSIONED, ...).
type Ring struct {
	Status *nodetool.Status
	Mode   string
	// Gossip is what the node's gossip holds of each node of Status, by the same address.
	Gossip map[string]Peer
}

// Peer is one ring member in a node's gossip.
type Peer struct {
	// Alive is the failure detector's flag for the member (EndpointState.isAlive, as
	// FailureDetector.getSimpleStates reports it): what the node checks before it sends the
	// member a request as coordinator. It can be false while the member is still among the live
	// nodes: Gossiper.markAlive clears it when a new generation arrives, until the member answers
	// an echo.
	Alive bool
	// Generation is the member's gossip generation as the node holds it; zero when the node
	// could not say (Gossiper.getCurrentGenerationNumber fails for an address it holds no state
	// of).
	Generation int64
}

// Ring reads the ring as nodetool status would print it on this node, without ownership: the
// nodes that hold tokens (normal or bootstrapping), by datacenter, each with its status (U, D or
// ? from the failure detector), state (J, L, M or N), load, token count, host id and rack, as
// Status.addNode works them out. Addresses are without port, as nodetool prints them without -pp.
func (c *Client) Ring(ctx context.Context) (*Ring, error) {
	var r ring
	if err := c.Do(ctx, []Request{Read(StorageService, ringAttributes...)}, &r); err != nil {
		return nil, err
	}
	tokens := map[string]int{}
	var endpoints []string
	for _, ep := range r.TokenToEndpoint {
		if tokens[ep] == 0 {
			endpoints = append(endpoints, ep)
		}
		tokens[ep]++
	}
	slices.Sort(endpoints)
	// Datacenter and rack of every endpoint, the failure detector's flags and every endpoint's
	// generation, in one more bulk request.
	var reqs []Request
	for _, ep := range endpoints {
		reqs = append(reqs, Exec(EndpointSnitchInfo, "getDatacenter(java.lang.String)", ep),
			Exec(EndpointSnitchInfo, "getRack(java.lang.String)", ep))
	}
	names := make([]string, 2*len(endpoints))
	generations := make([]int64, len(endpoints))
	var fd struct {
		States map[string]string `json:"SimpleStatesWithPort"`
	}
	into := make([]any, 0, len(reqs)+1+len(endpoints))
	for i := range names {
		into = append(into, &names[i])
	}
	reqs = append(reqs, Read(FailureDetector, "SimpleStatesWithPort"))
	into = append(into, &fd)
	for i, ep := range endpoints {
		reqs = append(reqs, Exec(Gossiper, "getCurrentGenerationNumber(java.lang.String)", ep))
		into = append(into, &generations[i])
	}
	if len(endpoints) > 0 {
		failed, err := c.DoEach(ctx, reqs, into...)
		if err != nil {
			return nil, err
		}
		// Only a generation may be missing: the node may hold no gossip state of a token owner.
		for _, err := range failed[:len(names)+1] {
			if err != nil {
				return nil, err
			}
		}
	}
	alive := aliveByAddress(fd.States)
	gossip := make(map[string]Peer, len(endpoints))
	for i, ep := range endpoints {
		gossip[host(ep)] = Peer{Alive: alive[CanonicalAddress(host(ep))], Generation: generations[i]}
	}
	st := &nodetool.Status{}
	byDC := map[string]int{}
	for i, ep := range endpoints {
		dc, rack := names[2*i], names[2*i+1]
		n := nodetool.StatusNode{
			Status: "?", State: "N", Address: host(ep), Tokens: tokens[ep], HostID: r.EndpointToHostID[ep], Rack: rack,
		}
		switch {
		case slices.Contains(r.Live, ep):
			n.Status = "U"
		case slices.Contains(r.Unreachable, ep):
			n.Status = "D"
		}
		switch {
		case slices.Contains(r.Joining, ep):
			n.State = "J"
		case slices.Contains(r.Leaving, ep):
			n.State = "L"
		case slices.Contains(r.Moving, ep):
			n.State = "M"
		}
		if load, ok := r.Load[ep]; ok {
			if b, err := nodetool.ParseSize(load); err == nil {
				n.Load, n.LoadKnown = b, true
			}
		}
		j, ok := byDC[dc]
		if !ok {
			j = len(st.Datacenters)
			byDC[dc] = j
			st.Datacenters = append(st.Datacenters, nodetool.Datacenter{Name: dc})
		}
		st.Datacenters[j].Nodes = append(st.Datacenters[j].Nodes, n)
	}
	slices.SortFunc(st.Datacenters, func(a, b nodetool.Datacenter) int { return strings.Compare(a.Name, b.Name) })
	return &Ring{Status: st, Mode: r.OperationMode, Gossip: gossip}, nil
}

// ReleaseVersion is the release the node runs (nodetool version).
func (c *Client) ReleaseVersion(ctx context.Context) (string, error) {
	var v struct {
		ReleaseVersion string `json:"ReleaseVersion"`
	}
	err := c.Do(ctx, []Request{Read(StorageService, "ReleaseVersion")}, &v)
	return v.ReleaseVersion, err
}

// host strips the port of "10.0.0.1:7000" or "[::1]:7000".
func host(endpoint string) string {
	if h, _, err := net.SplitHostPort(endpoint); err == nil {
		return h
	}
	return endpoint
}

// aliveByAddress reads FailureDetector.getSimpleStatesWithPort: "UP" or "DOWN" by endpoint,
// each written by InetAddressAndPort.toString as "[host name]/address:port" ("/[v6]:port").
// The result is keyed by canonical address.
func aliveByAddress(states map[string]string) map[string]bool {
	out := make(map[string]bool, len(states))
	for ep, state := range states {
		if i := strings.LastIndexByte(ep, '/'); i >= 0 {
			ep = ep[i+1:]
		}
		out[CanonicalAddress(host(ep))] = state == "UP"
	}
	return out
}

// CanonicalAddress writes an IP address in Go's one form (Java may print an IPv6 address
// another way), so that two spellings of it compare equal; other strings are kept.
func CanonicalAddress(address string) string {
	if a, err := netip.ParseAddr(address); err == nil {
		return a.Unmap().String()
	}
	return address
}
