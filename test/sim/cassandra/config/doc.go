// Package config reads cassandra.yaml and cassandra-rackdc.properties for the Cassandra simulator
// the way Cassandra 4.0, 4.1 and 5.0 read them, and fails at start with Cassandra's own
// ConfigurationException messages:
//
//   - an unknown property: "Invalid yaml. Please remove properties [x] from your cassandra.yaml"
//     (YamlConfigurationLoader's PropertiesChecker), which is also what 4.0 says about the 4.1
//     duration-style names (read_request_timeout) it does not know yet;
//   - a malformed value: "Invalid yaml: file:<path>" followed by SnakeYAML's "Cannot create
//     property=<name>" and, for 4.1 durations and sizes, DurationSpec's and DataStorageSpec's
//     messages;
//   - a property set to null that has a default (4.0 only): "Invalid yaml. Those properties [x]
//     are not valid";
//   - no seed provider, or one that lists no seeds (DatabaseDescriptor.applySeedProvider);
//   - no partitioner or snitch, an unknown snitch, wildcard listen or broadcast addresses,
//     inconsistent initial_token and num_tokens (DatabaseDescriptor);
//   - GossipingPropertyFileSnitch without dc and rack in cassandra-rackdc.properties.
//
// Only the settings the simulator uses are interpreted; a list of settings real configurations
// carry is accepted and ignored, with the names each version knows.
package config
