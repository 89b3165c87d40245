// Package controller is the CassandraCluster reconciler. It keeps the cluster's objects (the
// nodes, seeds and client Services, one StatefulSet per pool, a PodDisruptionBudget per
// datacenter, the pilots' RBAC), opens the pilots' start gates so that exactly one node
// bootstraps at a time (Cassandra's consistent range movement), labels seeds once they hold
// their data, runs nodetool cleanup after a scale out, decommissions nodes one at a time on a
// scale in, rolls restarts and upgrades rack by rack with a drain before each stop, and starts a
// node that lost its disk as the replacement of its old self. Like the Elasticsearch controller
// it never talks to Cassandra (ARCHITECTURE.md D3): what it knows of the ring comes from the
// Pilots. See docs/design/0005-cassandra-controller.md.
package controller

// +kubebuilder:rbac:groups="",resources=pods,verbs=get;list;watch;delete;patch
// +kubebuilder:rbac:groups="",resources=persistentvolumeclaims,verbs=get;patch
// +kubebuilder:rbac:groups="",resources=services;serviceaccounts,verbs=get;list;watch;create;update;patch
// +kubebuilder:rbac:groups=apps,resources=statefulsets,verbs=get;list;watch;create;update;patch
// +kubebuilder:rbac:groups=policy,resources=poddisruptionbudgets,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=rbac.authorization.k8s.io,resources=roles;rolebindings,verbs=get;list;watch;create;update;patch
