// Package controller registers the OpenSearchCluster reconciler: the shared reconciler of
// internal/search/controller in OpenSearch's dialect (its kind, its words, the Pilot's opensearch
// section, its failpoints).
package controller

// +kubebuilder:rbac:groups=navigator.dev,resources=opensearchclusters,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=navigator.dev,resources=opensearchclusters/status,verbs=get;update;patch
