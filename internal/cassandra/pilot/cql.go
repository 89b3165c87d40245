package pilot

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"time"

	gocql "github.com/apache/cassandra-gocql-driver/v2"
)

// Bounds of the engine's CQL calls: they go to the local node only, and the kubelet's probes give
// the whole check a few seconds.
const (
	cqlConnectTimeout = 2 * time.Second
	cqlTimeout        = 3 * time.Second
)

// cql runs fn on a session with the local node, opening one when there is none. A failed call
// closes the session: the node may have drained or restarted, and the next call connects again
// rather than wait for the driver's reconnection.
func (e *Engine) cql(ctx context.Context, fn func(context.Context, *gocql.Session) error) error {
	e.cqlMu.Lock()
	defer e.cqlMu.Unlock()
	if e.session == nil || e.session.Closed() {
		s, err := e.connect()
		if err != nil {
			return fmt.Errorf("connecting to CQL on %s: %w", e.cqlAddr(), err)
		}
		e.session = s
	}
	ctx, cancel := context.WithTimeout(ctx, cqlTimeout)
	defer cancel()
	if err := fn(ctx, e.session); err != nil {
		e.session.Close()
		e.session = nil
		return err
	}
	return nil
}

// connect opens a session with the local node alone: no peer discovery and no events, since the
// engine asks nothing of other nodes, and one connection.
func (e *Engine) connect() (*gocql.Session, error) {
	c := gocql.NewCluster(e.cqlAddr())
	c.ConnectTimeout = cqlConnectTimeout
	c.Timeout = cqlTimeout
	c.NumConns = 1
	c.DisableInitialHostLookup = true
	c.Events.DisableNodeStatusEvents = true
	c.Events.DisableTopologyEvents = true
	c.Events.DisableSchemaEvents = true
	c.Consistency = gocql.One
	return c.CreateSession()
}

func (e *Engine) cqlAddr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(e.CQLPort)) }

// servesCQL checks that the node answers a query of its own system table.
func (e *Engine) servesCQL(ctx context.Context) error {
	return e.cql(ctx, func(ctx context.Context, s *gocql.Session) error {
		var release string
		if err := s.Query("SELECT release_version FROM system.local").ScanContext(ctx, &release); err != nil {
			return fmt.Errorf("CQL on %s: %w", e.cqlAddr(), err)
		}
		return nil
	})
}

// keyspaces reads every keyspace's replication options from the node's schema.
func (e *Engine) keyspaces(ctx context.Context) (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	err := e.cql(ctx, func(ctx context.Context, s *gocql.Session) error {
		iter := s.Query("SELECT keyspace_name, replication FROM system_schema.keyspaces").IterContext(ctx)
		var name string
		var replication map[string]string
		for iter.Scan(&name, &replication) {
			out[name], replication = replication, nil
		}
		if err := iter.Close(); err != nil {
			return fmt.Errorf("reading system_schema.keyspaces: %w", err)
		}
		return nil
	})
	return out, err
}

// close closes the CQL session, if any.
func (e *Engine) close() {
	e.cqlMu.Lock()
	defer e.cqlMu.Unlock()
	if e.session != nil {
		e.session.Close()
		e.session = nil
	}
}
