package node

import (
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/navigator-dbaas/navigator/test/sim/elasticsearch/cluster"
	"github.com/navigator-dbaas/navigator/test/sim/elasticsearch/config"
	"github.com/navigator-dbaas/navigator/test/sim/elasticsearch/coordination"
)

// Member is a node as the cluster state lists it (DiscoveryNode).
type Member struct {
	ID          string   `json:"id"`
	EphemeralID string   `json:"ephemeral_id"`
	Name        string   `json:"name"`
	Host        string   `json:"host"`
	Transport   string   `json:"transport_address"`
	HTTP        string   `json:"http_address"`
	Roles       []string `json:"roles"`
	// Attributes are the node's node.attr.* settings.
	Attributes  map[string]string `json:"attributes,omitempty"`
	Version     string            `json:"version"`
	ClusterName string            `json:"cluster_name"`
}

// MasterEligible reports whether the node has the master role (cluster_manager in OpenSearch).
func (n Member) MasterEligible() bool {
	return slices.Contains(n.Roles, "master") || slices.Contains(n.Roles, "cluster_manager") // OpenSearch's name
}

// VotingOnly reports whether the node votes but is never elected.
func (n Member) VotingOnly() bool { return slices.Contains(n.Roles, "voting_only") }

// Data reports whether the node holds shards.
func (n Member) Data() bool { return config.HoldsData(n.Roles) }

func (n Member) member() coordination.Member {
	return coordination.Member{ID: n.ID, Name: n.Name, MasterEligible: n.MasterEligible(), VotingOnly: n.VotingOnly()}
}

// IndexMeta is the metadata of an index beyond what the allocation model holds.
type IndexMeta struct {
	UUID     string    `json:"uuid"`
	Created  time.Time `json:"created"`
	Shards   int       `json:"number_of_shards"`
	Replicas int       `json:"number_of_replicas"`
	// SeqNo is the last sequence number given to a write, per shard.
	SeqNo []int64 `json:"seq_no"`
	// Version is the version of the node that created the index.
	Version string `json:"version"`
	// Settings are the index's dynamic settings other than number_of_replicas, by name without
	// "index." (index_settings.go).
	Settings map[string]string `json:"settings,omitempty"`
}

// ClusterState is what the elected master publishes and every node persists.
type ClusterState struct {
	ClusterName string `json:"cluster_name"`
	ClusterUUID string `json:"cluster_uuid"`
	// UUIDCommitted is set once a publication of the cluster's first state has been committed;
	// only then does a node belong to that cluster for good (join validation checks it).
	UUIDCommitted bool                 `json:"cluster_uuid_committed"`
	Term          int64                `json:"term"`
	Version       int64                `json:"version"`
	StateUUID     string               `json:"state_uuid"`
	MasterID      string               `json:"master_node"`
	Coordination  coordination.State   `json:"coordination"`
	Nodes         map[string]Member    `json:"nodes"`
	Allocation    *cluster.State       `json:"allocation"`
	Indices       map[string]IndexMeta `json:"indices"`
	// Persistent and Transient are the cluster settings, flattened.
	Persistent map[string]string `json:"persistent"`
	Transient  map[string]string `json:"transient"`
	// MasterSettings are the dynamic cluster settings the elected master's elasticsearch.yml
	// sets: the values its deciders start from, under the persistent and transient ones.
	MasterSettings map[string]string `json:"master_settings,omitempty"`
}

// newClusterState is the state of a node that has never joined a cluster.
func newClusterState(name string) *ClusterState {
	return &ClusterState{
		ClusterName: name, ClusterUUID: "_na_", Nodes: map[string]Member{}, Allocation: cluster.New(),
		Indices: map[string]IndexMeta{}, Persistent: map[string]string{}, Transient: map[string]string{},
	}
}

// clone deep-copies the state through JSON, which is also its wire form.
func (s *ClusterState) clone() *ClusterState {
	raw, err := json.Marshal(s)
	if err != nil {
		panic(err) // the state is plain data: a failure here is a programming error
	}
	out := &ClusterState{}
	if err := json.Unmarshal(raw, out); err != nil {
		panic(err)
	}
	return out
}

// bootstrapped reports whether the state belongs to a cluster that has formed.
func (s *ClusterState) bootstrapped() bool { return len(s.Coordination.VotingConfig) > 0 }

// newer orders accepted states as elections do: by term, then version.
func (s *ClusterState) newer(o *ClusterState) bool {
	return s.Term > o.Term || s.Term == o.Term && s.Version > o.Version
}

// members lists the nodes of the state for the coordination model.
func (s *ClusterState) members() []coordination.Member {
	out := make([]coordination.Member, 0, len(s.Nodes))
	for _, n := range s.sortedNodes() {
		out = append(out, n.member())
	}
	return out
}

// sortedNodes lists the nodes by name, as the APIs print them.
func (s *ClusterState) sortedNodes() []Member {
	out := make([]Member, 0, len(s.Nodes))
	for _, n := range s.Nodes {
		out = append(out, n)
	}
	slices.SortFunc(out, func(a, b Member) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// dataNodes counts the members that hold shards.
func (s *ClusterState) dataNodes() int {
	n := 0
	for _, m := range s.Nodes {
		if m.Data() {
			n++
		}
	}
	return n
}

// indexNames lists the indices in name order.
func (s *ClusterState) indexNames() []string {
	out := make([]string, 0, len(s.Indices))
	for name := range s.Indices {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

type coordExclusion = coordination.Exclusion
