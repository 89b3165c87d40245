package resources

import (
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/navigator-dbaas/navigator/internal/controller/pilot"
	"github.com/navigator-dbaas/navigator/internal/resources/pilotpod"
	"github.com/navigator-dbaas/navigator/internal/resources/workload"
)

// StopTimeout bounds the pilot's graceful stop of a node. Elasticsearch stops within seconds
// on SIGTERM, OpenSearch within a minute (its transport may wait on its event loop); the margin
// covers a slow flush on a busy node.
const StopTimeout = 120 * time.Second

// uid and gid of the elasticsearch and opensearch users in the upstream images; fsGroup makes
// volumes writable.
const user = 1000

// Images says which pilot image to inject when the cluster does not say.
type Images = workload.Images

// StatefulSet builds a pool's StatefulSet. Replicas are left unset: how many nodes a pool runs at
// any moment is the controller's decision (scale in waits for data to move), not the spec's.
func (d Dialect) StatefulSet(c Cluster, pool Pool, images Images) (*appsv1.StatefulSet, error) {
	podLabels := d.Labels(c.Meta.Name)
	podLabels[pilot.LabelNodePool] = pool.Name
	// The pilot writes the settings file from these when the node starts: a change must roll
	// the pool even though the pod template would not otherwise differ.
	annotations := map[string]string{AnnotationConfigHash: workload.Hash(struct {
		Roles  []string
		Config map[string]string
	}{pool.Roles, pool.Config})}
	if token := c.Meta.Annotations[AnnotationRestart]; token != "" {
		annotations[AnnotationRestart] = token
	}
	in := pilotpod.Injection{
		Engine:         d.Name,
		Cluster:        c.Meta.Name,
		ServiceAccount: pilotpod.ServiceAccountName(c.Meta.Name),
		StopTimeout:    StopTimeout,
		Args: []string{
			"--node-pool=" + pool.Name,
			"--seed-hosts=" + DiscoveryServiceName(c.Meta.Name),
		},
	}
	var err error
	if in.Image, in.PullPolicy, err = workload.PilotImage(c.Spec.PilotImage, images); err != nil {
		return nil, err
	}
	return workload.StatefulSet(workload.Pool{
		Meta:           metav1.ObjectMeta{Namespace: c.Meta.Namespace, Name: StatefulSetName(c.Meta.Name, pool.Name), Labels: d.PoolSelectorWithLabels(c.Meta.Name, pool.Name)},
		Spec:           pool.NodePoolCommon,
		Selector:       d.PoolSelector(c.Meta.Name, pool.Name),
		PodLabels:      podLabels,
		PodAnnotations: annotations,
		ServiceName:    DiscoveryServiceName(c.Meta.Name),
		Container: corev1.Container{
			Name:            d.Name,
			Image:           workload.DatabaseImage(c.Spec.Image, d.DefaultImage, c.Version),
			ImagePullPolicy: workload.PullPolicy(c.Spec.Image),
			Command:         []string{d.Command()},
			Env:             d.Env,
			Ports: []corev1.ContainerPort{
				{Name: "http", ContainerPort: HTTPPort, Protocol: corev1.ProtocolTCP},
				{Name: "transport", ContainerPort: TransportPort, Protocol: corev1.ProtocolTCP},
			},
			VolumeMounts: []corev1.VolumeMount{{Name: DataVolume, MountPath: d.DataPath()}},
		},
		User:       user,
		DataVolume: DataVolume,
		Pilot:      in,
	})
}

// PoolSelectorWithLabels is a pool's selector plus the cluster's common labels.
func (d Dialect) PoolSelectorWithLabels(cluster, pool string) map[string]string {
	l := d.Labels(cluster)
	l[pilot.LabelNodePool] = pool
	return l
}
