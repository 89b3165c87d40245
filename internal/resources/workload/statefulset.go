package workload

import (
	"maps"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/resources/pilotpod"
)

// Pool is what an engine decides about one pool's StatefulSet; the rest is the same for every
// engine and built by StatefulSet.
type Pool struct {
	// Meta names the StatefulSet and carries its labels.
	Meta metav1.ObjectMeta
	// Spec is the pool's common spec: resources, scheduling, pod labels and annotations,
	// persistence.
	Spec *navv1alpha1.NodePoolCommon
	// Selector selects the pool's pods; PodLabels and PodAnnotations are the engine's own,
	// added to the pool's.
	Selector                  map[string]string
	PodLabels, PodAnnotations map[string]string
	// ServiceName is the governing headless Service.
	ServiceName string
	// Container is the database container: name, image, command, ports, data mount. Resources
	// and the security context are filled here.
	Container corev1.Container
	// User is the uid of the database user in the upstream image; fsGroup makes volumes writable.
	User int64
	// DataVolume is the name of the volume mounted by the container for data.
	DataVolume string
	// Pilot is how the pilot is injected.
	Pilot pilotpod.Injection
}

// StatefulSet builds a pool's StatefulSet. Replicas are left unset: how many nodes a pool runs
// is the controller's decision. Every pod is created at once (Parallel): the pilots' start gate,
// not the StatefulSet, orders the starts; the controller deletes each pod itself when a restart
// is safe (OnDelete).
func StatefulSet(p Pool) (*appsv1.StatefulSet, error) {
	labels := maps.Clone(p.Spec.PodLabels)
	if labels == nil {
		labels = map[string]string{}
	}
	maps.Copy(labels, p.PodLabels)
	annotations := maps.Clone(p.Spec.PodAnnotations)
	if annotations == nil {
		annotations = map[string]string{}
	}
	maps.Copy(annotations, p.PodAnnotations)

	c := p.Container
	c.Resources = p.Spec.Resources
	c.SecurityContext = &corev1.SecurityContext{
		AllowPrivilegeEscalation: ptr.To(false),
		Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
	}
	spec := corev1.PodSpec{
		Containers:   []corev1.Container{c},
		NodeSelector: p.Spec.NodeSelector,
		Tolerations:  p.Spec.Tolerations,
		Affinity:     p.Spec.Affinity,
		SecurityContext: &corev1.PodSecurityContext{
			RunAsUser:      ptr.To(p.User),
			RunAsGroup:     ptr.To[int64](0),
			RunAsNonRoot:   ptr.To(true),
			FSGroup:        ptr.To(p.User),
			SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
		},
	}
	claims, retention, volumes := DataClaims(p.Spec.Persistence, p.DataVolume, p.Selector)
	spec.Volumes = append(spec.Volumes, volumes...)
	if err := pilotpod.Inject(&spec, c.Name, p.Pilot); err != nil {
		return nil, err
	}
	return &appsv1.StatefulSet{
		ObjectMeta: p.Meta,
		Spec: appsv1.StatefulSetSpec{
			Selector:                             &metav1.LabelSelector{MatchLabels: p.Selector},
			ServiceName:                          p.ServiceName,
			PodManagementPolicy:                  appsv1.ParallelPodManagement,
			UpdateStrategy:                       appsv1.StatefulSetUpdateStrategy{Type: appsv1.OnDeleteStatefulSetStrategyType},
			PersistentVolumeClaimRetentionPolicy: retention,
			VolumeClaimTemplates:                 claims,
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels, Annotations: annotations},
				Spec:       spec,
			},
		},
	}, nil
}
