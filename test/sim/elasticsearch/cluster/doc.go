// Package cluster is the Elasticsearch simulator's model of what the elected master decides:
// which node holds which copy of which shard, how copies move and recover over time, the
// cluster's health, and the progress of node shutdowns. It is pure: a State, and Reroute(now)
// that advances it, so that the properties Navigator's safety rests on can be tested without
// processes or a network:
//
//   - two copies of one shard never share a node;
//   - a node being removed (shutdown type remove, or allocation filtering) is emptied first,
//     and its shutdown reports STALLED, with an explanation, while its shards have nowhere to go;
//   - a node that leaves with the only copy of a shard takes the data with it: the index is red
//     and, if the node never comes back with its data, the documents are gone;
//   - a node restarting under a restart-type shutdown keeps its shards: its replicas are not
//     rebuilt elsewhere before the allocation delay, and the cluster stays yellow, not red;
//   - copies move at a configured rate, so that drains and recoveries take time in proportion
//     to the data.
//
// The allocation rules are named after the Elasticsearch deciders they follow
// (SameShardAllocationDecider, FilterAllocationDecider, NodeShutdownAllocationDecider,
// NodeVersionAllocationDecider, EnableAllocationDecider, data roles).
package cluster
