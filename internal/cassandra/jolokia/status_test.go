package jolokia

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/navigator-dbaas/navigator/internal/cassandra/nodetool"
)

// agent answers each POST with the next file of testdata, captured from a real Cassandra 5.0.8
// node running Jolokia 1.7.2, after checking that the request is the one the file answers.
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

func TestStatusOfARealNode(t *testing.T) {
	c := agent(t, "ring-5.0.8-one-node.json", "snitch-5.0.8-one-node.json")
	r, err := c.Ring(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	st := r.Status
	if r.Mode != "NORMAL" {
		t.Errorf("mode %q, want NORMAL", r.Mode)
	}
	if len(st.Datacenters) != 1 || st.Datacenters[0].Name != "dc1" || len(st.Datacenters[0].Nodes) != 1 {
		t.Fatalf("status %+v", st)
	}
	n := st.Datacenters[0].Nodes[0]
	want := nodetool.StatusNode{Status: "U", State: "N", Address: "127.0.1.1", Load: 117432, LoadKnown: true, Tokens: 16,
		HostID: "51cdddcc-0e29-445d-b38c-eb5741a15268", Rack: "r1"}
	if n != want {
		t.Errorf("node %#v\nwant %#v", n, want)
	}
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
