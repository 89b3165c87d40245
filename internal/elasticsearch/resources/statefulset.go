package resources

import (
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/controller/pilot"
	"github.com/navigator-dbaas/navigator/internal/resources/pilotpod"
	"github.com/navigator-dbaas/navigator/internal/resources/workload"
)

// StopTimeout bounds the pilot's graceful stop of a node. Elasticsearch stops within seconds
// on SIGTERM; the margin covers a slow flush on a busy node.
const StopTimeout = 120 * time.Second

// uid and gid of the elasticsearch user in the upstream image; fsGroup makes volumes writable.
const esUser = 1000

// Images says which pilot image to inject when the cluster does not say.
type Images = workload.Images

// StatefulSet builds a pool's StatefulSet. Replicas are left unset: how many nodes a pool runs at
// any moment is the controller's decision (scale in waits for data to move), not the spec's.
func StatefulSet(esc *navv1alpha1.ElasticsearchCluster, pool *navv1alpha1.ElasticsearchNodePool, images Images) (*appsv1.StatefulSet, error) {
	podLabels := Labels(esc.Name)
	podLabels[pilot.LabelNodePool] = pool.Name
	// The pilot writes elasticsearch.yml from these when the node starts: a change must roll
	// the pool even though the pod template would not otherwise differ.
	annotations := map[string]string{AnnotationConfigHash: workload.Hash(struct {
		Roles  []navv1alpha1.ElasticsearchRole
		Config map[string]string
	}{pool.Roles, pool.Config})}
	if token := esc.Annotations[AnnotationRestart]; token != "" {
		annotations[AnnotationRestart] = token
	}
	in := pilotpod.Injection{
		Engine:         "elasticsearch",
		Cluster:        esc.Name,
		ServiceAccount: pilotpod.ServiceAccountName(esc.Name),
		StopTimeout:    StopTimeout,
		Args: []string{
			"--node-pool=" + pool.Name,
			"--seed-hosts=" + DiscoveryServiceName(esc.Name),
		},
	}
	var err error
	if in.Image, in.PullPolicy, err = workload.PilotImage(esc.Spec.PilotImage, images); err != nil {
		return nil, err
	}
	return workload.StatefulSet(workload.Pool{
		Meta:           metav1.ObjectMeta{Namespace: esc.Namespace, Name: StatefulSetName(esc.Name, pool.Name), Labels: PoolSelectorWithLabels(esc.Name, pool.Name)},
		Spec:           &pool.NodePoolCommon,
		Selector:       PoolSelector(esc.Name, pool.Name),
		PodLabels:      podLabels,
		PodAnnotations: annotations,
		ServiceName:    DiscoveryServiceName(esc.Name),
		Container: corev1.Container{
			Name:            ContainerName,
			Image:           workload.DatabaseImage(esc.Spec.Image, DefaultImage, esc.Spec.Version),
			ImagePullPolicy: workload.PullPolicy(esc.Spec.Image),
			Command:         []string{Command},
			Ports: []corev1.ContainerPort{
				{Name: "http", ContainerPort: HTTPPort, Protocol: corev1.ProtocolTCP},
				{Name: "transport", ContainerPort: TransportPort, Protocol: corev1.ProtocolTCP},
			},
			VolumeMounts: []corev1.VolumeMount{{Name: DataVolume, MountPath: DataPath}},
		},
		User:       esUser,
		DataVolume: DataVolume,
		Pilot:      in,
	})
}

// PoolSelectorWithLabels is a pool's selector plus the cluster's common labels.
func PoolSelectorWithLabels(cluster, pool string) map[string]string {
	l := Labels(cluster)
	l[pilot.LabelNodePool] = pool
	return l
}
