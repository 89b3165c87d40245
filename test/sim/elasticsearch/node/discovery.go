package node

import (
	"context"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// pingRequest and pingResponse are the peer finder's exchange: who a node is, whom it
// follows, and the newest cluster state it has accepted.
type pingRequest struct {
	From Member `json:"from"`
}

type pingResponse struct {
	Node            Member  `json:"node"`
	Master          *Member `json:"master,omitempty"`
	Term            int64   `json:"term"`
	AcceptedTerm    int64   `json:"accepted_term"`
	AcceptedVersion int64   `json:"accepted_version"`
	Bootstrapped    bool    `json:"bootstrapped"`
	ClusterUUID     string  `json:"cluster_uuid"`
	UUIDCommitted   bool    `json:"cluster_uuid_committed"`
}

// onPing answers a peer: a node that follows a live master names it, so that a new node finds
// the master through any member.
func (n *Node) onPing(_ context.Context, _ *pingRequest) (*pingResponse, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	resp := &pingResponse{
		Node: n.info, Term: n.term, AcceptedTerm: n.state.Term, AcceptedVersion: n.state.Version,
		Bootstrapped: n.state.bootstrapped(), ClusterUUID: n.state.ClusterUUID, UUIDCommitted: n.state.UUIDCommitted,
	}
	if n.role != candidate {
		if m, ok := n.state.Nodes[n.state.MasterID]; ok {
			resp.Master = &m
		}
	}
	return resp, nil
}

// seedAddresses resolves discovery.seed_hosts through DNS, as Elasticsearch's settings-based
// seed hosts provider does on every round, plus the transport addresses of the nodes in the
// last accepted state.
func (n *Node) seedAddresses(ctx context.Context, st *ClusterState) []string {
	var out []string
	add := func(addr string) {
		if addr != n.info.Transport && addr != n.transportLn.Addr().String() && !slices.Contains(out, addr) {
			out = append(out, addr)
		}
	}
	for _, seed := range n.cfg.SeedHosts {
		host, p, err := net.SplitHostPort(seed)
		if err != nil {
			host, p = seed, strconv.Itoa(9300)
		}
		ips, err := n.opts.LookupHost(ctx, host)
		if err != nil {
			n.log.warnEvery("resolve "+seed, 10*time.Second, "o.e.d.SeedHostsResolver", "failed to resolve host [%s]: %v", seed, err)
			continue
		}
		for _, ip := range ips {
			add(net.JoinHostPort(ip, p))
		}
	}
	for _, node := range st.sortedNodes() {
		add(node.Transport)
	}
	return out
}

// probe pings every seed address at once and returns the peers of this cluster that answered.
func (n *Node) probe(ctx context.Context, st *ClusterState) []pingResponse {
	addrs := n.seedAddresses(ctx, st)
	var (
		mu    sync.Mutex
		wg    sync.WaitGroup
		peers []pingResponse
	)
	for _, addr := range addrs {
		wg.Go(func() {
			var resp pingResponse
			if err := n.call(ctx, addr, actPing, pingRequest{From: n.info}, &resp); err != nil {
				return
			}
			if resp.Node.ClusterName != n.cfg.ClusterName || resp.Node.ID == n.info.ID {
				return // another cluster's node: Elasticsearch ignores it too
			}
			mu.Lock()
			peers = append(peers, resp)
			mu.Unlock()
		})
	}
	wg.Wait()
	slices.SortFunc(peers, func(a, b pingResponse) int { return strings.Compare(a.Node.ID, b.Node.ID) })
	return peers
}

func names(nodes []Member) []string {
	out := make([]string, 0, len(nodes))
	for _, n := range nodes {
		out = append(out, "{"+n.Name+"}{"+n.ID+"}{"+n.Transport+"}")
	}
	return out
}
