// Command launcher starts real Cassandra 5.0, and its nodetool, in Navigator's Cassandra image,
// where the upstream image has the shell scripts of Cassandra's tarball (bin/cassandra,
// bin/nodetool, bin/cassandra.in.sh, conf/cassandra-env.sh). The tarball cannot be reached from
// these machines, and Maven Central's jars come without those scripts, so this program is ours,
// written from what those scripts do in the apache/cassandra repository (branch cassandra-5.0):
// the same environment variables (CASSANDRA_HOME, CASSANDRA_CONF, JAVA_HOME, MAX_HEAP_SIZE,
// HEAP_NEWSIZE, JVM_OPTS, JVM_EXTRA_OPTS, LOCAL_JMX, CASSANDRA_LOG_DIR), the same option files
// under CASSANDRA_CONF (jvm-server.options, jvm17-server.options, jvm-clients.options,
// jvm17-clients.options), the same JVM command line, and an exec of the JVM, so that whoever
// started the launcher (navigator-pilot, as PID 1 of the pod) supervises Java itself.
//
// One binary serves both commands: installed as bin/cassandra it starts the daemon, and as
// bin/nodetool (a link to it) it runs org.apache.cassandra.tools.NodeTool.
//
// Where it differs from the scripts, and why:
//   - It runs the daemon in the foreground only (-f), as the upstream image does; there is no
//     pid file of a backgrounded daemon to write.
//   - -XX:+ExitOnOutOfMemoryError stands for cassandra-env.sh's -XX:OnOutOfMemoryError="kill -9
//     %p": the image has no shell to run that command, and both stop the JVM at once, which is
//     what Cassandra's StartupChecks ask for.
//   - JMX_PORT may come from the environment (cassandra-env.sh fixes it at 7199), so that tests
//     can run several nodes as processes on one host.
//   - No jemalloc preload and no numactl: neither is in the image.
package main

import (
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	var err error
	switch filepath.Base(os.Args[0]) {
	case "nodetool":
		err = nodetool(os.Args[1:])
	default:
		err = cassandra(os.Args[1:])
	}
	// Only a failure comes back: on success the process image is Java's.
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
