package pilotpod

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
)

// ServiceAccountName is the pilots' ServiceAccount of a cluster. The pilot-identity admission
// policy of the chart recognises pilots by the -pilot suffix.
func ServiceAccountName(cluster string) string { return cluster + "-pilot" }

// RBAC returns the ServiceAccount, Role and RoleBinding of a cluster's pilots: read their
// Pilots and the cluster resource, write Pilot status. Which Pilot each may write is narrowed
// to its own by the chart's ValidatingAdmissionPolicy; RBAC cannot say "the one named like my
// pod".
func RBAC(namespace, cluster string, engine navv1alpha1.Engine, labels map[string]string) (*corev1.ServiceAccount, *rbacv1.Role, *rbacv1.RoleBinding) {
	name := ServiceAccountName(cluster)
	meta := metav1.ObjectMeta{Namespace: namespace, Name: name, Labels: labels}
	// The kind's resource: ElasticsearchCluster's elasticsearchclusters, and so on.
	clusterResource := strings.ToLower(string(engine)) + "clusters"
	group := navv1alpha1.GroupVersion.Group
	role := &rbacv1.Role{
		ObjectMeta: meta,
		Rules: []rbacv1.PolicyRule{
			{APIGroups: []string{group}, Resources: []string{"pilots"}, Verbs: []string{"get", "list", "watch"}},
			{APIGroups: []string{group}, Resources: []string{"pilots/status"}, Verbs: []string{"get", "update", "patch"}},
			{APIGroups: []string{group}, Resources: []string{clusterResource}, ResourceNames: []string{cluster}, Verbs: []string{"get", "list", "watch"}},
		},
	}
	binding := &rbacv1.RoleBinding{
		ObjectMeta: meta,
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: name},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: name, Namespace: namespace}},
	}
	return &corev1.ServiceAccount{ObjectMeta: meta}, role, binding
}
