package resources

import (
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/resources/workload"
)

// PodDisruptionBudget lets voluntary evictions take one node at a time (see
// workload.PodDisruptionBudget), or is nil when the cluster disables it.
func PodDisruptionBudget(esc *navv1alpha1.ElasticsearchCluster) *policyv1.PodDisruptionBudget {
	meta := metav1.ObjectMeta{Namespace: esc.Namespace, Name: PodDisruptionBudgetName(esc.Name), Labels: Labels(esc.Name)}
	return workload.PodDisruptionBudget(esc.Spec.PodDisruptionBudget, meta, Selector(esc.Name))
}
