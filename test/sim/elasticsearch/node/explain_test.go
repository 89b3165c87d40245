package node

import (
	"net/http"
	"strings"
	"testing"
)

// TestExplainRefusesWhatItDoesNotSimulate: the allocation explain API validates its request as
// ClusterAllocationExplainRequest does, naming each missing field, and refuses the forms the
// simulator does not model (no body: the first unassigned shard) rather than answer them wrongly.
func TestExplainRefusesWhatItDoesNotSimulate(t *testing.T) {
	c := newSimCluster(t, "es-0")
	c.startAll()
	c.waitHealth("es-0", "green", 1)
	for body, want := range map[string]string{
		`{"index":"x"}`: "Validation Failed: 1: shard must be specified;2: primary must be specified;",
		``:              "the simulator explains only a copy named by index, shard, primary and current_node",
		`{"index":"missing","shard":0,"primary":true,"current_node":"es-0"}`: "no such index [missing]",
	} {
		code, raw := c.do("es-0", http.MethodGet, "/_cluster/allocation/explain", body)
		if code < 400 || !strings.Contains(string(raw), want) {
			t.Errorf("%q: %d %s, want %q", body, code, raw, want)
		}
	}
}
