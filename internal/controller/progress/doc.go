// Package progress is what a cluster controller says about its work during one reconcile: the
// Progressing condition's reason and message, one operation per node (with since-times that
// survive reconciles), and the events that announce each change. The Elasticsearch and
// Cassandra controllers share it so that a user reads the same status and events for both.
package progress
