package elasticsearch

import (
	"maps"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

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
	name := StatefulSetName(esc.Name, pool.Name)
	podLabels := maps.Clone(pool.PodLabels)
	if podLabels == nil {
		podLabels = map[string]string{}
	}
	maps.Copy(podLabels, Labels(esc.Name))
	podLabels[pilot.LabelNodePool] = pool.Name
	annotations := maps.Clone(pool.PodAnnotations)
	if annotations == nil {
		annotations = map[string]string{}
	}
	// The pilot writes elasticsearch.yml from these when the node starts: a change must roll
	// the pool even though the pod template would not otherwise differ.
	annotations[AnnotationConfigHash] = workload.Hash(struct {
		Roles  []navv1alpha1.ElasticsearchRole
		Config map[string]string
	}{pool.Roles, pool.Config})
	if token := esc.Annotations[AnnotationRestart]; token != "" {
		annotations[AnnotationRestart] = token
	}

	spec := corev1.PodSpec{
		Containers: []corev1.Container{{
			Name:            ContainerName,
			Image:           workload.DatabaseImage(esc.Spec.Image, DefaultImage, esc.Spec.Version),
			ImagePullPolicy: workload.PullPolicy(esc.Spec.Image),
			Command:         []string{Command},
			Ports: []corev1.ContainerPort{
				{Name: "http", ContainerPort: HTTPPort, Protocol: corev1.ProtocolTCP},
				{Name: "transport", ContainerPort: TransportPort, Protocol: corev1.ProtocolTCP},
			},
			Resources:    pool.Resources,
			VolumeMounts: []corev1.VolumeMount{{Name: DataVolume, MountPath: DataPath}},
			SecurityContext: &corev1.SecurityContext{
				AllowPrivilegeEscalation: ptr.To(false),
				Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
			},
		}},
		NodeSelector: pool.NodeSelector,
		Tolerations:  pool.Tolerations,
		Affinity:     pool.Affinity,
		SecurityContext: &corev1.PodSecurityContext{
			RunAsUser:      ptr.To[int64](esUser),
			RunAsGroup:     ptr.To[int64](0),
			RunAsNonRoot:   ptr.To(true),
			FSGroup:        ptr.To[int64](esUser),
			SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
		},
	}
	claims, retention, volumes := workload.DataClaims(pool.Persistence, DataVolume, PoolSelector(esc.Name, pool.Name))
	spec.Volumes = append(spec.Volumes, volumes...)

	in := pilotpod.Injection{
		Engine:         "elasticsearch",
		Image:          images.Pilot,
		PullPolicy:     images.PilotPullPolicy,
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
	if err := pilotpod.Inject(&spec, ContainerName, in); err != nil {
		return nil, err
	}

	return &appsv1.StatefulSet{
		ObjectMeta: metav1.ObjectMeta{Namespace: esc.Namespace, Name: name, Labels: PoolSelectorWithLabels(esc.Name, pool.Name)},
		Spec: appsv1.StatefulSetSpec{
			Selector:    &metav1.LabelSelector{MatchLabels: PoolSelector(esc.Name, pool.Name)},
			ServiceName: DiscoveryServiceName(esc.Name),
			// The start gate orders the nodes' starts; the pods themselves may all be created
			// at once, which makes a cold start as fast as its slowest node.
			PodManagementPolicy: appsv1.ParallelPodManagement,
			// The controller deletes each pod itself once the safety predicates allow it.
			UpdateStrategy:                       appsv1.StatefulSetUpdateStrategy{Type: appsv1.OnDeleteStatefulSetStrategyType},
			PersistentVolumeClaimRetentionPolicy: retention,
			VolumeClaimTemplates:                 claims,
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: podLabels, Annotations: annotations},
				Spec:       spec,
			},
		},
	}, nil
}

// PoolSelectorWithLabels is a pool's selector plus the cluster's common labels.
func PoolSelectorWithLabels(cluster, pool string) map[string]string {
	l := Labels(cluster)
	l[pilot.LabelNodePool] = pool
	return l
}
