package node

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/navigator-dbaas/navigator/test/sim/elasticsearch/coordination"
)

// voteRequest asks a master-eligible peer for its vote in a term.
type voteRequest struct {
	Term            int64  `json:"term"`
	Candidate       Member `json:"candidate"`
	AcceptedTerm    int64  `json:"accepted_term"`
	AcceptedVersion int64  `json:"accepted_version"`
}

// voteResponse carries the voter as it is now: a vote is a join, and the voter may have
// restarted since it was discovered.
type voteResponse struct {
	Granted bool   `json:"granted"`
	Node    Member `json:"node"`
}

// discover is the candidate's round: join a master if a peer knows one, otherwise stand for
// election when this node is the one that should.
func (n *Node) discover(ctx context.Context) {
	st, r, _ := n.snapshot()
	if r != candidate {
		return
	}
	var peers []pingResponse
	if n.cfg.Settings["discovery.type"] != "single-node" {
		peers = n.probe(ctx, st)
	}
	for _, p := range peers {
		if p.Master != nil {
			if err := n.join(ctx, *p.Master); err == nil {
				return
			}
		}
	}
	n.stand(ctx, st, peers)
}

// join asks a master to add this node to its cluster. The master's publication, which
// includes this node, makes it a follower before the answer arrives.
func (n *Node) join(ctx context.Context, master Member) error {
	n.mu.Lock()
	req := joinRequest{Node: n.info, ClusterUUID: n.state.ClusterUUID, UUIDCommitted: n.state.UUIDCommitted}
	n.mu.Unlock()
	err := n.call(ctx, master.Transport, actJoin, req, nil)
	if err != nil {
		n.log.warnEvery("join "+err.Error(), 10*time.Second, "o.e.c.c.JoinHelper", "failed to join {%s}{%s}{%s} with JoinRequest{sourceNode={%s}{%s}}: %v",
			master.Name, master.ID, master.Transport, n.info.Name, n.info.ID, err)
	}
	return err
}

// canLead reports whether this node may become master: master-eligible, not voting-only, and
// not excluded from the voting configuration (an excluded master abdicates and stays down).
func (n *Node) canLead(st *ClusterState) bool {
	return n.info.MasterEligible() && !n.info.VotingOnly() && !excluded(st, n.info.ID)
}

// maxDeferrals is how many discovery rounds a candidate waits for a lower-ID one to win.
const maxDeferrals = 5

func excluded(st *ClusterState, id string) bool {
	return slices.ContainsFunc(st.Coordination.Exclusions, func(e coordination.Exclusion) bool { return e.ID == id })
}

// stand runs an election if this node is the lowest-ID candidate that may lead; the others
// wait for it, so that elections do not collide.
func (n *Node) stand(ctx context.Context, st *ClusterState, peers []pingResponse) {
	if !n.canLead(st) {
		n.warnNoMaster(st, peers, "")
		return
	}
	for _, p := range peers {
		if p.Node.MasterEligible() && !p.Node.VotingOnly() && p.Master == nil && p.Node.ID < n.info.ID && !excluded(st, p.Node.ID) && n.deferred < maxDeferrals {
			// A lower-ID peer should stand; defer to it for a few rounds, then stand anyway in
			// case it cannot (it may lack cluster.initial_master_nodes, for instance).
			n.deferred++
			n.warnNoMaster(st, peers, "")
			return
		}
	}
	n.deferred = 0
	best := n.bestState(ctx, st, peers)
	if err := checkJoinVersion(n.cfg.Product, best, n.info); err != nil {
		// A node that could not join this cluster may not lead it either.
		n.warnNoMaster(st, peers, "this node may not lead: "+err.Error())
		return
	}
	if !best.bootstrapped() {
		var err error
		if best, err = n.bootstrap(best, peers); err != nil {
			n.warnNoMaster(st, peers, err.Error())
			return
		}
	}
	term := max(n.currentTerm(), best.Term)
	for _, p := range peers {
		term = max(term, p.Term)
	}
	term++
	votes := n.collectVotes(ctx, term, best, peers)
	var voters []string
	for _, v := range votes {
		voters = append(voters, v.ID)
	}
	if !quorum(best.Coordination.VotingConfig, voters) {
		n.warnNoMaster(st, peers, fmt.Sprintf("an election requires a quorum of the voting configuration %v, have votes from %v",
			best.Coordination.VotingConfig, voters))
		return
	}
	n.becomeLeader(ctx, best, term, peers, votes)
}

// bestState returns the newest accepted state among this node and its peers: a new master
// starts from the last state a majority may have accepted.
func (n *Node) bestState(ctx context.Context, st *ClusterState, peers []pingResponse) *ClusterState {
	best := st
	for _, p := range peers {
		if p.AcceptedTerm > best.Term || p.AcceptedTerm == best.Term && p.AcceptedVersion > best.Version {
			var s ClusterState
			if err := n.call(ctx, p.Node.Transport, actState, struct{}{}, &s); err == nil && s.newer(best) {
				best = &s
			}
		}
	}
	return best.clone()
}

// bootstrap forms a new cluster from cluster.initial_master_nodes (or this node alone with
// discovery.type single-node).
func (n *Node) bootstrap(s *ClusterState, peers []pingResponse) (*ClusterState, error) {
	initial := n.cfg.InitialMasterNodes
	if n.cfg.Settings["discovery.type"] == "single-node" {
		initial = []string{n.info.Name}
	}
	live := []coordination.Member{n.info.member()}
	for _, p := range peers {
		live = append(live, p.Node.member())
	}
	if err := s.Coordination.Bootstrap(initial, live); err != nil {
		return nil, err
	}
	s.ClusterUUID, s.ClusterName = randomID(), n.cfg.ClusterName
	n.log.info("o.e.c.c.Coordinator", "setting initial configuration to VotingConfiguration{%v}", s.Coordination.VotingConfig)
	return s, nil
}

// collectVotes asks every master-eligible peer for its vote; this node votes for itself.
func (n *Node) collectVotes(ctx context.Context, term int64, best *ClusterState, peers []pingResponse) []Member {
	n.mu.Lock()
	if term <= n.term {
		n.mu.Unlock()
		return nil
	}
	n.term = term
	n.mu.Unlock()
	votes := []Member{n.info}
	req := voteRequest{Term: term, Candidate: n.info, AcceptedTerm: best.Term, AcceptedVersion: best.Version}
	for _, p := range peers {
		if !p.Node.MasterEligible() {
			continue
		}
		var resp voteResponse
		if err := n.call(ctx, p.Node.Transport, actVote, req, &resp); err == nil && resp.Granted {
			votes = append(votes, resp.Node)
		}
	}
	return votes
}

// onVote grants a vote for a higher term to a candidate whose state is not older than this
// node's, unless this node follows a live master.
func (n *Node) onVote(_ context.Context, req *voteRequest) (*voteResponse, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	liveMaster := n.role == leader || n.role == follower && time.Since(n.masterSeen) < n.leaderTimeout()
	stale := req.AcceptedTerm < n.state.Term || req.AcceptedTerm == n.state.Term && req.AcceptedVersion < n.state.Version
	if req.Term <= n.term || liveMaster || stale {
		return &voteResponse{}, nil
	}
	n.term = req.Term
	return &voteResponse{Granted: true, Node: n.info}, nil
}

// becomeLeader takes office: nodes of the old state that did not answer discovery are gone,
// this node joins, and the state is published in the new term.
func (n *Node) becomeLeader(ctx context.Context, best *ClusterState, term int64, peers []pingResponse, votes []Member) {
	n.pubMu.Lock()
	defer n.pubMu.Unlock()
	n.mu.Lock()
	if n.term != term || n.role != candidate {
		n.mu.Unlock()
		return // another election overtook this one
	}
	n.role = leader
	n.notify()
	n.mu.Unlock()
	s, now := best, time.Now()
	s.Term, s.MasterID, s.Coordination.Master, s.Coordination.Term = term, n.info.ID, n.info.ID, term
	s.Allocation.Settings.AwaitSync = true
	if n.opts.RecoveryBytesPerSecond > 0 {
		s.Allocation.Settings.DefaultRecoveryBytesPerSecond = n.opts.RecoveryBytesPerSecond
	}
	s.MasterSettings = dynamicOf(n.cfg.Settings)
	applySettings(s)
	live := map[string]Member{n.info.ID: n.info}
	uuids := map[string]pingResponse{}
	for _, p := range peers {
		live[p.Node.ID] = p.Node
		uuids[p.Node.ID] = p
	}
	for _, v := range votes {
		live[v.ID] = v // newer than what discovery saw
	}
	for id, node := range s.Nodes {
		if live[id].EphemeralID != node.EphemeralID {
			delete(s.Nodes, id)
			s.Allocation.NodeLeft(id, now, true)
		}
	}
	// A vote is a join, as in Elasticsearch: the nodes that voted are members from the first
	// publication on, so that it can be committed by their acknowledgements.
	if _, member := s.Nodes[n.info.ID]; !member {
		addNode(s, n.info)
	}
	for _, v := range votes {
		if _, member := s.Nodes[v.ID]; !member && checkJoinVersion(n.cfg.Product, s, v) == nil && !foreignUUID(s, uuids[v.ID]) {
			addNode(s, v)
		}
	}
	s.Coordination.Reconfigure(s.members(), true)
	s.Allocation.Reroute(now)
	if err := n.publish(ctx, s); err != nil {
		n.log.warn("o.e.c.c.Coordinator", "failed to publish the first state of term [%d]: %v", term, err)
		return
	}
	n.log.info("o.e.c.s.MasterService", "elected-as-master ([%d] nodes joined)[%v], term: %d, version: %d, reason: became master",
		len(s.Nodes), names(s.sortedNodes()), term, s.Version)
}

// foreignUUID reports whether a peer belongs for good to another cluster than s: such a
// node's vote does not make it a member (its join would be refused).
func foreignUUID(s *ClusterState, p pingResponse) bool {
	return p.UUIDCommitted && p.ClusterUUID != s.ClusterUUID
}

// warnNoMaster logs, every ten seconds, why this node has no master, in Elasticsearch's words.
func (n *Node) warnNoMaster(st *ClusterState, peers []pingResponse, why string) {
	var found []Member
	for _, p := range peers {
		found = append(found, p.Node)
	}
	msg := "master not discovered yet"
	switch {
	case !st.bootstrapped() && len(n.cfg.InitialMasterNodes) == 0:
		msg += ", this node has not previously joined a bootstrapped cluster, and [cluster.initial_master_nodes] is empty on this node"
	case !st.bootstrapped():
		msg += fmt.Sprintf(", this node has not previously joined a bootstrapped cluster, and this node must discover master-eligible nodes %v to bootstrap a cluster", n.cfg.InitialMasterNodes)
	case why != "":
		msg += " or elected yet, " + why
	}
	n.log.warnEvery("no-master", 10*time.Second, "o.e.c.c.ClusterFormationFailureHelper", "%s: have discovered %v; discovery will continue using %v",
		msg, names(found), n.cfg.SeedHosts)
}

func (n *Node) currentTerm() int64 {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.term
}

// leaderTimeout is how long a follower trusts a master it has not heard from.
func (n *Node) leaderTimeout() time.Duration {
	return time.Duration(n.opts.Timing.Retries+1) * n.opts.Timing.LeaderCheck
}

// quorum reports whether votes hold a majority of the voting configuration.
func quorum(config, votes []string) bool {
	got := 0
	for _, id := range config {
		if slices.Contains(votes, id) {
			got++
		}
	}
	return len(config) > 0 && got > len(config)/2
}

// addNode adds a member to the state and to the allocation model.
func addNode(s *ClusterState, info Member) {
	s.Nodes[info.ID] = info
	if info.Data() {
		s.Allocation.NodeJoined(modelNode(info))
	}
}
