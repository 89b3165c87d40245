package resources

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
)

// Dialect is what differs between the workloads of Elasticsearch and OpenSearch: the upstream
// image's layout and the engine's names.
type Dialect struct {
	Engine navv1alpha1.Engine
	// Name is the engine's lower-case name: the pilot's engine, the database container's name,
	// app.kubernetes.io/name, and the upstream binary under Home/bin.
	Name string
	// Home is the upstream image's installation directory (data under Home/data).
	Home string
	// DefaultImage is the upstream repository used when spec.image is not set.
	DefaultImage string
	// Env are settings the upstream image's entrypoint reads.
	Env []corev1.EnvVar
}

// Command is the upstream image's binary; the pilot runs it.
func (d Dialect) Command() string { return d.Home + "/bin/" + d.Name }

// DataPath is where the data volume is mounted.
func (d Dialect) DataPath() string { return d.Home + "/data" }

// Cluster is an ElasticsearchCluster or an OpenSearchCluster as the shared controller and
// builders read it. Its pointers are into the object, so that writing Status or Meta writes the
// object.
type Cluster struct {
	Object  client.Object
	Meta    *metav1.ObjectMeta
	Version string
	Spec    *navv1alpha1.ClusterCommonSpec
	Pools   []Pool
	Status  *navv1alpha1.SearchClusterStatus
}

// Pool is a node pool: its common spec, its roles in the engine's words (nil: the engine's
// default) and what they make of its nodes.
type Pool struct {
	*navv1alpha1.NodePoolCommon
	Roles []string
	// MasterEligible nodes take part in master (cluster manager) elections; HoldsShards nodes
	// may hold shard copies.
	MasterEligible, HoldsShards bool
}

// RoleNames are a pool's roles in the engine's role type as plain names; nil (the engine's
// default roles) stays nil.
func RoleNames[R ~string](roles []R) []string {
	if roles == nil {
		return nil
	}
	out := make([]string, 0, len(roles))
	for _, r := range roles {
		out = append(out, string(r))
	}
	return out
}
