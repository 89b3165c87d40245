package pilot

import (
	"bytes"
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
	"github.com/elastic/go-elasticsearch/v8/esapi"
	"k8s.io/utils/ptr"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
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

// answers reports whether the node's HTTP layer answers GET /, whatever the status.
func (c *client) answers(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	res, err := esapi.InfoRequest{}.Do(ctx, c.es)
	if err != nil {
		return err
	}
	closeBody(res.Body)
	return nil
}

// root is the part of GET / the engine reads.
type root struct {
	ClusterUUID string `json:"cluster_uuid"`
	Version     struct {
		Number string `json:"number"`
	} `json:"version"`
}

// info is GET /: the version and the UUID of the cluster the node has joined.
func (c *client) info(ctx context.Context) (*root, error) {
	var r root
	if err := c.do(ctx, esapi.InfoRequest{}, &r); err != nil {
		return nil, err
	}
	return &r, nil
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
	return slices.Contains(n.Roles, navv1alpha1.ESRoleMaster)
}

// nodeStats is the part of one node's entry in GET _nodes/<id>/stats/indices the engine reads.
type nodeStats struct {
	Name    string   `json:"name"`
	Roles   []string `json:"roles"`
	Indices struct {
		Docs struct {
			Count int64 `json:"count"`
		} `json:"docs"`
		ShardStats struct {
			TotalCount int32 `json:"total_count"`
		} `json:"shard_stats"`
	} `json:"indices"`
}

// local is GET _nodes/_local/stats/indices.
func (c *client) local(ctx context.Context) (localNode, error) {
	var body struct {
		Nodes map[string]nodeStats `json:"nodes"`
	}
	req := esapi.NodesStatsRequest{NodeID: []string{"_local"}, Metric: []string{"indices"}}
	if err := c.do(ctx, req, &body); err != nil {
		return localNode{}, err
	}
	if len(body.Nodes) != 1 {
		return localNode{}, fmt.Errorf("_nodes/_local/stats answered for %d nodes, not 1", len(body.Nodes))
	}
	var n localNode
	for id, s := range body.Nodes {
		n.ID, n.Name = id, s.Name
		for _, r := range s.Roles {
			n.Roles = append(n.Roles, navv1alpha1.ElasticsearchRole(r))
		}
		slices.Sort(n.Roles) // as Elasticsearch lists them, whatever the order in node.roles
		n.Documents, n.Shards = s.Indices.Docs.Count, s.Indices.ShardStats.TotalCount
	}
	return n, nil
}

// health is the cluster health as the node's own cluster state has it (local=true).
func (c *client) health(ctx context.Context) (navv1alpha1.SearchHealth, error) {
	var body struct {
		Status string `json:"status"`
	}
	if err := c.do(ctx, esapi.ClusterHealthRequest{Local: ptr.To(true)}, &body); err != nil {
		return navv1alpha1.HealthUnknown, err
	}
	return navv1alpha1.SearchHealth(strings.ToLower(body.Status)), nil
}

// stateView is the part of the cluster state the engine reads; the shape of the state depends
// on the metrics asked.
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
	var st stateView
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
			Nodes []struct {
				NodeName string `json:"node_name"`
				Deciders []struct {
					Explanation string `json:"explanation"`
				} `json:"deciders"`
			} `json:"node_allocation_decisions"`
		} `json:"node_allocation_decision"`
	} `json:"shard_migration"`
}

// maxExplanation bounds the explanation the status carries: with many nodes, each one's refusal
// would otherwise make every report long.
const maxExplanation = 1024

// explanation is Elasticsearch's explanation of the shard migration and, when it names the
// allocation decision of a stalled copy ("see [node_allocation_decision]"), why each other node
// refuses it: the reason a person needs (an allocation filter, a full disk) without asking the
// allocation explain API.
func (s *shutdown) explanation() string {
	out := s.ShardMigration.Explanation
	if d := s.ShardMigration.Decision; d != nil {
		var why []string
		for _, n := range d.Nodes {
			if len(n.Deciders) > 0 {
				why = append(why, n.NodeName+": "+n.Deciders[0].Explanation)
			}
		}
		if len(why) > 0 {
			out += "; " + strings.Join(why, "; ")
		}
	}
	if len(out) > maxExplanation {
		out = out[:maxExplanation-3] + "..."
	}
	return out
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
		body["allocation_delay"] = timeValue(delay)
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

// excludeFromVoting is POST _cluster/voting_config_exclusions?node_names=<name>. Elasticsearch
// answers once the node is out of the voting configuration, or 408 after exclusionTimeout.
func (c *client) excludeFromVoting(ctx context.Context, name string) error {
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

// esError is Elasticsearch's error answer, {"error": {"type": …, "reason": …}, "status": …},
// kept so that callers can tell a status (404: nothing to delete; 408: not yet) from a failure.
type esError struct {
	Status int
	Type   string
	Reason string
}

func (e *esError) Error() string {
	if e.Type == "" && e.Reason == "" {
		return fmt.Sprintf("HTTP %d from Elasticsearch", e.Status)
	}
	return fmt.Sprintf("HTTP %d from Elasticsearch: %s: %s", e.Status, e.Type, e.Reason)
}

// decode reads a response into v (nil: drop the body) and turns an error answer into *esError.
func decode(res *esapi.Response, v any) error {
	if res.StatusCode >= 300 {
		e := &esError{Status: res.StatusCode}
		var body struct {
			Error json.RawMessage `json:"error"`
		}
		if json.NewDecoder(res.Body).Decode(&body) == nil && len(body.Error) > 0 {
			var cause struct {
				Type   string `json:"type"`
				Reason string `json:"reason"`
			}
			if json.Unmarshal(body.Error, &cause) == nil {
				e.Type, e.Reason = cause.Type, cause.Reason
			} else {
				_ = json.Unmarshal(body.Error, &e.Reason) // some answers give the error as a string
			}
		}
		return e
	}
	if v == nil {
		return nil
	}
	return json.NewDecoder(res.Body).Decode(v)
}

// isTimeout reports whether err is Elasticsearch giving up a wait it was asked to make, an
// ElasticsearchTimeoutException: type timeout_exception, status 500 up to 8.x and 429 from 9.0
// (a voting exclusion whose node the master has not yet taken out of the configuration). 408,
// which Elasticsearch never answers for it, counts too: a proxy in between may.
func isTimeout(err error) bool {
	var e *esError
	return errors.As(err, &e) && (e.Type == "timeout_exception" || e.Status == http.StatusRequestTimeout)
}

// hasStatus reports whether err is Elasticsearch's answer with this HTTP status.
func hasStatus(err error, status int) bool {
	var e *esError
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
