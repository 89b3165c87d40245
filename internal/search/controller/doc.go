// Package controller is the reconciler of ElasticsearchClusters and OpenSearchClusters, each
// engine giving its Dialect (its kind, words, Pilot section and failpoints). It keeps the
// cluster's objects (Services, one StatefulSet per pool, PodDisruptionBudget, the pilots' RBAC),
// opens the pilots' start gates (bootstrapping a new cluster with its initial master, or cluster
// manager, nodes exactly once), scales pools out and in (in only after the leaving nodes' pilots
// report them empty), and rolls restarts and upgrades one node at a time through named safety
// predicates. It never talks to the engine (ARCHITECTURE.md D3): everything it knows of the
// nodes comes from their Pilots. See docs/design/0004-elasticsearch-controller.md and
// docs/design/0011-opensearch-engine.md.
package controller

// +kubebuilder:rbac:groups="",resources=pods,verbs=get;list;watch;delete
// +kubebuilder:rbac:groups="",resources=services;serviceaccounts,verbs=get;list;watch;create;update;patch
// +kubebuilder:rbac:groups="",resources=persistentvolumeclaims,verbs=get;list;watch
// +kubebuilder:rbac:groups=apps,resources=statefulsets,verbs=get;list;watch;create;update;patch
// +kubebuilder:rbac:groups=policy,resources=poddisruptionbudgets,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=rbac.authorization.k8s.io,resources=roles;rolebindings,verbs=get;list;watch;create;update;patch
