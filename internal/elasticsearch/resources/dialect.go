package resources

import (
	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	searchres "github.com/navigator-dbaas/navigator/internal/search/resources"
)

// Dialect is the upstream Elasticsearch image's layout, for the shared builders.
var Dialect = searchres.Dialect{
	Engine:       navv1alpha1.EngineElasticsearch,
	Name:         "elasticsearch",
	Home:         "/usr/share/elasticsearch",
	DefaultImage: "docker.elastic.co/elasticsearch/elasticsearch",
}

// View reads an ElasticsearchCluster as the shared controller and builders do.
func View(esc *navv1alpha1.ElasticsearchCluster) searchres.Cluster {
	c := searchres.Cluster{Object: esc, Meta: &esc.ObjectMeta, Version: esc.Spec.Version, Spec: &esc.Spec.ClusterCommonSpec, Status: &esc.Status}
	for i := range esc.Spec.NodePools {
		p := &esc.Spec.NodePools[i]
		c.Pools = append(c.Pools, searchres.Pool{NodePoolCommon: &p.NodePoolCommon, Roles: searchres.RoleNames(p.Roles), MasterEligible: MasterEligible(p), HoldsShards: HoldsShards(p)})
	}
	return c
}
