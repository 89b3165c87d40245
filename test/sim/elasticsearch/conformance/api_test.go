package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// client speaks to one backend's nodes over plain HTTP: the suite compares the engines on the
// wire, where an Elasticsearch client would refuse OpenSearch's answers (it checks the product
// header) and an OpenSearch client would refuse the simulator's.
type client struct {
	t *testing.T
	b backend
}

var httpClient = &http.Client{Timeout: 40 * time.Second}

// call sends method path (with its query) to node, with body as JSON when not nil, and returns
// the status and the decoded answer.
func (c client) call(node, method, path string, body any) (int, any) {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(c.t.Context(), method, c.b.url(node)+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := httpClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s on %s: %v", method, path, node, err)
	}
	defer func() { _ = res.Body.Close() }()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	var v any
	if len(bytes.TrimSpace(raw)) > 0 {
		if err := json.Unmarshal(raw, &v); err != nil {
			c.t.Fatalf("%s %s on %s: %d, not JSON: %s", method, path, node, res.StatusCode, raw)
		}
	}
	return res.StatusCode, v
}

// answers reports whether node's HTTP layer answers at all: a node started seconds ago may not
// listen yet.
func (c client) answers(node string) bool {
	req, err := http.NewRequestWithContext(c.t.Context(), http.MethodGet, c.b.url(node)+"/", nil)
	if err != nil {
		c.t.Fatal(err)
	}
	res, err := httpClient.Do(req)
	if err != nil {
		return false
	}
	_ = res.Body.Close()
	return true
}

// ok is call that must answer 200.
func (c client) ok(node, method, path string, body any) map[string]any {
	c.t.Helper()
	status, v := c.call(node, method, path, body)
	if status != http.StatusOK {
		c.t.Fatalf("%s %s on %s: %d %v", method, path, node, status, v)
	}
	m, _ := v.(map[string]any)
	return m
}

// rows is a _cat API's answer in JSON.
func (c client) rows(node, path string) []map[string]any {
	c.t.Helper()
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	status, v := c.call(node, http.MethodGet, path+sep+"format=json", nil)
	if status != http.StatusOK {
		c.t.Fatalf("GET %s on %s: %d %v", path, node, status, v)
	}
	list, _ := v.([]any)
	out := make([]map[string]any, 0, len(list))
	for _, r := range list {
		m, _ := r.(map[string]any)
		out = append(out, m)
	}
	return out
}

// eventually polls cond every 200ms for up to timeout; cond says what it still waits for.
func (c client) eventually(timeout time.Duration, cond func() (bool, string)) {
	c.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, why := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("still waiting after %s: %s", timeout, why)
		}
		select {
		case <-c.t.Context().Done():
			c.t.Fatal(c.t.Context().Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// health is GET _cluster/health, which answers 200 or 408 (a wait that timed out).
func (c client) health(node, query string) map[string]any {
	c.t.Helper()
	status, v := c.call(node, http.MethodGet, "/_cluster/health"+query, nil)
	if status != http.StatusOK && status != http.StatusRequestTimeout {
		c.t.Fatalf("health on %s: %d %v", node, status, v)
	}
	m, _ := v.(map[string]any)
	return m
}

// elected is the name of the node the cluster has elected, as node's _cat/nodes says, or "".
func (c client) elected(node string) string {
	c.t.Helper()
	for _, r := range c.rows(node, "/_cat/nodes?h=name,master") {
		if r["master"] == "*" {
			return fmt.Sprint(r["name"])
		}
	}
	return ""
}

// copies are the shard copies of index as _cat/shards lists them.
func (c client) copies(node, index string) []map[string]any {
	c.t.Helper()
	return c.rows(node, "/_cat/shards/"+index+"?h=index,shard,prirep,state,node,unassigned.reason")
}

func num(v any) int {
	f, _ := v.(float64)
	return int(f)
}
