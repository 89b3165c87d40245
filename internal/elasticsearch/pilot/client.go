package pilot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/elastic/go-elasticsearch/v8"
	"github.com/elastic/go-elasticsearch/v8/typedapi/core/info"
	"github.com/elastic/go-elasticsearch/v8/typedapi/types"
	"github.com/elastic/go-elasticsearch/v8/typedapi/types/enums/type_"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
)

// Bounds of each call to the local node: the agent's loop and the kubelet's probes must never
// wait on a node that does not answer. masterTimeout makes Elasticsearch answer 503 rather than
// wait 30s for a master it does not have.
const (
	callTimeout      = 5 * time.Second
	masterTimeout    = "5s"
	exclusionTimeout = "5s"
)

// client is what the engine asks of its local node, through go-elasticsearch's typed API.
type client struct {
	es *elasticsearch.TypedClient
}

func newClient(httpPort int) (*client, error) {
	es, err := elasticsearch.NewTypedClient(elasticsearch.Config{
		Addresses: []string{"http://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(httpPort))},
		// The agent asks again on its next step; a retry inside a call would only stretch it.
		DisableRetry: true,
		Transport: &http.Transport{
			DialContext:           (&net.Dialer{Timeout: 2 * time.Second}).DialContext,
			ResponseHeaderTimeout: callTimeout,
			MaxIdleConnsPerHost:   2,
		},
	})
	if err != nil {
		return nil, fmt.Errorf("building the Elasticsearch client: %w", err)
	}
	return &client{es: es}, nil
}

func bounded(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, callTimeout)
}

// answers reports whether the node's HTTP layer answers GET /, whatever the status.
func (c *client) answers(ctx context.Context) error {
	ctx, cancel := bounded(ctx)
	defer cancel()
	res, err := c.es.Core.Info().Perform(ctx)
	if err != nil {
		return err
	}
	closeBody(res)
	return nil
}

// info is GET /: name, version and the UUID of the cluster the node has joined.
func (c *client) info(ctx context.Context) (*info.Response, error) {
	ctx, cancel := bounded(ctx)
	defer cancel()
	return c.es.Core.Info().Do(ctx)
}

// localNode is what the node's own stats say about it.
type localNode struct {
	ID, Name string
	Roles    []navv1alpha1.ElasticsearchRole
	// Shards is the number of shard copies the node holds; Documents the documents in them.
	Shards    int32
	Documents int64
}

// masterEligible reports whether the node has the master role (voting-only nodes have it too).
func (n localNode) masterEligible() bool {
	for _, r := range n.Roles {
		if r == navv1alpha1.ESRoleMaster {
			return true
		}
	}
	return false
}

// local is GET _nodes/_local/stats/indices.
func (c *client) local(ctx context.Context) (localNode, error) {
	ctx, cancel := bounded(ctx)
	defer cancel()
	res, err := c.es.Nodes.Stats().NodeId("_local").Metric("indices").Do(ctx)
	if err != nil {
		return localNode{}, err
	}
	if len(res.Nodes) != 1 {
		return localNode{}, fmt.Errorf("_nodes/_local/stats answered for %d nodes, not 1", len(res.Nodes))
	}
	var n localNode
	for id, s := range res.Nodes {
		n.ID = id
		if s.Name != nil {
			n.Name = *s.Name
		}
		for _, r := range s.Roles {
			n.Roles = append(n.Roles, navv1alpha1.ElasticsearchRole(r.String()))
		}
		slices.Sort(n.Roles) // as Elasticsearch lists them, whatever the order in node.roles
		if s.Indices != nil && s.Indices.Docs != nil {
			n.Documents = s.Indices.Docs.Count
		}
		if s.Indices != nil && s.Indices.ShardStats != nil {
			n.Shards = int32(s.Indices.ShardStats.TotalCount)
		}
	}
	return n, nil
}

// health is the cluster health as the node's own cluster state has it (local=true).
func (c *client) health(ctx context.Context) (navv1alpha1.ElasticsearchHealth, error) {
	ctx, cancel := bounded(ctx)
	defer cancel()
	res, err := c.es.Cluster.Health().Local(true).Do(ctx)
	if err != nil {
		return navv1alpha1.ESHealthUnknown, err
	}
	return navv1alpha1.ElasticsearchHealth(strings.ToLower(res.Status.String())), nil
}

// stateView is the part of the cluster state the engine reads. The typed API leaves the
// cluster state undecoded (its shape depends on the metrics asked), so the engine decodes what
// it needs.
type stateView struct {
	ClusterUUID string `json:"cluster_uuid"`
	// MasterNode is left out by Elasticsearch while the node knows no elected master.
	MasterNode string                  `json:"master_node"`
	Nodes      map[string]stateNodeRef `json:"nodes"`
	Metadata   struct {
		ClusterCoordination struct {
			VotingConfigExclusions []votingExclusion `json:"voting_config_exclusions"`
		} `json:"cluster_coordination"`
	} `json:"metadata"`
}

type stateNodeRef struct {
	Name string `json:"name"`
}

type votingExclusion struct {
	NodeID   string `json:"node_id"`
	NodeName string `json:"node_name"`
}

// localState is GET _cluster/state/<metrics>?local=true: the state this node has applied,
// answered without a master.
func (c *client) localState(ctx context.Context, metrics string, filter ...string) (*stateView, error) {
	ctx, cancel := bounded(ctx)
	defer cancel()
	req := c.es.Cluster.State().Metric(metrics).Local(true)
	if len(filter) > 0 {
		req.FilterPath(filter...)
	}
	raw, err := req.Do(ctx)
	if err != nil {
		return nil, err
	}
	var st stateView
	if err := json.Unmarshal(raw, &st); err != nil {
		return nil, fmt.Errorf("decoding the cluster state: %w", err)
	}
	return &st, nil
}

// shutdown is one entry of GET _nodes/<id>/shutdown. The typed API's shard_migration carries
// only a status, while Elasticsearch also reports shards remaining and, when stalled, why; so
// the engine decodes the response itself.
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
	} `json:"shard_migration"`
}

func (s *shutdown) is(t type_.Type) bool {
	return s != nil && strings.EqualFold(s.Type, t.String())
}

// shutdowns is GET _nodes[/<id>]/shutdown: every registered shutdown, or the node's own.
func (c *client) shutdowns(ctx context.Context, nodeID string) ([]shutdown, error) {
	ctx, cancel := bounded(ctx)
	defer cancel()
	req := c.es.Shutdown.GetNode().MasterTimeout(masterTimeout)
	if nodeID != "" {
		req.NodeId(nodeID)
	}
	res, err := req.Perform(ctx)
	if err != nil {
		return nil, err
	}
	defer closeBody(res)
	var body struct {
		Nodes []shutdown `json:"nodes"`
	}
	if err := decode(res, &body); err != nil {
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
func (c *client) putShutdown(ctx context.Context, nodeID string, t type_.Type, reason string, delay time.Duration) error {
	ctx, cancel := bounded(ctx)
	defer cancel()
	req := c.es.Shutdown.PutNode(nodeID).Type(t).Reason(reason).MasterTimeout(masterTimeout)
	if t == type_.Restart {
		req.AllocationDelay(timeValue(delay))
	}
	_, err := req.Do(ctx)
	return err
}

// deleteShutdown is DELETE _nodes/<id>/shutdown.
func (c *client) deleteShutdown(ctx context.Context, nodeID string) error {
	ctx, cancel := bounded(ctx)
	defer cancel()
	_, err := c.es.Shutdown.DeleteNode(nodeID).MasterTimeout(masterTimeout).Do(ctx)
	return err
}

// excludeFromVoting is POST _cluster/voting_config_exclusions?node_names=<name>. Elasticsearch
// answers once the node is out of the voting configuration, or 408 after exclusionTimeout.
func (c *client) excludeFromVoting(ctx context.Context, name string) error {
	ctx, cancel := bounded(ctx)
	defer cancel()
	res, err := c.es.Cluster.PostVotingConfigExclusions().NodeNames(name).Timeout(exclusionTimeout).MasterTimeout(masterTimeout).Perform(ctx)
	if err != nil {
		return err
	}
	defer closeBody(res)
	return decode(res, nil)
}

// clearVotingExclusions is DELETE _cluster/voting_config_exclusions?wait_for_removal=false.
func (c *client) clearVotingExclusions(ctx context.Context) error {
	ctx, cancel := bounded(ctx)
	defer cancel()
	res, err := c.es.Cluster.DeleteVotingConfigExclusions().WaitForRemoval(false).MasterTimeout(masterTimeout).Perform(ctx)
	if err != nil {
		return err
	}
	defer closeBody(res)
	return decode(res, nil)
}

// closeBody drains and closes a response's body, so that its connection is reused.
func closeBody(res *http.Response) {
	_, _ = io.Copy(io.Discard, res.Body)
	_ = res.Body.Close()
}

// decode reads a response into v (nil: drop the body) and turns an error answer into the
// typed API's *types.ElasticsearchError, so that callers read the status and ES's reason.
func decode(res *http.Response, v any) error {
	if res.StatusCode >= 300 {
		e := types.NewElasticsearchError()
		if err := json.NewDecoder(res.Body).Decode(e); err != nil {
			return fmt.Errorf("HTTP %d from Elasticsearch", res.StatusCode)
		}
		e.Status = res.StatusCode
		return e
	}
	if v == nil {
		return nil
	}
	return json.NewDecoder(res.Body).Decode(v)
}

// hasStatus reports whether err is Elasticsearch's answer with this HTTP status.
func hasStatus(err error, status int) bool {
	var e *types.ElasticsearchError
	return errors.As(err, &e) && e.Status == status
}

// timeValue prints a duration as an Elasticsearch time value ("5m", "90s", "1500ms"): Go's
// "5m0s" is not one.
func timeValue(d time.Duration) string {
	switch {
	case d%time.Hour == 0 && d > 0:
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
	case d%time.Minute == 0 && d > 0:
		return strconv.FormatInt(int64(d/time.Minute), 10) + "m"
	case d%time.Second == 0:
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	default:
		return strconv.FormatInt(d.Milliseconds(), 10) + "ms"
	}
}
