package config

// ConfigurationException is the error Cassandra stops with at start when its configuration is
// wrong. The message is Cassandra's own, so that what the pilot logs from the simulator reads like
// what it would log from the real node.
type ConfigurationException struct {
	Message string
}

func (e *ConfigurationException) Error() string { return e.Message }

// StartupLine is the line CassandraDaemon prints before exiting.
func (e *ConfigurationException) StartupLine() string {
	return "Exception (org.apache.cassandra.exceptions.ConfigurationException) encountered during startup: " + e.Message
}

func configErr(msg string) error { return &ConfigurationException{Message: msg} }
