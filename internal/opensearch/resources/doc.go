// Package resources is what OpenSearch's workloads have of their own: the upstream image's
// layout (Dialect), and the OpenSearchCluster read as the shared builders of
// internal/search/resources read a cluster (View).
package resources
