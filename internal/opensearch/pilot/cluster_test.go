package pilot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"k8s.io/apimachinery/pkg/util/wait"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/pilot/engine"
	"github.com/navigator-dbaas/navigator/internal/search/node"
	"github.com/navigator-dbaas/navigator/test/loopback"
	"github.com/navigator-dbaas/navigator/test/procio"
	osnode "github.com/navigator-dbaas/navigator/test/real/opensearch/node"
)

// osCluster is four OpenSearch nodes on the loopback, real ones (real_test.go) or simulated
// ones (sim_test.go): m1, m2 and m3 cluster-manager-eligible data nodes, d4 a data node; one
// engine per node, as each node's pilot. The same cases run on both, so that the simulator the
// end-to-end tier runs OpenSearch's engine against is held to real OpenSearch.
type osCluster struct {
	t       *testing.T
	engines map[string]*Engine
	ports   map[string][2]int
	procs   map[string]nodeProcess
	logs    map[string]*procio.Buffer
}

// nodeProcess is a running node: a real one's JVM, or a simulated one.
type nodeProcess interface {
	// Stop stops the node as the kubelet does, with SIGTERM, waiting up to timeout.
	Stop(timeout time.Duration) error
	Kill() error
}

// startFunc starts one node with cfg's opensearch.yml in dir, its output going to log.
type startFunc func(dir string, cfg osnode.Config, log *procio.Buffer) (nodeProcess, error)

var clusterNodes = []string{"m1", "m2", "m3", "d4"}

func startCluster(t *testing.T, start startFunc) *osCluster {
	c := &osCluster{t: t, engines: map[string]*Engine{}, ports: map[string][2]int{}, procs: map[string]nodeProcess{}, logs: map[string]*procio.Buffer{}}
	var seeds []string
	for _, name := range clusterNodes {
		// Ports below the kernel's ephemeral range, which no other test's connection or
		// listener takes between now and the node binding them (loopback.FreeAddr).
		var p [2]int
		for i := range p {
			_, port, _ := net.SplitHostPort(loopback.FreeAddr(t))
			p[i], _ = strconv.Atoi(port)
		}
		c.ports[name] = p
		seeds = append(seeds, "127.0.0.1:"+strconv.Itoa(p[1]))
	}
	dir := t.TempDir()
	t.Cleanup(func() {
		for _, p := range c.procs {
			_ = p.Kill()
		}
		if t.Failed() {
			for _, name := range clusterNodes {
				t.Logf("--- log of %s:\n%s", name, c.logs[name])
			}
		}
	})
	for _, name := range clusterNodes {
		roles := []string{"cluster_manager", "data"}
		if name == "d4" {
			roles = []string{"data"}
		}
		cfg := osnode.Config{
			Cluster: "pilot", Name: name, HTTPPort: c.ports[name][0], TransportPort: c.ports[name][1],
			Roles: roles, SeedHosts: seeds, InitialManagers: clusterNodes[:3],
		}
		c.logs[name] = &procio.Buffer{}
		proc, err := start(filepath.Join(dir, name), cfg, c.logs[name])
		if err != nil {
			t.Fatalf("start %s: %v", name, err)
		}
		c.procs[name] = proc
		// One explain call per judgement: every drain below is judged over several steps,
		// which holds the engine to carrying on where the last step stopped.
		e := &Engine{Flags: node.Flags{NodePool: "p", SeedHosts: seeds, HTTPPort: c.ports[name][0]}, ExplainBudget: 1}
		if err := e.Init(); err != nil {
			t.Fatal(err)
		}
		c.engines[name] = e
	}
	return c
}

// eventually polls f every half second until it returns nil or d has passed, and fails the
// test with f's last error.
func (c *osCluster) eventually(d time.Duration, what string, f func() error) {
	c.t.Helper()
	var last error
	err := wait.PollUntilContextTimeout(c.t.Context(), 500*time.Millisecond, d, true, func(context.Context) (bool, error) {
		last = f()
		return last == nil, nil
	})
	if err != nil {
		c.t.Fatalf("%s: not within %v: %v", what, d, last)
	}
}

// call sends a request to the node's HTTP port and decodes the JSON answer into out (may be nil).
func (c *osCluster) call(node, method, path, body string, out any) error {
	req, err := http.NewRequestWithContext(c.t.Context(), method, "http://127.0.0.1:"+strconv.Itoa(c.ports[node][0])+path, strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if strings.HasPrefix(path, "/_bulk") {
		req.Header.Set("Content-Type", "application/x-ndjson")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = res.Body.Close() }()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode >= 300 {
		return fmt.Errorf("%s %s: HTTP %d: %s", method, path, res.StatusCode, raw)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(raw, out)
}

func (c *osCluster) must(node, method, path, body string) {
	c.t.Helper()
	if err := c.call(node, method, path, body, nil); err != nil {
		c.t.Fatal(err)
	}
}

// write indexes n documents into index and makes them searchable.
func (c *osCluster) write(via, index string, n int) {
	c.t.Helper()
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, "{\"index\":{\"_index\":%q,\"_id\":\"%d\"}}\n{\"n\":%d}\n", index, i, i)
	}
	var res struct {
		Errors bool `json:"errors"`
	}
	if err := c.call(via, http.MethodPost, "/_bulk?refresh=true", b.String(), &res); err != nil || res.Errors {
		c.t.Fatalf("bulk into %s: %v (errors: %v)", index, err, res.Errors)
	}
}

// count is the number of documents of index, read through via.
func (c *osCluster) count(via, index string) int {
	c.t.Helper()
	var res struct {
		Count int `json:"count"`
	}
	if err := c.call(via, http.MethodGet, "/"+index+"/_count", "", &res); err != nil {
		c.t.Fatal(err)
	}
	return res.Count
}

// observe runs the node's Observe with status as its Pilot reports it.
func (c *osCluster) observe(node string, status *navv1alpha1.PilotStatus) error {
	return c.engines[node].Observe(c.t.Context(), status)
}

// act runs the action on the node until it completes, returning the messages it reported.
func (c *osCluster) act(node string, action navv1alpha1.PilotAction, d time.Duration) []string {
	c.t.Helper()
	var msgs []string
	c.eventually(d, node+" "+string(action), func() error {
		st, err := c.engines[node].Act(c.t.Context(), action, engineInput())
		if err != nil {
			return err
		}
		if len(msgs) == 0 || msgs[len(msgs)-1] != st.Message {
			msgs = append(msgs, st.Message)
		}
		if st.Phase != navv1alpha1.ActionComplete {
			return fmt.Errorf("%s: %s", st.Phase, st.Message)
		}
		return nil
	})
	return msgs
}

// stop stops the node as the kubelet does, with SIGTERM.
func (c *osCluster) stop(node string) {
	c.t.Helper()
	if err := c.procs[node].Stop(90 * time.Second); err != nil {
		c.t.Fatalf("stop %s: %v", node, err)
	}
	delete(c.procs, node)
}

// manager is the name of the elected cluster manager, as via sees it.
func (c *osCluster) manager(via string) string {
	c.t.Helper()
	var rows []struct {
		Node string `json:"node"`
	}
	if err := c.call(via, http.MethodGet, "/_cat/cluster_manager?format=json", "", &rows); err != nil || len(rows) != 1 {
		c.t.Fatalf("reading the cluster manager: %v %v", rows, err)
	}
	return rows[0].Node
}

// cleanupOnManager runs the elected cluster manager's Observe, which does the cleanups.
func (c *osCluster) cleanupOnManager(via string) {
	c.t.Helper()
	if err := c.observe(c.manager(via), &navv1alpha1.PilotStatus{}); err != nil {
		c.t.Fatalf("the cluster manager's observation: %v", err)
	}
}

// withdrawLeave is the controller moving on from the node's Leave, which st reported: the node's
// pilot lifts its allocation exclusion, and the cluster manager's clears the voting exclusion.
func (c *osCluster) withdrawLeave(node string, st *navv1alpha1.PilotStatus) {
	c.t.Helper()
	st.Action = nil
	c.eventually(30*time.Second, node+"'s leave withdrawn", func() error {
		if err := c.observe(node, st); err != nil {
			return err
		}
		c.cleanupOnManager("m1")
		if ex, vx := c.excluded("m1"), c.votingExclusions("m1"); len(ex) > 0 || len(vx) > 0 {
			return fmt.Errorf("allocation exclusion %v, voting exclusions %v", ex, vx)
		}
		return nil
	})
}

func (c *osCluster) votingExclusions(via string) []string {
	c.t.Helper()
	var st struct {
		Metadata struct {
			ClusterCoordination struct {
				Exclusions []struct {
					Name string `json:"node_name"`
				} `json:"voting_config_exclusions"`
			} `json:"cluster_coordination"`
		} `json:"metadata"`
	}
	if err := c.call(via, http.MethodGet, "/_cluster/state/metadata?filter_path=metadata.cluster_coordination", "", &st); err != nil {
		c.t.Fatal(err)
	}
	var names []string
	for _, x := range st.Metadata.ClusterCoordination.Exclusions {
		names = append(names, x.Name)
	}
	return names
}

func (c *osCluster) excluded(via string) []string {
	c.t.Helper()
	names, err := c.engines[via].api.excluded(c.t.Context())
	if err != nil {
		c.t.Fatal(err)
	}
	return names
}

func (c *osCluster) health(via string, want ...string) error {
	var h struct {
		Status string `json:"status"`
	}
	if err := c.call(via, http.MethodGet, "/_cluster/health", "", &h); err != nil {
		return err
	}
	if !slices.Contains(want, h.Status) {
		return fmt.Errorf("health %s, want %v", h.Status, want)
	}
	return nil
}

// lifecycle holds the engine to the cluster's nodes: its observations, a data node's drain to
// completion, a drain that cannot finish and says why, its withdrawal, a restart's preparation,
// and a cluster manager's departure with its voting exclusion; every document is read back after
// each step.
func lifecycle(t *testing.T, c *osCluster) {
	for _, name := range clusterNodes {
		c.eventually(90*time.Second, name+" ready", func() error { return c.engines[name].Ready(t.Context()) })
	}
	c.eventually(30*time.Second, "green", func() error { return c.health("m1", "green") })

	var uuid, manager string
	for _, name := range clusterNodes {
		var st navv1alpha1.PilotStatus
		c.eventually(15*time.Second, name+" observed", func() error { return c.observe(name, &st) })
		os := st.OpenSearch
		switch {
		case !strings.HasPrefix(st.Version, "2.19."), os.ClusterUUID == "", st.Node.ID == "":
			t.Fatalf("%s observed as version %q, node %q, cluster %q", name, st.Version, st.Node.ID, os.ClusterUUID)
		case uuid != "" && (os.ClusterUUID != uuid || os.ClusterManagerNode != manager):
			t.Fatalf("%s sees cluster %s managed by %s; the others %s by %s", name, os.ClusterUUID, os.ClusterManagerNode, uuid, manager)
		case os.ClusterHealth != navv1alpha1.HealthGreen || os.Drain != nil:
			t.Fatalf("%s observed health %s, drain %+v", name, os.ClusterHealth, os.Drain)
		}
		if wantData := slices.Contains(os.Roles, navv1alpha1.OSRoleData); !wantData {
			t.Fatalf("%s observed roles %v", name, os.Roles)
		}
		g := c.engines[name].gauges
		elected := 0.0
		if os.ClusterManagerNode == st.Node.ID {
			elected = 1
		}
		if testutil.ToFloat64(g.Documents) != float64(os.Documents) || testutil.ToFloat64(g.Elected) != elected ||
			testutil.ToFloat64(g.Health.WithLabelValues("green")) != 1 {
			t.Fatalf("%s's gauges do not show its observation %+v", name, os)
		}
		uuid, manager = os.ClusterUUID, os.ClusterManagerNode
	}

	c.must("m1", http.MethodPut, "/replicated", `{"settings":{"number_of_shards":3,"number_of_replicas":1}}`)
	c.must("m1", http.MethodPut, "/single", `{"settings":{"number_of_shards":4,"number_of_replicas":0}}`)
	c.write("m1", "replicated", 300)
	c.write("m1", "single", 300)
	c.eventually(30*time.Second, "green with the indices", func() error { return c.health("m1", "green") })
	readBack := func(via string) {
		t.Helper()
		for _, index := range []string{"replicated", "single"} {
			if n := c.count(via, index); n != 300 {
				t.Fatalf("%s holds %d documents, want 300", index, n)
			}
		}
	}

	t.Run("a data node drains and leaves", func(t *testing.T) {
		var st navv1alpha1.PilotStatus
		if err := c.observe("d4", &st); err != nil || st.OpenSearch.Shards == 0 {
			t.Fatalf("d4 holds %d copies before it leaves (%v): the drain would prove nothing", st.OpenSearch.Shards, err)
		}
		msgs := c.act("d4", navv1alpha1.ActionLeave, 90*time.Second)
		t.Logf("Leave d4: %q", msgs)
		if !slices.Contains(c.excluded("m1"), "d4") {
			t.Fatalf("allocation exclusion %v lacks d4", c.excluded("m1"))
		}
		if err := c.observe("d4", &st); err != nil || st.OpenSearch.Drain == nil || st.OpenSearch.Drain.ShardsRemaining != 0 {
			t.Fatalf("d4's drain after its Leave completed: %+v (%v)", st.OpenSearch.Drain, err)
		}
		c.stop("d4")
		c.eventually(60*time.Second, "green without d4", func() error { return c.health("m1", "green") })
		readBack("m1")
		c.eventually(30*time.Second, "d4's exclusion dropped once it left", func() error {
			c.cleanupOnManager("m1")
			if ex := c.excluded("m1"); len(ex) > 0 {
				return fmt.Errorf("allocation exclusion %v", ex)
			}
			return nil
		})
	})

	t.Run("a restart is prepared", func(t *testing.T) {
		msgs := c.act("m3", navv1alpha1.ActionPrepareRestart, 30*time.Second)
		t.Logf("PrepareRestart m3: %q", msgs)
	})

	t.Run("a drain that cannot finish says why, and is withdrawn", func(t *testing.T) {
		c.must("m1", http.MethodPut, "/pinned", `{"settings":{"number_of_shards":1,"number_of_replicas":0,"index.routing.allocation.require._name":"m3"}}`)
		c.write("m1", "pinned", 50)
		var last string
		c.eventually(60*time.Second, "m3's leave stalled", func() error {
			st, err := c.engines["m3"].Act(t.Context(), navv1alpha1.ActionLeave, engineInput())
			if err != nil {
				return err
			}
			last = st.Message
			if st.Phase == navv1alpha1.ActionComplete {
				t.Fatalf("m3's leave completed with a copy that can go nowhere: %s", st.Message)
			}
			if !strings.Contains(st.Message, "STALLED") {
				return fmt.Errorf("%s", st.Message)
			}
			return nil
		})
		t.Logf("Leave m3, stalled: %q", last)
		if !strings.Contains(last, "[pinned][0]") || !strings.Contains(last, "require") {
			t.Errorf("stalled message %q does not name the copy and the filter that holds it", last)
		}
		var st navv1alpha1.PilotStatus
		st.Action = &navv1alpha1.PilotActionStatus{Action: navv1alpha1.ActionLeave}
		c.eventually(30*time.Second, "m3 reports its stalled drain", func() error {
			if err := c.observe("m3", &st); err != nil {
				return err
			}
			if d := st.OpenSearch.Drain; d == nil || !d.Stalled || d.ShardsRemaining == 0 || d.Explanation == "" {
				return fmt.Errorf("drain %+v", d)
			}
			return nil
		})
		if ex := c.votingExclusions("m1"); !slices.Equal(ex, []string{"m3"}) {
			t.Fatalf("voting exclusions %v while m3 leaves, want [m3]", ex)
		}
		// The controller withdraws the Leave: the Pilot's status no longer reports it.
		st.Action = nil
		c.eventually(30*time.Second, "m3's exclusion lifted", func() error {
			if err := c.observe("m3", &st); err != nil {
				return err
			}
			if ex := c.excluded("m1"); slices.Contains(ex, "m3") || st.OpenSearch.Drain != nil {
				return fmt.Errorf("allocation exclusion %v, drain %+v", ex, st.OpenSearch.Drain)
			}
			return nil
		})
		c.eventually(30*time.Second, "m3's voting exclusion cleared", func() error {
			c.cleanupOnManager("m1")
			if ex := c.votingExclusions("m1"); len(ex) > 0 {
				return fmt.Errorf("voting exclusions %v", ex)
			}
			return nil
		})
		if n := c.count("m1", "pinned"); n != 50 {
			t.Fatalf("pinned holds %d documents, want 50", n)
		}
		c.must("m1", http.MethodDelete, "/pinned", "")
	})

	// The disk-based allocation (DiskThresholdDecider): once the cluster manager knows every
	// node's disk usage, byte watermarks above what the disk has free put m1 and m2 above the
	// low one, so m3's copies can go nowhere and its drain stalls naming the watermark. Reset,
	// the leave is withdrawn and every document is still there.
	t.Run("a drain stalled by disk watermarks says why", func(t *testing.T) {
		c.eventually(60*time.Second, "every node's disk usage known", func() error {
			var rows []map[string]*string
			if err := c.call("m1", http.MethodGet, "/_cat/allocation?format=json&h=node,disk.total", "", &rows); err != nil {
				return err
			}
			for _, r := range rows {
				if r["disk.total"] == nil {
					return fmt.Errorf("_cat/allocation %v", rows)
				}
			}
			return nil
		})
		watermarks := func(low, high, flood string) string {
			return fmt.Sprintf(`{"persistent":{"cluster.routing.allocation.disk.watermark.low":%s,"cluster.routing.allocation.disk.watermark.high":%s,"cluster.routing.allocation.disk.watermark.flood_stage":%s}}`, low, high, flood)
		}
		// A copy on m3 that only the disk keeps there once m3 leaves: placed by a filter,
		// which is lifted once the watermarks hold every other node.
		c.must("m1", http.MethodPut, "/disk", `{"settings":{"number_of_shards":1,"number_of_replicas":0,"index.routing.allocation.require._name":"m3"}}`)
		c.write("m1", "disk", 50)
		c.eventually(30*time.Second, "green with disk", func() error { return c.health("m1", "green") })
		c.must("m1", http.MethodPut, "/_cluster/settings", watermarks(`"1pb"`, `"1b"`, `"1b"`))
		c.must("m1", http.MethodPut, "/disk/_settings", `{"index.routing.allocation.require._name":null}`)
		var last string
		c.eventually(60*time.Second, "m3's leave stalled by the disk", func() error {
			st, err := c.engines["m3"].Act(t.Context(), navv1alpha1.ActionLeave, engineInput())
			if err != nil {
				return err
			}
			last = st.Message
			if !strings.Contains(st.Message, "STALLED") {
				return fmt.Errorf("%s", st.Message)
			}
			return nil
		})
		t.Logf("Leave m3, stalled: %q", last)
		if want := "above the low watermark cluster setting [cluster.routing.allocation.disk.watermark.low=1pb]"; !strings.Contains(last, want) {
			t.Errorf("stalled message %q does not say %q", last, want)
		}
		// Real OpenSearch rebalances copies back onto m3 after the earlier withdrawal, the
		// simulator does not: the copy named first may be another index's.
		if !regexp.MustCompile(`\[\w+\]\[\d+\] primary`).MatchString(last) {
			t.Errorf("stalled message %q does not name a copy", last)
		}
		c.must("m1", http.MethodPut, "/_cluster/settings", watermarks("null", "null", "null"))
		// The Pilot reports the Leave, then the controller withdraws it.
		st := navv1alpha1.PilotStatus{Action: &navv1alpha1.PilotActionStatus{Action: navv1alpha1.ActionLeave}}
		if err := c.observe("m3", &st); err != nil {
			t.Fatal(err)
		}
		c.withdrawLeave("m3", &st)
		readBack("m1")
		if n := c.count("m1", "disk"); n != 50 {
			t.Fatalf("disk holds %d documents, want 50", n)
		}
		c.must("m1", http.MethodDelete, "/disk", "")
	})

	// As when a data pool of two shrinks to one with a replica per shard: the leaving node's
	// copies cannot move (the only other node they may go to holds the shard's other copy), and
	// the node may go all the same (the cluster would be yellow, never red). The leave is then
	// withdrawn, and m2 stays for the cases after this one.
	t.Run("a drain completes with copies that have nowhere to go but a copy elsewhere", func(t *testing.T) {
		c.must("m1", http.MethodPut, "/pair", `{"settings":{"number_of_shards":2,"number_of_replicas":1,"index.routing.allocation.include._name":"m1,m2"}}`)
		c.write("m1", "pair", 100)
		c.eventually(30*time.Second, "green with pair", func() error { return c.health("m1", "green") })
		msgs := c.act("m2", navv1alpha1.ActionLeave, 60*time.Second)
		t.Logf("Leave m2: %q", msgs)
		if last := msgs[len(msgs)-1]; !strings.Contains(last, "cannot move") {
			t.Fatalf("m2's leave completed as %q; its copies of pair could not have moved", last)
		}
		var rows []struct {
			Node string `json:"node"`
		}
		if err := c.call("m1", http.MethodGet, "/_cat/shards/pair?format=json&h=node", "", &rows); err != nil {
			t.Fatal(err)
		}
		onM2 := 0
		for _, r := range rows {
			if r.Node == "m2" {
				onM2++
			}
		}
		if onM2 == 0 {
			t.Fatalf("no copy of pair on m2 (%v): the case proves nothing", rows)
		}
		// With one explain call a step, two copies or more take more than one step to judge.
		if onM2 > 1 && !slices.ContainsFunc(msgs, func(m string) bool { return strings.Contains(m, "still to be asked about") }) {
			t.Errorf("m2's %d copies were judged in one step with a budget of one explain call: %q", onM2, msgs)
		}
		// Withdrawn: the copies stay where they are, and the cluster goes on green.
		var st navv1alpha1.PilotStatus
		st.Action = &navv1alpha1.PilotActionStatus{Action: navv1alpha1.ActionLeave}
		if err := c.observe("m2", &st); err != nil {
			t.Fatal(err)
		}
		if d := st.OpenSearch.Drain; d == nil || d.ShardsRemaining != int32(onM2) || d.Stalled {
			t.Fatalf("m2's drain %+v, want %d copies remaining, not stalled", d, onM2)
		}
		c.withdrawLeave("m2", &st)
		if n := c.count("m1", "pair"); n != 100 {
			t.Fatalf("pair holds %d documents, want 100", n)
		}
		c.must("m1", http.MethodDelete, "/pair", "")
	})

	t.Run("a cluster manager leaves", func(t *testing.T) {
		msgs := c.act("m3", navv1alpha1.ActionLeave, 90*time.Second)
		t.Logf("Leave m3: %q", msgs)
		if ex := c.votingExclusions("m1"); !slices.Equal(ex, []string{"m3"}) {
			t.Fatalf("voting exclusions %v after m3's Leave, want [m3]", ex)
		}
		c.stop("m3")
		c.eventually(60*time.Second, "yellow at worst without m3", func() error { return c.health("m1", "green", "yellow") })
		readBack("m1")
		c.eventually(30*time.Second, "m3's exclusions cleared once it left", func() error {
			c.cleanupOnManager("m1")
			if ex, vx := c.excluded("m1"), c.votingExclusions("m1"); len(ex) > 0 || len(vx) > 0 {
				return fmt.Errorf("allocation exclusion %v, voting exclusions %v", ex, vx)
			}
			return nil
		})
		if m := c.manager("m1"); m != "m1" && m != "m2" {
			t.Fatalf("elected cluster manager %q after m3 left", m)
		}
	})
}

// engineInput is what the agent hands Act: the OpenSearch engine reads nothing of it.
func engineInput() engine.Input { return engine.Input{} }
