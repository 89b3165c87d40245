package resources

import (
	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/controller/pilot"
)

// Ports and paths of the Elasticsearch container, as in the upstream image.
const (
	HTTPPort      = 9200
	TransportPort = 9300
	Home          = "/usr/share/elasticsearch"
	DataPath      = Home + "/data"
	// Command is the upstream image's Elasticsearch binary; the pilot runs it.
	Command = Home + "/bin/elasticsearch"
	// ContainerName is the database container of every pod.
	ContainerName = "elasticsearch"
	// DataVolume is the volume (claim template or emptyDir) under DataPath.
	DataVolume = "data"
	// DefaultImage is the upstream repository used when spec.image is not set.
	DefaultImage = "docker.elastic.co/elasticsearch/elasticsearch"
)

// Annotations Navigator reads on an ElasticsearchCluster or writes on its pods.
const (
	// AnnotationRestart carries a token: changing it asks for a rolling restart without a spec
	// change (kubectl annotate esc/NAME navigator.dev/restart=$(date +%s) --overwrite).
	AnnotationRestart = "navigator.dev/restart"
	// AnnotationClusterUUID records the UUID of the formed cluster. Once set, no node is ever
	// again given cluster.initial_master_nodes: bootstrapping a formed cluster a second time
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
func Labels(cluster string) map[string]string {
	return map[string]string{
		pilot.LabelCluster:             cluster,
		pilot.LabelEngine:              string(navv1alpha1.EngineElasticsearch),
		"app.kubernetes.io/name":       "elasticsearch",
		"app.kubernetes.io/instance":   cluster,
		"app.kubernetes.io/managed-by": "navigator",
	}
}

// Selector selects the pods of a cluster.
func Selector(cluster string) map[string]string {
	return map[string]string{pilot.LabelCluster: cluster, pilot.LabelEngine: string(navv1alpha1.EngineElasticsearch)}
}

// PoolSelector selects the pods of one pool.
func PoolSelector(cluster, pool string) map[string]string {
	s := Selector(cluster)
	s[pilot.LabelNodePool] = pool
	return s
}
