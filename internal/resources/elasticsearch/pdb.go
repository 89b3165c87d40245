package elasticsearch

import (
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
)

// PodDisruptionBudget lets voluntary evictions (a Kubernetes node drain) take one database node
// at a time, or none when the cluster disables it. Navigator's own restarts delete pods, which
// a budget does not govern; they pass the controller's predicates instead.
func PodDisruptionBudget(esc *navv1alpha1.ElasticsearchCluster) *policyv1.PodDisruptionBudget {
	if e := esc.Spec.PodDisruptionBudget.Enabled; e != nil && !*e {
		return nil
	}
	one := intstr.FromInt32(1)
	return &policyv1.PodDisruptionBudget{
		ObjectMeta: metav1.ObjectMeta{Namespace: esc.Namespace, Name: PodDisruptionBudgetName(esc.Name), Labels: Labels(esc.Name)},
		Spec: policyv1.PodDisruptionBudgetSpec{
			MaxUnavailable: &one,
			Selector:       &metav1.LabelSelector{MatchLabels: Selector(esc.Name)},
		},
	}
}
