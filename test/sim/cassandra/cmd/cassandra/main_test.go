package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const goodYAML = `cluster_name: sim
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
endpoint_snitch: GossipingPropertyFileSnitch
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "10.0.0.1"
`

// TestBadConfigurationStopsTheNode runs the command's start-up path: bad configuration exits 3
// with Cassandra's message, before any port is bound.
func TestBadConfigurationStopsTheNode(t *testing.T) {
	for _, tc := range []struct {
		yaml, rackdc, want string
	}{
		{goodYAML + "colour: blue\n", "dc=dc1\nrack=r1\n", "Invalid yaml. Please remove properties [colour] from your cassandra.yaml"},
		{goodYAML + "num_tokens: sixteen\n", "dc=dc1\nrack=r1\n", "Cannot create property=num_tokens"},
		{strings.Replace(goodYAML, `"10.0.0.1"`, `""`, 1), "dc=dc1\nrack=r1\n", "The seed provider lists no seeds."},
		{goodYAML, "dc=dc1\n", "DC or rack not found in snitch properties"},
	} {
		dir := t.TempDir()
		write(t, dir, "cassandra.yaml", tc.yaml)
		write(t, dir, "cassandra-rackdc.properties", tc.rackdc)
		var out, errOut bytes.Buffer
		code := run([]string{"-f"}, []string{"CASSANDRA_CONF=" + dir}, &out, &errOut)
		if code != 3 || !strings.Contains(errOut.String(), tc.want) ||
			!strings.Contains(out.String(), "Exception (org.apache.cassandra.exceptions.ConfigurationException) encountered during startup: ") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit 3 with %q", tc.yaml, code, out.String(), errOut.String(), tc.want)
		}
	}
}

func TestMissingConfigurationFile(t *testing.T) {
	var out, errOut bytes.Buffer
	dir := t.TempDir()
	if code := run(nil, []string{"CASSANDRA_CONF=" + dir}, &out, &errOut); code != 3 || !strings.Contains(errOut.String(), "Cannot locate file:"+dir) {
		t.Errorf("exit %d, stderr %q", code, errOut.String())
	}
}

func TestJVMPropertiesFromEnvironmentAndArguments(t *testing.T) {
	got, err := properties([]string{"-f", "-Dcassandra.ring_delay_ms=5", "-p", "/run/c.pid"},
		[]string{"JVM_OPTS=-Xmx1G -Dcassandra.replace_address_first_boot=10.0.0.9", "JVM_EXTRA_OPTS=-Dcassandra.consistent.rangemovement=false -Dcassandra.ring_delay_ms=1"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"cassandra.replace_address_first_boot": "10.0.0.9", "cassandra.consistent.rangemovement": "false", "cassandra.ring_delay_ms": "5"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q (all %v)", k, got[k], v, got)
		}
	}
	if _, err := properties([]string{"--bogus"}, nil); err == nil {
		t.Error("an unknown option should fail")
	}
}

// TestTimingFromProperties: the JVM system properties that change the node's timing.
func TestTimingFromProperties(t *testing.T) {
	got := timing(map[string]string{"cassandra.ring_delay_ms": "3000", "cassandra.skip_wait_for_gossip_to_settle": "0"})
	if got.RingDelay != 3*time.Second || !got.SkipSettle || got.FailedBootstrap != 0 {
		t.Errorf("ring delay 3000, settle skipped: %+v", got)
	}
	if got := timing(map[string]string{"cassandra.failed_bootstrap_timeout_ms": "60000"}); got.FailedBootstrap != time.Minute {
		t.Errorf("failed bootstrap timeout 60000 ms: %s", got.FailedBootstrap)
	}
	if got := timing(map[string]string{"cassandra.failed_bootstrap_timeout_ms": "-1"}); got.FailedBootstrap < 100*365*24*time.Hour {
		t.Errorf("failed bootstrap timeout -1 (never): %s", got.FailedBootstrap)
	}
}

func write(t *testing.T, dir, name, text string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
