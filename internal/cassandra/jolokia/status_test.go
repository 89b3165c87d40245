package jolokia

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"testing"

	"github.com/navigator-dbaas/navigator/internal/cassandra/nodetool"
)

// agent answers each POST with the next file of testdata, captured from real Cassandra 5.0.8 and
// 5.0.9 nodes running Jolokia 1.7.2, after checking that the request is the one the file answers.
func agent(t *testing.T, files ...string) *Client {
	t.Helper()
	next := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if next >= len(files) {
			t.Errorf("request %d: no answer left", next+1)
			http.Error(w, "no answer", http.StatusInternalServerError)
			return
		}
		raw, err := os.ReadFile("testdata/" + files[next])
		if err != nil {
			t.Fatal(err)
		}
		next++
		var sent, recorded []map[string]any
		if err := json.NewDecoder(r.Body).Decode(&sent); err != nil {
			t.Errorf("the request is not a JSON bulk request: %v", err)
		}
		if err := json.Unmarshal(raw, &recorded); err != nil {
			t.Fatal(err)
		}
		if len(sent) != len(recorded) {
			t.Errorf("%d requests sent, %s answers %d", len(sent), files[next-1], len(recorded))
		}
		_, _ = w.Write(raw)
	}))
	t.Cleanup(srv.Close)
	return New(srv.URL + "/jolokia/")
}

// TestRingAsNodetoolPrintsIt reads the ring of three real 5.0.9 nodes, one of them drained (and
// so down to the others), through the agent, and compares it with nodetool status run on the
// same node at the same moment (captured together, testdata/SOURCES.md): every node, its
// status and state, load, tokens, host id and rack agree; ownership is nodetool's own sum. The
// gossip the node holds of each member is the failure detector's flag, agreeing with the
// status, and the member's generation.
func TestRingAsNodetoolPrintsIt(t *testing.T) {
	for _, state := range []string{"two-nodes", "peer-drained"} {
		t.Run(state, func(t *testing.T) {
			c := agent(t, "ring-5.0.9-"+state+".json", "endpoints-5.0.9-"+state+".json")
			r, err := c.Ring(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if r.Mode != "NORMAL" {
				t.Errorf("mode %q, want NORMAL", r.Mode)
			}
			sample := map[string]string{"two-nodes": "normal", "peer-drained": "peer-drained"}[state]
			raw, err := os.ReadFile("../nodetool/testdata/real/status-5.0.9-" + sample + ".txt")
			if err != nil {
				t.Fatal(err)
			}
			want, err := nodetool.ParseStatus(string(raw))
			if err != nil {
				t.Fatal(err)
			}
			if got, want := ringNodes(r.Status), ringNodes(want); !slices.Equal(got, want) {
				t.Errorf("through the agent:\n%v\nnodetool status:\n%v", got, want)
			}
			wantGossip := map[string]map[string]Peer{
				"two-nodes": {"127.0.60.2": {Alive: true, Generation: 1796610957}, "127.0.60.3": {Alive: true, Generation: 1796610972}},
				"peer-drained": {"127.0.60.2": {Alive: true, Generation: 1796610957}, "127.0.60.3": {Alive: false, Generation: 1796610972},
					"127.0.60.4": {Alive: true, Generation: 1796611001}},
			}[state]
			if !maps.Equal(r.Gossip, wantGossip) {
				t.Errorf("gossip %v, want %v", r.Gossip, wantGossip)
			}
		})
	}
}

// ringNodes lists a ring's nodes by address, datacenter named, ownership left out.
func ringNodes(st *nodetool.Status) []string {
	var out []string
	for _, dc := range st.Datacenters {
		for _, n := range dc.Nodes {
			n.Owns, n.OwnsKnown = 0, false
			out = append(out, fmt.Sprintf("%s %+v", dc.Name, n))
		}
	}
	slices.Sort(out)
	return out
}

func TestAnErrorNamesTheRequestAndTheException(t *testing.T) {
	c := agent(t, "no-such-attribute-5.0.8.json")
	err := c.Do(t.Context(), []Request{Read(StorageService, "NoSuchAttribute")}, new(any))
	var je *Error
	if !errors.As(err, &je) || je.Status != 404 || je.Type != "javax.management.AttributeNotFoundException" {
		t.Fatalf("error %v", err)
	}
	t.Log(err)
}

func TestGoneIsARefusedConnectionOnly(t *testing.T) {
	c := agent(t, "no-such-attribute-5.0.8.json")
	err := c.Do(t.Context(), []Request{Read(StorageService, "NoSuchAttribute")}, new(any))
	if err == nil || Gone(err) {
		t.Errorf("an agent that answers with an error is gone: %v", err)
	}
	// An agent whose server stopped: nothing listens on its port any more.
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	_, err = New(url + "/jolokia/").ReleaseVersion(t.Context())
	if !Gone(err) {
		t.Errorf("an agent whose server stopped is not gone: %v", err)
	}
}
