package resources

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/navigator-dbaas/navigator/internal/resources/workload"
)

// DiscoveryService is headless and publishes the addresses of nodes that are not ready yet:
// a node must find its peers through it before it can join, and it is not ready until it has
// joined. It is also every StatefulSet's governing Service, which gives pods stable DNS names.
func (d Dialect) DiscoveryService(c Cluster) *corev1.Service {
	return &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: c.Meta.Namespace, Name: DiscoveryServiceName(c.Meta.Name), Labels: d.Labels(c.Meta.Name)},
		Spec: corev1.ServiceSpec{
			ClusterIP:                corev1.ClusterIPNone,
			PublishNotReadyAddresses: true,
			Selector:                 d.Selector(c.Meta.Name),
			Ports: []corev1.ServicePort{
				workload.ServicePort("transport", TransportPort),
				workload.ServicePort("http", HTTPPort),
			},
		},
	}
}

// ClientService routes to ready nodes only: a node that has not joined, or is restarting,
// gets no client traffic.
func (d Dialect) ClientService(c Cluster) *corev1.Service {
	return &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: c.Meta.Namespace, Name: ClientServiceName(c.Meta.Name), Labels: d.Labels(c.Meta.Name)},
		Spec: corev1.ServiceSpec{
			Type:     corev1.ServiceTypeClusterIP,
			Selector: d.Selector(c.Meta.Name),
			Ports:    []corev1.ServicePort{workload.ServicePort("http", HTTPPort)},
		},
	}
}
