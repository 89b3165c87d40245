package cql_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	gocql "github.com/apache/cassandra-gocql-driver/v2"
)

// session connects the real driver through one contact point, node 0: the driver must find the
// other nodes in system.peers_v2. The driver's log is shown if the test fails.
func (c *testCluster) session(t *testing.T, configure ...func(*gocql.ClusterConfig)) *gocql.Session {
	t.Helper()
	cfg := gocql.NewCluster(c.nodes[0].addr)
	cfg.Timeout = 5 * time.Second
	cfg.ConnectTimeout = 5 * time.Second
	cfg.MaxWaitSchemaAgreement = 5 * time.Second
	log := &driverLog{}
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

// driverLog keeps the driver's log lines, to show when a test fails.
type driverLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *driverLog) add(level, msg string, fields []gocql.LogField) {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s %s", level, msg)
	for _, f := range fields {
		fmt.Fprintf(&sb, " %s=%s", f.Name, f.Value)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, sb.String())
}

func (l *driverLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

func (l *driverLog) Error(msg string, fields ...gocql.LogField)   { l.add("ERROR", msg, fields) }
func (l *driverLog) Warning(msg string, fields ...gocql.LogField) { l.add("WARN", msg, fields) }
func (l *driverLog) Info(msg string, fields ...gocql.LogField)    { l.add("INFO", msg, fields) }
func (l *driverLog) Debug(msg string, fields ...gocql.LogField)   { l.add("DEBUG", msg, fields) }
