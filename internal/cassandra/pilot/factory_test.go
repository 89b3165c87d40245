package pilot

import (
	"flag"
	"slices"
	"strings"
	"testing"
)

func TestFactoryFlags(t *testing.T) {
	fs := flag.NewFlagSet("navigator-pilot cassandra", flag.ContinueOnError)
	build := Factory(fs)
	if err := fs.Parse([]string{"--node-pool=r1", "--seeds=orders-seeds.team-a.svc.cluster.local", "--", "/opt/cassandra/bin/cassandra", "-f"}); err != nil {
		t.Fatal(err)
	}
	eng, err := build()
	if err != nil {
		t.Fatal(err)
	}
	e := eng.(*Engine)
	if e.NodePool != "r1" || !slices.Equal(e.Seeds, []string{"orders-seeds.team-a.svc.cluster.local"}) || e.ConfigDir != DefaultConfigDir ||
		e.DataDir != DefaultDataDir || e.CQLPort != 9042 || e.StoragePort != 7000 || !slices.Equal(e.Nodetool, []string{DefaultNodetool}) ||
		e.JMXAddress != DefaultJMXAddress || e.RetryDelay != DefaultRetryDelay || e.Clock == nil {
		t.Fatalf("engine from flags: %+v", e)
	}
	if kind := e.ClusterKind(); kind.Resource != "cassandraclusters" || kind.New() == nil || kind.NewList() == nil {
		t.Fatalf("cluster kind: %+v", kind)
	}

	_, err = Factory(flag.NewFlagSet("x", flag.ContinueOnError))()
	if err == nil || !strings.Contains(err.Error(), "--node-pool") {
		t.Fatalf("without the required flags: %v", err)
	}
}
