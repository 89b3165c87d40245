// Command navigator-pilot is the nanny that runs as PID 1 in every database pod: it writes the
// engine's configuration, supervises the unchanged upstream database process, reports facts in
// its Pilot's status and carries out the node-local actions the controller asks for
// (docs/design/0001-pilot.md). The engines register here.
package main

import "github.com/navigator-dbaas/navigator/internal/pilot/cli"

func main() {
	// The Elasticsearch and Cassandra engines are registered here as they land (issues #6, #8).
	cli.Main(map[string]cli.Factory{})
}
