package resources

import (
	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/controller/pilot"
)

// Ports and paths of the Cassandra container, as in the upstream image.
const (
	StoragePort = 7000
	CQLPort     = 9042
	Home        = "/opt/cassandra"
	// Command is the upstream image's Cassandra launcher, in the foreground; the pilot runs it.
	Command = Home + "/bin/cassandra"
	// DataPath holds the data, commit log, hints and saved caches.
	DataPath = "/var/lib/cassandra"
	// ContainerName is the database container of every pod.
	ContainerName = "cassandra"
	// DataVolume is the volume (claim template or emptyDir) under DataPath.
	DataVolume = "data"
	// DefaultImage is the upstream repository used when spec.image is not set.
	DefaultImage = "cassandra"
	// DefaultDatacenter is the datacenter of a pool that names none (the API's default).
	DefaultDatacenter = "dc1"
)

// Labels and annotations Navigator reads or writes.
const (
	// LabelSeed marks the seed nodes, whose DNS names the controller gives every node's Pilot as
	// its seeds. The controller sets it on a node once the node has joined the ring (and, for a
	// brand-new cluster, on the first node before it starts): a seed never bootstraps, so a
	// node must not be a seed before it holds its data.
	LabelSeed = "navigator.dev/seed"
	// AnnotationRestart carries a token: changing it asks for a rolling restart without a spec
	// change (kubectl annotate cass/NAME navigator.dev/restart=$(date +%s) --overwrite).
	AnnotationRestart = "navigator.dev/restart"
	// AnnotationConfigHash on the pod template is the hash of what the pilot configures the
	// node from, so that changing it rolls the pool.
	AnnotationConfigHash = "navigator.dev/config-hash"
	// AnnotationDecommissioned on a node's data claim carries the host id the node had when it
	// was decommissioned: a claim kept by whenScaled: Retain holds data Cassandra will not start
	// on again, and the controller holds the next pod of that name until the claim is deleted.
	AnnotationDecommissioned = "navigator.dev/decommissioned"
)

// ClaimName is the data claim of a node (pod), as the StatefulSet names it.
func ClaimName(node string) string { return DataVolume + "-" + node }

// StatefulSetName is the StatefulSet, and the prefix of the pod names, of a pool.
func StatefulSetName(cluster, pool string) string { return cluster + "-" + pool }

// NodesServiceName is the headless Service of every node: the pods' DNS subdomain.
func NodesServiceName(cluster string) string { return cluster + "-nodes" }

// LegacySeedsServiceName is the headless seeds Service of clusters made by earlier Navigator
// releases, which named it as every node's seed list; the controller deletes it.
func LegacySeedsServiceName(cluster string) string { return cluster + "-seeds" }

// ClientServiceName is the Service clients use: ready nodes only, CQL.
func ClientServiceName(cluster string) string { return cluster + "-cql" }

// PodDisruptionBudgetName is the PodDisruptionBudget of one datacenter.
func PodDisruptionBudgetName(cluster, datacenter string) string { return cluster + "-" + datacenter }

// Datacenter of a pool.
func Datacenter(p *navv1alpha1.CassandraNodePool) string {
	if p.Datacenter == "" {
		return DefaultDatacenter
	}
	return p.Datacenter
}

// Rack of a pool: its own, or its name.
func Rack(p *navv1alpha1.CassandraNodePool) string {
	if p.Rack == "" {
		return p.Name
	}
	return p.Rack
}

// Labels are on every object of a cluster.
func Labels(cluster string) map[string]string {
	return map[string]string{
		pilot.LabelCluster:             cluster,
		pilot.LabelEngine:              string(navv1alpha1.EngineCassandra),
		"app.kubernetes.io/name":       "cassandra",
		"app.kubernetes.io/instance":   cluster,
		"app.kubernetes.io/managed-by": "navigator",
	}
}

// Selector selects the pods of a cluster.
func Selector(cluster string) map[string]string {
	return map[string]string{pilot.LabelCluster: cluster, pilot.LabelEngine: string(navv1alpha1.EngineCassandra)}
}

// PoolSelector selects the pods of one pool.
func PoolSelector(cluster, pool string) map[string]string {
	s := Selector(cluster)
	s[pilot.LabelNodePool] = pool
	return s
}

// LabelDatacenter on every pod names its datacenter, for the datacenter's PodDisruptionBudget.
const LabelDatacenter = "navigator.dev/datacenter"
