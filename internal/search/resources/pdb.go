package resources

import (
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/navigator-dbaas/navigator/internal/resources/workload"
)

// PodDisruptionBudget lets voluntary evictions take one node at a time (see
// workload.PodDisruptionBudget), or is nil when the cluster disables it.
func (d Dialect) PodDisruptionBudget(c Cluster) *policyv1.PodDisruptionBudget {
	meta := metav1.ObjectMeta{Namespace: c.Meta.Namespace, Name: PodDisruptionBudgetName(c.Meta.Name), Labels: d.Labels(c.Meta.Name)}
	return workload.PodDisruptionBudget(c.Spec.PodDisruptionBudget, meta, d.Selector(c.Meta.Name))
}
