// Package cql is the Cassandra simulator's CQL native protocol server: what a client such as
// the pilot, through the Apache Go driver, talks to on port 9042 of a simulated node.
//
// It exists because no Cassandra can run where Navigator is tested, and the pilot must not be
// able to tell that it is talking to a simulator (docs/design/0003-database-simulators.md). So
// the server speaks the real protocol, version 4 as native_protocol_v4.spec defines it, and
// behaves as Cassandra 4.x does where the driver can see it:
//
//   - version negotiation: a frame of any other version gets Cassandra's ProtocolError, on which
//     the driver falls back to version 4;
//   - the handshake (OPTIONS, STARTUP), event registration and pushed events;
//   - the system tables the driver reads to discover the ring and the schema (system.local,
//     system.peers, system.peers_v2, system_schema.*), with the column names and types
//     Cassandra 4 gives them;
//   - QUERY, PREPARE and EXECUTE for a small CQL subset (USE, CREATE KEYSPACE, CREATE TABLE,
//     INSERT, SELECT by partition key, SELECT COUNT(*)), with Cassandra's error codes and
//     messages, bounded prepared-statement cache and Unprepared answers.
//
// What the data is, where it lives and whether a consistency level can be met is not decided
// here: the server asks a Backend, which the simulated node implements with its storage and
// ring, and maps the errors it returns (UnavailableError, WriteTimeoutError, ...) to the
// protocol's error codes. The package is test code and never ships in a release image.
package cql
