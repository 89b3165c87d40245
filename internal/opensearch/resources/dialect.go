package resources

import (
	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	searchres "github.com/navigator-dbaas/navigator/internal/search/resources"
)

// Dialect is the upstream OpenSearch image's layout (opensearchproject/opensearch), which the
// image built here from Maven Central (test/real/opensearch) follows.
var Dialect = searchres.Dialect{
	Engine:       navv1alpha1.EngineOpenSearch,
	Name:         "opensearch",
	Home:         "/usr/share/opensearch",
	DefaultImage: "opensearchproject/opensearch",
}

// View reads an OpenSearchCluster as the shared controller and builders do.
func View(c *navv1alpha1.OpenSearchCluster) searchres.Cluster {
	v := searchres.Cluster{Object: c, Meta: &c.ObjectMeta, Version: c.Spec.Version, Spec: &c.Spec.ClusterCommonSpec, Status: &c.Status}
	for i := range c.Spec.NodePools {
		p := &c.Spec.NodePools[i]
		v.Pools = append(v.Pools, searchres.Pool{NodePoolCommon: &p.NodePoolCommon, Roles: searchres.RoleNames(p.Roles), MasterEligible: p.IsClusterManagerEligible(), HoldsShards: p.HoldsData()})
	}
	return v
}
