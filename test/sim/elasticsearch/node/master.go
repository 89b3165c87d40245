package node

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/Masterminds/semver/v3"

	"github.com/navigator-dbaas/navigator/test/sim/elasticsearch/config"
)

// errNotMaster answers a master action sent to a node that is no longer master.
var errNotMaster = errType(503, "not_master_exception", "no longer master")

// errNoChange tells change that there is nothing to publish.
var errNoChange = errors.New("no change")

// change runs one master-side update of the cluster state and publishes the result. Changes
// are serialised, as Elasticsearch's master service runs one task at a time.
func (n *Node) change(ctx context.Context, fn func(s *ClusterState) error) (*ClusterState, error) {
	n.pubMu.Lock()
	defer n.pubMu.Unlock()
	n.mu.Lock()
	if n.role != leader {
		n.mu.Unlock()
		return nil, errNotMaster
	}
	s := n.state.clone()
	n.mu.Unlock()
	if err := fn(s); errors.Is(err, errNoChange) {
		return s, nil
	} else if err != nil {
		return nil, err
	}
	return s, n.publish(ctx, s)
}

// publish makes s the next version of the cluster state: accepted here, then sent to every
// other member. Without a quorum of the voting configuration acknowledging it, the master
// steps down, as Elasticsearch's does when a publication fails. Callers hold pubMu.
func (n *Node) publish(ctx context.Context, s *ClusterState) error {
	n.mu.Lock()
	if n.role != leader {
		n.mu.Unlock()
		return errNotMaster
	}
	s.Version++ // s derives from this node's state, or from the newest one a new master found
	s.StateUUID = randomID()
	prev := n.state
	n.accept(s)
	n.mu.Unlock()
	acks := []string{n.info.ID}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, node := range s.Nodes {
		if node.ID == n.info.ID {
			continue
		}
		wg.Go(func() {
			if err := n.call(ctx, node.Transport, actPublish, s, nil); err == nil {
				mu.Lock()
				acks = append(acks, node.ID)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if !quorum(s.Coordination.VotingConfig, acks) {
		n.mu.Lock()
		if n.state == s {
			n.accept(prev) // an uncommitted state is not this node's state
		}
		n.mu.Unlock()
		n.stepDown("failed to commit cluster state version [%d]: a quorum of the voting configuration %v did not acknowledge it (acks %v)",
			s.Version, s.Coordination.VotingConfig, acks)
		return errType(503, "failed_to_commit_cluster_state_exception", "publication of cluster state version [%d] failed", s.Version)
	}
	logHealthChange(n.log, prev, s)
	if !slices.Contains(s.Coordination.VotingConfig, n.info.ID) && n.info.MasterEligible() && excluded(s, n.info.ID) {
		n.stepDown("abdicating: this node is excluded from the voting configuration")
	}
	if !s.UUIDCommitted {
		// The first committed state makes the cluster UUID final, as Elasticsearch marks it.
		next := s.clone()
		next.UUIDCommitted = true
		return n.publish(ctx, next)
	}
	return nil
}

// logHealthChange logs a committed state whose health differs from the previous one's, as
// AllocationService.logClusterHealthStateChange does (without Elasticsearch's reason, which
// names the reroute the simulator does not tell apart), with the counts that explain it: what
// a failed "never red" check needs to find in the master's log.
func logHealthChange(l *logger, prev, next *ClusterState) {
	now := time.Now()
	before, _ := prev.Allocation.Health(now)
	after, n := next.Allocation.Health(now)
	if before == after {
		return
	}
	l.info("o.e.c.r.a.AllocationService", "Cluster health status changed from [%s] to [%s] (cluster state version [%d]: %d active, %d initializing, %d unassigned shards).",
		strings.ToUpper(string(before)), strings.ToUpper(string(after)), next.Version, n.Active, n.Initializing, n.Unassigned)
}

// accept makes s this node's state and writes it to the data path, unless the node has
// stopped (Close). Callers hold mu.
func (n *Node) accept(s *ClusterState) {
	n.state = s
	if s.MasterID != "" {
		n.joined = true
	}
	if n.stopped {
		n.notify()
		return
	}
	if err := n.disk.saveState(s); err != nil {
		n.log.warn("o.e.g.PersistedClusterStateService", "failed to persist cluster state version [%d]: %v", s.Version, err)
	}
	n.notify()
}

// stepDown turns the master back into a candidate.
func (n *Node) stepDown(format string, args ...any) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.role != leader {
		return
	}
	n.role = candidate
	n.notify()
	n.log.warn("o.e.c.c.Coordinator", format, args...)
}

// onPublish is a follower receiving the master's state.
func (n *Node) onPublish(_ context.Context, s *ClusterState) (*struct{}, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if s.Term < n.term && n.role != candidate {
		// A candidate takes the state of the master it asked to join even if it voted in a
		// later term that elected nobody; a follower or master refuses an older term.
		return nil, errType(400, "coordination_state_rejected_exception", "incoming term %d does not match current term %d", s.Term, n.term)
	}
	if n.state.UUIDCommitted && s.ClusterUUID != n.state.ClusterUUID {
		return nil, errType(400, "coordination_state_rejected_exception",
			"received cluster state from a master with cluster UUID [%s], but this node belongs to cluster UUID [%s]", s.ClusterUUID, n.state.ClusterUUID)
	}
	if s.Term == n.state.Term && s.Version <= n.state.Version {
		return &struct{}{}, nil // a duplicate or a late, older publication
	}
	if n.role == leader && s.MasterID != n.info.ID {
		n.log.warn("o.e.c.c.Coordinator", "stepping down: received state of term [%d] from master [%s]", s.Term, s.MasterID)
	}
	wasFollower := n.role == follower && n.state.MasterID == s.MasterID
	n.term = s.Term
	n.accept(s)
	if _, member := s.Nodes[n.info.ID]; !member {
		n.role = candidate
		return &struct{}{}, nil
	}
	n.role, n.masterSeen, n.leaderFails = follower, time.Now(), 0
	if !wasFollower {
		m := s.Nodes[s.MasterID]
		n.log.info("o.e.c.s.ClusterApplierService", "master node changed {previous [], current [{%s}{%s}{%s}]}, term: %d, version: %d",
			m.Name, m.ID, m.Transport, s.Term, s.Version)
	}
	return &struct{}{}, nil
}

// onState returns the accepted state to a candidate gathering the newest one.
func (n *Node) onState(_ context.Context, _ *struct{}) (*ClusterState, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.state, nil
}

// joinRequest is a node asking the master to join.
type joinRequest struct {
	Node          Member `json:"node"`
	ClusterUUID   string `json:"cluster_uuid"`
	UUIDCommitted bool   `json:"cluster_uuid_committed"`
}

// onJoin is the master validating and adding a joining node, with Elasticsearch's join
// validation: same cluster, no node from another cluster's data, versions that may mix.
func (n *Node) onJoin(ctx context.Context, req *joinRequest) (*struct{}, error) {
	_, err := n.change(ctx, func(s *ClusterState) error {
		if req.UUIDCommitted && req.ClusterUUID != s.ClusterUUID {
			return errType(400, "coordination_state_rejected_exception",
				"This node previously joined a cluster with UUID [%s] and is now trying to join a different cluster with UUID [%s]. "+
					"This is forbidden and usually indicates an incorrect discovery or cluster bootstrapping configuration. "+
					"Note that the cluster UUID persists across restarts and can only be changed by deleting the contents of the node's data paths "+
					"which will also remove any data held by this node.", req.ClusterUUID, s.ClusterUUID)
		}
		if err := checkJoinVersion(n.cfg.Product, s, req.Node); err != nil {
			return err
		}
		if old, ok := s.Nodes[req.Node.ID]; ok {
			if old.EphemeralID == req.Node.EphemeralID {
				return errNoChange
			}
			// The node restarted before the master noticed it had left.
			delete(s.Nodes, old.ID)
			s.Allocation.NodeLeft(old.ID, time.Now(), true)
		}
		addNode(s, req.Node)
		s.Coordination.Reconfigure(s.members(), true)
		s.Allocation.Reroute(time.Now())
		n.log.info("o.e.c.s.MasterService", "node-join[{%s}{%s}{%s} join existing leader], term: %d", req.Node.Name, req.Node.ID, req.Node.Transport, s.Term)
		return nil
	})
	return &struct{}{}, err
}

// checkJoinVersion applies Elasticsearch's mixed-version rules: a node may not join a cluster
// whose nodes are all newer than it, nor one holding a node it is not wire-compatible with.
func checkJoinVersion(p config.Product, s *ClusterState, joining Member) error {
	jv := semver.MustParse(joining.Version)
	var oldest, newest *semver.Version
	for _, node := range s.Nodes {
		v := semver.MustParse(node.Version)
		if oldest == nil || v.LessThan(oldest) {
			oldest = v
		}
		if newest == nil || v.GreaterThan(newest) {
			newest = v
		}
	}
	if oldest == nil {
		return nil
	}
	if jv.LessThan(oldest) {
		return errType(400, "illegal_state_exception", "node version [%s] may not join a cluster comprising only nodes of version [%s] or greater", jv, oldest)
	}
	if oldest.LessThan(p.MinimumCompatible(jv)) || jv.LessThan(p.MinimumCompatible(newest)) {
		return errType(400, "illegal_state_exception", "node version [%s] is not supported. The cluster contains nodes with version [%s], which is incompatible.", jv, oldest)
	}
	return nil
}

// checkFollowers is the master's follower check: a node whose transport is closed leaves at
// once; one that fails Retries checks in a row leaves then. The master steps down when it no
// longer reaches a quorum of the voting configuration.
func (n *Node) checkFollowers(ctx context.Context) {
	n.mu.Lock()
	st, r, term := n.state, n.role, n.term
	n.mu.Unlock()
	// Elasticsearch's FollowersChecker checks the nodes of the state being published
	// (Coordinator.publish calls followersChecker.setCurrentNodes); a node just elected checks
	// nobody until its first publication of the term. Judged on the state before it (a
	// bootstrapping node's has an empty voting configuration), a new master stepped down at once.
	if r != leader || st.Term < term {
		return
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	reached, gone := []string{n.info.ID}, map[string]string{}
	for _, node := range st.Nodes {
		if node.ID == n.info.ID {
			continue
		}
		wg.Go(func() {
			err := n.call(ctx, node.Transport, actCheck, checkRequest{Term: st.Term, Master: n.info.ID}, nil)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				n.followerFails[node.ID] = 0
				reached = append(reached, node.ID)
			case disconnected(err):
				gone[node.ID] = "disconnected"
			default:
				if n.followerFails[node.ID]++; n.followerFails[node.ID] >= n.opts.Timing.Retries {
					gone[node.ID] = "followers check retry count exceeded"
				} else {
					reached = append(reached, node.ID) // not yet counted as gone
				}
			}
		})
	}
	wg.Wait()
	if !quorum(st.Coordination.VotingConfig, reached) {
		n.stepDown("master not discovered or elected yet: this master reaches only %v of the voting configuration %v", reached, st.Coordination.VotingConfig)
		return
	}
	if len(gone) > 0 {
		n.removeNodes(ctx, gone)
	}
}

// removeNodes is the master's node-left task.
func (n *Node) removeNodes(ctx context.Context, gone map[string]string) {
	_, _ = n.change(ctx, func(s *ClusterState) error {
		now := time.Now()
		for id, reason := range gone {
			node, ok := s.Nodes[id]
			if !ok {
				continue
			}
			delete(s.Nodes, id)
			delete(n.followerFails, id)
			s.Allocation.NodeLeft(id, now, true)
			n.log.info("o.e.c.s.MasterService", "node-left[{%s}{%s}{%s} reason: %s], term: %d", node.Name, node.ID, node.Transport, reason, s.Term)
		}
		s.Coordination.Reconfigure(s.members(), true)
		s.Allocation.Reroute(now)
		return nil
	})
}

// checkRequest is the master's follower check.
type checkRequest struct {
	Term   int64  `json:"term"`
	Master string `json:"master"`
}

// onCheck answers the master's follower check.
func (n *Node) onCheck(_ context.Context, req *checkRequest) (*struct{}, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if req.Term < n.term {
		return nil, errType(400, "coordination_state_rejected_exception", "onFollowerCheckRequest: current term is [%d], rejecting [%d]", n.term, req.Term)
	}
	if n.role == follower && n.state.MasterID == req.Master {
		n.masterSeen = time.Now()
	}
	return &struct{}{}, nil
}

// leaderCheckRequest is a follower checking that its master still leads it.
type leaderCheckRequest struct {
	From string `json:"from"`
}

// onLeaderCheck answers a follower: only a master that has the node in its state says yes.
func (n *Node) onLeaderCheck(_ context.Context, req *leaderCheckRequest) (*struct{}, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.role != leader {
		return nil, errType(503, "coordination_state_rejected_exception", "rejecting leader check since [%s] is not the master", n.info.Name)
	}
	if _, ok := n.state.Nodes[req.From]; !ok {
		return nil, errType(400, "coordination_state_rejected_exception", "rejecting leader check since [%s] has been removed from the cluster", req.From)
	}
	return &struct{}{}, nil
}

// checkLeader is a follower's leader check: it restarts discovery when its master is gone.
func (n *Node) checkLeader(ctx context.Context) {
	st, r, _ := n.snapshot()
	if r != follower {
		return
	}
	master, ok := st.Nodes[st.MasterID]
	if !ok {
		n.becomeCandidate("master left the cluster state")
		return
	}
	err := n.call(ctx, master.Transport, actLeaderCheck, leaderCheckRequest{From: n.info.ID}, nil)
	var te *transportError
	n.mu.Lock()
	switch {
	case err == nil:
		n.leaderFails, n.masterSeen = 0, time.Now()
	case disconnected(err) || errors.As(err, &te):
		n.leaderFails = n.opts.Timing.Retries // a closed port or a refusal needs no retry
	default:
		n.leaderFails++
	}
	failed := n.leaderFails >= n.opts.Timing.Retries
	n.mu.Unlock()
	if failed {
		n.becomeCandidate("master node [{%s}{%s}{%s}] failed, restarting discovery: %v", master.Name, master.ID, master.Transport, err)
	}
}

func (n *Node) becomeCandidate(format string, args ...any) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.role != follower {
		return
	}
	n.role, n.leaderFails = candidate, 0
	n.notify()
	n.log.info("o.e.c.c.Coordinator", format, args...)
}

// rerouteTick is the master advancing recoveries and allocations with time; it publishes only
// when the allocation changed.
func (n *Node) rerouteTick(ctx context.Context) {
	if _, r, _ := n.snapshot(); r != leader {
		return
	}
	_, _ = n.change(ctx, func(s *ClusterState) error {
		before := allocationFingerprint(s)
		s.Allocation.Reroute(time.Now())
		if allocationFingerprint(s) == before {
			return errNoChange
		}
		return nil
	})
}

// allocationFingerprint is what publishing depends on: copies and index data, not the time
// of the last reroute.
func allocationFingerprint(s *ClusterState) string {
	raw, _ := json.Marshal([]any{s.Allocation.Copies, s.Allocation.Indices, s.Allocation.Shutdowns})
	return string(raw)
}
