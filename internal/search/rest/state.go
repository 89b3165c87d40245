package rest

// StateView is the part of GET _cluster/state the pilots read; its shape depends on the metrics
// asked.
type StateView struct {
	ClusterUUID string `json:"cluster_uuid"`
	// MasterNode is the elected master's (OpenSearch: cluster manager's) id, left out while the
	// node knows none. OpenSearch 2.x still prints it under this name.
	MasterNode string             `json:"master_node"`
	Nodes      map[string]NodeRef `json:"nodes"`
	Metadata   struct {
		ClusterCoordination struct {
			VotingConfigExclusions []VotingExclusion `json:"voting_config_exclusions"`
		} `json:"cluster_coordination"`
	} `json:"metadata"`
}

// NodeRef is a node of the cluster state's nodes.
type NodeRef struct {
	Name string `json:"name"`
}

// VotingExclusion is one voting configuration exclusion.
type VotingExclusion struct {
	NodeID   string `json:"node_id"`
	NodeName string `json:"node_name"`
}

// AbsentNodeID is the id of an exclusion added by name for a node the cluster had not seen.
const AbsentNodeID = "_absent_"

// NoneLeaving reports whether every excluded node has left the cluster or is a member that is
// not leaving (its leave was withdrawn): only then may the voting configuration exclusions,
// which the engine clears all at once, be cleared. leaving holds the ids of the members that are
// leaving. A node excluded by name before it was seen has the id "_absent_", so names are
// compared too.
func NoneLeaving(st *StateView, leaving map[string]bool) bool {
	for _, x := range st.Metadata.ClusterCoordination.VotingConfigExclusions {
		if leaving[x.NodeID] {
			return false
		}
		for id, n := range st.Nodes {
			if x.NodeID == AbsentNodeID && n.Name == x.NodeName && leaving[id] {
				return false
			}
		}
	}
	return true
}

// Excluded reports whether the node of that id is among the voting configuration exclusions.
func (st *StateView) Excluded(id string) bool {
	for _, x := range st.Metadata.ClusterCoordination.VotingConfigExclusions {
		if x.NodeID == id {
			return true
		}
	}
	return false
}
