// Package resources builds the Kubernetes objects of a CassandraCluster: the headless Service
// that gives every node a stable DNS name and lets gossip find peers before they are ready, the
// seeds Service, the client Service, one StatefulSet per node pool (one rack each) with the
// pilot injected, and one PodDisruptionBudget per datacenter. Everything here is pure: the spec
// in, objects out.
package resources
