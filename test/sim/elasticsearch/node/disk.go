package node

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// disk is the node's data path: its identity and the last cluster state it accepted, written
// as Elasticsearch writes its _state folder, so that a restart with the same path.data is the
// same node and a fresh volume is a new one.
type disk struct{ root string }

// nodeMeta is the node's identity on disk (Elasticsearch's node metadata).
type nodeMeta struct {
	NodeID  string `json:"node_id"`
	Version string `json:"node_version"`
}

func openDisk(root string) (*disk, error) {
	if err := os.MkdirAll(filepath.Join(root, "_state"), 0o755); err != nil {
		return nil, fmt.Errorf("java.io.IOException: failed to obtain lock on %s: %w", root, err)
	}
	return &disk{root: root}, nil
}

func (d *disk) metaPath() string  { return filepath.Join(d.root, "_state", "node.json") }
func (d *disk) statePath() string { return filepath.Join(d.root, "_state", "cluster-state.json") }

// loadMeta returns the node's identity, or nil for a data path never used.
func (d *disk) loadMeta() (*nodeMeta, error) {
	m := &nodeMeta{}
	if err := readJSON(d.metaPath(), m); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	return m, nil
}

func (d *disk) saveMeta(m *nodeMeta) error { return writeJSON(d.metaPath(), m) }

// loadState returns the last accepted cluster state, or nil.
func (d *disk) loadState() (*ClusterState, error) {
	s := &ClusterState{}
	if err := readJSON(d.statePath(), s); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	return s, nil
}

func (d *disk) saveState(s *ClusterState) error { return writeJSON(d.statePath(), s) }

func readJSON(path string, v any) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("corrupted state file %s: %w", path, err)
	}
	return nil
}

// writeJSON replaces a file atomically, so that a node killed mid-write keeps the old state.
func writeJSON(path string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, raw, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
