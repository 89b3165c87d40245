package resources

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/resources/workload"
)

// NodesService is headless and publishes nodes that are not ready: gossip reaches a node
// before it serves, and it is every StatefulSet's governing Service, which gives pods stable
// DNS names.
func NodesService(c *navv1alpha1.CassandraCluster) *corev1.Service {
	return headless(c, NodesServiceName(c.Name), Selector(c.Name))
}

// ClientService is headless and publishes ready nodes only: its name resolves to the addresses
// of the nodes that serve CQL, which a driver takes as its contact points. A Cassandra driver
// needs the nodes' own addresses: given a virtual IP instead, it enters that IP in its ring as
// the address of whichever node answered first, and sends that node's requests to any node
// (gocql #1608; seen here as "no hosts available in the pool" while a node restarted), as
// jetstack/navigator #232 found in 2018. cass-operator's client Service is headless too.
func ClientService(c *navv1alpha1.CassandraCluster) *corev1.Service {
	return &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: c.Namespace, Name: ClientServiceName(c.Name), Labels: Labels(c.Name)},
		Spec: corev1.ServiceSpec{
			ClusterIP: corev1.ClusterIPNone,
			Selector:  Selector(c.Name),
			Ports:     []corev1.ServicePort{workload.ServicePort("cql", CQLPort)},
		},
	}
}

func headless(c *navv1alpha1.CassandraCluster, name string, selector map[string]string) *corev1.Service {
	return &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: c.Namespace, Name: name, Labels: Labels(c.Name)},
		Spec: corev1.ServiceSpec{
			ClusterIP:                corev1.ClusterIPNone,
			PublishNotReadyAddresses: true,
			Selector:                 selector,
			Ports:                    []corev1.ServicePort{workload.ServicePort("storage", StoragePort), workload.ServicePort("cql", CQLPort)},
		},
	}
}
