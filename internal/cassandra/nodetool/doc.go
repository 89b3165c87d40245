// Package nodetool parses nodetool output for the pilot.
//
// The pilot learns what the Cassandra node it supervises knows by running the upstream image's
// nodetool and reading what it prints: status (the ring as this node sees it), info (the node
// itself), describecluster (schema and release versions across the cluster), version, and
// netstats (the operation mode and the streams of a bootstrap or a decommission). nodetool has no
// machine-readable form of these in 4.0, 4.1 and 5.0, so the parsers follow what the Java
// commands print (org.apache.cassandra.tools.nodetool in apache/cassandra), and are tested against
// output of real nodes (testdata/SOURCES.md).
//
// The parsers are strict about what they understand and tolerant of how it is laid out: columns
// are found by content, not by position, so indentation and the column widths TableBuilder picks
// do not matter; a line that does not fit the format is an error naming the line, never a value
// silently read wrong.
package nodetool
