package nodetool

import "testing"

// TestFailure reads the message out of each way nodetool reports a failure (NodeTool.err,
// NodeTool.badUse, a refused JMX connection), after the JVM's warnings.
func TestFailure(t *testing.T) {
	for name, tc := range map[string]struct{ stdout, stderr, want string }{
		"exception on the node": {
			stderr: "error: Node is involved in cluster membership changes. Not safe to run cleanup.\n-- StackTrace --\n" +
				"java.lang.RuntimeException: Node is involved in cluster membership changes. Not safe to run cleanup.\n" +
				"\tat org.apache.cassandra.service.StorageService.forceKeyspaceCleanup(StorageService.java:3842)\n",
			want: "Node is involved in cluster membership changes. Not safe to run cleanup.",
		},
		"operation refused as a usage error": {
			stdout: "nodetool: Unsupported operation: Not enough live nodes to maintain replication factor in keyspace shop (RF = 3, N = 3). Perform a forceful decommission to ignore.\n" +
				"See 'nodetool help' or 'nodetool help <command>'.\n",
			want: "Unsupported operation: Not enough live nodes to maintain replication factor in keyspace shop (RF = 3, N = 3). Perform a forceful decommission to ignore.",
		},
		"unreachable node after JVM warnings": {
			stderr: "OpenJDK 64-Bit Server VM warning: Cannot open file /opt/cassandra/logs/gc.log due to Permission denied\n\n" +
				"nodetool: Failed to connect to '127.0.0.1:7199' - ConnectException: 'Connection refused (Connection refused)'.\n",
			want: "Failed to connect to '127.0.0.1:7199' - ConnectException: 'Connection refused (Connection refused)'.",
		},
		"unknown form":   {stdout: "\n  something else  \nmore\n", want: "something else"},
		"stderr first":   {stdout: "out\n", stderr: "err\n", want: "err"},
		"nothing at all": {want: ""},
	} {
		if got := Failure(tc.stdout, tc.stderr); got != tc.want {
			t.Errorf("%s: %q, want %q", name, got, tc.want)
		}
	}
}
