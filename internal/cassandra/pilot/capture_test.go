package pilot

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// captureEnv names a directory where a run on real nodes keeps what nodetool prints at the
// states the conformance tests pass through (joining, leaving, a node down, a failed bootstrap,
// decommissioned, drained): the nodetool parsers' golden files are taken from there
// (internal/cassandra/nodetool/testdata/real, see its SOURCES.md).
const captureEnv = "NAVIGATOR_NODETOOL_CAPTURE"

// capture runs nodetool commands on a real node and keeps each output as
// <command>-<release>-<state>.txt in the capture directory, once per file; it does nothing on
// simulated nodes or when no directory is named. A command that fails is kept too, its error
// after the output: what nodetool prints in that state is the point.
func (c *testRing) capture(name, state string, commands ...string) {
	dir := os.Getenv(captureEnv)
	if dir == "" || c.backend.real == nil {
		return
	}
	release := c.backend.release(c.t)
	for _, command := range commands {
		file := filepath.Join(dir, fmt.Sprintf("%s-%s-%s.txt", strings.ReplaceAll(command, " ", ""), release, state))
		if _, err := os.Stat(file); err == nil {
			continue
		}
		out, err := c.engine(name).read(c.t.Context(), strings.Fields(command)...)
		if err != nil {
			out += "\n# failed: " + err.Error() + "\n"
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			c.t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(out), 0o644); err != nil {
			c.t.Fatal(err)
		}
	}
}
