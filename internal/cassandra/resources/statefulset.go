package resources

import (
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/controller/pilot"
	"github.com/navigator-dbaas/navigator/internal/resources/pilotpod"
	"github.com/navigator-dbaas/navigator/internal/resources/workload"
)

// StopTimeout bounds the pilot's graceful stop: nodetool drain flushes every memtable, which on
// a busy node takes minutes.
const StopTimeout = 5 * time.Minute

// uid of the cassandra user in the upstream image; fsGroup makes volumes writable.
const cassandraUser = 999

// NodeHost is a node's DNS name: its pod's name in the headless nodes Service, which publishes
// not-ready addresses, so that it resolves from the moment the pod has an address.
func NodeHost(c *navv1alpha1.CassandraCluster, pod string) string {
	return fmt.Sprintf("%s.%s.%s.svc.cluster.local", pod, NodesServiceName(c.Name), c.Namespace)
}

// StatefulSet builds a pool's StatefulSet. Replicas are left unset: how many nodes a pool runs
// is the controller's decision (one joins at a time, one leaves at a time).
func StatefulSet(c *navv1alpha1.CassandraCluster, pool *navv1alpha1.CassandraNodePool, images workload.Images) (*appsv1.StatefulSet, error) {
	podLabels := Labels(c.Name)
	podLabels[pilot.LabelNodePool] = pool.Name
	podLabels[LabelDatacenter] = Datacenter(pool)
	// The pilot writes cassandra.yaml and the JVM options from these when the node starts: a
	// change must roll the pool although the pod template would not otherwise differ.
	annotations := map[string]string{AnnotationConfigHash: workload.Hash(struct {
		Config     map[string]string
		JVMOptions []string
		Resources  corev1.ResourceRequirements
	}{pool.Config, pool.JVMOptions, pool.Resources})}
	if token := c.Annotations[AnnotationRestart]; token != "" {
		annotations[AnnotationRestart] = token
	}
	in := pilotpod.Injection{
		Engine:         "cassandra",
		Cluster:        c.Name,
		ServiceAccount: pilotpod.ServiceAccountName(c.Name),
		StopTimeout:    StopTimeout,
		// The seeds come with each node's Pilot, as the controller names them.
		Args: []string{"--node-pool=" + pool.Name},
	}
	var err error
	if in.Image, in.PullPolicy, err = workload.PilotImage(c.Spec.PilotImage, images); err != nil {
		return nil, err
	}
	stsLabels := Labels(c.Name)
	stsLabels[pilot.LabelNodePool] = pool.Name
	return workload.StatefulSet(workload.Pool{
		Meta:           metav1.ObjectMeta{Namespace: c.Namespace, Name: StatefulSetName(c.Name, pool.Name), Labels: stsLabels},
		Spec:           &pool.NodePoolCommon,
		Selector:       PoolSelector(c.Name, pool.Name),
		PodLabels:      podLabels,
		PodAnnotations: annotations,
		ServiceName:    NodesServiceName(c.Name),
		Container: corev1.Container{
			Name:            ContainerName,
			Image:           workload.DatabaseImage(c.Spec.Image, DefaultImage, c.Spec.Version),
			ImagePullPolicy: workload.PullPolicy(c.Spec.Image),
			Command:         []string{Command, "-f"},
			Ports: []corev1.ContainerPort{
				{Name: "storage", ContainerPort: StoragePort, Protocol: corev1.ProtocolTCP},
				{Name: "cql", ContainerPort: CQLPort, Protocol: corev1.ProtocolTCP},
			},
			VolumeMounts: []corev1.VolumeMount{{Name: DataVolume, MountPath: DataPath}},
		},
		User:       cassandraUser,
		DataVolume: DataVolume,
		Pilot:      in,
	})
}
