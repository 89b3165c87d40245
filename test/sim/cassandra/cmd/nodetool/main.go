// Command nodetool is the Cassandra simulator's nodetool, installed in the simulator images at
// /opt/cassandra/bin/nodetool. It connects to the node's admin endpoint where nodetool connects to
// JMX (127.0.0.1:7199, or -h host -p port), prints what the node answers as the real command
// prints it, and exits with nodetool's status: 1 for a usage error or a node it cannot reach, 2
// for an error the node raised.
//
// The release it prints messages for is set at build time: -ldflags "-X main.version=4.1.10".
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/navigator-dbaas/navigator/test/sim/cassandra/node"
)

var version = "4.1.10"

func main() {
	res := node.Nodetool(context.Background(), version, os.Args[1:])
	fmt.Fprint(os.Stdout, res.Stdout)
	fmt.Fprint(os.Stderr, res.Stderr)
	os.Exit(res.ExitCode)
}
