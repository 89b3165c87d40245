package node

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/navigator-dbaas/navigator/test/sim/elasticsearch/cluster"
)

// restIndexDoc is PUT|POST /<index>/_doc[/<id>] and /<index>/_create/<id>.
func (n *Node) restIndexDoc(w *response, req *request) {
	index, id := req.param("index"), req.param("id")
	if err := validIndexName(index); err != nil {
		w.error(err)
		return
	}
	source, err := io.ReadAll(req.Body)
	if err != nil || !json.Valid(source) || !bytes.HasPrefix(bytes.TrimSpace(source), []byte("{")) {
		w.error(errType(400, "mapper_parsing_exception", "failed to parse"))
		return
	}
	if id == "" {
		id = randomID()[:20]
	}
	create := strings.Contains(req.URL.Path, "/_create/") || req.query("op_type") == "create"
	results, err := n.write(req.Context(), index, []writeDoc{{ID: id, Source: json.RawMessage(source), Create: create}})
	if err != nil {
		w.error(err)
		return
	}
	r := results[0]
	if r.Error != nil {
		w.error(r.Error)
		return
	}
	status := http.StatusOK
	if r.Created {
		status = http.StatusCreated
	}
	w.json(status, writeBody(r))
}

// write sends documents to the master, which writes them to every copy.
func (n *Node) write(ctx context.Context, index string, docs []writeDoc) ([]writeResult, error) {
	var resp writeResponse
	if err := n.toMaster(ctx, "write", writeRequest{Index: index, Docs: docs}, &resp); err != nil {
		return nil, err
	}
	return resp.Results, nil
}

// writeBody is the response to one successful write, as the index API and _bulk items print it.
func writeBody(r writeResult) map[string]any {
	result := "updated"
	if r.Created {
		result = "created"
	}
	return map[string]any{
		"_index": r.Index, "_id": r.ID, "_version": r.Version, "result": result,
		"_shards":       map[string]any{"total": r.Copies, "successful": r.Copies - r.Failed, "failed": 0},
		"_seq_no":       r.SeqNo - 1, // Elasticsearch's sequence numbers start at 0
		"_primary_term": 1,
	}
}

// restGetDoc is GET /<index>/_doc/<id>, read from a node holding an active copy.
func (n *Node) restGetDoc(w *response, req *request) {
	index, id := req.param("index"), req.param("id")
	st, _, _ := n.snapshot()
	meta, ok := st.Indices[index]
	if !ok {
		w.error(errIndexNotFound(index))
		return
	}
	sh := shardOf(id, meta.Shards)
	var got shardGetResponse
	err := n.fromActiveCopy(st, index, sh, func(node Member) error {
		return n.call(req.Context(), node.Transport, actShardGet, shardRequest{UUID: meta.UUID, Shard: sh, ID: id}, &got)
	})
	if err != nil {
		w.error(err)
		return
	}
	if !got.Found {
		w.json(http.StatusNotFound, map[string]any{"_index": index, "_id": id, "found": false})
		return
	}
	w.json(http.StatusOK, map[string]any{
		"_index": index, "_id": id, "_version": got.Doc.Version, "_seq_no": got.Doc.SeqNo - 1, "_primary_term": 1,
		"found": true, "_source": got.Doc.Source,
	})
}

// fromActiveCopy runs fn against a node holding an active copy of a shard, this node's own
// first; it fails as Elasticsearch does when no copy is active.
func (n *Node) fromActiveCopy(st *ClusterState, index string, sh int, fn func(Member) error) error {
	var nodes []Member
	for _, c := range st.Allocation.Copies {
		if c.Index != index || c.Shard != sh || c.State != cluster.Started && c.State != cluster.Relocating {
			continue
		}
		if node, ok := st.Nodes[c.Node]; ok {
			if node.ID == n.info.ID {
				nodes = append([]Member{node}, nodes...)
			} else {
				nodes = append(nodes, node)
			}
		}
	}
	if len(nodes) == 0 {
		return errType(503, "no_shard_available_action_exception", "No shard available for [%s][%d]", index, sh)
	}
	var err error
	for _, node := range nodes {
		if err = fn(node); err == nil {
			return nil
		}
	}
	return errType(503, "no_shard_available_action_exception", "[%s][%d] no copy answered: %v", index, sh, err)
}

// restBulk is POST /_bulk: index and create actions, NDJSON, per-item results.
func (n *Node) restBulk(w *response, req *request) {
	started := time.Now()
	type item struct {
		op, index string
		doc       writeDoc
		err       *transportError
	}
	var items []*item
	sc := bufio.NewScanner(req.Body)
	sc.Buffer(make([]byte, 1<<20), 100<<20)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var action map[string]struct {
			Index string `json:"_index"`
			ID    string `json:"_id"`
		}
		if err := json.Unmarshal(line, &action); err != nil || len(action) != 1 {
			w.error(errType(400, "illegal_argument_exception", "Malformed action/metadata line [%d], expected START_OBJECT or END_OBJECT but found [VALUE_STRING]", len(items)+1))
			return
		}
		for op, meta := range action {
			it := &item{op: op, index: meta.Index, doc: writeDoc{ID: meta.ID, Create: op == "create"}}
			if it.index == "" {
				it.index = req.param("index")
			}
			if it.doc.ID == "" {
				it.doc.ID = randomID()[:20]
			}
			switch op {
			case "index", "create":
				if !sc.Scan() {
					w.error(errType(400, "illegal_argument_exception", "The bulk request must be terminated by a newline [\\n]"))
					return
				}
				it.doc.Source = json.RawMessage(bytes.Clone(sc.Bytes()))
			case "delete", "update":
				if op == "update" {
					sc.Scan()
				}
				it.err = errType(400, "illegal_argument_exception", "the simulator does not model bulk [%s] actions", op)
			default:
				w.error(errType(400, "illegal_argument_exception", "Malformed action/metadata line [%d], expected field [create], [delete], [index] or [update] but found [%s]", len(items)+1, op))
				return
			}
			if it.err == nil {
				if err := validIndexName(it.index); err != nil {
					_ = errors.As(err, &it.err)
				}
			}
			items = append(items, it)
		}
	}
	byIndex := map[string][]*item{}
	var order []string
	for _, it := range items {
		if it.err != nil {
			continue
		}
		if _, ok := byIndex[it.index]; !ok {
			order = append(order, it.index)
		}
		byIndex[it.index] = append(byIndex[it.index], it)
	}
	results := map[*item]writeResult{}
	for _, index := range order {
		docs := make([]writeDoc, 0, len(byIndex[index]))
		for _, it := range byIndex[index] {
			docs = append(docs, it.doc)
		}
		res, err := n.write(req.Context(), index, docs)
		if err != nil {
			w.error(err)
			return
		}
		for i, it := range byIndex[index] {
			results[it] = res[i]
		}
	}
	errorsSeen := false
	out := make([]any, 0, len(items))
	for _, it := range items {
		r, ok := results[it]
		if it.err == nil && ok && r.Error != nil {
			it.err = r.Error
		}
		var body map[string]any
		if it.err != nil {
			errorsSeen = true
			body = map[string]any{"_index": it.index, "_id": it.doc.ID, "status": it.err.Status,
				"error": map[string]any{"type": it.err.Type, "reason": it.err.Reason}}
		} else {
			body = writeBody(r)
			body["status"] = http.StatusOK
			if r.Created {
				body["status"] = http.StatusCreated
			}
		}
		out = append(out, map[string]any{it.op: body})
	}
	w.json(http.StatusOK, map[string]any{"took": time.Since(started).Milliseconds(), "errors": errorsSeen, "items": out})
}

// restRefresh is POST /<index>/_refresh (RestRefreshAction), and _flush (RestFlushAction): the
// shard counts of BroadcastResponse. Writes are visible and on disk at once in
// the simulator, so a refresh or a flush only reports the copies it would have refreshed or
// flushed.
func (n *Node) restRefresh(w *response, req *request) {
	st, _, _ := n.snapshot()
	targets, err := resolveIndices(st, req.param("index"))
	if err != nil {
		w.error(err)
		return
	}
	total, active := 0, 0
	for _, c := range st.Allocation.Copies {
		if !covers(targets, c.Index) {
			continue
		}
		total++
		if c.State == cluster.Started || c.State == cluster.Relocating {
			active++
		}
	}
	w.json(http.StatusOK, map[string]any{"_shards": map[string]any{"total": total, "successful": active, "failed": 0}})
}

// shardResult is one shard's part of a count or search.
type shardResult struct {
	index string
	shard int
	docs  []Doc
	count int64
	err   error
}

// eachShard runs fn on an active copy of every shard of the targets.
func (n *Node) eachShard(ctx context.Context, st *ClusterState, targets []string, fetchDocs bool) []shardResult {
	var out []shardResult
	for _, name := range targetsOrAll(st, targets) {
		meta := st.Indices[name]
		for sh := range meta.Shards {
			r := shardResult{index: name, shard: sh}
			r.err = n.fromActiveCopy(st, name, sh, func(node Member) error {
				req := shardRequest{UUID: meta.UUID, Shard: sh}
				if fetchDocs {
					var resp shardWriteResponse
					err := n.call(ctx, node.Transport, actShardDocs, req, &resp)
					r.docs, r.count = resp.Docs, int64(len(resp.Docs))
					return err
				}
				var resp shardCountResponse
				err := n.call(ctx, node.Transport, actShardCount, req, &resp)
				r.count = resp.Count
				return err
			})
			out = append(out, r)
		}
	}
	return out
}

// shardsSummary is the _shards object of a count or search, with Elasticsearch's failures
// list; it reports whether every shard failed (503 all shards failed).
func shardsSummary(results []shardResult) (map[string]any, bool) {
	failed := 0
	var failures []any
	for _, r := range results {
		if r.err != nil {
			failed++
			var te *transportError
			reason := map[string]any{"type": "exception", "reason": r.err.Error()}
			if errors.As(r.err, &te) {
				reason = map[string]any{"type": te.Type, "reason": te.Reason}
			}
			failures = append(failures, map[string]any{"shard": r.shard, "index": r.index, "node": nil, "reason": reason})
		}
	}
	s := map[string]any{"total": len(results), "successful": len(results) - failed, "skipped": 0, "failed": failed}
	if failed > 0 {
		s["failures"] = failures
	}
	return s, failed > 0 && failed == len(results)
}

// restCount is GET /<index>/_count (match_all only).
func (n *Node) restCount(w *response, req *request) {
	st, _, _ := n.snapshot()
	targets, err := resolveIndices(st, req.param("index"))
	if err != nil {
		w.error(err)
		return
	}
	results := n.eachShard(req.Context(), st, targets, false)
	summary, allFailed := shardsSummary(results)
	if allFailed {
		w.error(errType(503, "search_phase_execution_exception", "all shards failed"))
		return
	}
	var count int64
	for _, r := range results {
		count += r.count
	}
	w.json(http.StatusOK, map[string]any{"count": count, "_shards": summary})
}

// restSearch is a match_all search with from and size, enough to read documents back.
func (n *Node) restSearch(w *response, req *request) {
	started := time.Now()
	var body struct {
		From  int            `json:"from"`
		Size  *int           `json:"size"`
		Query map[string]any `json:"query"`
	}
	if err := req.body(&body); err != nil {
		w.error(err)
		return
	}
	if _, ok := body.Query["match_all"]; len(body.Query) > 0 && !ok {
		w.error(errType(400, "parsing_exception", "the simulator models only the match_all query"))
		return
	}
	size := 10
	if body.Size != nil {
		size = *body.Size
	}
	// The URL's from and size, as Elasticsearch accepts them, win over the body's.
	for name, into := range map[string]*int{"from": &body.From, "size": &size} {
		if v := req.query(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				w.error(errType(400, "illegal_argument_exception", "Failed to parse int parameter [%s] with value [%s]", name, v))
				return
			}
			*into = n
		}
	}
	st, _, _ := n.snapshot()
	targets, err := resolveIndices(st, req.param("index"))
	if err != nil {
		w.error(err)
		return
	}
	results := n.eachShard(req.Context(), st, targets, true)
	summary, allFailed := shardsSummary(results)
	if allFailed {
		w.error(errType(503, "search_phase_execution_exception", "all shards failed"))
		return
	}
	var hits []any
	total := 0
	for _, r := range results {
		for _, d := range r.docs {
			if total >= body.From && len(hits) < size {
				hits = append(hits, map[string]any{"_index": r.index, "_id": d.ID, "_score": 1.0, "_source": d.Source})
			}
			total++
		}
	}
	if hits == nil {
		hits = []any{}
	}
	w.json(http.StatusOK, map[string]any{
		"took": time.Since(started).Milliseconds(), "timed_out": false, "_shards": summary,
		"hits": map[string]any{"total": map[string]any{"value": total, "relation": "eq"}, "max_score": 1.0, "hits": hits},
	})
}
