// Package pilot is the Cassandra engine of navigator-pilot (`navigator-pilot cassandra --
// /opt/cassandra/bin/cassandra -f`). It writes cassandra.yaml and cassandra-rackdc.properties from
// the CassandraCluster and the pod's identity, sizes the heap and adds the JVM options through
// the environment cassandra-env.sh reads, answers the kubelet's probes, reports the node's facts
// in its Pilot's status, and carries out the node-local actions the controller asks for (Leave:
// nodetool decommission; PrepareRestart: nodetool drain; Cleanup: nodetool cleanup), draining the
// node before it stops.
//
// It talks to the local node only, in the two ways an operator would: nodetool, the upstream
// image's own command, for the ring and the administrative operations (nodetool has no
// machine-readable output; package internal/cassandra/nodetool reads what it prints), and CQL on
// 127.0.0.1 through the Apache Go driver for what only CQL tells (the release the node serves,
// the keyspaces' replication). Every call is bounded in time. nodetool starts a JVM on every run,
// which costs about a second of CPU, so the engine runs it no more than it must: nodetool status
// is shared by the readiness probe and Observe of one step, and the version is read once per
// database process.
//
// nodetool decommission, drain and cleanup block until Cassandra is done, which may take hours
// for a decommission; they run in the background, one at a time, and Act reports their progress.
// The engine decides no orchestration (docs/design/0001-pilot.md): the controller chooses which
// node leaves, restarts or cleans up, and when; the engine only refuses a decommission that would
// leave its datacenter fewer live nodes than the keyspaces' replication factor.
package pilot
