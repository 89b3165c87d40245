package node

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/navigator-dbaas/navigator/test/sim/elasticsearch/config"
)

// fastTiming keeps the in-process clusters' tests short: checks every 100ms.
var fastTiming = Timing{
	Discovery: 100 * time.Millisecond, FollowerCheck: 100 * time.Millisecond, LeaderCheck: 100 * time.Millisecond,
	Retries: 3, Reroute: 50 * time.Millisecond, RequestTimeout: 2 * time.Second, MasterTimeout: 3 * time.Second,
}

// simCluster is an in-process cluster of simulated nodes on loopback ports.
type simCluster struct {
	t       *testing.T
	dir     string
	version string
	names   []string
	roles   map[string]string
	ports   map[string][2]int
	// listeners are the HTTP and transport listeners of nodes not started yet.
	listeners map[string][2]net.Listener
	nodes     map[string]*Node
	logs      map[string]*bytes.Buffer
	mu        sync.Mutex
	nodesMu   sync.Mutex
	// rate is indices.recovery.max_bytes_per_sec for every node.
	rate int64
	// extra holds more elasticsearch.yml lines, by node.
	extra map[string]string
}

func newSimCluster(t *testing.T, names ...string) *simCluster {
	c := &simCluster{t: t, dir: t.TempDir(), version: "8.18.2", names: names, roles: map[string]string{},
		ports: map[string][2]int{}, listeners: map[string][2]net.Listener{}, nodes: map[string]*Node{},
		logs: map[string]*bytes.Buffer{}, rate: 10 << 20, extra: map[string]string{}}
	for _, name := range names {
		c.listeners[name] = [2]net.Listener{listen(t, 0), listen(t, 0)}
		c.ports[name] = [2]int{c.listeners[name][0].Addr().(*net.TCPAddr).Port, c.listeners[name][1].Addr().(*net.TCPAddr).Port}
		c.roles[name] = "[master, data]"
	}
	t.Cleanup(func() {
		for _, ls := range c.listeners {
			_ = ls[0].Close()
			_ = ls[1].Close()
		}
		for _, name := range names {
			if c.node(name) != nil {
				c.stop(name)
			}
		}
		if t.Failed() {
			for _, name := range names {
				t.Logf("log of %s:\n%s", name, c.logs[name])
			}
		}
	})
	return c
}

// listen binds a loopback port (0: any free one). The nodes are handed their listeners, so that
// no other process can take a port between the moment it is chosen and the node's start.
func listen(t *testing.T, port int) net.Listener {
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func (c *simCluster) yaml(name string) string {
	var seeds []string
	for _, n := range c.names {
		seeds = append(seeds, fmt.Sprintf("%q", fmt.Sprintf("127.0.0.1:%d", c.ports[n][1])))
	}
	return fmt.Sprintf(`cluster.name: sim
node.name: %s
node.roles: %s
path.data: %s
network.host: 127.0.0.1
http.port: %d
transport.port: %d
discovery.seed_hosts: [%s]
cluster.initial_master_nodes: [%s]
%s`, name, c.roles[name], filepath.Join(c.dir, name), c.ports[name][0], c.ports[name][1], strings.Join(seeds, ", "), strings.Join(c.masters(), ", "), c.extra[name])
}

func (c *simCluster) masters() []string {
	var out []string
	for _, n := range c.names {
		if strings.Contains(c.roles[n], "master") {
			out = append(out, n)
		}
	}
	return out
}

// start starts (or restarts, with the same data path) a node.
func (c *simCluster) start(name string) *Node {
	c.t.Helper()
	cfg, err := config.Parse([]byte(c.yaml(name)))
	if err != nil {
		c.t.Fatal(err)
	}
	c.mu.Lock()
	if c.logs[name] == nil {
		c.logs[name] = &bytes.Buffer{}
	}
	c.mu.Unlock()
	ls, ok := c.listeners[name]
	if !ok { // a restart: the same ports again
		ls = [2]net.Listener{listen(c.t, c.ports[name][0]), listen(c.t, c.ports[name][1])}
	}
	delete(c.listeners, name) // the node closes them when it stops
	n, err := Start(c.t.Context(), cfg, Options{
		Version: c.version, Log: &lockedWriter{mu: &c.mu, w: c.logs[name]}, Timing: fastTiming, RecoveryBytesPerSecond: c.rate,
		HTTPListener: ls[0], TransportListener: ls[1],
	})
	if err != nil {
		c.t.Fatalf("start %s: %v", name, err)
	}
	c.nodesMu.Lock()
	c.nodes[name] = n
	c.nodesMu.Unlock()
	return n
}

// node returns a running node (nil when stopped); watchers call it from other goroutines.
func (c *simCluster) node(name string) *Node {
	c.nodesMu.Lock()
	defer c.nodesMu.Unlock()
	return c.nodes[name]
}

func (c *simCluster) startAll() {
	for _, name := range c.names {
		c.start(name)
	}
}

// stop stops a node as a process exit would: its ports close.
func (c *simCluster) stop(name string) {
	n := c.node(name)
	c.nodesMu.Lock()
	c.nodes[name] = nil
	c.nodesMu.Unlock()
	if err := n.Close(); err != nil {
		c.t.Logf("close %s: %v", name, err)
	}
}

// wipe deletes a stopped node's data path: its disk is gone.
func (c *simCluster) wipe(name string) {
	if err := os.RemoveAll(filepath.Join(c.dir, name)); err != nil {
		c.t.Fatal(err)
	}
}

// do sends a raw request to a node's REST API and returns status and body.
func (c *simCluster) do(name, method, path string, body any) (int, []byte) {
	c.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		raw, _ := json.Marshal(b)
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(c.t.Context(), method, "http://"+c.node(name).HTTPAddr()+path, r)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer func() { _ = res.Body.Close() }()
	raw, _ := io.ReadAll(res.Body)
	if res.Header.Get("X-Elastic-Product") != "Elasticsearch" {
		c.t.Fatalf("%s %s: no X-Elastic-Product header", method, path)
	}
	return res.StatusCode, raw
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), within)
	defer cancel()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("%s: not within %v", what, within)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// decodeTyped decodes a response body into the official client's typed response and fails
// when the shapes differ: the body must decode, and every field the typed value carries after
// decoding (except nulls) must be present in the body with the same value. A misnamed or
// mistyped field therefore fails, while fields the typed API does not know are allowed, as
// they are in real responses.
func decodeTyped(t *testing.T, raw []byte, typed any) {
	t.Helper()
	if err := json.Unmarshal(raw, typed); err != nil {
		t.Fatalf("response does not decode into %T: %v\n%s", typed, err, raw)
	}
	back, err := json.Marshal(typed)
	if err != nil {
		t.Fatal(err)
	}
	var want, got any
	_ = json.Unmarshal(back, &want)
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	if path, ok := subset(want, got, "$"); !ok {
		t.Fatalf("%T: field %s differs between the typed decoding and the response\ntyped: %s\nbody:  %s", typed, path, back, raw)
	}
}

// subset reports whether every non-null value of typed is in body.
func subset(typed, body any, path string) (string, bool) {
	switch tv := typed.(type) {
	case nil:
		return "", true
	case map[string]any:
		bv, ok := body.(map[string]any)
		if !ok {
			return path, false
		}
		for k, v := range tv {
			if v == nil {
				continue
			}
			b, present := bv[k]
			if !present {
				if isEmpty(v) {
					continue // an empty map or list the typed value made up
				}
				return path + "." + k, false
			}
			if p, ok := subset(v, b, path+"."+k); !ok {
				return p, false
			}
		}
		return "", true
	case []any:
		bv, ok := body.([]any)
		if !ok && len(tv) == 1 {
			// The typed API reads "one value or a list" fields into a list.
			return subset(tv[0], body, path)
		}
		if !ok || len(bv) != len(tv) {
			return path, false
		}
		for i := range tv {
			if p, ok := subset(tv[i], bv[i], fmt.Sprintf("%s[%d]", path, i)); !ok {
				return p, false
			}
		}
		return "", true
	case string:
		// The typed API prints enums in lower case, nulls of some string fields as "null", and
		// some numbers as strings; compare printed forms.
		if body == nil {
			return path, tv == "null"
		}
		return path, strings.EqualFold(fmt.Sprint(body), tv) || jsonString(body) == jsonString(tv)
	default:
		return path, reflect.DeepEqual(typed, body) || fmt.Sprint(typed) == fmt.Sprint(body)
	}
}

func isEmpty(v any) bool {
	switch t := v.(type) {
	case map[string]any:
		return len(t) == 0
	case []any:
		return len(t) == 0
	}
	return false
}

func jsonDecode(res *http.Response, v any) error { return json.NewDecoder(res.Body).Decode(v) }

// votingConfig is the last committed voting configuration in name's cluster state.
func (c *simCluster) votingConfig(name string) []string {
	c.t.Helper()
	code, raw := c.do(name, http.MethodGet, "/_cluster/state/metadata", nil)
	if code != http.StatusOK {
		c.t.Fatalf("cluster state: %d %s", code, raw)
	}
	var st struct {
		Metadata struct {
			Coordination struct {
				Committed []string `json:"last_committed_config"`
			} `json:"cluster_coordination"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(raw, &st); err != nil {
		c.t.Fatal(err)
	}
	return st.Metadata.Coordination.Committed
}
