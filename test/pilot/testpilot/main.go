// Command testpilot is navigator-pilot with the test engine registered, for the pilot's
// integration and end-to-end tests. It never ships.
package main

import (
	"github.com/navigator-dbaas/navigator/internal/pilot/cli"
	"github.com/navigator-dbaas/navigator/test/pilot/testengine"
)

func main() {
	cli.Main(map[string]cli.Factory{"test": testengine.Factory})
}
