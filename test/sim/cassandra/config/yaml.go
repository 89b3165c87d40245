package config

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"

	"sigs.k8s.io/yaml"
)

// Defaults Cassandra uses when cassandra.yaml leaves a setting out (Config.java), not the values
// the shipped cassandra.yaml writes: the pilot writes the file, so what it omits gets these.
const (
	DefaultClusterName         = "Test Cluster"
	DefaultStoragePort         = 7000
	DefaultNativeTransportPort = 9042
	DefaultNumTokens           = 1
	Murmur3Partitioner         = "org.apache.cassandra.dht.Murmur3Partitioner"
	SimpleSeedProvider         = "org.apache.cassandra.locator.SimpleSeedProvider"
)

// Storage compatibility modes of Cassandra 5.0 (storage_compatibility_mode). A 5.0 node talks to
// 4.x nodes with the 4.x messaging version until the mode is NONE.
const (
	CompatibilityCassandra4 = "CASSANDRA_4"
	CompatibilityUpgrading  = "UPGRADING"
	CompatibilityNone       = "NONE"
)

// Config is what the simulator reads from cassandra.yaml.
type Config struct {
	Version     Version
	ClusterName string
	// NumTokens is the number of vnodes; InitialTokens, when set, are the node's tokens.
	NumTokens     int
	InitialTokens []string
	Partitioner   string
	// Seeds are SimpleSeedProvider's seeds, as written (host or host:port); they are not
	// resolved here, since that needs the network.
	Seeds               []string
	ListenAddress       string
	BroadcastAddress    string
	RPCAddress          string
	BroadcastRPCAddress string
	StoragePort         int
	NativeTransportPort int
	// EndpointSnitch is the snitch's full class name.
	EndpointSnitch       string
	DataFileDirectories  []string
	CommitlogDirectory   string
	SavedCachesDirectory string
	HintsDirectory       string
	// AllocateTokensForLocalRF is allocate_tokens_for_local_replication_factor; 0 when unset.
	AllocateTokensForLocalRF int
	AutoBootstrap            bool
	// StreamBytesPerSecond is how fast the node sends streamed data: stream_throughput_outbound,
	// in bytes per second; 0 leaves streaming unthrottled, as Cassandra's rate limiter does.
	StreamBytesPerSecond int64
	// StorageCompatibilityMode is 5.0's setting; empty before 5.0.
	StorageCompatibilityMode string
	// Deprecated lists the pre-4.1 names the file used, which 4.1 and 5.0 accept with a warning.
	Deprecated []string
}

// Load reads and validates a cassandra.yaml file as series v does.
func Load(v Version, path string) (*Config, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		// YamlConfigurationLoader.getStorageConfigURL, for a file: URL that does not exist.
		return nil, configErr("Cannot locate file:" + path + ".  If this is a local file, please confirm you've provided file:// as a URI prefix.")
	}
	return Parse(v, "file:"+path, raw)
}

// Parse reads cassandra.yaml text; source names it in error messages, as the URL does in
// Cassandra's.
func Parse(v Version, source string, raw []byte) (*Config, error) {
	var doc map[string]any
	useNumber := func(d *json.Decoder) *json.Decoder { d.UseNumber(); return d }
	if err := yaml.Unmarshal(raw, &doc, useNumber); err != nil {
		return nil, configErr(fmt.Sprintf("Invalid yaml: %s\n Error: %v", source, err))
	}
	if err := checkProperties(v, source, doc); err != nil {
		return nil, err
	}
	c := build(v, doc)
	for _, check := range []func(*Config, map[string]any) error{
		checkPartitioner, checkAddresses, checkSnitch, checkTokens, readSeeds,
	} {
		if err := check(c, doc); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// checkProperties does what constructing Config from the YAML does: a malformed value stops the
// load at once, in file order; unknown and (in 4.0) null properties are collected and reported
// together afterwards, as PropertiesChecker.check does. Keys are visited in sorted order, and
// the names in a report are sorted, where Cassandra follows the file and a HashSet.
func checkProperties(v Version, source string, doc map[string]any) error {
	var unknown, nulls []string
	for _, key := range slices.Sorted(maps.Keys(doc)) {
		value := doc[key]
		p, ok := lookup(v, key)
		if !ok {
			unknown = append(unknown, key)
			continue
		}
		if value == nil {
			if v == V40 && !p.nullable {
				nulls = append(nulls, key)
			}
			continue
		}
		if err := checkValue(source, key, p.kind, value); err != nil {
			return err
		}
		if key == "seed_provider" {
			unknown = append(unknown, unknownSeedProviderKeys(value)...)
		}
	}
	if len(nulls) > 0 {
		return configErr("Invalid yaml. Those properties " + javaList(nulls) + " are not valid")
	}
	if len(unknown) > 0 {
		return configErr("Invalid yaml. Please remove properties " + javaList(unknown) + " from your cassandra.yaml")
	}
	return nil
}

func build(v Version, doc map[string]any) *Config {
	c := &Config{
		Version:             v,
		ClusterName:         str(doc, "cluster_name", DefaultClusterName),
		NumTokens:           integer(doc, "num_tokens", 0),
		Partitioner:         str(doc, "partitioner", ""),
		ListenAddress:       str(doc, "listen_address", ""),
		BroadcastAddress:    str(doc, "broadcast_address", ""),
		RPCAddress:          str(doc, "rpc_address", ""),
		BroadcastRPCAddress: str(doc, "broadcast_rpc_address", ""),
		StoragePort:         integer(doc, "storage_port", DefaultStoragePort),
		NativeTransportPort: integer(doc, "native_transport_port", DefaultNativeTransportPort),
		EndpointSnitch:      str(doc, "endpoint_snitch", ""),
		CommitlogDirectory:  str(doc, "commitlog_directory", ""),

		SavedCachesDirectory:     str(doc, "saved_caches_directory", ""),
		HintsDirectory:           str(doc, "hints_directory", ""),
		AllocateTokensForLocalRF: integer(doc, "allocate_tokens_for_local_replication_factor", 0),
		AutoBootstrap:            str(doc, "auto_bootstrap", "true") == "true",
		DataFileDirectories:      list(doc["data_file_directories"]),
		StreamBytesPerSecond:     streamRate(v, doc),
	}
	if v.AtLeast(V50) {
		c.StorageCompatibilityMode = str(doc, "storage_compatibility_mode", CompatibilityCassandra4)
	}
	if t := str(doc, "initial_token", ""); t != "" {
		for _, tok := range strings.Split(t, ",") {
			c.InitialTokens = append(c.InitialTokens, strings.TrimSpace(tok))
		}
	}
	for key := range doc {
		if p, ok := ignored[key]; ok && p.renamedTo != "" && v.AtLeast(V41) {
			c.Deprecated = append(c.Deprecated, key)
		}
	}
	slices.Sort(c.Deprecated)
	return c
}

// Stream rates: StreamRateLimiter counts 125,000 bytes to the megabit, and Config.java's default is
// 200 megabits per second in 4.0, 24MiB/s from 4.1 on.
const (
	bytesPerMegabit   = 125_000
	defaultStreamRate = 24 << 20
)

// streamRate reads stream_throughput_outbound: 4.1's DataRateSpec, or the megabits of the 4.0
// name, which 4.1 and 5.0 still read (Converters.MEGABITS_TO_BYTES_PER_SECOND_DATA_RATE). The
// value was checked when the file was read.
func streamRate(v Version, doc map[string]any) int64 {
	if s, ok := scalar(doc["stream_throughput_outbound"]); ok && v.AtLeast(V41) {
		if m := ratePattern.FindStringSubmatch(s); m != nil {
			n, _ := strconv.ParseInt(m[1], 10, 64)
			switch m[2] {
			case "MiB/s":
				return n << 20
			case "KiB/s":
				return n << 10
			}
			return n
		}
	}
	if mbps := integer(doc, "stream_throughput_outbound_megabits_per_sec", -1); mbps >= 0 {
		return int64(mbps) * bytesPerMegabit
	}
	if v.AtLeast(V41) {
		return defaultStreamRate
	}
	return 200 * bytesPerMegabit
}

func str(doc map[string]any, key, def string) string {
	if s, ok := scalar(doc[key]); ok {
		return s
	}
	return def
}

func integer(doc map[string]any, key string, def int) int {
	s, ok := scalar(doc[key])
	if !ok {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return def
	}
	return n
}

// list reads data_file_directories, a YAML list; a single string is taken as one directory.
func list(v any) []string {
	switch x := v.(type) {
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s, ok := scalar(e); ok {
				out = append(out, s)
			}
		}
		return out
	case string:
		return []string{x}
	default:
		return nil
	}
}
