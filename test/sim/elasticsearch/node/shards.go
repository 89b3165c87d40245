package node

import (
	"context"
	"time"

	"github.com/navigator-dbaas/navigator/test/sim/elasticsearch/cluster"
)

// shardRequest names a shard copy in transport requests.
type shardRequest struct {
	UUID    string `json:"uuid"`
	Shard   int    `json:"shard"`
	Primary bool   `json:"primary,omitempty"`
	Docs    []Doc  `json:"docs,omitempty"`
	ID      string `json:"id,omitempty"`
}

type shardWriteResponse struct {
	Docs    []Doc  `json:"docs"`
	Created []bool `json:"created"`
}

type shardGetResponse struct {
	Found bool `json:"found"`
	Doc   Doc  `json:"doc"`
}

type shardCountResponse struct {
	Count int64 `json:"count"`
}

func (r *shardRequest) key() shardKey { return shardKey{UUID: r.UUID, Shard: r.Shard} }

// onShardWrite stores documents in this node's copy: as the primary it gives them versions
// first; as a replica it stores what the primary decided.
func (n *Node) onShardWrite(_ context.Context, req *shardRequest) (*shardWriteResponse, error) {
	c, err := n.store.open(req.key())
	if err != nil {
		return nil, err
	}
	if !req.Primary {
		return &shardWriteResponse{}, c.apply(req.Docs)
	}
	docs, created, err := c.index(req.Docs)
	return &shardWriteResponse{Docs: docs, Created: created}, err
}

// onShardDocs sends a recovery target every document of this node's copy.
func (n *Node) onShardDocs(_ context.Context, req *shardRequest) (*shardWriteResponse, error) {
	c := n.store.get(req.key())
	if c == nil {
		return nil, errType(404, "shard_not_found_exception", "no such shard [%s][%d] on this node", req.UUID, req.Shard)
	}
	return &shardWriteResponse{Docs: c.snapshot()}, nil
}

func (n *Node) onShardGet(_ context.Context, req *shardRequest) (*shardGetResponse, error) {
	c := n.store.get(req.key())
	if c == nil {
		return nil, errType(404, "shard_not_found_exception", "no such shard [%s][%d] on this node", req.UUID, req.Shard)
	}
	d, ok := c.doc(req.ID)
	return &shardGetResponse{Found: ok, Doc: d}, nil
}

func (n *Node) onShardCount(_ context.Context, req *shardRequest) (*shardCountResponse, error) {
	c := n.store.get(req.key())
	if c == nil {
		return nil, errType(404, "shard_not_found_exception", "no such shard [%s][%d] on this node", req.UUID, req.Shard)
	}
	return &shardCountResponse{Count: c.count()}, nil
}

// reconcileShards brings this node's copies in line with the accepted state: it starts
// fetching the documents of copies it is to recover, and deletes copies it no longer needs,
// only once every copy of their shard is active elsewhere (as Elasticsearch deletes shard data).
func (n *Node) reconcileShards(ctx context.Context) {
	st, _, _ := n.snapshot()
	if st.MasterID == "" || !st.bootstrapped() {
		return
	}
	me := n.info.ID
	for _, c := range st.Allocation.Copies {
		meta, ok := st.Indices[c.Index]
		if !ok {
			continue
		}
		key := shardKey{UUID: meta.UUID, Shard: c.Shard}
		if c.Node == me && (c.State != cluster.Initializing || c.Primary) {
			_, _ = n.store.open(key) // a copy this node serves, even an empty one
		}
		target := c.State == cluster.Initializing && c.Node == me && !c.Primary || c.State == cluster.Relocating && c.RelocatingTo == me
		if target && !c.Synced {
			n.startRecovery(ctx, st, c, key)
		}
	}
	for _, key := range n.store.keys() {
		if n.obsolete(st, key) {
			if err := n.store.drop(key); err != nil {
				n.log.warn("o.e.i.s.IndicesStore", "failed to delete shard data [%s][%d]: %v", key.UUID, key.Shard, err)
			}
		}
	}
}

// obsolete reports whether a local copy may be deleted.
func (n *Node) obsolete(st *ClusterState, key shardKey) bool {
	name := ""
	for iname, meta := range st.Indices {
		if meta.UUID == key.UUID {
			name = iname
		}
	}
	if name == "" {
		return true // the index was deleted
	}
	for _, c := range st.Allocation.Copies {
		if c.Index != name || c.Shard != key.Shard {
			continue
		}
		if c.Node == n.info.ID || c.RelocatingTo == n.info.ID || c.State != cluster.Started {
			return false
		}
	}
	return true
}

// startRecovery fetches a copy's documents from its source in the background, then tells
// the master this node holds them, which lets the recovery finish.
func (n *Node) startRecovery(ctx context.Context, st *ClusterState, c *cluster.Copy, key shardKey) {
	n.mu.Lock()
	if n.recovering[key] {
		n.mu.Unlock()
		return
	}
	n.recovering[key] = true
	n.mu.Unlock()
	source := c.Node // a relocation copies from its source
	if c.State == cluster.Initializing {
		source = ""
		for _, o := range st.Allocation.Copies {
			if o.Index == c.Index && o.Shard == c.Shard && o.Primary && (o.State == cluster.Started || o.State == cluster.Relocating) {
				source = o.Node
			}
		}
	}
	index, shard, recovery := c.Index, c.Shard, c.Recovery
	n.wg.Go(func() {
		defer func() {
			n.mu.Lock()
			delete(n.recovering, key)
			n.mu.Unlock()
		}()
		src, ok := st.Nodes[source]
		if !ok {
			return
		}
		var docs shardWriteResponse
		if err := n.call(ctx, src.Transport, actShardDocs, shardRequest{UUID: key.UUID, Shard: key.Shard}, &docs); err != nil {
			n.log.warn("o.e.i.r.PeerRecoveryTargetService", "recovery of [%s][%d] from [%s] failed: %v", index, shard, src.Name, err)
			return
		}
		copy, err := n.store.open(key)
		if err == nil {
			err = copy.apply(docs.Docs)
		}
		if err != nil {
			n.log.warn("o.e.i.r.PeerRecoveryTargetService", "recovery of [%s][%d] failed to store documents: %v", index, shard, err)
			return
		}
		req := syncedRequest{Index: index, Shard: shard, Node: n.info.ID, Recovery: recovery}
		if err := n.toMaster(ctx, "synced", req, nil); err != nil {
			n.log.warn("o.e.i.r.PeerRecoveryTargetService", "could not report recovery of [%s][%d] to the master: %v", index, shard, err)
		}
	})
}

// syncedRequest tells the master a recovery target holds the documents.
type syncedRequest struct {
	Index    string `json:"index"`
	Shard    int    `json:"shard"`
	Node     string `json:"node"`
	Recovery int64  `json:"recovery"`
}

func (n *Node) onSynced(ctx context.Context, req *syncedRequest) (*struct{}, error) {
	_, err := n.change(ctx, func(s *ClusterState) error {
		s.Allocation.MarkSynced(req.Index, req.Shard, req.Node, req.Recovery)
		s.Allocation.Reroute(time.Now())
		return nil
	})
	return &struct{}{}, err
}
