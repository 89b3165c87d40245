package resources

import (
	"slices"

	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/resources/workload"
)

// Datacenters of the cluster, in the order their first pool appears.
func Datacenters(c *navv1alpha1.CassandraCluster) []string {
	var dcs []string
	for i := range c.Spec.NodePools {
		if dc := Datacenter(&c.Spec.NodePools[i]); !slices.Contains(dcs, dc) {
			dcs = append(dcs, dc)
		}
	}
	return dcs
}

// PodDisruptionBudgets let voluntary evictions take one node at a time in each datacenter
// (with replicas spread over racks, one node down keeps every QUORUM and LOCAL_QUORUM), or none
// when the cluster disables them.
func PodDisruptionBudgets(c *navv1alpha1.CassandraCluster) []*policyv1.PodDisruptionBudget {
	var out []*policyv1.PodDisruptionBudget
	for _, dc := range Datacenters(c) {
		sel := Selector(c.Name)
		sel[LabelDatacenter] = dc
		meta := metav1.ObjectMeta{Namespace: c.Namespace, Name: PodDisruptionBudgetName(c.Name, dc), Labels: Labels(c.Name)}
		if pdb := workload.PodDisruptionBudget(c.Spec.PodDisruptionBudget, meta, sel); pdb != nil {
			out = append(out, pdb)
		}
	}
	return out
}
