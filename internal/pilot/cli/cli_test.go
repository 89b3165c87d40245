package cli

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/navigator-dbaas/navigator/internal/pilot/engine"
)

func TestUsageErrors(t *testing.T) {
	engines := map[string]Factory{}
	for name, args := range map[string][]string{
		"no arguments":          {},
		"unknown engine":        {"redis", "--", "/bin/true"},
		"install without dest":  {"install"},
		"install with too many": {"install", "a", "b"},
	} {
		t.Run(name, func(t *testing.T) {
			if code := run(args, engines); code != 2 {
				t.Errorf("run(%q) = %d, want 2 (usage)", args, code)
			}
		})
	}
}

func TestParseFlagsNeedsCommandAndIdentity(t *testing.T) {
	t.Setenv("POD_NAME", "")
	t.Setenv("POD_NAMESPACE", "")
	cases := map[string]struct {
		args []string
		want string
	}{
		"no command":  {args: []string{"--pod-name=a", "--pod-namespace=b"}, want: "after --"},
		"no identity": {args: []string{"--", "/bin/true"}, want: "--pod-name"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, _, err := parseFlags("test", tc.args, noEngine)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("parseFlags(%q) error = %v, want one mentioning %q", tc.args, err, tc.want)
			}
		})
	}
	o, _, err := parseFlags("test", []string{"--pod-name=db-0", "--pod-namespace=ns", "--stop-timeout=5s", "--", "/bin/db", "-x"}, noEngine)
	if err != nil || o.node.Name != "db-0" || o.stop.Seconds() != 5 || strings.Join(o.command, " ") != "/bin/db -x" {
		t.Errorf("parseFlags: %+v, %v", o, err)
	}
}

// TestInstallCopiesItself: the init container's step.
func TestInstallCopiesItself(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "shared", "navigator-pilot")
	if code := run([]string{"install", dest}, nil); code != 0 {
		t.Fatalf("install exited %d", code)
	}
	self, _ := os.Executable()
	want, _ := os.ReadFile(self)
	got, err := os.ReadFile(dest)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("the installed copy differs from the running binary (err %v)", err)
	}
	if info, _ := os.Stat(dest); info.Mode().Perm()&0o111 == 0 {
		t.Errorf("the installed copy is not executable: %v", info.Mode())
	}
}

// noEngine registers no engine flags and builds nothing.
var noEngine Factory = func(*flag.FlagSet) func() (engine.Engine, error) {
	return func() (engine.Engine, error) { return nil, nil }
}

// TestInstallCopiesTheAgents: the Java agents shipped beside the pilot go beside its copy.
func TestInstallCopiesTheAgents(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	agents := filepath.Join(filepath.Dir(self), "agents")
	if err := os.MkdirAll(agents, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(agents) })
	if err := os.WriteFile(filepath.Join(agents, "jolokia-jvm.jar"), []byte("agent"), 0o644); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(t.TempDir(), "shared", "navigator-pilot")
	if code := run([]string{"install", dest}, nil); code != 0 {
		t.Fatalf("install exited %d", code)
	}
	got, err := os.ReadFile(filepath.Join(filepath.Dir(dest), "agents", "jolokia-jvm.jar"))
	if err != nil || string(got) != "agent" {
		t.Fatalf("the agent was not copied: %q, %v", got, err)
	}
}
