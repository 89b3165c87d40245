package node

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/navigator-dbaas/navigator/test/sim/elasticsearch/config"
)

// startSingle starts a single-node cluster on loopback ports.
func startSingle(t *testing.T, yaml, version string) (*Node, error) {
	t.Helper()
	cfg, err := config.Parse([]byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	hl, _ := net.Listen("tcp", "127.0.0.1:0")
	tl, _ := net.Listen("tcp", "127.0.0.1:0")
	n, err := Start(t.Context(), cfg, Options{Version: version, Timing: fastTiming, HTTPListener: hl, TransportListener: tl})
	if err != nil {
		_ = hl.Close()
		_ = tl.Close()
	}
	return n, err
}

// TestStartRefusesWhatElasticsearchRefuses covers the start-up failures: the discovery
// bootstrap check, and data the node must not open.
func TestStartRefusesWhatElasticsearchRefuses(t *testing.T) {
	_, err := startSingle(t, "cluster.name: a\nnode.name: n\nnetwork.host: 0.0.0.0\npath.data: "+t.TempDir()+"\n", "8.18.2")
	var bc *BootstrapCheckError
	if !errors.As(err, &bc) || !strings.Contains(err.Error(), "[discovery.seed_hosts, discovery.seed_providers, cluster.initial_master_nodes]") {
		t.Fatalf("bootstrap check: %v", err)
	}
	_, err = startSingle(t, "node.name: n\ndiscovery.type: single-node\ncluster.initial_master_nodes: [n]\npath.data: "+t.TempDir()+"\n", "8.18.2")
	if err == nil || !strings.Contains(err.Error(), "not allowed when [discovery.type] is set to [single-node]") {
		t.Fatalf("single-node with initial master nodes: %v", err)
	}

	data := t.TempDir()
	base := fmt.Sprintf("cluster.name: a\nnode.name: n\ndiscovery.type: single-node\npath.data: %s\n", data)
	n, err := startSingle(t, base, "8.18.2")
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, 5*time.Second, "single node elects itself", func() bool {
		st, r, _ := n.snapshot()
		return r == leader && st.bootstrapped()
	})
	results, err := n.write(t.Context(), "logs", []writeDoc{{ID: "1", Source: []byte(`{"a":1}`)}})
	if err != nil || results[0].Error != nil {
		t.Fatalf("write: %v %+v", err, results)
	}
	eventually(t, 5*time.Second, "the shard is on disk", func() bool { return len(n.store.keys()) == 1 })
	_ = n.Close()

	for _, tc := range []struct {
		name, yaml, version, want string
	}{
		{"downgrade", base, "7.17.10", "cannot downgrade a node from version [8.18.2] to version [7.17.10]"},
		{"another cluster", strings.Replace(base, "cluster.name: a", "cluster.name: b", 1), "8.18.2", "holds the data of cluster [a]"},
		{"shard data without the data role", base + "node.roles: [master]\n", "8.18.2", "node does not have the data role but has shard data: [logs]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := startSingle(t, tc.yaml, tc.version); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}

	old := t.TempDir()
	n, err = startSingle(t, fmt.Sprintf("node.name: n\ndiscovery.type: single-node\npath.data: %s\n", old), "7.17.10")
	if err != nil {
		t.Fatal(err)
	}
	_ = n.Close()
	_, err = startSingle(t, fmt.Sprintf("node.name: n\ndiscovery.type: single-node\npath.data: %s\n", old), "9.0.0")
	if err == nil || !strings.Contains(err.Error(), "cannot upgrade a node from version [7.17.10] directly to version [9.0.0], upgrade to version [8.18.0] first") {
		t.Fatalf("7.17 to 9.0: %v", err)
	}

	// 9.1's minimum compatible version is 8.19.0 (Version.minimumCompatibilityVersion): data
	// last written by 8.18 goes to 9.0, not to 9.1.
	for _, tc := range []struct{ to, want string }{
		{"9.1.5", "cannot upgrade a node from version [8.18.8] directly to version [9.1.5], upgrade to version [8.19.0] first"},
		{"9.0.4", ""},
	} {
		dir := t.TempDir()
		yaml := fmt.Sprintf("node.name: n\ndiscovery.type: single-node\npath.data: %s\n", dir)
		n, err := startSingle(t, yaml, "8.18.8")
		if err != nil {
			t.Fatal(err)
		}
		_ = n.Close()
		n, err = startSingle(t, yaml, tc.to)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("8.18 to %s: %v", tc.to, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("8.18 to %s: %v, want %q", tc.to, err, tc.want)
		}
		if n != nil {
			_ = n.Close()
		}
	}
}

// TestRestartKeepsDocuments restarts a single node with its data path: the documents are read
// back from disk.
func TestRestartKeepsDocuments(t *testing.T) {
	data := t.TempDir()
	yaml := fmt.Sprintf("node.name: n\ndiscovery.type: single-node\npath.data: %s\n", data)
	n, err := startSingle(t, yaml, "8.18.2")
	if err != nil {
		t.Fatal(err)
	}
	docs := make([]writeDoc, 50)
	for i := range docs {
		docs[i] = writeDoc{ID: fmt.Sprint(i), Source: []byte(fmt.Sprintf(`{"i":%d}`, i))}
	}
	if _, err := n.write(t.Context(), "logs", docs); err != nil {
		t.Fatal(err)
	}
	id := n.Info().ID
	_ = n.Close()
	if _, err := filepath.Glob(filepath.Join(data, "indices", "*", "0", "docs.jsonl")); err != nil {
		t.Fatal(err)
	}
	n, err = startSingle(t, yaml, "8.18.2")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = n.Close() }()
	if n.Info().ID != id {
		t.Fatalf("node id changed across a restart: %s -> %s", id, n.Info().ID)
	}
	client := &http.Client{Timeout: 10 * time.Second}
	eventually(t, 10*time.Second, "50 documents after the restart", func() bool {
		res, err := client.Get("http://" + n.HTTPAddr() + "/logs/_count")
		if err != nil {
			return false
		}
		defer func() { _ = res.Body.Close() }()
		var body struct{ Count int }
		_ = jsonDecode(res, &body)
		return res.StatusCode == 200 && body.Count == 50
	})
}
