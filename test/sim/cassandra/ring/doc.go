// Package ring is the Cassandra simulator's model of the token ring and the data on it: what the
// nodes agree on through gossip and what each node stores. It is pure: a Cluster, and methods that
// take the time from the caller, so that the properties Navigator relies on can be tested in
// process, deterministically:
//
//   - NetworkTopologyStrategy places replicas as Cassandra 4.0+ computes them (walk the ring
//     clockwise from the token; a node in a rack not yet used is always taken; a node in a used rack
//     only while rf - racks repeats remain), per datacenter, deterministic for given tokens;
//   - node states as nodetool status shows them (U/D by liveness, N/J/L/M by gossip state);
//   - bootstrap, decommission, removenode and replace_address_first_boot stream ranges between
//     nodes at a byte rate, so they take time in proportion to the data, and write to pending
//     replicas meanwhile; with cassandra.consistent.rangemovement one node moves at a time and the
//     data comes from the replica that gives the range up;
//   - decommission refuses while a keyspace's replication factor needs the node;
//   - rows live on the replicas that were up when they were written (no hinted handoff): a node
//     that stops keeps its data, a node whose disk is lost takes the rows only it held with it;
//   - consistency levels ONE, QUORUM, LOCAL_QUORUM and ALL decide whether a request can run, and
//     fail with Cassandra's Unavailable (consistency, required, alive) otherwise; reads return the
//     newest cell among the replicas they contact and repair those that were stale;
//   - nodetool cleanup drops what a node no longer owns; load is the bytes a node stores;
//   - each node has a release version; schema changes reach only nodes on the same messaging
//     version, as MigrationManager pushes and pulls them.
//
// Names follow Cassandra's: TokenMetadata's normal, bootstrap and leaving tokens, pending ranges,
// RangeStreamer's sources, StorageService's operation modes.
package ring
