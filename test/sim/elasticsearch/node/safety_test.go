package node

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/elastic/go-elasticsearch/v8/typedapi/cluster/health"
	"github.com/elastic/go-elasticsearch/v8/typedapi/shutdown/getnode"
)

// shutdownStatus reads GET _nodes/<id>/shutdown with the typed API.
func (c *simCluster) shutdownStatus(via, id string) *getnode.Response {
	c.t.Helper()
	code, raw := c.do(via, http.MethodGet, "/_nodes/"+id+"/shutdown", nil)
	resp := getnode.NewResponse()
	decodeTyped(c.t, raw, resp)
	if code != http.StatusOK || len(resp.Nodes) != 1 {
		c.t.Fatalf("shutdown status of %s: %d %s", id, code, raw)
	}
	return resp
}

// TestSafeRemovalKeepsEveryDocument drains a node with a remove-type shutdown, waits for
// COMPLETE, then deletes the node and its disk: every document is still there.
func TestSafeRemovalKeepsEveryDocument(t *testing.T) {
	c := newSimCluster(t, "es-0", "es-1", "es-2")
	c.rate = 200 << 10 // 200kb/s: moving a shard of 1kb documents takes a visible while
	c.startAll()
	c.waitHealth("es-0", "green", 3)
	c.do("es-0", http.MethodPut, "/logs", `{"settings":{"index":{"number_of_shards":4,"number_of_replicas":1}}}`)
	const docs = 400
	c.writeDocs("es-0", "logs", 0, docs)
	c.waitHealth("es-0", "green", 3)

	leaving := c.node("es-2").Info().ID
	code, raw := c.do("es-0", http.MethodPut, "/_nodes/"+leaving+"/shutdown", `{"type":"remove","reason":"scale in"}`)
	if code != 200 {
		t.Fatalf("put shutdown: %d %s", code, raw)
	}
	sawProgress := false
	eventually(t, 30*time.Second, "shutdown COMPLETE", func() bool {
		st := c.shutdownStatus("es-1", leaving).Nodes[0]
		if strings.EqualFold(st.Status.Name, "IN_PROGRESS") {
			sawProgress = true
		}
		return strings.EqualFold(st.Status.Name, "COMPLETE")
	})
	if !sawProgress {
		t.Error("the drain was never observed IN_PROGRESS: moving data should take time")
	}
	c.stop("es-2")
	c.wipe("es-2")
	h := c.waitHealth("es-0", "green", 2)
	if h.UnassignedShards != 0 {
		t.Fatalf("health after removal: %+v", h)
	}
	if _, resp := c.count("es-1", "logs"); resp == nil || resp.Count != docs {
		t.Fatalf("count after safe removal: %+v", resp)
	}
	if got := c.readAll("es-0", "logs", docs); got != docs {
		t.Fatalf("read back %d of %d documents after a safe removal", got, docs)
	}
}

// TestUnsafeRemovalLosesDocuments removes a node holding the only copies of some shards
// without draining it: the index goes red and those documents are gone.
func TestUnsafeRemovalLosesDocuments(t *testing.T) {
	c := newSimCluster(t, "es-0", "es-1", "es-2")
	c.startAll()
	c.waitHealth("es-0", "green", 3)
	c.do("es-0", http.MethodPut, "/logs", `{"settings":{"number_of_shards":6,"number_of_replicas":0}}`)
	const docs = 300
	c.writeDocs("es-0", "logs", 0, docs)
	c.waitHealth("es-0", "green", 3)

	c.stop("es-2")
	c.wipe("es-2")
	code, raw := c.do("es-0", http.MethodGet, "/_cluster/health?wait_for_nodes=2&timeout=10s", nil)
	h := health.NewResponse()
	decodeTyped(t, raw, h)
	if code != 200 || h.Status.Name != "red" || h.UnassignedPrimaryShards == 0 {
		t.Fatalf("health after an unsafe removal should be red: %d %s", code, raw)
	}
	found := c.readAll("es-0", "logs", docs)
	if found == 0 || found >= docs {
		t.Fatalf("read back %d of %d documents: the lost shards' documents should be gone, the others there", found, docs)
	}
	code, resp := c.count("es-1", "logs")
	if code != 200 || resp.Shards_.Failed == 0 || int(resp.Count) != found {
		t.Fatalf("count after an unsafe removal: %d %+v (found %d by id)", code, resp, found)
	}
	// A new node with an empty disk does not bring the data back.
	c.start("es-2")
	c.waitHealth("es-0", "red", 3)
	if again := c.readAll("es-0", "logs", docs); again != found {
		t.Fatalf("after a new empty node joined, %d documents readable, want %d", again, found)
	}
}

// TestRollingRestartStaysYellowOrBetter restarts every node in turn under a restart-type
// shutdown while a watcher polls health: it never goes red, and every document survives.
func TestRollingRestartStaysYellowOrBetter(t *testing.T) {
	c := newSimCluster(t, "es-0", "es-1", "es-2")
	c.startAll()
	c.waitHealth("es-0", "green", 3)
	c.do("es-0", http.MethodPut, "/logs", `{"settings":{"number_of_shards":3,"number_of_replicas":1}}`)
	const docs = 300
	c.writeDocs("es-0", "logs", 0, docs)
	c.waitHealth("es-0", "green", 3)

	var mu sync.Mutex
	worst, polls := "green", 0
	stop := make(chan struct{})
	var wg sync.WaitGroup
	defer func() { close(stop); wg.Wait() }()
	watch := func(via string) {
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			code, raw := c.do(via, http.MethodGet, "/_cluster/health?timeout=1s", nil)
			if code != 200 {
				continue // no master for a moment while a master-eligible node restarts
			}
			mu.Lock()
			polls++
			if strings.Contains(string(raw), `"status":"red"`) {
				worst = "red"
			} else if strings.Contains(string(raw), `"status":"yellow"`) && worst == "green" {
				worst = "yellow"
			}
			mu.Unlock()
		}
	}
	for i, name := range c.names {
		// Watch through a node that stays up during this step.
		via := c.names[(i+1)%len(c.names)]
		wg.Go(func() { watch(via) })
		id := c.node(name).Info().ID
		code, raw := c.do(via, http.MethodPut, "/_nodes/"+id+"/shutdown", `{"type":"restart","reason":"rolling restart","allocation_delay":"10m"}`)
		if code != 200 {
			t.Fatalf("put restart shutdown: %d %s", code, raw)
		}
		if s := c.shutdownStatus(via, id).Nodes[0]; !strings.EqualFold(s.Status.Name, "COMPLETE") {
			t.Fatalf("a restart shutdown needs no migration: %+v", s)
		}
		c.stop(name)
		c.waitHealth(via, "yellow", 2)
		c.start(name)
		c.waitHealth(via, "green", 3)
		if code, raw := c.do(via, http.MethodDelete, "/_nodes/"+id+"/shutdown", nil); code != 200 {
			t.Fatalf("delete shutdown: %d %s", code, raw)
		}
		stop <- struct{}{} // this step's watcher stops before its node may go down
	}
	if worst == "red" || polls < 10 {
		t.Fatalf("health during the rolling restart: worst %s over %d polls", worst, polls)
	}
	if got := c.readAll("es-1", "logs", docs); got != docs {
		t.Fatalf("read back %d of %d documents after a rolling restart", got, docs)
	}
	t.Logf("worst health during the rolling restart: %s over %d polls", worst, polls)
	// Each master logs the changes of health it commits, as Elasticsearch's AllocationService.
	c.mu.Lock()
	var all strings.Builder
	for _, l := range c.logs {
		all.WriteString(l.String())
	}
	c.mu.Unlock()
	for _, change := range []string{"from [GREEN] to [YELLOW]", "from [YELLOW] to [GREEN]"} {
		if !strings.Contains(all.String(), "Cluster health status changed "+change) {
			t.Errorf("no master logged the health change %s", change)
		}
	}
}

// TestVotingExclusionsKeepTheMaster excludes two of three master-eligible nodes, then stops
// them: the last one keeps a master, which it would not without the exclusions.
func TestVotingExclusionsKeepTheMaster(t *testing.T) {
	c := newSimCluster(t, "es-0", "es-1", "es-2")
	c.startAll()
	c.waitHealth("es-0", "green", 3)
	code, raw := c.do("es-0", http.MethodPost, "/_cluster/voting_config_exclusions?node_names=es-1,es-2&timeout=10s", nil)
	if code != 200 {
		t.Fatalf("post exclusions: %d %s", code, raw)
	}
	_, raw = c.do("es-0", http.MethodGet, "/_cluster/state/metadata", nil)
	if !strings.Contains(string(raw), `"voting_config_exclusions":[{`) {
		t.Fatalf("exclusions not in the state: %s", raw)
	}
	c.stop("es-1")
	c.stop("es-2")
	h := c.waitHealth("es-0", "green", 1)
	if h.NumberOfNodes != 1 {
		t.Fatalf("health: %+v", h)
	}
	code, raw = c.do("es-0", http.MethodDelete, "/_cluster/voting_config_exclusions", nil)
	if code != 200 {
		t.Fatalf("delete exclusions: %d %s", code, raw)
	}
	_, raw = c.do("es-0", http.MethodGet, "/_cluster/state/metadata", nil)
	if !strings.Contains(string(raw), `"voting_config_exclusions":[]`) {
		t.Fatalf("exclusions not cleared: %s", raw)
	}
}

// TestClearingExclusionsLetsTheNodesVoteAgain: a node excluded and then let back (its
// exclusion cleared without it leaving) votes again, as in Elasticsearch and OpenSearch
// (test/sim/elasticsearch/conformance): the cluster then survives the loss of any one node.
func TestClearingExclusionsLetsTheNodesVoteAgain(t *testing.T) {
	c := newSimCluster(t, "es-0", "es-1", "es-2")
	c.startAll()
	c.waitHealth("es-0", "green", 3)
	if code, raw := c.do("es-0", http.MethodPost, "/_cluster/voting_config_exclusions?node_names=es-2&timeout=10s", nil); code != 200 {
		t.Fatalf("post exclusions: %d %s", code, raw)
	}
	// One voter: the two others cannot hold three, and two is even (Reconfigurator).
	if got := c.votingConfig("es-0"); len(got) != 1 {
		t.Fatalf("voting configuration with es-2 excluded: %v, want the master alone", got)
	}
	if code, raw := c.do("es-0", http.MethodDelete, "/_cluster/voting_config_exclusions?wait_for_removal=false", nil); code != 200 {
		t.Fatalf("delete exclusions: %d %s", code, raw)
	}
	if got := c.votingConfig("es-0"); len(got) != 3 {
		t.Fatalf("voting configuration once the exclusion is cleared: %v, want all three nodes", got)
	}
}

// TestTimeoutsAnswerAsElasticsearch: a wait that runs out (here, clearing the exclusion of a
// node that is still a member, wait_for_removal) fails with an ElasticsearchTimeoutException:
// type timeout_exception, status 500 up to 8.x and 429 from 9.0, never 408.
func TestTimeoutsAnswerAsElasticsearch(t *testing.T) {
	for version, status := range map[string]int{"8.19.7": http.StatusInternalServerError, "9.1.5": http.StatusTooManyRequests} {
		t.Run(version, func(t *testing.T) {
			c := newSimCluster(t, "es-0", "es-1", "es-2")
			c.version = version
			c.startAll()
			c.waitHealth("es-0", "green", 3)
			if code, raw := c.do("es-0", http.MethodPost, "/_cluster/voting_config_exclusions?node_names=es-2&timeout=10s", nil); code != 200 {
				t.Fatalf("post exclusions: %d %s", code, raw)
			}
			code, raw := c.do("es-0", http.MethodDelete, "/_cluster/voting_config_exclusions?timeout=100ms", nil)
			if code != status || !strings.Contains(string(raw), `"type":"timeout_exception"`) || !strings.Contains(string(raw), "timed out waiting for removal of nodes") {
				t.Fatalf("clearing the exclusion of a member: %d %s, want %d timeout_exception", code, raw, status)
			}
		})
	}
}

// TestShutdownStalledExplains asks to remove a node whose copies the other node cannot take
// (it holds the other copy of each shard): the shutdown is COMPLETE, saying so, since every
// shard keeps a started copy on a node that stays (TransportGetShutdownStatusAction,
// hasShardCopyOnAnotherNode). Once the other node is leaving too, it reports STALLED with
// Elasticsearch's explanation.
func TestShutdownStalledExplains(t *testing.T) {
	c := newSimCluster(t, "es-0", "es-1")
	c.startAll()
	c.waitHealth("es-0", "green", 2)
	c.do("es-0", http.MethodPut, "/logs", `{"settings":{"number_of_shards":1,"number_of_replicas":1}}`)
	c.writeDocs("es-0", "logs", 0, 10)
	c.waitHealth("es-0", "green", 2)
	id := c.node("es-1").Info().ID
	c.do("es-0", http.MethodPut, "/_nodes/"+id+"/shutdown", `{"type":"remove","reason":"scale in"}`)
	eventually(t, 5*time.Second, "shutdown COMPLETE", func() bool {
		return c.shutdownStatus("es-0", id).Nodes[0].Status.Name == "complete"
	})
	_, raw := c.do("es-0", http.MethodGet, "/_nodes/"+id+"/shutdown", nil)
	if !strings.Contains(string(raw), "[1] shards cannot be moved away from this node but have at least one copy on another node in the cluster") {
		t.Fatalf("no explanation: %s", raw)
	}
	other := c.node("es-0").Info().ID
	c.do("es-0", http.MethodPut, "/_nodes/"+other+"/shutdown", `{"type":"remove","reason":"scale in"}`)
	eventually(t, 5*time.Second, "shutdown STALLED", func() bool {
		return c.shutdownStatus("es-0", id).Nodes[0].Status.Name == "stalled"
	})
	_, raw = c.do("es-0", http.MethodGet, "/_nodes/"+id+"/shutdown", nil)
	if !strings.Contains(string(raw), "of index [logs] cannot move, see [node_allocation_decision] for details or use the cluster allocation explain API") {
		t.Fatalf("no explanation: %s", raw)
	}
	// The decision it names, as the allocation explain API prints a move decision.
	for _, want := range []string{`"can_remain_on_current_node":"no"`, `"can_move_to_other_node":"no"`, `"node_allocation_decisions":[{`,
		`"decider":"same_shard"`, `is preparing to be removed from the cluster`} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("the stalled shutdown's node_allocation_decision lacks %s: %s", want, raw)
		}
	}
	// type and reason are required by the request's parser (ConstructingObjectParser).
	code, raw := c.do("es-0", http.MethodPut, "/_nodes/"+id+"/shutdown", `{"type":"remove"}`)
	if code != 400 || !strings.Contains(string(raw), `"type":"illegal_argument_exception"`) || !strings.Contains(string(raw), "Required [reason]") {
		t.Fatalf("a shutdown without reason: %d %s", code, raw)
	}
	code, raw = c.do("es-0", http.MethodPut, "/_nodes/"+id+"/shutdown", `{"type":"remove","reason":"r","allocation_delay":"1m"}`)
	if code != 400 || !strings.Contains(string(raw), "allocation_delay is only allowed for RESTART-type shutdown requests") {
		t.Fatalf("an allocation delay on a removal: %d %s", code, raw)
	}
}

// TestHealthOfANodeWithoutAMasterIsRed: asked for its own view (local=true), a node without an
// elected master answers red, whatever its last routing table said (ClusterStateHealth: a global
// block of status SERVICE_UNAVAILABLE, the no-master block, makes it RED). One that lost its
// master keeps counting its shards (its state keeps the routing table); one restarted that has
// not joined since counts none, whatever its data path holds. Once a master is elected again,
// both are the cluster's again.
func TestHealthOfANodeWithoutAMasterIsRed(t *testing.T) {
	c := newSimCluster(t, "es-0", "es-1", "es-2")
	c.startAll()
	c.waitHealth("es-0", "green", 3)
	c.do("es-0", http.MethodPut, "/logs", `{"settings":{"number_of_shards":3,"number_of_replicas":2}}`)
	c.writeDocs("es-0", "logs", 0, 30)
	c.waitHealth("es-0", "green", 3)
	localHealth := func() string {
		var h struct {
			Status string `json:"status"`
		}
		_, raw := c.do("es-0", http.MethodGet, "/_cluster/health?local=true", nil)
		_ = json.Unmarshal(raw, &h)
		return h.Status
	}
	localShards := func() int {
		var stats struct {
			Nodes map[string]struct {
				Indices struct {
					ShardStats struct {
						TotalCount int `json:"total_count"`
					} `json:"shard_stats"`
				} `json:"indices"`
			} `json:"nodes"`
		}
		_, raw := c.do("es-0", http.MethodGet, "/_nodes/_local/stats/indices", nil)
		_ = json.Unmarshal(raw, &stats)
		for _, n := range stats.Nodes {
			return n.Indices.ShardStats.TotalCount
		}
		return -1
	}
	if n := localShards(); n != 3 {
		t.Fatalf("es-0 counts %d shards, want its 3 copies", n)
	}
	c.stop("es-1")
	c.stop("es-2")
	eventually(t, 10*time.Second, "es-0 without a master answers red", func() bool { return localHealth() == "red" })
	if n := localShards(); n != 3 {
		t.Errorf("es-0, which lost its master, counts %d shards, want its 3", n)
	}
	c.stop("es-0")
	c.start("es-0")
	if h, n := localHealth(), localShards(); h != "red" || n != 0 {
		t.Errorf("es-0 restarted without a master: health %s, %d shards; want red and 0", h, n)
	}
	c.start("es-1")
	c.start("es-2")
	eventually(t, 10*time.Second, "es-0 answers from the cluster's state again", func() bool { return localHealth() == "green" && localShards() == 3 })
}
