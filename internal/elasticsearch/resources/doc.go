// Package resources builds the Kubernetes objects of an ElasticsearchCluster: the discovery
// and client Services, one StatefulSet per node pool with the pilot injected, and the
// PodDisruptionBudget. Everything here is pure: the cluster resource in, objects out. Which
// objects to write, and when, is the controller's business (internal/elasticsearch/controller).
package resources
