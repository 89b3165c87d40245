package jolokia

import (
	"context"
	"net"
	"slices"
	"strings"

	"github.com/navigator-dbaas/navigator/internal/cassandra/nodetool"
)

// MBeans the pilot reads.
const (
	StorageService     = "org.apache.cassandra.db:type=StorageService"
	EndpointSnitchInfo = "org.apache.cassandra.db:type=EndpointSnitchInfo"
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
	// Datacenter and rack of every endpoint, in one more bulk request.
	var reqs []Request
	for _, ep := range endpoints {
		reqs = append(reqs, Exec(EndpointSnitchInfo, "getDatacenter(java.lang.String)", ep),
			Exec(EndpointSnitchInfo, "getRack(java.lang.String)", ep))
	}
	names := make([]string, len(reqs))
	into := make([]any, len(reqs))
	for i := range names {
		into[i] = &names[i]
	}
	if len(reqs) > 0 {
		if err := c.Do(ctx, reqs, into...); err != nil {
			return nil, err
		}
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
	return &Ring{Status: st, Mode: r.OperationMode}, nil
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
