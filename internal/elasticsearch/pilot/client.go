package pilot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/elastic/go-elasticsearch/v8"
	"github.com/elastic/go-elasticsearch/v8/esapi"
	"k8s.io/utils/ptr"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/search/node"
	"github.com/navigator-dbaas/navigator/internal/search/rest"
)

// Bounds of each call to the local node: the agent's loop and the kubelet's probes must never
// wait on a node that does not answer. masterTimeout makes Elasticsearch answer 503 rather than
// wait 30s for a master it does not have.
const (
	callTimeout      = 5 * time.Second
	masterTimeout    = 5 * time.Second
	exclusionTimeout = 5 * time.Second
)

// client is what the engine asks of its local node, through go-elasticsearch's esapi requests.
// The engine decodes the few fields it reads itself: the typed API would do that too, but it
// links every endpoint of Elasticsearch into the pilot, which runs in every database pod, and
// adds about 13 MB to its binary.
type client struct {
	es *elasticsearch.Client
}

func newClient(httpPort int) (*client, error) {
	es, err := elasticsearch.NewClient(elasticsearch.Config{
		Addresses: []string{node.Address(httpPort)},
		// The agent asks again on its next step; a retry inside a call would only stretch it.
		DisableRetry: true,
		Transport:    node.Transport(),
	})
	if err != nil {
		return nil, fmt.Errorf("building the Elasticsearch client: %w", err)
	}
	return &client{es: es}, nil
}

// do performs req within callTimeout and decodes a successful answer into v (nil: drop the
// body); an error answer is returned as *esError.
func (c *client) do(ctx context.Context, req esapi.Request, v any) error {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	res, err := req.Do(ctx, c.es)
	if err != nil {
		return err
	}
	defer closeBody(res.Body)
	return decode(res, v)
}

// Answers reports whether the node's HTTP layer answers GET /, whatever the status.
func (c *client) Answers(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	res, err := esapi.InfoRequest{}.Do(ctx, c.es)
	if err != nil {
		return err
	}
	closeBody(res.Body)
	return nil
}

// Info is GET /: the version and the UUID of the cluster the node has joined.
func (c *client) Info(ctx context.Context) (*rest.Root, error) {
	var r rest.Root
	if err := c.do(ctx, esapi.InfoRequest{}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// Local is GET _nodes/_local/stats/indices.
func (c *client) Local(ctx context.Context) (rest.LocalNode, error) {
	var body struct {
		Nodes map[string]rest.NodeStats `json:"nodes"`
	}
	req := esapi.NodesStatsRequest{NodeID: []string{"_local"}, Metric: []string{"indices"}}
	if err := c.do(ctx, req, &body); err != nil {
		return rest.LocalNode{}, err
	}
	return rest.Local(body.Nodes)
}

// Health is the cluster health as the node's own cluster state has it (local=true).
func (c *client) Health(ctx context.Context) (navv1alpha1.SearchHealth, error) {
	var body rest.Health
	if err := c.do(ctx, esapi.ClusterHealthRequest{Local: ptr.To(true)}, &body); err != nil {
		return navv1alpha1.HealthUnknown, err
	}
	return navv1alpha1.SearchHealth(strings.ToLower(body.Status)), nil
}

// LocalState is GET _cluster/state/<metrics>?local=true: the state this node has applied,
// answered without a master.
func (c *client) LocalState(ctx context.Context, metrics string, filter ...string) (*rest.StateView, error) {
	var st rest.StateView
	req := esapi.ClusterStateRequest{Metric: []string{metrics}, Local: ptr.To(true), FilterPath: filter}
	if err := c.do(ctx, req, &st); err != nil {
		return nil, err
	}
	return &st, nil
}

// Types of node shutdown, as the shutdown API names them.
const (
	shutdownRestart = "restart"
	shutdownRemove  = "remove"
)

// shutdown is one entry of GET _nodes/<id>/shutdown, with the shard migration's remaining
// count and, when stalled, why.
type shutdown struct {
	NodeID         string `json:"node_id"`
	Type           string `json:"type"`
	Reason         string `json:"reason"`
	Status         string `json:"status"`
	ShardMigration struct {
		Status    string `json:"status"`
		Remaining int32  `json:"shard_migrations_remaining"`
		// Explanation says why a migration is stalled (and, for a restart, that none is needed).
		Explanation string `json:"explanation"`
		// Decision is the allocation decision about the copy that stalls it, as the
		// allocation explain API prints a move decision: each other node's refusing deciders.
		Decision *struct {
			Nodes rest.NodeDecisions `json:"node_allocation_decisions"`
		} `json:"node_allocation_decision"`
	} `json:"shard_migration"`
}

// explanation is Elasticsearch's explanation of the shard migration and, when it names the
// allocation decision of a stalled copy ("see [node_allocation_decision]"), why each other node
// refuses it.
func (s *shutdown) explanation() string {
	var nodes rest.NodeDecisions
	if d := s.ShardMigration.Decision; d != nil {
		nodes = d.Nodes
	}
	return rest.Explain(s.ShardMigration.Explanation, nodes)
}

// is reports whether s is a registered shutdown of type t (Elasticsearch prints it in
// capitals).
func (s *shutdown) is(t string) bool {
	return s != nil && strings.EqualFold(s.Type, t)
}

// shutdowns is GET _nodes[/<id>]/shutdown: every registered shutdown, or the node's own.
func (c *client) shutdowns(ctx context.Context, nodeID string) ([]shutdown, error) {
	var body struct {
		Nodes []shutdown `json:"nodes"`
	}
	req := esapi.ShutdownGetNodeRequest{NodeID: nodeID, MasterTimeout: masterTimeout}
	if err := c.do(ctx, req, &body); err != nil {
		return nil, err
	}
	return body.Nodes, nil
}

// shutdownOf returns the node's registered shutdown, or nil.
func (c *client) shutdownOf(ctx context.Context, nodeID string) (*shutdown, error) {
	all, err := c.shutdowns(ctx, nodeID)
	if err != nil {
		return nil, err
	}
	for i := range all {
		if all[i].NodeID == nodeID {
			return &all[i], nil
		}
	}
	return nil, nil
}

// putShutdown is PUT _nodes/<id>/shutdown; delay is the allocation_delay of a restart.
func (c *client) putShutdown(ctx context.Context, nodeID, t, reason string, delay time.Duration) error {
	body := map[string]string{"type": t, "reason": reason}
	if t == shutdownRestart {
		body["allocation_delay"] = rest.TimeValue(delay)
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req := esapi.ShutdownPutNodeRequest{NodeID: nodeID, Body: bytes.NewReader(raw), MasterTimeout: masterTimeout}
	return c.do(ctx, req, nil)
}

// deleteShutdown is DELETE _nodes/<id>/shutdown.
func (c *client) deleteShutdown(ctx context.Context, nodeID string) error {
	return c.do(ctx, esapi.ShutdownDeleteNodeRequest{NodeID: nodeID, MasterTimeout: masterTimeout}, nil)
}

// ExcludeFromVoting is POST _cluster/voting_config_exclusions?node_names=<name>. Elasticsearch
// answers once the node is out of the voting configuration, or 408 after exclusionTimeout.
func (c *client) ExcludeFromVoting(ctx context.Context, name string) error {
	req := esapi.ClusterPostVotingConfigExclusionsRequest{NodeNames: name, Timeout: exclusionTimeout, MasterTimeout: masterTimeout}
	return c.do(ctx, req, nil)
}

// clearVotingExclusions is DELETE _cluster/voting_config_exclusions?wait_for_removal=false.
func (c *client) clearVotingExclusions(ctx context.Context) error {
	req := esapi.ClusterDeleteVotingConfigExclusionsRequest{WaitForRemoval: ptr.To(false), MasterTimeout: masterTimeout}
	return c.do(ctx, req, nil)
}

// closeBody drains and closes a response's body, so that its connection is reused.
func closeBody(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, body)
	_ = body.Close()
}

// decode reads a response into v (nil: drop the body) and turns an error answer into
// *rest.Error.
func decode(res *esapi.Response, v any) error {
	return rest.Decode("Elasticsearch", res.StatusCode, res.Body, v)
}
