package resources

import (
	"slices"
	"strings"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
)

// MasterEligible reports whether a pool's nodes take part in master elections. Omitted roles
// mean Elasticsearch's default, every role.
func MasterEligible(pool *navv1alpha1.ElasticsearchNodePool) bool {
	return pool.Roles == nil || slices.Contains(pool.Roles, navv1alpha1.ESRoleMaster)
}

// HoldsShards reports whether a pool's nodes may hold shards: any data role.
func HoldsShards(pool *navv1alpha1.ElasticsearchNodePool) bool {
	if pool.Roles == nil {
		return true
	}
	return slices.ContainsFunc(pool.Roles, func(r navv1alpha1.ElasticsearchRole) bool {
		return strings.HasPrefix(string(r), "data")
	})
}
