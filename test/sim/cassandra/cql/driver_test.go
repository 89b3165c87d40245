package cql_test

import (
	"testing"
	"time"

	gocql "github.com/apache/cassandra-gocql-driver/v2"

	"github.com/navigator-dbaas/navigator/test/cqllog"
)

// session connects the real driver through one contact point, node 0: the driver must find the
// other nodes in system.peers_v2. The driver's log is shown if the test fails.
func (c *testCluster) session(t *testing.T, configure ...func(*gocql.ClusterConfig)) *gocql.Session {
	t.Helper()
	cfg := gocql.NewCluster(c.nodes[0].addr)
	cfg.Timeout = 5 * time.Second
	cfg.ConnectTimeout = 5 * time.Second
	cfg.MaxWaitSchemaAgreement = 5 * time.Second
	log := &cqllog.Lines{}
	cfg.Logger = log
	for _, f := range configure {
		f(cfg)
	}
	s, err := cfg.CreateSession()
	if err != nil {
		t.Fatalf("connecting the driver: %v\ndriver log:\n%s", err, log)
	}
	t.Cleanup(func() {
		s.Close()
		if t.Failed() {
			t.Logf("driver log:\n%s", log)
		}
	})
	return s
}
