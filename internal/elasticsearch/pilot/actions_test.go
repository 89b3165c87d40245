package pilot

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/search/rest"
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
	var st rest.StateView
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
// is complete once Elasticsearch routes none to it (the node then deletes its relocated copies),
// with every document still countable. Once the node is gone, the elected master's pilot clears
// its shutdown and its voting exclusion.
func TestLeaveMovesDataAway(t *testing.T) {
	c := formedCluster(t, 3, 1, 60)
	master, leaving := c.masterAndAnother()

	seen := c.act(leaving, navv1alpha1.ActionLeave, 10*time.Second)
	if len(seen) < 2 || !strings.Contains(seen[0].Message, "shards remaining") {
		t.Errorf("Leave reported no progress before completing: %+v", seen)
	}
	if done := seen[len(seen)-1]; !strings.Contains(done.Message, "every shard has moved away") {
		t.Errorf("Leave completed with %q", done.Message)
	}
	eventually(t, 5*time.Second, "the node that left deletes its relocated copies", func() bool {
		es := c.observe(leaving, nil).Elasticsearch
		return es.Shards == 0 && es.Documents == 0 && es.Shutdown != nil && es.Shutdown.Type == "remove" && es.Shutdown.Status == "COMPLETE"
	})
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

// TestLeaveCompletesWhenEveryShardKeepsACopy: with two replicas on three nodes, a leaving node's
// copies can go nowhere, but each shard keeps started copies on the nodes that stay:
// Elasticsearch reports the shutdown COMPLETE (hasShardCopyOnAnotherNode), and Leave completes
// with the copies still on the node. Once it is gone, every document is still there.
func TestLeaveCompletesWhenEveryShardKeepsACopy(t *testing.T) {
	c := formedCluster(t, 1, 2, 20)
	_, leaving := c.masterAndAnother()

	seen := c.act(leaving, navv1alpha1.ActionLeave, 10*time.Second)
	done := seen[len(seen)-1]
	if !strings.Contains(done.Message, "have at least one copy on another node in the cluster") {
		t.Errorf("Leave completed with %q", done.Message)
	}
	es := c.observe(leaving, nil).Elasticsearch
	if es.Shutdown == nil || es.Shutdown.Status != "COMPLETE" || es.Shards != 1 {
		t.Fatalf("the completed shutdown observed: %+v %+v", es, es.Shutdown)
	}
	c.stop(leaving)
	for _, name := range c.names {
		if c.node(name) != nil {
			eventually(t, 10*time.Second, name+" counts every document", func() bool { return c.count(name, "docs") == 20 })
		}
	}
}

// TestAStalledLeaveSaysWhy: a leaving node whose shards an allocation filter keeps from every
// other node stalls; Leave stays in progress and its message, like the observed shutdown, names
// each other node's refusal from Elasticsearch's node_allocation_decision, not only "see
// node_allocation_decision".
func TestAStalledLeaveSaysWhy(t *testing.T) {
	c := formedCluster(t, 3, 0, 30)
	master, leaving := c.masterAndAnother()
	var stay []string
	for _, name := range c.names {
		if name != leaving {
			stay = append(stay, name)
		}
	}
	body := fmt.Sprintf(`{"persistent":{"cluster.routing.allocation.exclude._name":%q}}`, strings.Join(stay, ","))
	if _, err := c.client(master).Cluster.PutSettings().Raw(strings.NewReader(body)).Do(t.Context()); err != nil {
		t.Fatal(err)
	}
	var last navv1alpha1.PilotActionStatus
	eventually(t, 10*time.Second, "Leave reports the stall with the filter", func() bool {
		st, err := c.engines[leaving].Act(t.Context(), navv1alpha1.ActionLeave, testInput(c.es))
		if err != nil {
			t.Fatal(err)
		}
		last = st
		return st.Phase == navv1alpha1.ActionInProgress && strings.Contains(st.Message, "STALLED") &&
			strings.Contains(st.Message, stay[0]+`: node matches cluster setting [cluster.routing.allocation.exclude] filters [_name:"`+strings.Join(stay, " OR ")+`"]`)
	})
	if sd := c.observe(leaving, nil).Elasticsearch.Shutdown; sd == nil || !strings.Contains(sd.Explanation, "matches cluster setting [cluster.routing.allocation.exclude] filters") {
		t.Errorf("the observed shutdown: %+v (Leave said %q)", sd, last.Message)
	}
}

// TestALeaveStalledByTheShardLimitSaysWhy: three nodes hold one copy each of an index without
// replicas, and cluster.routing.allocation.total_shards_per_node is 1: the leaving node's copy
// can go nowhere, and Leave names the limit as Elasticsearch explains it.
func TestALeaveStalledByTheShardLimitSaysWhy(t *testing.T) {
	c := formedCluster(t, 3, 0, 30)
	_, leaving := c.masterAndAnother()
	c.putClusterSettings("logs-hot-0", `{"persistent":{"cluster.routing.allocation.total_shards_per_node":"1"}}`)
	eventually(t, 10*time.Second, "Leave reports the stall with the limit", func() bool {
		st, err := c.engines[leaving].Act(t.Context(), navv1alpha1.ActionLeave, testInput(c.es))
		if err != nil {
			t.Fatal(err)
		}
		return st.Phase == navv1alpha1.ActionInProgress && strings.Contains(st.Message, "STALLED") &&
			strings.Contains(st.Message, "too many shards [1] allocated to this node, cluster setting [cluster.routing.allocation.total_shards_per_node=1]")
	})
}

// TestALeaveStalledByDiskWatermarksSaysWhy: once the master knows every node's disk usage, byte
// watermarks above what the disk has free put the nodes that stay above the low one: the leaving
// node's copy can go nowhere, and Leave names the disk_threshold decider's reason as
// Elasticsearch explains it (DiskThresholdDecider.canAllocate).
func TestALeaveStalledByDiskWatermarksSaysWhy(t *testing.T) {
	c := formedCluster(t, 3, 0, 30)
	_, leaving := c.masterAndAnother()
	eventually(t, 5*time.Second, "the master knows every node's disk usage", func() bool {
		rows, err := c.client("logs-hot-0").Cat.Allocation().Do(t.Context())
		if err != nil || len(rows) != 3 {
			return false
		}
		for _, r := range rows {
			if r.DiskTotal == nil {
				return false
			}
		}
		return true
	})
	c.putClusterSettings("logs-hot-0", `{"persistent":{"cluster.routing.allocation.disk.watermark.low":"1pb",`+
		`"cluster.routing.allocation.disk.watermark.high":"1b","cluster.routing.allocation.disk.watermark.flood_stage":"1b"}}`)
	eventually(t, 10*time.Second, "Leave reports the stall with the watermark", func() bool {
		st, err := c.engines[leaving].Act(t.Context(), navv1alpha1.ActionLeave, testInput(c.es))
		if err != nil {
			t.Fatal(err)
		}
		return st.Phase == navv1alpha1.ActionInProgress && strings.Contains(st.Message, "STALLED") &&
			strings.Contains(st.Message, "the node is above the low watermark cluster setting [cluster.routing.allocation.disk.watermark.low=1pb]")
	})
}

// TestLeaveProgress: the phase and message of each shutdown status; STALLED stays in progress
// with Elasticsearch's explanation, for the controller to report as Blocked.
func TestLeaveProgress(t *testing.T) {
	stalled := &shutdown{Type: "REMOVE", Status: "STALLED"}
	stalled.ShardMigration.Remaining = 2
	stalled.ShardMigration.Explanation = "shard [0] [primary] of index [solo] cannot move, see [node_allocation_decision] for details or use the cluster allocation explain API"
	kept := &shutdown{Type: "REMOVE", Status: "COMPLETE"}
	kept.ShardMigration.Explanation = "[1] shards cannot be moved away from this node but have at least one copy on another node in the cluster"
	for _, tc := range []struct {
		sd    *shutdown
		phase navv1alpha1.ActionPhase
		want  string
	}{
		{nil, navv1alpha1.ActionInProgress, "not registered yet"},
		{&shutdown{Status: "IN_PROGRESS"}, navv1alpha1.ActionInProgress, "shutdown IN_PROGRESS"},
		{stalled, navv1alpha1.ActionInProgress, "shutdown STALLED with 2 shards remaining: shard [0] [primary] of index [solo] cannot move"},
		{&shutdown{Status: "COMPLETE"}, navv1alpha1.ActionComplete, "every shard has moved away"},
		{kept, navv1alpha1.ActionComplete, "the node can be removed: [1] shards cannot be moved away"},
	} {
		phase, msg, err := leaveProgress(tc.sd)
		if err != nil || phase != tc.phase || !strings.Contains(msg, tc.want) {
			t.Errorf("%+v: %s %q %v, want %s %q", tc.sd, phase, msg, err, tc.phase, tc.want)
		}
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

// TestPrepareRestartWaitsForRecoveringCopies: a node asked to prepare for a restart while a
// copy of a shard it holds still recovers on another node (a replica added, or a node back from
// its own restart) registers nothing and says which copy it waits for; it completes once the
// copy is active. Restarting it earlier would leave that shard with fewer active copies.
func TestPrepareRestartWaitsForRecoveringCopies(t *testing.T) {
	c := formedCluster(t, 1, 1, 30)
	// Recoveries crawl: a new replica stays initializing.
	c.putClusterSettings("logs-hot-0", `{"persistent":{"indices.recovery.max_bytes_per_sec":"1b"}}`)
	c.putIndexSettings("logs-hot-0", "docs", `{"index":{"number_of_replicas":2}}`)

	for _, name := range c.names {
		st, err := c.engines[name].Act(t.Context(), navv1alpha1.ActionPrepareRestart, testInput(c.es))
		if err != nil {
			t.Fatal(err)
		}
		if st.Phase != navv1alpha1.ActionInProgress || !strings.Contains(st.Message, "[docs][0] (its replica is initializing on logs-hot-") {
			t.Fatalf("PrepareRestart on %s while a replica recovers: %+v", name, st)
		}
	}
	if ids := c.registeredShutdowns("logs-hot-0"); len(ids) != 0 {
		t.Fatalf("shutdowns registered while a replica recovers: %v", ids)
	}

	c.putClusterSettings("logs-hot-0", `{"persistent":{"indices.recovery.max_bytes_per_sec":null}}`)
	c.waitGreen("logs-hot-0", 3)
	c.act("logs-hot-1", navv1alpha1.ActionPrepareRestart, 5*time.Second)
	if ids := c.registeredShutdowns("logs-hot-0"); !slices.Equal(ids, []string{c.id("logs-hot-1")}) {
		t.Fatalf("shutdowns once every copy is active: %v, want logs-hot-1's", ids)
	}
}

func (c *simCluster) putClusterSettings(via, body string) {
	c.t.Helper()
	if _, err := c.client(via).Cluster.PutSettings().Raw(strings.NewReader(body)).Do(c.t.Context()); err != nil {
		c.t.Fatal(err)
	}
}

func (c *simCluster) putIndexSettings(via, index, body string) {
	c.t.Helper()
	if _, err := c.client(via).Indices.PutSettings().Indices(index).Raw(strings.NewReader(body)).Do(c.t.Context()); err != nil {
		c.t.Fatal(err)
	}
}
