// Package controller registers the ElasticsearchCluster reconciler: the shared reconciler of
// internal/search/controller in Elasticsearch's dialect (its kind, its words, the Pilot's
// elasticsearch section, its failpoints).
package controller
