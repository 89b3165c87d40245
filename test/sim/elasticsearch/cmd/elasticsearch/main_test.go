package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/navigator-dbaas/navigator/test/sim/elasticsearch/config"
)

func TestOverridesFromEnvironmentAndFlags(t *testing.T) {
	got, err := overrides([]string{"-E", "node.name=a", "-Ecluster.name=c"},
		[]string{"PATH=/bin", "discovery.type=single-node", "ES_SETTING_NODE_STORE_ALLOW__MMAP=false", "node.name=env"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"node.name": "a", "cluster.name": "c", "discovery.type": "single-node", "node.store.allow_mmap": "false"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
	if _, err := overrides([]string{"--bogus"}, nil); err == nil {
		t.Error("an unknown option should fail")
	}
}

// TestStartFailuresExitAsElasticsearch runs the command's start-up path: a bad setting exits
// 1 with the message, a failed bootstrap check exits 78.
func TestStartFailuresExitAsElasticsearch(t *testing.T) {
	for _, tc := range []struct {
		yaml string
		code int
		want string
	}{
		{"node.name: a\nno.such: x\n", 1, "unknown setting [no.such]"},
		{"node.name: a\nnode.roles: [master, chef]\n", 1, "unknown role [chef]"},
		{"node.name: a\nnetwork.host: 0.0.0.0\npath.data: " + t.TempDir() + "\n", 78, "bootstrap check failure [1] of [1]"},
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "elasticsearch.yml"), []byte(tc.yaml), 0o644); err != nil {
			t.Fatal(err)
		}
		var out, errOut bytes.Buffer
		code := run(config.Elasticsearch, nil, []string{"ES_PATH_CONF=" + dir}, &out, &errOut)
		if code != tc.code || !strings.Contains(errOut.String(), tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want exit %d with %q", tc.yaml, code, errOut.String(), tc.code, tc.want)
		}
	}
}

// TestOpenSearchReadsItsOwnFile: as OpenSearch, the command reads opensearch.yml from
// $OPENSEARCH_PATH_CONF in OpenSearch's words, and says OpenSearch when it fails.
func TestOpenSearchReadsItsOwnFile(t *testing.T) {
	dir := t.TempDir()
	yml := "node.name: a\nnode.roles: [cluster_manager, chef]\n"
	if err := os.WriteFile(filepath.Join(dir, "opensearch.yml"), []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	code := run(config.OpenSearch, nil, []string{"OPENSEARCH_PATH_CONF=" + dir}, &out, &errOut)
	if code != 1 || !strings.Contains(errOut.String(), "unknown role [chef]") || !strings.Contains(errOut.String(), "booting OpenSearch") {
		t.Errorf("exit %d, stderr %q; want exit 1 refusing the role chef only", code, errOut.String())
	}
}
