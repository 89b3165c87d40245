package nodetool

import (
	"fmt"

	"github.com/navigator-dbaas/navigator/test/sim/cassandra/config"
	"github.com/navigator-dbaas/navigator/test/sim/cassandra/ring"
)

// Options are the nodetool flags that change what the commands print.
type Options struct {
	// PrintPort is -pp: addresses with their storage port.
	PrintPort bool
	// HumanReadable is netstats -H: stream sizes in KiB, MiB... rather than bytes.
	HumanReadable bool
	// AllTokens is info -T: every token rather than their count.
	AllTokens bool
	// Keyspace is status's argument: effective ownership for that keyspace.
	Keyspace string
	// Snitch is endpoint_snitch's class name for describecluster (GossipingPropertyFileSnitch when
	// empty, as Navigator configures it); DynamicSnitchOff is dynamic_snitch: false.
	Snitch           string
	DynamicSnitchOff bool
	// DataDirectory is the first of data_file_directories, which stream file names start with
	// (/var/lib/cassandra/data when empty).
	DataDirectory string
}

// Result is what a nodetool run leaves: its output and its exit status.
type Result struct {
	Stdout, Stderr string
	ExitCode       int
}

// JMXPort is the port nodetool connects to.
const JMXPort = 7199

// connect is nodetool reaching the node's JMX: a node whose process is down refuses.
func connect(on *ring.Node) (config.Version, *Result, error) {
	series, err := config.ParseVersion(on.Release)
	if err != nil {
		return series, nil, fmt.Errorf("node %s: %w", on.Address, err)
	}
	if on.Running() {
		return series, nil, nil
	}
	refused := Refused(series, "127.0.0.1", JMXPort)
	return series, &refused, nil
}

// Refused is what nodetool of a release series prints when nothing answers at host:port. The
// message is NodeTool's, with the JVM's: Java 11 (4.0, 4.1) repeats the reason, Java 17 (5.0)
// does not.
func Refused(series config.Version, host string, port int) Result {
	reason := "Connection refused (Connection refused)"
	if series.AtLeast(config.V50) {
		reason = "Connection refused"
	}
	return Result{
		Stderr:   fmt.Sprintf("nodetool: Failed to connect to '%s:%d' - ConnectException: '%s'.\n", host, port, reason),
		ExitCode: 1,
	}
}

// address is how nodetool prints a node: with its port under -pp.
func address(n *ring.Node, withPort bool) string {
	if withPort {
		return fmt.Sprintf("%s:%d", n.Address, n.StoragePort)
	}
	return n.Address
}
