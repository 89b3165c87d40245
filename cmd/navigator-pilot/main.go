// Command navigator-pilot is the nanny that runs as PID 1 in every database pod: it writes the
// engine's configuration, supervises the unchanged upstream database process, reports facts in
// its Pilot's status and carries out the node-local actions the controller asks for
// (docs/design/0001-pilot.md). The engines register here.
package main

import (
	cassandrapilot "github.com/navigator-dbaas/navigator/internal/cassandra/pilot"
	espilot "github.com/navigator-dbaas/navigator/internal/elasticsearch/pilot"
	ospilot "github.com/navigator-dbaas/navigator/internal/opensearch/pilot"
	"github.com/navigator-dbaas/navigator/internal/pilot/cli"
)

func main() {
	cli.Main(map[string]cli.Factory{
		"cassandra":     cassandrapilot.Factory,
		"elasticsearch": espilot.Factory,
		"opensearch":    ospilot.Factory,
	})
}
