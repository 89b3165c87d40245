package pilot

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/navigator-dbaas/navigator/internal/cassandra/jolokia"
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

// captureAgent reads the ring through the node's Jolokia agent as the engine does, and keeps the
// agent's answer to each bulk request, indented, as jolokia-<n>-<release>-<state>.json: the
// jolokia client's golden files (internal/cassandra/jolokia/testdata).
func (c *testRing) captureAgent(name, state string) {
	dir := os.Getenv(captureEnv)
	if dir == "" || c.backend.real == nil {
		return
	}
	rec := &recorder{next: http.DefaultTransport}
	client := jolokia.New(fmt.Sprintf("http://127.0.0.1:%d/jolokia/", c.node(name).jolokiaPort))
	client.HTTP = &http.Client{Transport: rec}
	if _, err := client.Ring(c.t.Context()); err != nil {
		c.t.Fatalf("reading the ring of %s through its agent: %v", name, err)
	}
	for i, body := range rec.bodies {
		var out bytes.Buffer
		if err := json.Indent(&out, body, "", "    "); err != nil {
			c.t.Fatal(err)
		}
		file := filepath.Join(dir, fmt.Sprintf("jolokia-%d-%s-%s.json", i+1, c.backend.release(c.t), state))
		if err := os.WriteFile(file, append(out.Bytes(), '\n'), 0o644); err != nil {
			c.t.Fatal(err)
		}
	}
}

// recorder keeps the body of every answer that passes through it.
type recorder struct {
	next   http.RoundTripper
	bodies [][]byte
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := r.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(res.Body)
	_ = res.Body.Close()
	if err != nil {
		return nil, err
	}
	r.bodies = append(r.bodies, body)
	res.Body = io.NopCloser(bytes.NewReader(body))
	return res, nil
}
