// Package node is one simulated Elasticsearch node: the process that stands where
// /usr/share/elasticsearch/bin/elasticsearch stands in the upstream image.
//
// It reads the configuration package config reads, persists its identity, the last cluster
// state it accepted and the documents of the shard copies it holds under path.data, finds its
// peers through discovery.seed_hosts (names resolved through DNS, as the real node does), and
// takes part in elections as package coordination models them. The elected master holds the
// allocation model of package cluster, as the real master holds the cluster state, and
// publishes it to every node over the transport port, with the simulator's own protocol (JSON
// over HTTP). Documents are written through the master to every copy of their shard and read
// from a node that holds an active copy, so that a node that leaves with the only copy of a
// shard takes those documents with it, and a node that restarts with its data directory
// brings them back.
//
// The REST API on the HTTP port answers in Elasticsearch's documented shapes; the package's
// tests decode every response with the official client's typed API.
package node
