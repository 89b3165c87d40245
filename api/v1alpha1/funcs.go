package v1alpha1

import "slices"

// DefaultReplicas is the schema default of nodePools[].replicas.
const DefaultReplicas int32 = 1

// ReplicaCount returns the pool's replicas, applying the schema default to objects that were
// built in Go and never passed through the API server.
func (p *NodePoolCommon) ReplicaCount() int32 {
	if p.Replicas == nil {
		return DefaultReplicas
	}
	return *p.Replicas
}

// EffectiveRack returns the rack of the pool: spec.rack, or the pool's name when omitted.
func (p *CassandraNodePool) EffectiveRack() string {
	if p.Rack != "" {
		return p.Rack
	}
	return p.Name
}

// IsMasterEligible reports whether the pool's nodes can be elected master: roles omitted (every
// role) or including master without voting_only.
func (p *ElasticsearchNodePool) IsMasterEligible() bool {
	if p.Roles == nil {
		return true
	}
	return slices.Contains(p.Roles, ESRoleMaster) && !slices.Contains(p.Roles, ESRoleVotingOnly)
}

// HoldsData reports whether the pool's nodes hold shards: roles omitted (every role), or
// including data or one of the data tiers.
func (p *ElasticsearchNodePool) HoldsData() bool {
	if p.Roles == nil {
		return true
	}
	for _, r := range p.Roles {
		switch r {
		case ESRoleData, ESRoleDataContent, ESRoleDataHot, ESRoleDataWarm, ESRoleDataCold, ESRoleDataFrozen:
			return true
		}
	}
	return false
}

// IsClusterManagerEligible reports whether the pool's nodes can be elected cluster manager:
// roles omitted (OpenSearch's default roles include cluster_manager) or including it.
func (p *OpenSearchNodePool) IsClusterManagerEligible() bool {
	return p.Roles == nil || slices.Contains(p.Roles, OSRoleClusterManager)
}

// HoldsData reports whether the pool's nodes hold shards: roles omitted (the default roles
// include data) or including data. Nodes of the search role hold only copies of searchable
// snapshots, which OpenSearch fetches again from their repository: they are not drained.
func (p *OpenSearchNodePool) HoldsData() bool {
	return p.Roles == nil || slices.Contains(p.Roles, OSRoleData)
}

// PDBEnabled reports whether a PodDisruptionBudget is wanted (the default).
func (s *PodDisruptionBudgetSpec) PDBEnabled() bool {
	return s.Enabled == nil || *s.Enabled
}
