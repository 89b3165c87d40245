// Package resources is what Elasticsearch's workloads have of their own: the upstream image's
// layout (Dialect), what its roles make of a pool, and the ElasticsearchCluster read as the
// shared builders of internal/search/resources read a cluster (View).
package resources
