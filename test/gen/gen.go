// Package gen builds valid Navigator objects for tests, each changed by functional options, so
// that a test states only what it is about (the cert-manager test/unit/gen habit).
package gen

import (
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
)

// ESOption changes an ElasticsearchCluster under construction.
type ESOption func(*navv1alpha1.ElasticsearchCluster)

// ElasticsearchCluster returns a valid cluster: Elasticsearch 8.15.3, three dedicated masters and
// two data nodes, each with a 1Gi volume.
func ElasticsearchCluster(namespace, name string, opts ...ESOption) *navv1alpha1.ElasticsearchCluster {
	es := &navv1alpha1.ElasticsearchCluster{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name},
		Spec: navv1alpha1.ElasticsearchClusterSpec{
			Version: "8.15.3",
			NodePools: []navv1alpha1.ElasticsearchNodePool{
				ESPool("master", 3, navv1alpha1.ESRoleMaster),
				ESPool("data", 2, navv1alpha1.ESRoleData, navv1alpha1.ESRoleIngest),
			},
		},
	}
	for _, o := range opts {
		o(es)
	}
	return es
}

// ESPool returns a node pool with a 1Gi volume.
func ESPool(name string, replicas int32, roles ...navv1alpha1.ElasticsearchRole) navv1alpha1.ElasticsearchNodePool {
	return navv1alpha1.ElasticsearchNodePool{
		NodePoolCommon: pool(name, replicas),
		Roles:          roles,
	}
}

// WithESVersion sets the Elasticsearch version.
func WithESVersion(v string) ESOption {
	return func(es *navv1alpha1.ElasticsearchCluster) { es.Spec.Version = v }
}

// WithESPools replaces the node pools.
func WithESPools(pools ...navv1alpha1.ElasticsearchNodePool) ESOption {
	return func(es *navv1alpha1.ElasticsearchCluster) { es.Spec.NodePools = pools }
}

// OSOption changes an OpenSearchCluster under construction.
type OSOption func(*navv1alpha1.OpenSearchCluster)

// OpenSearchCluster returns a valid cluster: OpenSearch 2.19.6, three dedicated cluster managers
// and two data nodes, each with a 1Gi volume.
func OpenSearchCluster(namespace, name string, opts ...OSOption) *navv1alpha1.OpenSearchCluster {
	c := &navv1alpha1.OpenSearchCluster{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name},
		Spec: navv1alpha1.OpenSearchClusterSpec{
			Version: "2.19.6",
			NodePools: []navv1alpha1.OpenSearchNodePool{
				OSPool("manager", 3, navv1alpha1.OSRoleClusterManager),
				OSPool("data", 2, navv1alpha1.OSRoleData, navv1alpha1.OSRoleIngest),
			},
		},
	}
	for _, o := range opts {
		o(c)
	}
	return c
}

// OSPool returns an OpenSearch node pool with a 1Gi volume.
func OSPool(name string, replicas int32, roles ...navv1alpha1.OpenSearchRole) navv1alpha1.OpenSearchNodePool {
	return navv1alpha1.OpenSearchNodePool{NodePoolCommon: pool(name, replicas), Roles: roles}
}

// WithOSVersion sets the OpenSearch version.
func WithOSVersion(v string) OSOption {
	return func(c *navv1alpha1.OpenSearchCluster) { c.Spec.Version = v }
}

// WithOSPools replaces the node pools.
func WithOSPools(pools ...navv1alpha1.OpenSearchNodePool) OSOption {
	return func(c *navv1alpha1.OpenSearchCluster) { c.Spec.NodePools = pools }
}

// CassOption changes a CassandraCluster under construction.
type CassOption func(*navv1alpha1.CassandraCluster)

// CassandraCluster returns a valid cluster: Cassandra 4.1.7, datacenter dc1 with racks r1 and r2
// (pools of the same names), two nodes in r1 and one in r2, each with a 1Gi volume.
func CassandraCluster(namespace, name string, opts ...CassOption) *navv1alpha1.CassandraCluster {
	c := &navv1alpha1.CassandraCluster{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name},
		Spec: navv1alpha1.CassandraClusterSpec{
			Version:   "4.1.7",
			NodePools: []navv1alpha1.CassandraNodePool{CassPool("r1", 2, "dc1", ""), CassPool("r2", 1, "dc1", "")},
		},
	}
	for _, o := range opts {
		o(c)
	}
	return c
}

// CassPool returns a node pool with a 1Gi volume; an empty rack means the pool's name.
func CassPool(name string, replicas int32, datacenter, rack string) navv1alpha1.CassandraNodePool {
	return navv1alpha1.CassandraNodePool{NodePoolCommon: pool(name, replicas), Datacenter: datacenter, Rack: rack}
}

// WithCassVersion sets the Cassandra version.
func WithCassVersion(v string) CassOption {
	return func(c *navv1alpha1.CassandraCluster) { c.Spec.Version = v }
}

// WithCassPools replaces the node pools.
func WithCassPools(pools ...navv1alpha1.CassandraNodePool) CassOption {
	return func(c *navv1alpha1.CassandraCluster) { c.Spec.NodePools = pools }
}

// Pilot returns the Pilot of one database pod.
func Pilot(namespace, name string, engine navv1alpha1.Engine, cluster string) *navv1alpha1.Pilot {
	return &navv1alpha1.Pilot{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name},
		Spec:       navv1alpha1.PilotSpec{Engine: engine, Cluster: cluster},
	}
}

func pool(name string, replicas int32) navv1alpha1.NodePoolCommon {
	return navv1alpha1.NodePoolCommon{
		Name:        name,
		Replicas:    ptr.To(replicas),
		Persistence: &navv1alpha1.PersistenceSpec{Size: resource.MustParse("1Gi")},
	}
}
