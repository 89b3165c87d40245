package node

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"time"

	"github.com/navigator-dbaas/navigator/test/sim/cassandra/nodetool"
	"github.com/navigator-dbaas/navigator/test/sim/cassandra/ring"
)

// Navigator's pilot adds the Jolokia agent (jolokia.org, JMX over HTTP and JSON) to the Cassandra
// JVM and reads the ring through it. The simulated node answers that agent's protocol for what
// the pilot reads: a POST to /jolokia/ of a JSON array of requests, answered by an array in the
// same order (org.jolokia.http.HttpRequestHandler.handlePostRequest), each answer with the
// request, its value and status 200, or its error, error_type and status: 404 for an MBean or
// attribute that does not exist (InstanceNotFoundException, AttributeNotFoundException), 500
// for an exception of the operation. Reads of StorageService attributes, the EndpointSnitchInfo
// operations getDatacenter(java.lang.String) and getRack(java.lang.String), the FailureDetector's
// SimpleStatesWithPort and the Gossiper's getCurrentGenerationNumber(java.lang.String) are
// served from the node's view; while the node starts and has no place in the ring yet,
// StorageService is not registered, as in Cassandra before StorageService.initServer registers
// it (it stays registered after a decommission, until the process ends).

const (
	mbeanStorageService     = "org.apache.cassandra.db:type=StorageService"
	mbeanEndpointSnitchInfo = "org.apache.cassandra.db:type=EndpointSnitchInfo"
	mbeanFailureDetector    = "org.apache.cassandra.net:type=FailureDetector"
	mbeanGossiper           = "org.apache.cassandra.net:type=Gossiper"
	opGenerationNumber      = "getCurrentGenerationNumber(java.lang.String)"
)

type jolokiaRequest struct {
	Type      string          `json:"type"`
	MBean     string          `json:"mbean"`
	Attribute json.RawMessage `json:"attribute,omitempty"`
	Operation string          `json:"operation,omitempty"`
	Arguments []any           `json:"arguments,omitempty"`
}

type jolokiaResponse struct {
	Request   jolokiaRequest `json:"request"`
	Value     any            `json:"value,omitempty"`
	Timestamp int64          `json:"timestamp,omitempty"`
	Status    int            `json:"status"`
	Error     string         `json:"error,omitempty"`
	ErrorType string         `json:"error_type,omitempty"`
}

func (n *Node) jolokiaHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /jolokia/", func(w http.ResponseWriter, r *http.Request) {
		raw, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var reqs []jolokiaRequest
		if err := json.Unmarshal(raw, &reqs); err != nil {
			// The agent answers a malformed body with one error object, status 400.
			writeJSON(w, http.StatusOK, jolokiaResponse{Status: http.StatusBadRequest, ErrorType: "java.lang.IllegalArgumentException",
				Error: "java.lang.IllegalArgumentException : Invalid JSON request " + err.Error()})
			return
		}
		out := make([]jolokiaResponse, len(reqs))
		for i, req := range reqs {
			out[i] = n.answerJolokia(req)
		}
		writeJSON(w, http.StatusOK, out)
	})
	return mux
}

func (n *Node) answerJolokia(req jolokiaRequest) jolokiaResponse {
	res := jolokiaResponse{Request: req, Timestamp: time.Now().Unix(), Status: http.StatusOK}
	fail := func(status int, class, msg string) jolokiaResponse {
		res.Status, res.ErrorType, res.Error = status, class, class+" : "+msg
		return res
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	view := n.viewLocked(true)
	if view.Local() == nil && n.mode == ring.ModeStarting && req.MBean == mbeanStorageService {
		return fail(http.StatusNotFound, "javax.management.InstanceNotFoundException", req.MBean)
	}
	switch {
	case req.Type == "read" && req.MBean == mbeanStorageService:
		attrs := nodetool.StorageService(view, n.opts.Release, n.mode)
		names, single := attributeNames(req.Attribute)
		values := map[string]any{}
		for _, a := range names {
			v, ok := attrs[a]
			if !ok {
				return fail(http.StatusNotFound, "javax.management.AttributeNotFoundException", "No such attribute: "+a)
			}
			values[a] = v
		}
		if single {
			res.Value = values[names[0]]
		} else {
			res.Value = values
		}
		return res
	case req.Type == "exec" && req.MBean == mbeanEndpointSnitchInfo &&
		slices.Contains([]string{"getDatacenter(java.lang.String)", "getRack(java.lang.String)"}, req.Operation):
		if len(req.Arguments) != 1 {
			return fail(http.StatusBadRequest, "java.lang.IllegalArgumentException", fmt.Sprintf("Invalid number of operation arguments. Operation %s on %s requires 1 parameters, not %d as given", req.Operation, req.MBean, len(req.Arguments)))
		}
		dc, rack := nodetool.SnitchLocation(view, fmt.Sprint(req.Arguments[0]))
		if req.Operation == "getRack(java.lang.String)" {
			res.Value = rack
		} else {
			res.Value = dc
		}
		return res
	case req.Type == "read" && req.MBean == mbeanFailureDetector:
		names, single := attributeNames(req.Attribute)
		if len(names) != 1 || names[0] != "SimpleStatesWithPort" {
			return fail(http.StatusNotFound, "javax.management.AttributeNotFoundException", fmt.Sprintf("No such attribute: %v", names))
		}
		states := n.simpleStatesLocked()
		if single {
			res.Value = states
		} else {
			res.Value = map[string]any{names[0]: states}
		}
		return res
	case req.Type == "exec" && req.MBean == mbeanGossiper && req.Operation == opGenerationNumber:
		if len(req.Arguments) != 1 {
			return fail(http.StatusBadRequest, "java.lang.IllegalArgumentException", fmt.Sprintf("Invalid number of operation arguments. Operation %s on %s requires 1 parameters, not %d as given", req.Operation, req.MBean, len(req.Arguments)))
		}
		st := n.stateAtLocked(fmt.Sprint(req.Arguments[0]))
		if st == nil {
			// Gossiper.getCurrentGenerationNumber dereferences the state it does not hold; the
			// JVM's text of that exception is not modelled.
			return fail(http.StatusInternalServerError, "java.lang.NullPointerException", "no gossip state for "+fmt.Sprint(req.Arguments[0]))
		}
		res.Value = st.Generation
		return res
	}
	return fail(http.StatusNotFound, "javax.management.InstanceNotFoundException", req.MBean)
}

// attributeNames reads a request's attribute: a list (the value is then an object of them) or
// one name (the value is the attribute's).
func attributeNames(raw json.RawMessage) ([]string, bool) {
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		return list, false
	}
	var one string
	_ = json.Unmarshal(raw, &one)
	return []string{one}, true
}

// stopAgent is the Jolokia agent stopping while the node runs on. Its CleanupThread stops the
// HTTP server once no thread of the JVM's main thread group that is not a daemon is left; on a
// real 5.0 node whose bootstrap failed, the main thread returns without starting the native
// transport, and only Cassandra's own groups (the commit log's threads) keep the JVM up. Seen on
// real 5.0.9 (jstack: no HTTP-Dispatcher, connection refused); nodetool still answers.
func (n *Node) stopAgent() { _ = n.closeAgent() }

// closeAgent closes the agent's server once, whether it stopped on its own or the node stops.
func (n *Node) closeAgent() error {
	if n.jolokiaSrv == nil {
		return nil
	}
	n.agentClosed.Do(func() { n.agentErr = n.jolokiaSrv.Close() })
	return n.agentErr
}

// simpleStatesLocked is FailureDetector.getSimpleStatesWithPort: every endpoint the node holds a
// gossip state of, itself included, "UP" or "DOWN" by its failure detector, keyed as
// InetAddressAndPort.toString writes an endpoint without a host name ("/10.0.0.1:7000").
func (n *Node) simpleStatesLocked() map[string]string {
	out := make(map[string]string, len(n.states))
	for id, st := range n.states {
		state := "DOWN"
		if n.upLocked(id) {
			state = "UP"
		}
		out["/"+st.endpoint()] = state
	}
	return out
}

// stateAtLocked finds the gossip state of the endpoint at address ("10.0.0.1", or with its
// port), as InetAddressAndPort.getByName reads it: without a port, the configured storage port.
func (n *Node) stateAtLocked(address string) *endpointState {
	host, port := address, ""
	if h, p, err := net.SplitHostPort(address); err == nil {
		host, port = h, p
	}
	for _, st := range n.states {
		h, p, _ := net.SplitHostPort(st.endpoint())
		if h == host && (port == "" || p == port) {
			return st
		}
	}
	return nil
}
