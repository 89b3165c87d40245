package pilot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/opensearch-project/opensearch-go/v4"
	"github.com/opensearch-project/opensearch-go/v4/opensearchapi"
	"k8s.io/utils/ptr"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/search/node"
	"github.com/navigator-dbaas/navigator/internal/search/rest"
)

// Bounds of each call to the local node: the agent's loop and the kubelet's probes must never
// wait on a node that does not answer. managerTimeout makes OpenSearch answer 503 rather than
// wait 30s for a cluster manager it does not have.
const (
	callTimeout      = 5 * time.Second
	managerTimeout   = 5 * time.Second
	exclusionTimeout = 5 * time.Second
)

// excludeName is the cluster setting that keeps shard copies off the nodes it names.
const excludeName = "cluster.routing.allocation.exclude._name"

// client is what the engine asks of its local node, through opensearch-go's request types. It
// decodes the few fields it reads itself (into internal/search/rest's types, shared with the
// Elasticsearch engine) rather than through the typed responses of opensearchapi.Client.
type client struct {
	os *opensearch.Client
}

func newClient(httpPort int) (*client, error) {
	c, err := opensearch.NewClient(opensearch.Config{
		Addresses: []string{node.Address(httpPort)},
		// The agent asks again on its next step; a retry inside a call would only stretch it.
		DisableRetry: true,
		Transport:    node.Transport(),
	})
	if err != nil {
		return nil, fmt.Errorf("building the OpenSearch client: %w", err)
	}
	return &client{os: c}, nil
}

// do performs req within callTimeout and decodes a successful answer into v (nil: drop the
// body); an error answer is returned as *rest.Error. The client buffers the answer and closes
// its body itself.
func (c *client) do(ctx context.Context, method string, req opensearch.Request, v any) error {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	var raw json.RawMessage
	into := &raw
	if v == nil {
		into = nil // nothing to decode, and an empty answer is no error
	}
	res, err := opensearch.Do(ctx, c.os, method, req, into)
	if err != nil {
		return err
	}
	if res.IsError() {
		return rest.Decode("OpenSearch", res.StatusCode, res.Body, nil)
	}
	if v == nil {
		return nil
	}
	return json.Unmarshal(raw, v)
}

// Answers reports whether the node's HTTP layer answers GET /, whatever the status.
func (c *client) Answers(ctx context.Context) error {
	err := c.do(ctx, http.MethodGet, opensearchapi.InfoReq{}, nil)
	var answered *rest.Error
	if err == nil || errors.As(err, &answered) {
		return nil
	}
	return err
}

// Info is GET /: the version and the UUID of the cluster the node has joined.
func (c *client) Info(ctx context.Context) (*rest.Root, error) {
	var r rest.Root
	if err := c.do(ctx, http.MethodGet, opensearchapi.InfoReq{}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// Local is GET _nodes/_local/stats/indices?level=shards: OpenSearch has no
// indices.shard_stats (Elasticsearch added it in 7.15, after the fork), so the node's shard
// copies are counted from the per-shard stats, one entry per copy its IndicesService holds.
func (c *client) Local(ctx context.Context) (rest.LocalNode, error) {
	var body struct {
		Nodes map[string]rest.NodeStats `json:"nodes"`
	}
	req := opensearchapi.NodesStatsReq{NodeID: []string{"_local"}, Metric: []string{"indices"}, Params: opensearchapi.NodesStatsParams{Level: "shards"}}
	if err := c.do(ctx, http.MethodGet, req, &body); err != nil {
		return rest.LocalNode{}, err
	}
	return rest.Local(body.Nodes)
}

// Health is the cluster health as the node's own cluster state has it (local=true).
func (c *client) Health(ctx context.Context) (navv1alpha1.SearchHealth, error) {
	var body rest.Health
	if err := c.do(ctx, http.MethodGet, opensearchapi.ClusterHealthReq{Params: opensearchapi.ClusterHealthParams{Local: ptr.To(true)}}, &body); err != nil {
		return navv1alpha1.HealthUnknown, err
	}
	return navv1alpha1.SearchHealth(strings.ToLower(body.Status)), nil
}

// LocalState is GET _cluster/state/<metrics>?local=true: the state this node has applied,
// answered without a cluster manager.
func (c *client) LocalState(ctx context.Context, metrics string, filter ...string) (*rest.StateView, error) {
	var st rest.StateView
	req := opensearchapi.ClusterStateReq{Metrics: []string{metrics}, Params: opensearchapi.ClusterStateParams{Local: ptr.To(true), FilterPath: filter}}
	if err := c.do(ctx, http.MethodGet, req, &st); err != nil {
		return nil, err
	}
	return &st, nil
}

// shardCopies is GET _cat/shards as JSON (asked by the Accept header: opensearchapi's request
// has no format parameter), answered from the elected cluster manager's cluster state.
func (c *client) shardCopies(ctx context.Context) ([]rest.ShardCopy, error) {
	var rows []rest.ShardCopy
	req := opensearchapi.CatShardsReq{
		Header: http.Header{"Accept": []string{"application/json"}},
		Params: opensearchapi.CatShardsParams{H: rest.CopyColumns, ClusterManagerTimeout: managerTimeout},
	}
	if err := c.do(ctx, http.MethodGet, req, &rows); err != nil {
		return nil, err
	}
	return rows, nil
}

// excluded is the persistent cluster.routing.allocation.exclude._name, as a list of names.
func (c *client) excluded(ctx context.Context) ([]string, error) {
	var body struct {
		Persistent map[string]any `json:"persistent"`
	}
	req := opensearchapi.ClusterGetSettingsReq{Params: opensearchapi.ClusterGetSettingsParams{FlatSettings: ptr.To(true), ClusterManagerTimeout: managerTimeout}}
	if err := c.do(ctx, http.MethodGet, req, &body); err != nil {
		return nil, err
	}
	v, _ := body.Persistent[excludeName].(string)
	return splitNames(v), nil
}

// setExcluded writes the persistent cluster.routing.allocation.exclude._name; an empty list
// removes the setting.
func (c *client) setExcluded(ctx context.Context, names []string) error {
	var v any // JSON null resets the setting
	if len(names) > 0 {
		v = strings.Join(names, ",")
	}
	raw, err := json.Marshal(map[string]map[string]any{"persistent": {excludeName: v}})
	if err != nil {
		return err
	}
	req := opensearchapi.ClusterPutSettingsReq{Body: bytes.NewReader(raw), Params: opensearchapi.ClusterPutSettingsParams{ClusterManagerTimeout: managerTimeout}}
	return c.do(ctx, http.MethodPut, req, nil)
}

// splitNames reads a comma-separated list of node names.
func splitNames(v string) []string {
	var out []string
	for _, n := range strings.Split(v, ",") {
		if n = strings.TrimSpace(n); n != "" {
			out = append(out, n)
		}
	}
	return out
}

// ExcludeFromVoting is POST _cluster/voting_config_exclusions?node_names=<name>. OpenSearch
// answers once the node is out of the voting configuration, or a timeout_exception after
// exclusionTimeout.
func (c *client) ExcludeFromVoting(ctx context.Context, name string) error {
	req := opensearchapi.ClusterPostVotingConfigExclusionsReq{Params: opensearchapi.ClusterPostVotingConfigExclusionsParams{NodeNames: name, Timeout: exclusionTimeout}}
	return c.do(ctx, http.MethodPost, req, nil)
}

// clearVotingExclusions is DELETE _cluster/voting_config_exclusions?wait_for_removal=false.
func (c *client) clearVotingExclusions(ctx context.Context) error {
	req := opensearchapi.ClusterDeleteVotingConfigExclusionsReq{Params: opensearchapi.ClusterDeleteVotingConfigExclusionsParams{WaitForRemoval: ptr.To(false)}}
	return c.do(ctx, http.MethodDelete, req, nil)
}

// flush is POST _flush: every shard's operations written to its Lucene commit, so that copies
// recover from their files rather than by replaying their translog.
func (c *client) flush(ctx context.Context) error {
	return c.do(ctx, http.MethodPost, opensearchapi.IndicesFlushReq{}, nil)
}

// moveDecision is the part of GET _cluster/allocation/explain about an assigned copy that the
// engine reads: whether it can move to another node and, when not, why each node refuses it.
type moveDecision struct {
	CanMove     string             `json:"can_move_to_other_node"`
	Explanation string             `json:"move_explanation"`
	Nodes       rest.NodeDecisions `json:"node_allocation_decisions"`
}

// explainRequest is GET _cluster/allocation/explain about one copy on its current node:
// opensearchapi's body has no current_node, which picks the copy among a shard's replicas.
type explainRequest struct{ body []byte }

func (r explainRequest) GetRequest(method string) (*http.Request, error) {
	u := &url.URL{Path: "/_cluster/allocation/explain"}
	req, err := http.NewRequest(method, u.String(), bytes.NewReader(r.body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	return req, nil
}

// explain asks why the copy stays where it is.
func (c *client) explain(ctx context.Context, cp rest.ShardCopy) (*moveDecision, error) {
	shard, err := strconv.Atoi(cp.Shard)
	if err != nil {
		return nil, fmt.Errorf("shard number %q: %w", cp.Shard, err)
	}
	raw, err := json.Marshal(map[string]any{"index": cp.Index, "shard": shard, "primary": cp.Primary == "p", "current_node": cp.NodeName})
	if err != nil {
		return nil, err
	}
	var d moveDecision
	if err := c.do(ctx, http.MethodGet, explainRequest{body: raw}, &d); err != nil {
		return nil, err
	}
	return &d, nil
}
