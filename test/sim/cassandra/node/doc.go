// Package node is one simulated Cassandra node: the process that stands where
// /opt/cassandra/bin/cassandra stands in the upstream image.
//
// It reads cassandra.yaml and cassandra-rackdc.properties with package config, and refuses to
// start as Cassandra does. It keeps its identity (host ID, tokens, cluster name, bootstrap
// state), its schema and its rows in its data directory, so that a restarted node is the same
// node with the same data and a node whose volume is lost is gone with the rows only it held.
//
// Nodes find each other through the seeds, resolved through DNS every round as Kubernetes
// Service names must be, and gossip their endpoint state (address, datacenter and rack from the
// snitch, tokens, status, load, schema, release) over the storage port with the simulator's own
// protocol, JSON over HTTP. Cassandra's gossip wire format is not modelled: nothing but another
// simulated node speaks to that port. Each node builds its view of the ring from what gossip told
// it (ring.View) and uses package ring's placement, consistency levels, refusals and stream plans
// on it: a node that sees another bootstrapping refuses to bootstrap, a coordinator refuses a
// QUORUM request with Unavailable when its failure detector counts too few live replicas, a
// bootstrap, decommission, removenode or replacement streams rows between processes in time
// proportional to their size.
//
// Clients reach the node over CQL (package cql) on the native transport port, and nodetool
// reaches it over the simulator's admin endpoint on 127.0.0.1:7199, where Cassandra has JMX;
// package nodetool prints the answers.
package node
