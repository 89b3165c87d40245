package pilot

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/search/node"
)

// TestReadyAndObserve: a node is live but not ready until it has joined an elected master's
// cluster; then every node reports its identity, its share of the data and the cluster it sees;
// a node that loses its master is no longer ready.
func TestReadyAndObserve(t *testing.T) {
	c := newSimCluster(t, "logs-hot-0", "logs-hot-1", "logs-hot-2")
	e0 := c.engines["logs-hot-0"]
	c.start("logs-hot-0")
	if err := e0.Live(t.Context()); err != nil {
		t.Fatalf("Live: %v", err)
	}
	// Alone it cannot bootstrap: two of the three initial master nodes are missing, and it
	// stays unready however often it is asked.
	err := wait.PollUntilContextTimeout(t.Context(), 20*time.Millisecond, 300*time.Millisecond, true, func(context.Context) (bool, error) {
		if err := e0.Ready(t.Context()); !errors.Is(err, node.ErrNotJoined) {
			return false, fmt.Errorf("Ready before the cluster formed: %w", err)
		}
		return false, nil
	})
	if !wait.Interrupted(err) {
		t.Fatal(err)
	}
	if st := c.observe("logs-hot-0", nil); st.Elasticsearch.ClusterUUID != "" || st.Elasticsearch.MasterNode != "" || st.Version != simVersion {
		t.Fatalf("observed before the cluster formed: %+v", st.Elasticsearch)
	}
	c.start("logs-hot-1")
	c.start("logs-hot-2")
	c.waitReady()
	c.index("logs-hot-1", "docs", 3, 1, 60)
	c.waitGreen("logs-hot-0", 3)

	var shards int32
	var docs int64
	var master, uuid string
	for _, name := range c.names {
		// Each node answers from the cluster state it has applied, and a follower applies the
		// state a moment after the master published it, as in a real cluster: wait for its
		// view to be green before reading its facts.
		var st *navv1alpha1.PilotStatus
		eventually(t, 5*time.Second, name+" sees the cluster green", func() bool {
			st = c.observe(name, nil)
			return st.Elasticsearch.ClusterHealth == navv1alpha1.HealthGreen
		})
		es := st.Elasticsearch
		if st.Version != simVersion || st.Node.ID != c.id(name) {
			t.Errorf("%s: version %q, id %q; want %q, %q", name, st.Version, st.Node.ID, simVersion, c.id(name))
		}
		if want := []navv1alpha1.ElasticsearchRole{"data", "master"}; !reflect.DeepEqual(es.Roles, want) {
			t.Errorf("%s: roles %v, want %v", name, es.Roles, want)
		}
		if es.ClusterHealth != navv1alpha1.HealthGreen || es.Shutdown != nil || es.ClusterUUID == "" {
			t.Errorf("%s: %+v", name, es)
		}
		if master != "" && es.MasterNode != master || uuid != "" && es.ClusterUUID != uuid {
			t.Errorf("%s sees master %s of cluster %s; another node sees %s of %s", name, es.MasterNode, es.ClusterUUID, master, uuid)
		}
		master, uuid = es.MasterNode, es.ClusterUUID
		shards += es.Shards
		docs += es.Documents
	}
	if shards != 6 || docs != 120 {
		t.Errorf("the nodes hold %d shards and %d documents; want 6 copies of 3 shards and 2 copies of 60 documents", shards, docs)
	}
	if !containsID(c, master) {
		t.Errorf("master %q is none of the nodes", master)
	}

	c.stop("logs-hot-1")
	c.stop("logs-hot-2")
	eventually(t, 5*time.Second, "logs-hot-0 unready without a master", func() bool {
		return errors.Is(e0.Ready(t.Context()), node.ErrNotJoined)
	})
	if err := e0.Live(t.Context()); err != nil {
		t.Fatalf("Live without a master: %v", err)
	}
	c.stop("logs-hot-0")
	if err := e0.Live(t.Context()); err == nil {
		t.Fatal("Live with the process gone")
	}
}

func containsID(c *simCluster, id string) bool {
	for _, name := range c.names {
		if c.id(name) == id {
			return true
		}
	}
	return false
}
