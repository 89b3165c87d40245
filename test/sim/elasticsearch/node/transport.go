package node

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"syscall"
	"time"
)

// The transport is the simulator's own protocol between nodes on the transport port: JSON
// requests over HTTP, one path per action. Elasticsearch's binary transport protocol is not
// modelled; nothing outside the simulator speaks to this port.
const (
	actPing        = "/internal/discovery/ping"
	actVote        = "/internal/coordination/vote"
	actJoin        = "/internal/coordination/join"
	actPublish     = "/internal/coordination/publish"
	actState       = "/internal/coordination/state"
	actCheck       = "/internal/coordination/follower_check"
	actLeaderCheck = "/internal/coordination/leader_check"
	actMaster      = "/internal/master/" // + action name
	actShardWrite  = "/internal/shard/write"
	actShardDocs   = "/internal/shard/docs"
	actShardGet    = "/internal/shard/get"
	actShardCount  = "/internal/shard/count"
	actNodeStats   = "/internal/node/stats"
)

// transportError is an error another node answered with: Elasticsearch's exception type and
// reason, so that a REST handler can pass it on unchanged.
type transportError struct {
	Status int    `json:"status"`
	Type   string `json:"type"`
	Reason string `json:"reason"`
	// Index names the index an error is about, when there is one.
	Index string `json:"index,omitempty"`
}

func (e *transportError) Error() string { return fmt.Sprintf("[%s] %s", e.Type, e.Reason) }

// errType builds a transportError.
func errType(status int, typ, format string, args ...any) *transportError {
	return &transportError{Status: status, Type: typ, Reason: fmt.Sprintf(format, args...)}
}

// call sends one transport request and decodes the answer.
func (n *Node) call(ctx context.Context, addr, action string, req, resp any) error {
	body, err := json.Marshal(req)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, n.opts.Timing.RequestTimeout)
	defer cancel()
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+addr+action, bytes.NewReader(body))
	if err != nil {
		return err
	}
	r.Header.Set("Content-Type", "application/json")
	res, err := n.client.Do(r)
	if err != nil {
		return err
	}
	defer func() { _ = res.Body.Close() }()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		te := &transportError{}
		if json.Unmarshal(raw, te) != nil || te.Type == "" {
			return fmt.Errorf("transport %s to %s: HTTP %d: %s", action, addr, res.StatusCode, raw)
		}
		return te
	}
	if resp == nil {
		return nil
	}
	return json.Unmarshal(raw, resp)
}

// disconnected reports whether a transport error means the peer is not there at all (the
// master removes such a node at once, as Elasticsearch does on a closed connection).
func disconnected(err error) bool {
	return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET)
}

// handle registers a transport action whose request and response are JSON.
func handle[Req, Resp any](mux *http.ServeMux, action string, fn func(context.Context, *Req) (*Resp, error)) {
	mux.HandleFunc("POST "+action, func(w http.ResponseWriter, r *http.Request) {
		req := new(Req)
		if err := json.NewDecoder(r.Body).Decode(req); err != nil {
			writeTransport(w, http.StatusBadRequest, errType(400, "illegal_argument_exception", "bad transport request: %v", err))
			return
		}
		resp, err := fn(r.Context(), req)
		if err != nil {
			te := &transportError{}
			if !errors.As(err, &te) {
				te = errType(500, "exception", "%v", err)
			}
			writeTransport(w, te.Status, te)
			return
		}
		writeTransport(w, http.StatusOK, resp)
	})
}

func writeTransport(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// newTransportClient is the client for the transport: short connection timeouts, so that a
// node that is gone is noticed at once.
func newTransportClient() *http.Client {
	return &http.Client{Transport: &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 2 * time.Second}).DialContext,
		MaxIdleConnsPerHost: 8,
		IdleConnTimeout:     30 * time.Second,
	}}
}

// transportHandler routes the transport actions.
func (n *Node) transportHandler() http.Handler {
	mux := http.NewServeMux()
	handle(mux, actPing, n.onPing)
	handle(mux, actVote, n.onVote)
	handle(mux, actJoin, n.onJoin)
	handle(mux, actPublish, n.onPublish)
	handle(mux, actState, n.onState)
	handle(mux, actCheck, n.onCheck)
	handle(mux, actLeaderCheck, n.onLeaderCheck)
	handle(mux, actShardWrite, n.onShardWrite)
	handle(mux, actShardDocs, n.onShardDocs)
	handle(mux, actShardGet, n.onShardGet)
	handle(mux, actShardCount, n.onShardCount)
	handle(mux, actNodeStats, n.onNodeStats)
	handle(mux, actMaster+"synced", n.onSynced)
	handle(mux, actMaster+"write", n.onWrite)
	handle(mux, actMaster+"create_index", n.onCreateIndex)
	handle(mux, actMaster+"delete_index", n.onDeleteIndex)
	handle(mux, actMaster+"index_settings", n.onIndexSettings)
	handle(mux, actMaster+"cluster_settings", n.onClusterSettings)
	handle(mux, actMaster+"shutdown", n.onShutdown)
	handle(mux, actMaster+"exclusions", n.onExclusions)
	return mux
}
