// Package controller holds what every navigator-controller reconciler shares, starting with the
// RBAC the manager needs. The reconcilers themselves live in one sub-package per root kind
// (elasticsearch, cassandra, pilot), each with the +kubebuilder:rbac markers for what it touches;
// `make generate` turns all markers under this directory into config/rbac/role.yaml.
package controller

// Events on the clusters Navigator manages, in their namespaces. (Leader election needs a Lease
// in the controller's own namespace only; the chart grants that with a Role there.)
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// Navigator's own kinds: the controller reads the clusters and writes their status; it owns the
// Pilots' spec (never their status, which is the pilots').
// +kubebuilder:rbac:groups=navigator.dev,resources=elasticsearchclusters;cassandraclusters,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=navigator.dev,resources=elasticsearchclusters/status;cassandraclusters/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=navigator.dev,resources=pilots,verbs=get;list;watch;create;update;patch;delete

// The controller never writes a Pilot's status, but it creates each cluster's pilot Role, which
// grants exactly that, and Kubernetes lets no one grant a permission they do not hold.
// +kubebuilder:rbac:groups=navigator.dev,resources=pilots/status,verbs=get;update;patch
