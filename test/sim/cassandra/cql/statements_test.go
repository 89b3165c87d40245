package cql_test

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	gocql "github.com/apache/cassandra-gocql-driver/v2"

	"github.com/navigator-dbaas/navigator/test/sim/cassandra/cql"
)

// exec runs a statement through the driver, failing the test on error.
func exec(t *testing.T, s *gocql.Session, stmt string, values ...any) {
	t.Helper()
	if err := s.Query(stmt, values...).ExecContext(t.Context()); err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
}

const createKeyspace = `CREATE KEYSPACE sim WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 3}`

const createTable = `CREATE TABLE sim.kv (
	k text PRIMARY KEY, v int, n bigint, id uuid, t timeuuid, b boolean, raw blob, ip inet, at timestamp)`

// row is a row of sim.kv as the driver reads it.
type row struct {
	k   string
	v   int
	n   int64
	id  gocql.UUID
	t   gocql.UUID
	b   bool
	raw []byte
	ip  net.IP
	at  time.Time
}

func testRow(i int) row {
	id, _ := gocql.RandomUUID()
	return row{
		k: fmt.Sprintf("key-%03d", i), v: i, n: int64(i) << 40, id: id, t: gocql.TimeUUID(), b: i%2 == 0,
		raw: []byte{byte(i), 0, 0xff}, ip: net.IPv4(10, 0, 0, byte(i)).To4(),
		at: time.UnixMilli(1_700_000_000_000 + int64(i)).UTC(),
	}
}

func (r row) equal(o row) bool {
	return r.k == o.k && r.v == o.v && r.n == o.n && r.id == o.id && r.t == o.t && r.b == o.b &&
		bytes.Equal(r.raw, o.raw) && r.ip.Equal(o.ip) && r.at.Equal(o.at)
}

// Keyspace with NetworkTopologyStrategy, a table of every modelled type, rows written with
// bound values at QUORUM, then each read back and counted at ONE, QUORUM, LOCAL_QUORUM and ALL
// through every node in turn. The Backend sees the consistency level the driver asked for.
func TestWriteReadCountAtEachConsistency(t *testing.T) {
	c := startCluster(t, 3, 0)
	s := c.session(t)
	exec(t, s, createKeyspace)
	exec(t, s, createTable)

	const n = 25
	rows := make([]row, n)
	for i := range rows {
		r := testRow(i)
		rows[i] = r
		q := s.Query(`INSERT INTO sim.kv (k, v, n, id, t, b, raw, ip, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.k, r.v, r.n, r.id, r.t, r.b, r.raw, r.ip, r.at).Consistency(gocql.Quorum)
		if err := q.ExecContext(t.Context()); err != nil {
			t.Fatalf("insert %d: %v", i, err)
		}
	}
	if got := c.calls("insert", cql.Quorum); got != n {
		t.Errorf("backend saw %d inserts at QUORUM, want %d", got, n)
	}

	hosts := s.GetHosts()
	levels := []struct {
		driver gocql.Consistency
		sim    cql.Consistency
	}{{gocql.One, cql.One}, {gocql.Quorum, cql.Quorum}, {gocql.LocalQuorum, cql.LocalQuorum}, {gocql.All, cql.All}}
	for _, cl := range levels {
		for i, want := range rows {
			var got row
			q := s.Query(`SELECT k, v, n, id, t, b, raw, ip, at FROM sim.kv WHERE k = ?`, want.k).
				Consistency(cl.driver).SetHostID(hosts[i%len(hosts)].HostID())
			err := q.ScanContext(t.Context(), &got.k, &got.v, &got.n, &got.id, &got.t, &got.b, &got.raw, &got.ip, &got.at)
			if err != nil {
				t.Fatalf("%s: select %s: %v", cl.driver, want.k, err)
			}
			if !got.equal(want) {
				t.Errorf("%s: read %+v, wrote %+v", cl.driver, got, want)
			}
		}
		var count int64
		if err := s.Query(`SELECT COUNT(*) FROM sim.kv`).Consistency(cl.driver).ScanContext(t.Context(), &count); err != nil {
			t.Fatalf("%s: count: %v", cl.driver, err)
		}
		if count != n {
			t.Errorf("%s: count = %d, want %d", cl.driver, count, n)
		}
		if got := c.calls("select", cl.sim); got != n {
			t.Errorf("backend saw %d selects at %s, want %d", got, cl.sim, n)
		}
		if got := c.calls("count", cl.sim); got != 1 {
			t.Errorf("backend saw %d counts at %s, want 1", got, cl.sim)
		}
	}

	var v int
	err := s.Query(`SELECT v FROM sim.kv WHERE k = ?`, "absent").ScanContext(t.Context(), &v)
	if !errors.Is(err, gocql.ErrNotFound) {
		t.Errorf("select of a missing key: %v, want no rows", err)
	}
}

// SELECT * returns the partition key first, then the other columns by name, as Cassandra does;
// null columns come back null; a later write of a column replaces it and keeps the others.
func TestSelectStarAndOverwrite(t *testing.T) {
	c := startCluster(t, 1, 0)
	s := c.session(t)
	exec(t, s, `CREATE KEYSPACE sim WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`)
	exec(t, s, `CREATE TABLE sim.t (z int, k text PRIMARY KEY, a text)`)
	exec(t, s, `INSERT INTO sim.t (k, z) VALUES (?, ?)`, "one", 1)
	exec(t, s, `INSERT INTO sim.t (k, a) VALUES (?, ?)`, "one", "first")

	iter := s.Query(`SELECT * FROM sim.t WHERE k = ?`, "one").IterContext(t.Context())
	var names []string
	for _, col := range iter.Columns() {
		names = append(names, col.Name)
	}
	if fmt.Sprint(names) != "[k a z]" {
		t.Errorf("SELECT * columns = %v, want [k a z]", names)
	}
	var k, a string
	var z int
	if !iter.Scan(&k, &a, &z) || k != "one" || a != "first" || z != 1 {
		t.Errorf("SELECT * = %q %q %d, want one first 1", k, a, z)
	}
	if err := iter.Close(); err != nil {
		t.Fatal(err)
	}

	exec(t, s, `INSERT INTO sim.t (k, a, z) VALUES (?, ?, ?)`, "one", nil, 2)
	var got *string
	if err := s.Query(`SELECT a, z FROM sim.t WHERE k = ?`, "one").ScanContext(t.Context(), &got, &z); err != nil {
		t.Fatal(err)
	}
	if got != nil || z != 2 {
		t.Errorf("after writing a null and z=2: a = %v, z = %d", got, z)
	}
}

// Constants written in the statement text, a session keyspace (the driver sends USE "sim" on
// every connection), quoted identifiers keeping their case, keywords in any case, comments.
func TestLiteralsUseAndIdentifiers(t *testing.T) {
	c := startCluster(t, 3, 0)
	setup := c.session(t)
	exec(t, setup, createKeyspace)
	exec(t, setup, createTable)
	exec(t, setup, `create table sim."Mixed" ("Key" text primary key, "Value" int) -- a comment`)

	s := c.session(t, func(cfg *gocql.ClusterConfig) { cfg.Keyspace = "sim" })
	exec(t, s, `insert INTO kv (k, v, n, id, b, raw, ip, at) values ('it''s', -7, 9000000000,
		123e4567-e89b-12d3-a456-426614174000, true, 0xcafe, '192.168.1.2', '2024-03-01 12:30:00+0000') /* done */;`)
	var (
		v  int
		n  int64
		id gocql.UUID
		b  bool
		rw []byte
		ip net.IP
		at time.Time
	)
	err := s.Query(`SELECT v, n, id, b, raw, ip, at FROM kv WHERE k = 'it''s'`).ScanContext(t.Context(), &v, &n, &id, &b, &rw, &ip, &at)
	if err != nil {
		t.Fatal(err)
	}
	wantAt := time.Date(2024, 3, 1, 12, 30, 0, 0, time.UTC)
	if v != -7 || n != 9_000_000_000 || id.String() != "123e4567-e89b-12d3-a456-426614174000" || !b ||
		!bytes.Equal(rw, []byte{0xca, 0xfe}) || !ip.Equal(net.IPv4(192, 168, 1, 2)) || !at.Equal(wantAt) {
		t.Errorf("read %d %d %s %v %x %s %s", v, n, id, b, rw, ip, at)
	}

	exec(t, s, `INSERT INTO "Mixed" ("Key", "Value") VALUES (?, ?)`, "a", 5)
	iter := s.Query(`SELECT "Value" FROM "Mixed" WHERE "Key" = ?`, "a").IterContext(t.Context())
	if cols := iter.Columns(); len(cols) != 1 || cols[0].Name != "Value" || cols[0].Table != "Mixed" {
		t.Errorf("columns = %+v, want Mixed.Value", cols)
	}
	var value int
	if !iter.Scan(&value) || value != 5 {
		t.Errorf("Mixed.Value = %d, want 5", value)
	}
	if err := iter.Close(); err != nil {
		t.Fatal(err)
	}
}

// IF NOT EXISTS makes a second CREATE a no-op; without it the driver gets Already_exists,
// naming the keyspace, and the table for a table.
func TestCreateIfNotExistsAndAlreadyExists(t *testing.T) {
	c := startCluster(t, 1, 0)
	s := c.session(t)
	exec(t, s, `CREATE KEYSPACE IF NOT EXISTS sim WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 1}`)
	exec(t, s, `CREATE KEYSPACE IF NOT EXISTS sim WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 1}`)
	exec(t, s, `CREATE TABLE IF NOT EXISTS sim.t (k text, v int, PRIMARY KEY (k))`)
	exec(t, s, `CREATE TABLE IF NOT EXISTS sim.t (k text, v int, PRIMARY KEY (k))`)

	var ae *gocql.RequestErrAlreadyExists
	err := s.Query(createKeyspace).ExecContext(t.Context())
	if !errors.As(err, &ae) || ae.Keyspace != "sim" || ae.Table != "" {
		t.Errorf("CREATE KEYSPACE again: %#v, want Already_exists for keyspace sim", err)
	}
	err = s.Query(`CREATE TABLE sim.t (k text PRIMARY KEY)`).ExecContext(t.Context())
	if !errors.As(err, &ae) || ae.Keyspace != "sim" || ae.Table != "t" {
		t.Errorf("CREATE TABLE again: %#v, want Already_exists for sim.t", err)
	}
	if len(c.nodes[0].Keyspaces()) != 1 || len(c.nodes[0].Keyspaces()[0].Tables) != 1 {
		t.Errorf("schema = %+v, want one keyspace with one table", c.nodes[0].Keyspaces())
	}
}
