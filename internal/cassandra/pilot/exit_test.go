package pilot

import "testing"

// TestExplainExit reads why Cassandra stopped from what it printed: the lines of a real 5.0.9
// node started with an unknown cassandra.yaml key (exit 3), of a decommissioned node started
// again (exit 1), and of a heap too small.
func TestExplainExit(t *testing.T) {
	e := &Engine{}
	for name, tc := range map[string]struct {
		stdout, stderr, want string
	}{
		"unknown key": {
			stdout: "INFO  [main] 2026-12-06 04:47:37,565 YamlConfigurationLoader.java:103 - Configuration location: file:/tmp/c3/conf/cassandra.yaml\n" +
				"Exception (org.apache.cassandra.exceptions.ConfigurationException) encountered during startup: Invalid yaml. Please remove properties [bogus_setting] from your cassandra.yaml\n" +
				"ERROR [main] 2026-12-06 04:47:37,827 CassandraDaemon.java:887 - Exception encountered during startup: Invalid yaml. Please remove properties [bogus_setting] from your cassandra.yaml\n",
			stderr: "Invalid yaml. Please remove properties [bogus_setting] from your cassandra.yaml\n",
			want:   "Invalid yaml. Please remove properties [bogus_setting] from your cassandra.yaml (org.apache.cassandra.exceptions.ConfigurationException)",
		},
		"fatal configuration": {
			stderr: "This node was decommissioned and will not rejoin the ring unless -Dcassandra.override_decommission=true has been set, or all existing data is removed and the node is bootstrapped again\n" +
				"Fatal configuration error; unable to start server.  See log for stacktrace.\n",
			want: "This node was decommissioned and will not rejoin the ring unless -Dcassandra.override_decommission=true has been set, " +
				"or all existing data is removed and the node is bootstrapped again (Fatal configuration error; unable to start server.)",
		},
		"out of memory": {
			stdout: "INFO  [main] starting\nTerminating due to java.lang.OutOfMemoryError: Java heap space\n",
			want:   "Terminating due to java.lang.OutOfMemoryError: Java heap space",
		},
		"nothing known": {stdout: "INFO  [main] starting\n"},
	} {
		t.Run(name, func(t *testing.T) {
			if got := e.ExplainExit(1, tc.stdout, tc.stderr); got != tc.want {
				t.Errorf("%q\nwant %q", got, tc.want)
			}
		})
	}
}
