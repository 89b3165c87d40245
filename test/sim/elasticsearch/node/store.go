package node

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Doc is one document of a shard copy, as a copy stores it and recoveries send it.
type Doc struct {
	ID      string          `json:"_id"`
	SeqNo   int64           `json:"_seq_no"`
	Version int64           `json:"_version"`
	Source  json.RawMessage `json:"_source"`
}

// shardKey names a shard copy on disk: by index UUID, so that a deleted and re-created index
// never reads the old one's documents.
type shardKey struct {
	UUID  string
	Shard int
}

// shardCopy holds the documents of one shard copy in memory and in an append-only log under
// path.data/indices/<uuid>/<shard>/, which is what survives a restart.
type shardCopy struct {
	mu   sync.Mutex
	docs map[string]Doc
	log  *os.File
}

// store is every shard copy the node has on disk.
type store struct {
	mu     sync.Mutex
	root   string
	copies map[shardKey]*shardCopy
	// closed is set when the node stops: a request still in flight then writes nothing more,
	// as a stopped process writes nothing (and a test may remove the data path at once).
	closed bool
}

// openStore loads every shard copy found under path.data/indices.
func openStore(root string) (*store, error) {
	st := &store{root: filepath.Join(root, "indices"), copies: map[shardKey]*shardCopy{}}
	uuids, err := os.ReadDir(st.root)
	if os.IsNotExist(err) {
		return st, nil
	} else if err != nil {
		return nil, err
	}
	for _, u := range uuids {
		shards, err := os.ReadDir(filepath.Join(st.root, u.Name()))
		if err != nil {
			return nil, err
		}
		for _, s := range shards {
			n, err := strconv.Atoi(s.Name())
			if err != nil {
				continue
			}
			if _, err := st.open(shardKey{UUID: u.Name(), Shard: n}); err != nil {
				return nil, err
			}
		}
	}
	return st, nil
}

func (st *store) dir(k shardKey) string {
	return filepath.Join(st.root, k.UUID, strconv.Itoa(k.Shard))
}

// open returns a shard copy, creating it empty if the node has none.
func (st *store) open(k shardKey) (*shardCopy, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if c, ok := st.copies[k]; ok {
		return c, nil
	}
	if st.closed {
		return nil, errStopped
	}
	if err := os.MkdirAll(st.dir(k), 0o755); err != nil {
		return nil, err
	}
	path := filepath.Join(st.dir(k), "docs.jsonl")
	c := &shardCopy{docs: map[string]Doc{}}
	if f, err := os.Open(path); err == nil {
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		for sc.Scan() {
			var d Doc
			if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
				break // a torn last line from a killed process: what precedes it is intact
			}
			c.merge(d)
		}
		_ = f.Close()
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	c.log = f
	st.copies[k] = c
	return c, nil
}

// get returns a shard copy the node holds, or nil.
func (st *store) get(k shardKey) *shardCopy {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.copies[k]
}

// keys lists the shard copies the node holds.
func (st *store) keys() []shardKey {
	st.mu.Lock()
	defer st.mu.Unlock()
	out := make([]shardKey, 0, len(st.copies))
	for k := range st.copies {
		out = append(out, k)
	}
	return out
}

// drop deletes a shard copy from memory and disk.
func (st *store) drop(k shardKey) error {
	st.mu.Lock()
	c := st.copies[k]
	delete(st.copies, k)
	st.mu.Unlock()
	if c != nil {
		c.mu.Lock()
		_ = c.log.Close()
		c.mu.Unlock()
	}
	if err := os.RemoveAll(st.dir(k)); err != nil {
		return err
	}
	// Remove the index folder once its last shard is gone; a failure only leaves an empty folder.
	_ = os.Remove(filepath.Dir(st.dir(k)))
	return nil
}

func (st *store) close() {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.closed = true
	for _, c := range st.copies {
		c.mu.Lock()
		_ = c.log.Close()
		c.mu.Unlock()
	}
}

// merge keeps the newest write of each document, so that a recovery's snapshot and the live
// writes a recovering copy receives may arrive in any order.
func (c *shardCopy) merge(d Doc) bool {
	old, ok := c.docs[d.ID]
	if ok && old.SeqNo >= d.SeqNo {
		return false
	}
	c.docs[d.ID] = d
	return true
}

// apply stores documents and logs the ones that changed the copy.
func (c *shardCopy) apply(docs []Doc) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	w := bufio.NewWriter(c.log)
	for _, d := range docs {
		if !c.merge(d) {
			continue
		}
		raw, err := json.Marshal(d)
		if err != nil {
			return err
		}
		_, _ = w.Write(append(raw, '\n'))
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("writing shard log: %w", err)
	}
	return nil
}

// index is the primary's side of a write: each document gets its version (one more than the
// copy it replaces) before the replicas receive it.
func (c *shardCopy) index(docs []Doc) ([]Doc, []bool, error) {
	c.mu.Lock()
	created := make([]bool, len(docs))
	out := slices.Clone(docs)
	last := map[string]int64{} // versions given earlier in this batch
	for i := range out {
		v, ok := last[out[i].ID]
		if !ok {
			old, exists := c.docs[out[i].ID]
			v, created[i] = old.Version, !exists
		}
		out[i].Version = v + 1
		last[out[i].ID] = v + 1
	}
	c.mu.Unlock()
	return out, created, c.apply(out)
}

func (c *shardCopy) doc(id string) (Doc, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	d, ok := c.docs[id]
	return d, ok
}

func (c *shardCopy) count() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return int64(len(c.docs))
}

// snapshot returns every document, for a recovery or a search.
func (c *shardCopy) snapshot() []Doc {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]Doc, 0, len(c.docs))
	for _, d := range c.docs {
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b Doc) int { return strings.Compare(a.ID, b.ID) })
	return out
}
