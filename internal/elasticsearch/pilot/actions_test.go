package pilot

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
)

// act calls Act until the action completes, as the agent does on every step, and returns every
// status it reported.
func (c *simCluster) act(name string, action navv1alpha1.PilotAction, within time.Duration) []navv1alpha1.PilotActionStatus {
	c.t.Helper()
	var seen []navv1alpha1.PilotActionStatus
	eventually(c.t, within, string(action)+" on "+name+" completes", func() bool {
		st, err := c.engines[name].Act(c.t.Context(), action, testInput(c.es))
		if err != nil {
			c.t.Fatalf("%s on %s: %v", action, name, err)
		}
		seen = append(seen, st)
		return st.Phase == navv1alpha1.ActionComplete
	})
	return seen
}

// exclusions lists the voting configuration exclusions by node id.
func (c *simCluster) exclusions(via string) []string {
	c.t.Helper()
	raw, err := c.client(via).Cluster.State().Metric("metadata").Do(c.t.Context())
	if err != nil {
		c.t.Fatal(err)
	}
	var st stateView
	if err := json.Unmarshal(raw, &st); err != nil {
		c.t.Fatal(err)
	}
	var ids []string
	for _, x := range st.Metadata.ClusterCoordination.VotingConfigExclusions {
		ids = append(ids, x.NodeID)
	}
	return ids
}

// registeredShutdowns lists the node ids with a registered shutdown.
func (c *simCluster) registeredShutdowns(via string) []string {
	c.t.Helper()
	all, err := c.engines[via].es.shutdowns(c.t.Context(), "")
	if err != nil {
		c.t.Fatal(err)
	}
	var ids []string
	for _, sd := range all {
		ids = append(ids, sd.NodeID)
	}
	return ids
}

// formedCluster starts three master-eligible data nodes and writes docs documents into an
// index "docs" of the given shards and replicas; it returns once the cluster is green.
func formedCluster(t *testing.T, shards, replicas, docs int) *simCluster {
	c := newSimCluster(t, "logs-hot-0", "logs-hot-1", "logs-hot-2")
	c.startAll()
	c.waitReady()
	c.index("logs-hot-0", "docs", shards, replicas, docs)
	c.waitGreen("logs-hot-0", 3)
	return c
}

// masterName is the name of the elected master.
func (c *simCluster) masterName(via string) string {
	c.t.Helper()
	master := c.observe(via, nil).Elasticsearch.MasterNode
	for _, name := range c.names {
		if c.node(name) != nil && c.id(name) == master {
			return name
		}
	}
	c.t.Fatalf("no running node is the master %q", master)
	return ""
}

// masterAndAnother names the elected master of a formedCluster and a node that is not it.
func (c *simCluster) masterAndAnother() (master, other string) {
	master, other = c.masterName("logs-hot-0"), "logs-hot-2"
	if other == master {
		other = "logs-hot-1"
	}
	return master, other
}

// TestLeaveMovesDataAway: a master-eligible data node of a three-node cluster with one replica
// leaves: it is excluded from voting, its shards move away while Leave reports progress, and it
// is complete once it holds none, with every document still countable. Once the node is gone,
// the elected master's pilot clears its shutdown and its voting exclusion.
func TestLeaveMovesDataAway(t *testing.T) {
	c := formedCluster(t, 3, 1, 60)
	master, leaving := c.masterAndAnother()

	seen := c.act(leaving, navv1alpha1.ActionLeave, 10*time.Second)
	if len(seen) < 2 || !strings.Contains(seen[0].Message, "shards remaining") {
		t.Errorf("Leave reported no progress before completing: %+v", seen)
	}
	st := c.observe(leaving, nil)
	if es := st.Elasticsearch; es.Shards != 0 || es.Documents != 0 || es.Shutdown == nil ||
		es.Shutdown.Type != "remove" || es.Shutdown.Status != "COMPLETE" {
		t.Fatalf("the node that left: %+v, shutdown %+v", es, es.Shutdown)
	}
	if n := c.count(master, "docs"); n != 60 {
		t.Fatalf("%d documents countable after the node left, want 60", n)
	}
	c.waitGreen(master, 3)
	// Asked again, Leave stays complete and registers nothing twice.
	if again := c.act(leaving, navv1alpha1.ActionLeave, time.Second); len(again) != 1 {
		t.Fatalf("Leave asked again: %+v", again)
	}
	if ex := c.exclusions(master); !slices.Equal(ex, []string{c.id(leaving)}) {
		t.Fatalf("voting exclusions %v, want only %s", ex, leaving)
	}

	// While the node is still a member, the master's cleanup leaves its records alone.
	c.observe(master, nil)
	if ex, sd := c.exclusions(master), c.registeredShutdowns(master); len(ex) != 1 || len(sd) != 1 {
		t.Fatalf("cleanup before the node left: exclusions %v, shutdowns %v", ex, sd)
	}
	c.stop(leaving) // the controller deletes the pod
	eventually(t, 5*time.Second, "the master's pilot clears the departed node's records", func() bool {
		c.observe(master, nil)
		return len(c.exclusions(master)) == 0 && len(c.registeredShutdowns(master)) == 0
	})
	c.waitGreen(master, 2)
}

// TestLeaveStallsWhenDataHasNowhereToGo: with two replicas on three nodes, a leaving node's
// copies can go nowhere; Leave stays in progress with Elasticsearch's explanation.
func TestLeaveStallsWhenDataHasNowhereToGo(t *testing.T) {
	c := formedCluster(t, 1, 2, 20)

	var last navv1alpha1.PilotActionStatus
	eventually(t, 5*time.Second, "Leave reports the stalled shutdown", func() bool {
		st, err := c.engines["logs-hot-1"].Act(t.Context(), navv1alpha1.ActionLeave, testInput(c.es))
		if err != nil {
			t.Fatal(err)
		}
		last = st
		return strings.Contains(st.Message, "STALLED")
	})
	for range 3 {
		st, err := c.engines["logs-hot-1"].Act(t.Context(), navv1alpha1.ActionLeave, testInput(c.es))
		if err != nil || st.Phase != navv1alpha1.ActionInProgress || !strings.Contains(st.Message, "cannot move away") {
			t.Fatalf("a stalled Leave: %+v %v (first: %+v)", st, err, last)
		}
	}
	es := c.observe("logs-hot-1", nil).Elasticsearch
	if es.Shutdown == nil || es.Shutdown.Status != "STALLED" || es.Shutdown.ShardsRemaining != 1 || es.Shutdown.Explanation == "" || es.Shards != 1 {
		t.Fatalf("a stalled shutdown observed: %+v %+v", es, es.Shutdown)
	}
	if n := c.count("logs-hot-0", "docs"); n != 20 {
		t.Fatalf("%d documents, want 20", n)
	}
}

// TestPrepareRestartThenCleanup: PrepareRestart registers a restart shutdown; it stays while
// the Pilot asks for PrepareRestart, across the restart; once the node is back and the Pilot asks
// for nothing, the node's pilot deletes it.
func TestPrepareRestartThenCleanup(t *testing.T) {
	c := formedCluster(t, 3, 1, 30)

	name := "logs-hot-1"
	seen := c.act(name, navv1alpha1.ActionPrepareRestart, 5*time.Second)
	done := seen[len(seen)-1]
	if !strings.Contains(done.Message, "allocation_delay 2m") {
		t.Errorf("PrepareRestart completed with %q", done.Message)
	}
	// The agent's step observes with the status read before Act: no action reported yet.
	if sd := c.observe(name, nil).Elasticsearch.Shutdown; sd == nil || sd.Type != "restart" || sd.Status != "COMPLETE" {
		t.Fatalf("restart shutdown right after PrepareRestart: %+v", sd)
	}
	if sd := c.observe(name, &done).Elasticsearch.Shutdown; sd == nil {
		t.Fatal("restart shutdown deleted while the Pilot asks for PrepareRestart")
	}

	c.stop(name)
	c.engines[name] = c.newEngine(name, c.engines[name].HTTPPort, c.engines[name].TransportPort, c.engines[name].SeedHosts) // a new pilot
	c.start(name)
	c.waitReady()
	if sd := c.observe(name, &done).Elasticsearch.Shutdown; sd == nil || sd.Type != "restart" {
		t.Fatalf("restart shutdown while the Pilot still asks for PrepareRestart: %+v", sd)
	}
	if sd := c.observe(name, nil).Elasticsearch.Shutdown; sd != nil {
		t.Fatalf("restart shutdown of a node that is back: %+v", sd)
	}
	if ids := c.registeredShutdowns("logs-hot-0"); len(ids) != 0 {
		t.Fatalf("shutdowns left: %v", ids)
	}
	c.waitGreen("logs-hot-0", 3)
	if n := c.count(name, "docs"); n != 30 {
		t.Fatalf("%d documents after the restart, want 30", n)
	}

	if _, err := c.engines[name].Act(t.Context(), navv1alpha1.ActionCleanup, testInput(c.es)); err == nil {
		t.Fatal("Cleanup, a Cassandra action, accepted")
	}
}

// TestWithdrawnLeaveLiftsShutdownAndExclusion: a node asked to Leave, then kept (the user
// raised the replicas back), deletes its own remove shutdown once its Pilot no longer asks to
// Leave; the elected master's pilot then clears its voting exclusion, and Elasticsearch places
// shards on the node again.
func TestWithdrawnLeaveLiftsShutdownAndExclusion(t *testing.T) {
	c := formedCluster(t, 3, 1, 30)
	master, kept := c.masterAndAnother()
	seen := c.act(kept, navv1alpha1.ActionLeave, 10*time.Second)
	left := seen[len(seen)-1]

	// The agent's step observes with the status read before Act: the withdrawal is not
	// mistaken for one while the status has not yet reported the Leave.
	if sd := c.observe(kept, nil).Elasticsearch.Shutdown; sd == nil || sd.Type != "remove" {
		t.Fatalf("remove shutdown right after Leave: %+v", sd)
	}
	if sd := c.observe(kept, &left).Elasticsearch.Shutdown; sd == nil {
		t.Fatal("remove shutdown deleted while the Pilot asks to Leave")
	}
	c.observe(master, nil)
	if ex := c.exclusions(master); !slices.Equal(ex, []string{c.id(kept)}) {
		t.Fatalf("the master's cleanup while the node leaves: exclusions %v", ex)
	}

	if sd := c.observe(kept, nil).Elasticsearch.Shutdown; sd != nil {
		t.Fatalf("remove shutdown of a node whose Pilot no longer asks to Leave: %+v", sd)
	}
	eventually(t, 5*time.Second, "the master's pilot clears the exclusion of the node that stays", func() bool {
		c.observe(master, nil)
		return len(c.exclusions(master)) == 0
	})
	if ids := c.registeredShutdowns(master); len(ids) != 0 {
		t.Fatalf("shutdowns left: %v", ids)
	}
	c.index(master, "more", 3, 1, 9)
	c.waitGreen(master, 3)
	if es := c.observe(kept, nil).Elasticsearch; es.Shards == 0 {
		t.Fatalf("the node that stays holds no shard of a new index: %+v", es)
	}
	if n := c.count(master, "docs"); n != 30 {
		t.Fatalf("%d documents, want 30", n)
	}
}
