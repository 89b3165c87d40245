package pilot

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// simRelease is the release of the simulated nodes, and of the nodetool built for them: a 5.0
// release, as the real nodes of the conformance suite are.
const simRelease = "5.0.5"

// nodetoolBin is the simulator's nodetool command (test/sim/cassandra/cmd/nodetool), built once:
// the engine runs it as it runs the upstream image's nodetool, so that the tests go through the
// same process invocation, output and exit statuses.
var nodetoolBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "cassandra-pilot-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	nodetoolBin = filepath.Join(dir, "nodetool")
	build := exec.Command("go", "build", "-o", nodetoolBin, "-ldflags", "-X main.version="+simRelease,
		"github.com/navigator-dbaas/navigator/test/sim/cassandra/cmd/nodetool")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building the simulator's nodetool:", err)
		_ = os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}
