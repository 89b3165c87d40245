// Package resources builds the Kubernetes objects of an Elasticsearch or OpenSearch cluster: the
// discovery and client Services, one StatefulSet per node pool with the pilot injected, and the
// PodDisruptionBudget, from a Cluster (the engine's cluster resource as both engines' controllers
// read it) and the engine's Dialect (its upstream image's layout and names). Everything here is
// pure: the cluster in, objects out. Which objects to write, and when, is the controller's
// business (internal/search/controller).
package resources
