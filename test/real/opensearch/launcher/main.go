// Command launcher is bin/opensearch of Navigator's real OpenSearch image, where the upstream
// image has the distribution's shell scripts (bin/opensearch, bin/opensearch-env) and the
// launchers jar (lib/tools/launchers: JvmOptionsParser, JvmErgonomics, SystemJvmOptions,
// TempDirectory). Neither is on Maven Central, so this program is ours, written from what they
// do in the opensearch-project/OpenSearch repository (branch 2.19): the same environment
// (OPENSEARCH_HOME, OPENSEARCH_PATH_CONF, OPENSEARCH_JAVA_HOME, JAVA_HOME, OPENSEARCH_JAVA_OPTS,
// OPENSEARCH_TMPDIR), the same option files (config/jvm.options, then config/jvm.options.d/
// *.options, with their Java-version ranges), the same system and ergonomic options, and an exec
// of the JVM, so that whoever started the launcher (navigator-pilot, as PID 1 of the pod)
// supervises Java itself. The arguments (-E setting=value, -p pidfile, -q, -s, -v, -V) go to
// OpenSearch's own command line, org.opensearch.bootstrap.OpenSearch, as the script passes them.
//
// Where it differs from the scripts, and why:
//   - It runs OpenSearch in the foreground only: -d (daemonize) is refused, since a supervised
//     node has no use for a detached one.
//   - It reads the Java release from the runtime's release file rather than starting a JVM to
//     ask (bin/opensearch-env's java_version_checker).
//   - It does not check for a keystore password (opensearch-keystore has-passwd): the image's
//     keystore has none.
package main

import (
	"fmt"
	"os"
)

func main() {
	err := opensearch(os.Args[1:])
	// Only a failure comes back: on success the process image is Java's.
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
