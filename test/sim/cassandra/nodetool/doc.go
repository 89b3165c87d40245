// Package nodetool prints the Cassandra simulator's ring as nodetool prints a real cluster: status,
// info, describecluster, version and netstats, byte for byte in the layout of Cassandra 4.0, 4.1
// and 5.0, so that the pilot's parsers (internal/cassandra/nodetool) read the simulator exactly as
// they read a real node.
//
// The layout is Cassandra's nodetool commands' (org.apache.cassandra.tools.nodetool): TableBuilder's
// padded columns shared across datacenters, FileUtils.stringifyFileSize's "#.##" sizes,
// DecimalFormat's "##0.0%" ownership, java.util.Formatter's half-up "%.2f", and the iteration
// order of the Java hash maps nodetool walks (status lists a datacenter's nodes in the order of a
// HashMap keyed by address, not sorted). Tests compare it with output of real nodes.
//
// Each command takes the node it runs on: a node whose process is down refuses the connection, as
// JMX does.
package nodetool
