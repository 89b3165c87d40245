package node

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/navigator-dbaas/navigator/test/sim/cassandra/cql"
	"github.com/navigator-dbaas/navigator/test/sim/cassandra/ring"
)

// Bootstrap states, as system.local's bootstrapped column holds them.
const (
	needsBootstrap = "NEEDS_BOOTSTRAP"
	inProgress     = "IN_PROGRESS"
	completed      = "COMPLETED"
	decommissioned = "DECOMMISSIONED"
)

// localState is what Cassandra keeps in its system keyspace (system.local): the node's identity
// and schema. It lives in the first data directory, so that a node restarted on the same volume
// is the same node, and one on a fresh volume is a new one.
type localState struct {
	ClusterName    string       `json:"cluster_name"`
	HostID         string       `json:"host_id"`
	Tokens         []ring.Token `json:"tokens,omitempty"`
	BootstrapState string       `json:"bootstrapped"`
	// Available are the ranges a bootstrap in progress has streamed, by keyspace, as Cassandra
	// records each completed stream session (system.available_ranges, StreamStateStore).
	Available map[string][][2]ring.Token `json:"available_ranges,omitempty"`
	Release   string                     `json:"release_version"`
	Schema    []cql.Keyspace             `json:"schema,omitempty"`
	// Generation is the last gossip generation (system.local's gossip_generation).
	Generation int64 `json:"gossip_generation,omitempty"`
	// DataCenter and Rack are where the snitch put the node when it last started (system.local's
	// data_center and rack); empty for a directory written before the simulator kept them.
	DataCenter string `json:"data_center,omitempty"`
	Rack       string `json:"rack,omitempty"`
}

// disk is the node's data directory: system.local, and its rows as an append-only log (its
// "commit log and sstables" in one), rewritten whole when rows are dropped or the node drains.
type disk struct{ root string }

func (d *disk) localPath() string { return filepath.Join(d.root, "system", "local.json") }
func (d *disk) rowsPath() string  { return filepath.Join(d.root, "rows.log") }

// rowRecord is one row in the log or on the wire.
type rowRecord struct {
	Table string    `json:"table"` // keyspace.table
	Key   []byte    `json:"key"`
	Cell  ring.Cell `json:"cell"`
}

func openDisk(root string) (*disk, error) {
	if err := os.MkdirAll(filepath.Join(root, "system"), 0o755); err != nil {
		return nil, &StartupError{Class: "org.apache.cassandra.io.FSWriteError", Code: ExitStartupException,
			Message: fmt.Sprintf("java.nio.file.AccessDeniedException: %s", root)}
	}
	return &disk{root: root}, nil
}

// loadLocal returns system.local, or nil for a data directory never used.
func (d *disk) loadLocal() (*localState, error) {
	raw, err := os.ReadFile(d.localPath())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	s := &localState{}
	if err := json.Unmarshal(raw, s); err != nil {
		return nil, fmt.Errorf("corrupted %s: %w", d.localPath(), err)
	}
	return s, nil
}

func (d *disk) saveLocal(s *localState) error {
	raw, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return replaceFile(d.localPath(), raw)
}

// loadRows replays the row log.
func (d *disk) loadRows() (ring.Rows, error) {
	rows := ring.Rows{}
	f, err := os.Open(d.rowsPath())
	if errors.Is(err, fs.ErrNotExist) {
		return rows, nil
	}
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var r rowRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			// A line cut short by a crash: Cassandra skips a torn commit log segment's tail too.
			continue
		}
		storeRow(rows, r)
	}
	return rows, sc.Err()
}

// appendRows adds rows to the log.
func (d *disk) appendRows(recs []rowRecord) error {
	return writeRecords(d.rowsPath(), os.O_APPEND, recs)
}

// compact rewrites the log with the rows the node holds now.
func (d *disk) compact(rows ring.Rows) error {
	var recs []rowRecord
	for table, byKey := range rows {
		for key, cell := range byKey {
			recs = append(recs, rowRecord{Table: table, Key: []byte(key), Cell: cell})
		}
	}
	tmp := d.rowsPath() + ".tmp"
	if err := writeRecords(tmp, os.O_TRUNC, recs); err != nil {
		return err
	}
	return os.Rename(tmp, d.rowsPath())
}

// writeRecords writes rows as JSON lines, appending to the file or replacing what it held.
func writeRecords(path string, mode int, recs []rowRecord) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|mode, 0o644)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	for _, r := range recs {
		if err := enc.Encode(r); err != nil {
			_ = f.Close()
			return err
		}
	}
	if err := w.Flush(); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// storeRow keeps the newer of the stored and the given copy; it reports whether the row changed.
func storeRow(rows ring.Rows, r rowRecord) bool {
	byKey := rows[r.Table]
	if byKey == nil {
		byKey = map[string]ring.Cell{}
		rows[r.Table] = byKey
	}
	if old, ok := byKey[string(r.Key)]; ok && !r.Cell.Supersedes(old) {
		return false
	}
	byKey[string(r.Key)] = r.Cell
	return true
}

// replaceFile writes a file atomically, so that a node killed mid-write keeps the old one.
func replaceFile(path string, raw []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, raw, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
