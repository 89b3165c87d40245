package node

import (
	"bytes"
	"testing"
)

// TestANewMasterChecksNoFollowersBeforeItsFirstPublication: a node just elected in term 1
// still holds the state it bootstrapped from (term 0, empty voting configuration) until its
// first publication of the term. Judged on that state, its followers check found no quorum and
// it stepped down before publishing (TestMixedVersionJoinRules failed so under load).
// Elasticsearch's FollowersChecker checks only the nodes of a state being published
// (Coordinator.publish: followersChecker.setCurrentNodes(publishNodes)).
func TestANewMasterChecksNoFollowersBeforeItsFirstPublication(t *testing.T) {
	var log bytes.Buffer
	n := &Node{
		log:     &logger{w: &log, node: "m"},
		state:   &ClusterState{},
		role:    leader,
		term:    1,
		changed: make(chan struct{}),
	}
	n.checkFollowers(t.Context())
	if n.role != leader {
		t.Fatalf("the new master stepped down before its first publication: %s", log.String())
	}
	n.state = &ClusterState{Term: 1}
	n.checkFollowers(t.Context())
	if n.role == leader {
		t.Fatal("a master whose published state has no voting quorum stayed master")
	}
}
