// Package workload builds the parts of a database StatefulSet that every engine builds the same
// way: image references and pull policies, the data claim and its retention policy, the
// PodDisruptionBudget, Service ports, and the hash that says whether a built object changed.
// The engines' packages (internal/search/resources for Elasticsearch and OpenSearch,
// internal/cassandra/resources) build the rest, which is where they differ.
package workload
