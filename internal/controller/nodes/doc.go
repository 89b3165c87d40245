// Package nodes is what every cluster controller knows of one database node: its pod and its
// Pilot (either may be missing), what the Pilot's report allows it to believe, and whether the
// pod runs its StatefulSet's current revision. It also holds the judgements that do not depend
// on the engine: which nodes are still joining, when the freshest report goes stale, the
// version every node runs, the restart budget. The Elasticsearch and Cassandra controllers
// embed Node in their own node type, which adds the engine's pool.
package nodes
