package node

import (
	"context"
	"encoding/json"
	"errors"
	"hash/fnv"
	"net/http"
	"slices"
	"time"

	"github.com/navigator-dbaas/navigator/test/sim/elasticsearch/cluster"
)

// toMaster sends a master action, waiting for a master and retrying when the master changes,
// as Elasticsearch's master node actions do until master_timeout.
func (n *Node) toMaster(ctx context.Context, action string, req, resp any) error {
	ctx, cancel := context.WithTimeout(ctx, n.opts.Timing.MasterTimeout)
	defer cancel()
	for {
		st, err := n.awaitMaster(ctx)
		if err != nil {
			return err
		}
		master := st.Nodes[st.MasterID]
		err = n.call(ctx, master.Transport, actMaster+action, req, resp)
		var te *transportError
		if err == nil || errors.As(err, &te) && te.Type != errNotMaster.Type {
			return err
		}
		select { // the master is gone or no longer master: wait for the next state
		case <-ctx.Done():
			return errMasterNotDiscovered()
		case <-time.After(n.opts.Timing.LeaderCheck / 4):
		}
	}
}

// awaitMaster returns the accepted state once this node knows an elected master.
func (n *Node) awaitMaster(ctx context.Context) (*ClusterState, error) {
	for {
		st, r, changed := n.snapshot()
		if r != candidate && st.MasterID != "" {
			return st, nil
		}
		select {
		case <-ctx.Done():
			return nil, errMasterNotDiscovered()
		case <-changed:
		}
	}
}

func errMasterNotDiscovered() *transportError {
	return errType(http.StatusServiceUnavailable, "master_not_discovered_exception", "no master node is known to this node")
}

// createIndexRequest is the master action creating an index.
type createIndexRequest struct {
	Index    string            `json:"index"`
	Shards   int               `json:"shards"`
	Replicas int               `json:"replicas"`
	Settings map[string]string `json:"settings,omitempty"`
}

func (n *Node) onCreateIndex(ctx context.Context, req *createIndexRequest) (*IndexMeta, error) {
	var meta IndexMeta
	_, err := n.change(ctx, func(s *ClusterState) error {
		if old, ok := s.Indices[req.Index]; ok {
			return errIndex(400, "resource_already_exists_exception", req.Index, "index [%s/%s] already exists", req.Index, old.UUID)
		}
		meta = n.createIndex(s, req.Index, req.Shards, req.Replicas, req.Settings)
		return nil
	})
	return &meta, err
}

// createIndex adds an index to the state; its primaries start on the next reroute.
func (n *Node) createIndex(s *ClusterState, name string, shards, replicas int, settings map[string]string) IndexMeta {
	meta := IndexMeta{UUID: randomID(), Created: time.Now(), Shards: shards, Replicas: replicas, SeqNo: make([]int64, shards), Version: n.info.Version, Settings: settings}
	s.Indices[name] = meta
	_ = s.Allocation.CreateIndex(name, shards, replicas)
	_ = s.Allocation.SetIndexSettings(name, allocationOf(settings))
	s.Allocation.Reroute(time.Now())
	n.log.info("o.e.c.m.MetadataCreateIndexService", "[%s] creating index, cause [api], shards [%d]/[%d]", name, shards, replicas)
	return meta
}

type indexRequest struct {
	Index    string `json:"index"`
	Replicas *int   `json:"replicas,omitempty"`
	// Settings are other dynamic settings to change, by name without "index."; nil resets one.
	Settings map[string]*string `json:"settings,omitempty"`
}

func (n *Node) onDeleteIndex(ctx context.Context, req *indexRequest) (*struct{}, error) {
	_, err := n.change(ctx, func(s *ClusterState) error {
		if _, ok := s.Indices[req.Index]; !ok {
			return errIndexNotFound(req.Index)
		}
		delete(s.Indices, req.Index)
		s.Allocation.DeleteIndex(req.Index)
		n.log.info("o.e.c.m.MetadataDeleteIndexService", "[%s] deleting index", req.Index)
		return nil
	})
	return &struct{}{}, err
}

// onIndexSettings changes number_of_replicas and the other dynamic settings modelled.
func (n *Node) onIndexSettings(ctx context.Context, req *indexRequest) (*struct{}, error) {
	_, err := n.change(ctx, func(s *ClusterState) error {
		meta, ok := s.Indices[req.Index]
		if !ok {
			return errIndexNotFound(req.Index)
		}
		if req.Replicas == nil && len(req.Settings) == 0 {
			return errNoChange
		}
		if req.Replicas != nil {
			if err := s.Allocation.SetReplicas(req.Index, *req.Replicas); err != nil {
				return errType(400, "illegal_argument_exception", "%v", err)
			}
			meta.Replicas = *req.Replicas
		}
		meta.Settings = mergeIndexSettings(meta.Settings, req.Settings)
		if err := s.Allocation.SetIndexSettings(req.Index, allocationOf(meta.Settings)); err != nil {
			return errType(400, "illegal_argument_exception", "%v", err)
		}
		s.Indices[req.Index] = meta
		s.Allocation.Reroute(time.Now())
		return nil
	})
	return &struct{}{}, err
}

// writeRequest carries documents for one index to the master.
type writeRequest struct {
	Index string     `json:"index"`
	Docs  []writeDoc `json:"docs"`
}

type writeDoc struct {
	ID     string          `json:"id"`
	Source json.RawMessage `json:"source"`
	// Create fails the write if the document exists (op_type create).
	Create bool `json:"create,omitempty"`
}

// writeResult is the outcome of one document's write.
type writeResult struct {
	Index   string          `json:"index"`
	ID      string          `json:"id"`
	Shard   int             `json:"shard"`
	SeqNo   int64           `json:"seq_no"`
	Version int64           `json:"version"`
	Created bool            `json:"created"`
	Copies  int             `json:"copies"`
	Failed  int             `json:"failed"`
	Error   *transportError `json:"error,omitempty"`
}

type writeResponse struct {
	Results []writeResult `json:"results"`
}

// onWrite is the master writing documents: the index is created if missing, each shard's
// documents go to its primary, then to every other copy (recovering ones too, so that a
// recovery misses nothing); a copy that misses a write is failed and recovers again.
func (n *Node) onWrite(ctx context.Context, req *writeRequest) (*writeResponse, error) {
	if st, _, _ := n.snapshot(); st.Indices[req.Index].UUID == "" {
		// Automatic index creation with the defaults (one shard, one replica), published
		// before any document is written, so that no node sees a copy of an index it does
		// not know (it would delete it).
		_, err := n.onCreateIndex(ctx, &createIndexRequest{Index: req.Index, Shards: 1, Replicas: 1})
		var te *transportError
		if err != nil && (!errors.As(err, &te) || te.Type != "resource_already_exists_exception") {
			return nil, err
		}
	}
	resp := &writeResponse{}
	_, err := n.change(ctx, func(s *ClusterState) error {
		meta, ok := s.Indices[req.Index]
		if !ok {
			return errIndexNotFound(req.Index) // deleted meanwhile
		}
		byShard := map[int][]int{}
		resp.Results = make([]writeResult, len(req.Docs))
		for i, d := range req.Docs {
			sh := shardOf(d.ID, meta.Shards)
			byShard[sh] = append(byShard[sh], i)
			resp.Results[i] = writeResult{Index: req.Index, ID: d.ID, Shard: sh}
		}
		for sh, idx := range byShard {
			n.writeShard(ctx, s, req, meta, sh, idx, resp.Results)
		}
		return nil
	})
	return resp, err
}

// writeShard writes one shard's documents to its copies.
func (n *Node) writeShard(ctx context.Context, s *ClusterState, req *writeRequest, meta IndexMeta, sh int, idx []int, out []writeResult) {
	primary, targets := copiesForWrite(s.Allocation, req.Index, sh)
	fail := func(err *transportError) {
		for _, i := range idx {
			out[i].Error = err
		}
	}
	p, ok := s.Nodes[primary]
	if !ok {
		fail(errType(503, "unavailable_shards_exception", "[%s][%d] primary shard is not active Timeout: [1m]", req.Index, sh))
		return
	}
	docs := make([]Doc, 0, len(idx))
	for _, i := range idx {
		d := req.Docs[i]
		if d.Create && n.exists(ctx, p, meta, sh, d.ID) {
			out[i].Error = errType(409, "version_conflict_engine_exception", "[%s]: version conflict, document already exists (current version [1])", d.ID)
			continue
		}
		meta.SeqNo[sh]++
		docs = append(docs, Doc{ID: d.ID, SeqNo: meta.SeqNo[sh], Source: d.Source})
	}
	if len(docs) == 0 {
		return
	}
	var written shardWriteResponse
	if err := n.call(ctx, p.Transport, actShardWrite, shardRequest{UUID: meta.UUID, Shard: sh, Primary: true, Docs: docs}, &written); err != nil {
		fail(errType(503, "unavailable_shards_exception", "[%s][%d] primary shard is not available: %v", req.Index, sh, err))
		return
	}
	failed := 0
	for _, t := range targets {
		node, ok := s.Nodes[t]
		err := errors.New("node left")
		if ok {
			err = n.call(ctx, node.Transport, actShardWrite, shardRequest{UUID: meta.UUID, Shard: sh, Docs: written.Docs}, nil)
		}
		if err != nil {
			failed++
			n.log.warn("o.e.c.r.a.ShardStateAction", "failing shard [%s][%d] on node [%s]: a replica missed a write: %v", req.Index, sh, t, err)
			s.Allocation.FailCopy(req.Index, sh, t, time.Now())
		}
	}
	created := int64(0)
	k := 0
	for _, i := range idx {
		if out[i].Error != nil {
			continue
		}
		d := written.Docs[k]
		out[i].SeqNo, out[i].Version, out[i].Created = d.SeqNo, d.Version, written.Created[k]
		out[i].Copies, out[i].Failed = 1+len(targets), failed
		if written.Created[k] {
			created++
		}
		k++
	}
	_ = s.Allocation.AddDocs(req.Index, sh, created)
	s.Indices[req.Index] = meta
	s.Allocation.Reroute(time.Now())
}

// exists reports whether the primary holds a document (for op_type create).
func (n *Node) exists(ctx context.Context, p Member, meta IndexMeta, sh int, id string) bool {
	var got shardGetResponse
	err := n.call(ctx, p.Transport, actShardGet, shardRequest{UUID: meta.UUID, Shard: sh, ID: id}, &got)
	return err == nil && got.Found
}

// copiesForWrite returns the node of a shard's active primary (empty if none) and the other
// nodes that must receive its writes: replicas, recovering copies and relocation targets.
func copiesForWrite(a *cluster.State, index string, sh int) (string, []string) {
	primary := ""
	var targets []string
	for _, c := range a.Copies {
		if c.Index != index || c.Shard != sh || c.Node == "" {
			continue
		}
		active := c.State == cluster.Started || c.State == cluster.Relocating
		if c.Primary && active {
			primary = c.Node
		} else if !c.Primary {
			targets = append(targets, c.Node)
		}
		if c.RelocatingTo != "" {
			targets = append(targets, c.RelocatingTo)
		}
	}
	return primary, slices.DeleteFunc(targets, func(t string) bool { return t == primary })
}

// shardOf picks a document's shard from its id. Elasticsearch hashes _routing with murmur3;
// any stable hash keeps the property that matters here: one id, one shard.
func shardOf(id string, shards int) int {
	h := fnv.New32a()
	_, _ = h.Write([]byte(id))
	return int(h.Sum32() % uint32(shards))
}
