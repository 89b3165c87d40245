// Package jolokia reads Cassandra's MBeans through the Jolokia agent (jolokia.org, JMX over HTTP
// and JSON), which navigator-pilot adds to the Cassandra JVM as a Java agent listening on the
// pod's loopback address. nodetool reads the same MBeans over JMX, but it is a JVM started for
// every call, about a second of CPU: the pilot observes every node every few seconds, so its
// routine reads (the ring as nodetool status shows it, the release) go through the agent, and
// nodetool is kept for the administrative operations.
//
// The protocol is Jolokia's (version 2): a POST of a JSON array of requests to the agent's
// context, answered by an array of responses in the same order, each with its own status. Read
// requests name an MBean and attributes, exec requests an operation and its arguments.
package jolokia
