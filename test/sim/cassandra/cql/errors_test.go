package cql_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	gocql "github.com/apache/cassandra-gocql-driver/v2"
)

// The Backend's Unavailable, WriteTimeout and ReadTimeout reach the driver as its typed errors,
// with the consistency level and replica counts the Backend gave.
func TestConsistencyFailuresReachTheDriverTyped(t *testing.T) {
	c := startCluster(t, 3, 0)
	s := c.session(t)
	exec(t, s, createKeyspace)
	exec(t, s, createTable)
	insert := func(cl gocql.Consistency) error {
		return s.Query(`INSERT INTO sim.kv (k, v) VALUES (?, ?)`, "a", 1).Consistency(cl).ExecContext(t.Context())
	}
	read := func(cl gocql.Consistency) error {
		var v int
		return s.Query(`SELECT v FROM sim.kv WHERE k = ?`, "a").Consistency(cl).ScanContext(t.Context(), &v)
	}

	c.setReplicas(1, 1)
	var unavailable *gocql.RequestErrUnavailable
	err := insert(gocql.Quorum)
	if !errors.As(err, &unavailable) || unavailable.Consistency != gocql.Quorum || unavailable.Required != 2 || unavailable.Alive != 1 {
		t.Errorf("insert at QUORUM with one replica alive: %#v, want Unavailable QUORUM 2 1", err)
	} else if unavailable.Code() != gocql.ErrCodeUnavailable || unavailable.Message() != "Cannot achieve consistency level QUORUM" {
		t.Errorf("Unavailable code %#x message %q", unavailable.Code(), unavailable.Message())
	}
	if err := insert(gocql.One); err != nil {
		t.Errorf("insert at ONE with one replica alive: %v", err)
	}
	err = read(gocql.All)
	if !errors.As(err, &unavailable) || unavailable.Consistency != gocql.All || unavailable.Required != 3 || unavailable.Alive != 1 {
		t.Errorf("read at ALL with one replica alive: %#v, want Unavailable ALL 3 1", err)
	}

	c.setReplicas(3, 1)
	var writeTimeout *gocql.RequestErrWriteTimeout
	err = insert(gocql.LocalQuorum)
	if !errors.As(err, &writeTimeout) || writeTimeout.Consistency != gocql.LocalQuorum || writeTimeout.Received != 1 ||
		writeTimeout.BlockFor != 2 || writeTimeout.WriteType != "SIMPLE" {
		t.Errorf("insert at LOCAL_QUORUM with one replica answering: %#v, want WriteTimeout LOCAL_QUORUM 1/2 SIMPLE", err)
	}
	var readTimeout *gocql.RequestErrReadTimeout
	err = read(gocql.All)
	if !errors.As(err, &readTimeout) || readTimeout.Consistency != gocql.All || readTimeout.Received != 1 ||
		readTimeout.BlockFor != 3 || readTimeout.DataPresent != 1 {
		t.Errorf("read at ALL with one replica answering: %#v, want ReadTimeout ALL 1/3 data present", err)
	}
	c.setReplicas(3, 0)
	err = read(gocql.One)
	if !errors.As(err, &readTimeout) || readTimeout.Received != 0 || readTimeout.BlockFor != 1 || readTimeout.DataPresent != 0 {
		t.Errorf("read at ONE with no replica answering: %#v, want ReadTimeout ONE 0/1 no data", err)
	}
}

// Statements outside the subset, or that Cassandra would refuse, get the driver's typed error
// with Cassandra's wording, whether they fail at PREPARE (the driver prepares SELECT and
// INSERT) or at QUERY.
func TestRefusedStatements(t *testing.T) {
	c := startCluster(t, 1, 0)
	s := c.session(t)
	exec(t, s, `CREATE KEYSPACE sim WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 1}`)
	exec(t, s, createTable)

	syntax := func(err error) bool { var e *gocql.RequestErrSyntax; return errors.As(err, &e) }
	invalid := func(err error) bool { var e *gocql.RequestErrInvalid; return errors.As(err, &e) }
	config := func(err error) bool { var e *gocql.RequestErrConfig; return errors.As(err, &e) }
	unauthorized := func(err error) bool { var e *gocql.RequestErrUnauthorized; return errors.As(err, &e) }
	cases := []struct {
		stmt string
		cl   *gocql.Consistency // nil: the session's
		is   func(error) bool
		want string
	}{
		{"SELEC * FROM sim.kv", nil, syntax, "line 1:0 no viable alternative at input 'SELEC' ([SELEC] *...)"},
		{"SELECT * FORM sim.kv", nil, syntax, "line 1:9 mismatched input 'FORM' expecting K_FROM (SELECT * [FORM] sim...)"},
		{"SELECT v FROM sim.kv WHERE k = 'unterminated", nil, syntax, "mismatched character '<EOF>' expecting '''"},
		{"DROP TABLE sim.kv", nil, syntax, "the simulator does not model DROP statements"},
		{"UPDATE sim.kv SET v = 1 WHERE k = 'a'", nil, syntax, "the simulator does not model UPDATE statements"},
		{"INSERT INTO sim.kv (k, v) VALUES ('a', 1) USING TTL 10", nil, syntax, "does not model USING TTL"},
		{"SELECT * FROM sim.kv", nil, syntax, "does not model SELECT from a user table without its partition key"},
		{"CREATE TABLE sim.c (k text, c int, PRIMARY KEY (k, c))", nil, syntax, "does not model composite partition keys and clustering"},
		{"SELECT * FROM sim.kv WHERE v = 1", nil, invalid, "use ALLOW FILTERING"},
		{"SELECT * FROM sim.nope WHERE k = 'a'", nil, invalid, "table nope does not exist"},
		{"SELECT * FROM nope.kv WHERE k = 'a'", nil, invalid, "keyspace nope does not exist"},
		{"SELECT * FROM kv WHERE k = 'a'", nil, invalid, "No keyspace has been specified"},
		{"SELECT nope FROM sim.kv WHERE k = 'a'", nil, invalid, "Undefined column name nope in table sim.kv"},
		{"INSERT INTO sim.kv (k, v) VALUES ('a', 'x')", nil, invalid, `Invalid STRING constant (x) for "v" of type int`},
		{"INSERT INTO sim.kv (v) VALUES (1)", nil, invalid, "Some partition key parts are missing: k"},
		{"INSERT INTO sim.kv (k) VALUES ('')", nil, invalid, "Key may not be empty"},
		{"SELECT v FROM sim.kv WHERE k = 'a'", at(gocql.Any), invalid, "ANY ConsistencyLevel is only supported for writes"},
		{"INSERT INTO sim.kv (k) VALUES ('a')", at(gocql.Serial), invalid, "You must use conditional updates for serializable writes"},
		//nolint:misspell // Cassandra's message, spelling included
		{"CREATE TABLE sim.t (k text, v int)", nil, invalid, "No PRIMARY KEY specifed for table 't' (exactly one required)"},
		{"CREATE KEYSPACE x WITH replication = {'class': 'NetworkTopologyStrategy', 'dc9': 3}", nil, config,
			"Unrecognized strategy option {dc9} passed to NetworkTopologyStrategy for keyspace x"},
		{"CREATE KEYSPACE x WITH replication = {'class': 'SimpleStrategy'}", nil, config,
			"SimpleStrategy requires a replication_factor strategy option."},
		{"CREATE KEYSPACE x WITH replication = {'class': 'Foo', 'dc1': 1}", nil, config,
			"Unable to find replication strategy class 'org.apache.cassandra.locator.Foo'"},
		{"CREATE KEYSPACE x WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 'three'}", nil, config,
			"Replication factor must be numeric; found three"},
		{"INSERT INTO system.local (key) VALUES ('x')", nil, unauthorized, "system keyspace is not user-modifiable."},
	}
	for _, tc := range cases {
		q := s.Query(tc.stmt)
		if tc.cl != nil {
			q = q.Consistency(*tc.cl)
		}
		err := q.ExecContext(t.Context())
		if err == nil || !tc.is(err) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s:\n got %T %v\nwant %q", tc.stmt, err, err, tc.want)
		}
	}

	// BATCH is a message of its own, not a statement; it is refused as a whole.
	b := s.Batch(gocql.LoggedBatch).Query(`INSERT INTO sim.kv (k, v) VALUES (?, ?)`, "a", 1)
	if err := b.ExecContext(t.Context()); !invalid(err) || !strings.Contains(err.Error(), "BATCH messages are not modelled") {
		t.Errorf("BATCH: %T %v, want Invalid", err, err)
	}
}

func at(cl gocql.Consistency) *gocql.Consistency { return &cl }

// errorFrames counts the ERROR frames the driver receives on request streams.
type errorFrames struct {
	mu sync.Mutex
	n  int
}

func (e *errorFrames) ObserveFrameHeader(_ context.Context, h gocql.ObservedFrameHeader) {
	if h.Opcode.String() == "ERROR" && h.Stream > 0 {
		e.mu.Lock()
		e.n++
		e.mu.Unlock()
	}
}

func (e *errorFrames) count() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.n
}

// A node keeps a bounded number of prepared statements: running more distinct statements than
// it keeps makes it answer Unprepared, which the driver handles by preparing again, so every
// statement still succeeds. With room for them all, the same work sees no error at all.
func TestEvictedStatementIsPreparedAgain(t *testing.T) {
	work := func(t *testing.T, cacheSize int) int {
		c := startCluster(t, 1, cacheSize)
		errs := &errorFrames{}
		s := c.session(t, func(cfg *gocql.ClusterConfig) { cfg.FrameHeaderObserver = errs })
		exec(t, s, `CREATE KEYSPACE sim WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 1}`)
		exec(t, s, createTable)
		before := errs.count()
		for i := range 5 {
			exec(t, s, `INSERT INTO sim.kv (k, v) VALUES (?, ?)`, "a", i)
			var v int
			if err := s.Query(`SELECT v FROM sim.kv WHERE k = ?`, "a").ScanContext(t.Context(), &v); err != nil || v != i {
				t.Fatalf("round %d: read %d, %v", i, v, err)
			}
			var n int64
			if err := s.Query(`SELECT COUNT(*) FROM sim.kv`).ScanContext(t.Context(), &n); err != nil || n != 1 {
				t.Fatalf("round %d: count %d, %v", i, n, err)
			}
		}
		return errs.count() - before
	}
	if n := work(t, 2); n == 0 {
		t.Errorf("three statements through a cache of two: no Unprepared answered")
	}
	if n := work(t, 0); n != 0 {
		t.Errorf("with room for every statement: %d error frames", n)
	}
}
