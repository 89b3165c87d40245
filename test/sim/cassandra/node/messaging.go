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
	"time"
)

// The storage port carries the simulator's own internode protocol: JSON requests over HTTP, one
// path per verb (gossip, mutations, reads, streams). Cassandra's messaging wire format is not
// modelled; nothing outside the simulator speaks to this port.

// messageError is a refusal another node answered with.
type messageError struct {
	Status  int    `json:"status"`
	Message string `json:"message"`
}

func (e *messageError) Error() string { return e.Message }

// errNotAccepting is the answer of a node that drained, left, or has not joined: Cassandra's
// messaging drops what it does not serve, which the sender sees as no answer.
var errNotAccepting = &messageError{Status: http.StatusServiceUnavailable, Message: "node is not accepting messages"}

// call sends one message to another node and decodes the answer.
func (n *Node) call(ctx context.Context, endpoint, verb string, req, resp any) error {
	body, err := json.Marshal(req)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, n.opts.Timing.RequestTimeout)
	defer cancel()
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+endpoint+verb, bytes.NewReader(body))
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
		me := &messageError{}
		if json.Unmarshal(raw, me) != nil || me.Message == "" {
			return fmt.Errorf("%s to %s: HTTP %d: %s", verb, endpoint, res.StatusCode, raw)
		}
		return me
	}
	if resp == nil {
		return nil
	}
	return json.Unmarshal(raw, resp)
}

// handle registers a verb whose request and answer are JSON.
func handle[Req, Resp any](mux *http.ServeMux, verb string, fn func(context.Context, *Req) (*Resp, error)) {
	mux.HandleFunc("POST "+verb, func(w http.ResponseWriter, r *http.Request) {
		req := new(Req)
		if err := json.NewDecoder(r.Body).Decode(req); err != nil {
			writeJSON(w, http.StatusBadRequest, &messageError{Status: 400, Message: err.Error()})
			return
		}
		resp, err := fn(r.Context(), req)
		if err != nil {
			me := &messageError{}
			if !errors.As(err, &me) {
				me = &messageError{Status: http.StatusInternalServerError, Message: err.Error()}
			}
			writeJSON(w, me.Status, me)
			return
		}
		writeJSON(w, http.StatusOK, resp)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// newMessagingClient has short connection timeouts, so that a node that is gone is noticed at once.
func newMessagingClient() *http.Client {
	return &http.Client{Transport: &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 2 * time.Second}).DialContext,
		MaxIdleConnsPerHost: 16,
		IdleConnTimeout:     30 * time.Second,
	}}
}

// storageHandler routes the internode verbs.
func (n *Node) storageHandler() http.Handler {
	mux := http.NewServeMux()
	handle(mux, "/gossip", n.onGossip)
	handle(mux, "/gossip/shutdown", n.onShutdown)
	handle(mux, "/mutation", n.onMutation)
	handle(mux, "/read", n.onRead)
	handle(mux, "/scan", n.onScan)
	handle(mux, "/stream/out", n.onStreamOut)
	handle(mux, "/stream/in", n.onStreamIn)
	handle(mux, "/stream/push", n.onStreamPush)
	handle(mux, "/stream/alive", n.onStreamAlive)
	return mux
}
