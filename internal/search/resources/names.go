package resources

import (
	"github.com/navigator-dbaas/navigator/internal/controller/pilot"
)

// Ports of the database container, the same in both engines' upstream images.
const (
	HTTPPort      = 9200
	TransportPort = 9300
	// DataVolume is the volume (claim template or emptyDir) under the dialect's DataPath.
	DataVolume = "data"
)

// Annotations Navigator reads on an ElasticsearchCluster or OpenSearchCluster, or writes on its
// pods.
const (
	// AnnotationRestart carries a token: changing it asks for a rolling restart without a spec
	// change (kubectl annotate esc/NAME navigator.dev/restart=$(date +%s) --overwrite).
	AnnotationRestart = "navigator.dev/restart"
	// AnnotationClusterUUID records the UUID of the formed cluster. Once set, no node is ever
	// again given cluster.initial_master_nodes (cluster.initial_cluster_manager_nodes):
	// bootstrapping a formed cluster a second time
	// would split it in two.
	AnnotationClusterUUID = "navigator.dev/cluster-uuid"
	// AnnotationConfigHash on the pod template is the hash of what the pilot configures the
	// node from (roles, config, version), so that changing any of it rolls the pool.
	AnnotationConfigHash = "navigator.dev/config-hash"
)

// StatefulSetName is the StatefulSet, and the prefix of the pod names, of a pool.
func StatefulSetName(cluster, pool string) string { return cluster + "-" + pool }

// DiscoveryServiceName is the headless Service whose DNS name is every node's seed host.
func DiscoveryServiceName(cluster string) string { return cluster + "-discovery" }

// ClientServiceName is the Service clients use: ready nodes only, HTTP.
func ClientServiceName(cluster string) string { return cluster + "-http" }

// PodDisruptionBudgetName is the cluster's PodDisruptionBudget.
func PodDisruptionBudgetName(cluster string) string { return cluster }

// Labels are on every object of a cluster; the first three select its pods.
func (d Dialect) Labels(cluster string) map[string]string {
	return map[string]string{
		pilot.LabelCluster:             cluster,
		pilot.LabelEngine:              string(d.Engine),
		"app.kubernetes.io/name":       d.Name,
		"app.kubernetes.io/instance":   cluster,
		"app.kubernetes.io/managed-by": "navigator",
	}
}

// Selector selects the pods of a cluster.
func (d Dialect) Selector(cluster string) map[string]string {
	return map[string]string{pilot.LabelCluster: cluster, pilot.LabelEngine: string(d.Engine)}
}

// PoolSelector selects the pods of one pool.
func (d Dialect) PoolSelector(cluster, pool string) map[string]string {
	s := d.Selector(cluster)
	s[pilot.LabelNodePool] = pool
	return s
}
