package workload

import (
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
)

// PodDisruptionBudget lets voluntary evictions (a Kubernetes node drain) take one database node
// at a time, or returns nil when the cluster disables it. Navigator's own restarts delete pods,
// which a budget does not govern; they pass the controller's predicates instead.
func PodDisruptionBudget(spec navv1alpha1.PodDisruptionBudgetSpec, meta metav1.ObjectMeta, selector map[string]string) *policyv1.PodDisruptionBudget {
	if e := spec.Enabled; e != nil && !*e {
		return nil
	}
	one := intstr.FromInt32(1)
	return &policyv1.PodDisruptionBudget{
		ObjectMeta: meta,
		Spec: policyv1.PodDisruptionBudgetSpec{
			MaxUnavailable: &one,
			Selector:       &metav1.LabelSelector{MatchLabels: selector},
		},
	}
}

// ServicePort is a TCP port that targets the container port of the same name.
func ServicePort(name string, number int32) corev1.ServicePort {
	return corev1.ServicePort{Name: name, Port: number, TargetPort: intstr.FromString(name), Protocol: corev1.ProtocolTCP}
}
