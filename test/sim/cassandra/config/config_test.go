package config

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var versions = []Version{V40, V41, V50}

// pilotYAML is the shape of the cassandra.yaml Navigator's pilot writes.
const pilotYAML = `
cluster_name: orders
num_tokens: 16
allocate_tokens_for_local_replication_factor: 3
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "orders-dc1-0.orders-seeds, orders-dc1-1.orders-seeds:7000"
listen_address: 10.244.0.7
broadcast_address: 10.244.0.7
rpc_address: 0.0.0.0
broadcast_rpc_address: 10.244.0.7
storage_port: 7000
native_transport_port: 9042
endpoint_snitch: GossipingPropertyFileSnitch
data_file_directories:
  - /var/lib/cassandra/data
commitlog_directory: /var/lib/cassandra/commitlog
saved_caches_directory: /var/lib/cassandra/saved_caches
hints_directory: /var/lib/cassandra/hints
auto_bootstrap: true
hinted_handoff_enabled: true
commitlog_sync: periodic
authenticator: PasswordAuthenticator
server_encryption_options:
  internode_encryption: none
`

func mustParse(t *testing.T, v Version, text string) *Config {
	t.Helper()
	c, err := Parse(v, "file:/etc/cassandra/cassandra.yaml", []byte(text))
	if err != nil {
		t.Fatalf("%s: %v", v, err)
	}
	return c
}

// wantError parses text as series v and checks the error is a ConfigurationException carrying msg.
func wantError(t *testing.T, v Version, text, msg string) {
	t.Helper()
	_, err := Parse(v, "file:/etc/cassandra/cassandra.yaml", []byte(text))
	var ce *ConfigurationException
	if !errors.As(err, &ce) {
		t.Fatalf("%s: Parse(%q) = %v, want a ConfigurationException containing %q", v, text, err, msg)
	}
	if !strings.Contains(ce.Message, msg) {
		t.Errorf("%s: error %q, want it to contain %q", v, ce.Message, msg)
	}
}

// minimal is the least a node starts with; tests add or break one thing at a time.
const minimal = `
partitioner: Murmur3Partitioner
endpoint_snitch: SimpleSnitch
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "10.0.0.1"
`

func TestParseWhatThePilotWrites(t *testing.T) {
	for _, v := range versions {
		c := mustParse(t, v, pilotYAML)
		if c.ClusterName != "orders" || c.NumTokens != 16 || c.AllocateTokensForLocalRF != 3 {
			t.Errorf("%s: identity and tokens: %+v", v, c)
		}
		if !slices.Equal(c.Seeds, []string{"orders-dc1-0.orders-seeds", "orders-dc1-1.orders-seeds:7000"}) {
			t.Errorf("%s: seeds %q", v, c.Seeds)
		}
		if c.ListenAddress != "10.244.0.7" || c.RPCAddress != "0.0.0.0" || c.BroadcastRPCAddress != "10.244.0.7" {
			t.Errorf("%s: addresses: %+v", v, c)
		}
		if c.EndpointSnitch != GossipingPropertyFileSnitch || c.Partitioner != Murmur3Partitioner {
			t.Errorf("%s: snitch %q, partitioner %q", v, c.EndpointSnitch, c.Partitioner)
		}
		if !slices.Equal(c.DataFileDirectories, []string{"/var/lib/cassandra/data"}) || c.HintsDirectory != "/var/lib/cassandra/hints" {
			t.Errorf("%s: directories: %+v", v, c)
		}
		if !c.AutoBootstrap || c.StoragePort != 7000 || c.NativeTransportPort != 9042 {
			t.Errorf("%s: %+v", v, c)
		}
	}
}

func TestDefaultsAreConfigJavasNotTheShippedFiles(t *testing.T) {
	c := mustParse(t, V41, minimal)
	if c.ClusterName != DefaultClusterName || c.NumTokens != 1 || !c.AutoBootstrap ||
		c.StoragePort != DefaultStoragePort || c.NativeTransportPort != DefaultNativeTransportPort {
		t.Errorf("defaults: %+v", c)
	}
	if c.StorageCompatibilityMode != "" {
		t.Errorf("4.1 has no storage_compatibility_mode, got %q", c.StorageCompatibilityMode)
	}
	if c50 := mustParse(t, V50, minimal); c50.StorageCompatibilityMode != CompatibilityCassandra4 {
		t.Errorf("5.0 defaults to CASSANDRA_4, got %q", c50.StorageCompatibilityMode)
	}
	wantError(t, V41, minimal+"storage_compatibility_mode: NONE\n",
		"Invalid yaml. Please remove properties [storage_compatibility_mode] from your cassandra.yaml")
}

func TestUnknownPropertyStopsTheNode(t *testing.T) {
	for _, v := range versions {
		wantError(t, v, minimal+"num_token: 16\ncolour: blue\n",
			"Invalid yaml. Please remove properties [colour, num_token] from your cassandra.yaml")
		wantError(t, v, strings.Replace(minimal, "class_name:", "klass_name: x\n    class_name:", 1),
			"Invalid yaml. Please remove properties [klass_name] from your cassandra.yaml")
	}
}

// TestRenamedSettingsPerVersion: 4.1 replaced the _in_ms / _in_kb names with unit-carrying ones.
// 4.0 does not know the new names; 4.1 and 5.0 know both, and warn about the old ones.
func TestRenamedSettingsPerVersion(t *testing.T) {
	newForm := minimal + "read_request_timeout: 5000ms\nkey_cache_size: 100MiB\ncompaction_throughput: 64MiB/s\n"
	wantError(t, V40, newForm,
		"Invalid yaml. Please remove properties [compaction_throughput, key_cache_size, read_request_timeout] from your cassandra.yaml")
	oldForm := minimal + "read_request_timeout_in_ms: 5000\nkey_cache_size_in_mb: 100\n"
	for _, v := range []Version{V41, V50} {
		mustParse(t, v, newForm)
		c := mustParse(t, v, oldForm)
		if !slices.Equal(c.Deprecated, []string{"key_cache_size_in_mb", "read_request_timeout_in_ms"}) {
			t.Errorf("%s: deprecated names %q", v, c.Deprecated)
		}
	}
	if c := mustParse(t, V40, oldForm); len(c.Deprecated) != 0 {
		t.Errorf("4.0 warns about nothing, got %q", c.Deprecated)
	}
}

func TestMalformedValues(t *testing.T) {
	cases := []struct {
		v    Version
		yaml string
		want string
	}{
		{V40, "num_tokens: sixteen\n", "Cannot create property=num_tokens"},
		{V41, "storage_port: 70000000000\n", `For input string: "70000000000"`},
		{V50, "auto_bootstrap: perhaps\n", "Cannot create property=auto_bootstrap"},
		{V41, "read_request_timeout: 5000\n",
			"Invalid duration: 5000 Accepted units:[MILLISECONDS, SECONDS, MINUTES, HOURS, DAYS] where case matters and only non-negative values."},
		{V50, "write_request_timeout: 2us\n", "Invalid duration: 2us"},
		{V41, "key_cache_size: 100MB\n", "Invalid data storage: 100MB Accepted units:[BYTES, KIBIBYTES, MEBIBYTES, GIBIBYTES]"},
		{V41, "compaction_throughput: 64MiB\n",
			"Invalid data rate: 64MiB Accepted units: MiB/s, KiB/s, B/s where case matters and only non-negative values are valid"},
		{V40, "cluster_name: [a, b]\n", "Cannot create property=cluster_name"},
	}
	for _, tc := range cases {
		wantError(t, tc.v, minimal+tc.yaml, tc.want)
		wantError(t, tc.v, minimal+tc.yaml, "Invalid yaml: file:/etc/cassandra/cassandra.yaml\n Error: ")
	}
	wantError(t, V41, "partitioner: [unclosed\n", "Invalid yaml: file:/etc/cassandra/cassandra.yaml")
}

// TestNullPropertyRefusedBy40: 4.0's PropertiesChecker refuses null for a property whose default
// is not null; later series dropped that check.
func TestNullPropertyRefusedBy40(t *testing.T) {
	wantError(t, V40, minimal+"cluster_name:\nstorage_port:\n", "Invalid yaml. Those properties [cluster_name, storage_port] are not valid")
	if c := mustParse(t, V40, minimal+"listen_address:\n"); c.ListenAddress != "" {
		t.Errorf("a null listen_address is allowed: %+v", c)
	}
	if c := mustParse(t, V41, minimal+"cluster_name:\n"); c.ClusterName != DefaultClusterName {
		t.Errorf("4.1: null cluster_name keeps the default, got %q", c.ClusterName)
	}
}

func TestNoSeedsStopsTheNode(t *testing.T) {
	base := "partitioner: Murmur3Partitioner\nendpoint_snitch: SimpleSnitch\n"
	for _, v := range versions {
		wantError(t, v, base, "seeds configuration is missing; a minimum of one seed is required.")
		wantError(t, v, base+"seed_provider:\n  - class_name: org.apache.cassandra.locator.SimpleSeedProvider\n    parameters:\n      - seeds: \" , \"\n",
			"The seed provider lists no seeds.")
		wantError(t, v, base+"seed_provider:\n  - class_name: org.apache.cassandra.locator.SimpleSeedProvider\n",
			"The seed provider lists no seeds.")
		wantError(t, v, base+"seed_provider:\n  - class_name: SimpleSeedProvider\n    parameters:\n      - seeds: a\n",
			"SimpleSeedProvider\nFatal configuration error; unable to start server.  See log for stacktrace.")
	}
}

func TestStartupChecksOnAddressesSnitchAndPartitioner(t *testing.T) {
	cases := []struct{ yaml, want string }{
		{"listen_address: 0.0.0.0\n", "listen_address cannot be a wildcard address (0.0.0.0)!"},
		{"broadcast_address: '::'\n", "broadcast_address cannot be a wildcard address (::)!"},
		{"listen_address: 10.0.0.1\nlisten_interface: eth0\n", "Set listen_address OR listen_interface, not both"},
		{"rpc_address: 0.0.0.0\n", "If rpc_address is set to a wildcard address (0.0.0.0), then you must set broadcast_rpc_address to a value other than 0.0.0.0"},
		{"rpc_address: 0.0.0.0\nbroadcast_rpc_address: 0.0.0.0\n", "broadcast_rpc_address can not be a wildcard address (0.0.0.0)!"},
	}
	for _, v := range versions {
		for _, tc := range cases {
			wantError(t, v, minimal+tc.yaml, tc.want)
		}
	}
	noSnitch := strings.Replace(minimal, "endpoint_snitch: SimpleSnitch\n", "", 1)
	wantError(t, V41, noSnitch, "Missing endpoint_snitch directive")
	wantError(t, V41, noSnitch+"endpoint_snitch: TopologySnitch\n", "Unable to find snitch class 'org.apache.cassandra.locator.TopologySnitch'")
	noPartitioner := strings.Replace(minimal, "partitioner: Murmur3Partitioner\n", "", 1)
	wantError(t, V41, noPartitioner, "Missing directive: partitioner")
	wantError(t, V41, noPartitioner+"partitioner: Murmur4Partitioner\n", "Invalid partitioner class Murmur4Partitioner")
}

func TestInitialTokensMustMatchNumTokens(t *testing.T) {
	for _, v := range versions {
		wantError(t, v, minimal+"num_tokens: 2\ninitial_token: 5\n",
			"The number of initial tokens (by initial_token) specified (1) is different from num_tokens value (2)")
		wantError(t, v, minimal+"num_tokens: 1\ninitial_token: abc\n", `For input string: "abc"`)
		c := mustParse(t, v, minimal+"num_tokens: 2\ninitial_token: -100, 4611686018427387904\n")
		if !slices.Equal(c.InitialTokens, []string{"-100", "4611686018427387904"}) {
			t.Errorf("%s: tokens %q", v, c.InitialTokens)
		}
	}
	wantError(t, V50, minimal+"initial_token: 1,2\n", "initial_token was set but num_tokens is not!")
	wantError(t, V41, minimal+"initial_token: 1,2\n", "is different from num_tokens value (1)")
}

func TestGossipingPropertyFileSnitchNeedsDCAndRack(t *testing.T) {
	c := mustParse(t, V41, pilotYAML)
	dir := t.TempDir()
	missing, err := LoadRackDC(filepath.Join(dir, "cassandra-rackdc.properties"))
	if err != nil {
		t.Fatal(err)
	}
	for name, props := range map[string]map[string]string{
		"no file": missing,
		"no rack": ParseProperties("dc=dc1\n"),
		"no dc":   ParseProperties("# only a rack\nrack: r1\n"),
	} {
		_, err := c.Locate(props)
		var ce *ConfigurationException
		if !errors.As(err, &ce) || ce.Message != "DC or rack not found in snitch properties, check your configuration in: cassandra-rackdc.properties" {
			t.Errorf("%s: %v", name, err)
		}
	}
	path := filepath.Join(dir, "rackdc")
	if err := os.WriteFile(path, []byte("dc = dc-eu  \nrack=rack\\\n-a\nprefer_local=true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	props, err := LoadRackDC(path)
	if err != nil {
		t.Fatal(err)
	}
	loc, err := c.Locate(props)
	if err != nil || loc != (Location{Datacenter: "dc-eu", Rack: "rack-a"}) {
		t.Errorf("Locate = %+v, %v", loc, err)
	}
	simple := mustParse(t, V41, minimal)
	if loc, err := simple.Locate(nil); err != nil || loc != (Location{"datacenter1", "rack1"}) {
		t.Errorf("SimpleSnitch: %+v, %v", loc, err)
	}
}

func TestLoadReadsAFileAndNamesItInErrors(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cassandra.yaml")
	if err := os.WriteFile(path, []byte(minimal+"num_tokens: x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(V40, path)
	if err == nil || !strings.Contains(err.Error(), "Invalid yaml: file:"+path) {
		t.Errorf("Load: %v", err)
	}
	if _, err := Load(V40, path+".missing"); err == nil || !strings.Contains(err.Error(), "Cannot locate file:") {
		t.Errorf("Load of a missing file: %v", err)
	}
	var ce *ConfigurationException
	if errors.As(err, &ce) && !strings.HasPrefix(ce.StartupLine(), "Exception (org.apache.cassandra.exceptions.ConfigurationException) encountered during startup: ") {
		t.Errorf("startup line: %q", ce.StartupLine())
	}
}

func TestParseVersion(t *testing.T) {
	for in, want := range map[string]Version{"4.0.13": V40, "4.1": V41, "5.0.2": V50} {
		if got, err := ParseVersion(in); err != nil || got != want {
			t.Errorf("ParseVersion(%q) = %v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"3.11.4", "5", "x.y"} {
		if _, err := ParseVersion(bad); err == nil {
			t.Errorf("ParseVersion(%q) accepted", bad)
		}
	}
}

// TestStreamThroughput: stream_throughput_outbound in bytes per second, under the name and in the
// unit each series reads, Config.java's default when unset, and 0 for unthrottled.
func TestStreamThroughput(t *testing.T) {
	for _, tc := range []struct {
		v    Version
		yaml string
		want int64
	}{
		{V40, "", 25_000_000},
		{V41, "", 24 << 20},
		{V50, "", 24 << 20},
		{V40, "stream_throughput_outbound_megabits_per_sec: 1\n", 125_000},
		{V50, "stream_throughput_outbound_megabits_per_sec: 8\n", 1_000_000},
		{V41, "stream_throughput_outbound: 64KiB/s\n", 64 << 10},
		{V50, "stream_throughput_outbound: 2MiB/s\n", 2 << 20},
		{V50, "stream_throughput_outbound: 1000B/s\n", 1000},
		{V50, "stream_throughput_outbound: 0MiB/s\n", 0},
	} {
		if got := mustParse(t, tc.v, minimal+tc.yaml).StreamBytesPerSecond; got != tc.want {
			t.Errorf("%s %q: %d bytes/s, want %d", tc.v, tc.yaml, got, tc.want)
		}
	}
}
