// Package config reads elasticsearch.yml for the Elasticsearch simulator the way Elasticsearch
// does: nested and dotted keys are the same setting, unknown settings and roles stop the node at
// start with Elasticsearch's own messages, and omitted settings take Elasticsearch's defaults.
// A node simulating OpenSearch reads opensearch.yml in OpenSearch's words (product.go).
package config

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"sigs.k8s.io/yaml"
)

// Default ports, as both products document them.
const (
	DefaultHTTPPort      = 9200
	DefaultTransportPort = 9300
)

// Config is what the simulator reads from elasticsearch.yml.
type Config struct {
	// Product is the engine the node is, and whose words the file is in.
	Product            Product
	ClusterName        string
	NodeName           string
	Roles              []string
	SeedHosts          []string
	InitialMasterNodes []string
	PathData           string
	NetworkHost        string
	PublishHost        string
	HTTPPort           int
	TransportPort      int
	// Settings holds every setting, flattened to dotted keys, as strings.
	Settings map[string]string
}

// known lists the settings the simulator accepts: exact keys, and prefixes ending in a dot.
var known = []string{
	"cluster.name", "node.name", "node.roles", "path.data", "path.logs",
	"network.host", "network.bind_host", "network.publish_host", "http.port", "transport.port",
	"discovery.seed_hosts", "discovery.seed_providers", "discovery.type",
	"bootstrap.memory_lock", "node.store.allow_mmap", "action.destructive_requires_name",
	"cluster.routing.allocation.", "indices.", "thread_pool.", "node.attr.", "logger.",
	"cluster.max_shards_per_node", "search.", "http.max_content_length",
}

// Load reads and validates a configuration file. The error is Elasticsearch's start-up error.
func Load(path string) (*Config, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("java.nio.file.NoSuchFileException: %s", path)
	}
	return Parse(raw)
}

// placeholder is ${NAME} or ${NAME:default}, which Elasticsearch replaces with the
// environment variable's value when it reads elasticsearch.yml.
var placeholder = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_.]*)(?::([^}]*))?\}`)

// substitute replaces placeholders from the environment.
func substitute(raw []byte) ([]byte, error) {
	var missing string
	out := placeholder.ReplaceAllFunc(raw, func(m []byte) []byte {
		sub := placeholder.FindSubmatch(m)
		if v, ok := os.LookupEnv(string(sub[1])); ok {
			return []byte(v)
		}
		if bytes.Contains(m, []byte(":")) {
			return sub[2]
		}
		if missing == "" {
			missing = string(sub[1])
		}
		return m
	})
	if missing != "" {
		return nil, fmt.Errorf("java.lang.IllegalArgumentException: Could not resolve placeholder '%s'", missing)
	}
	return out, nil
}

// Parse reads configuration text.
func Parse(raw []byte) (*Config, error) {
	return ParseAs(Elasticsearch, raw, nil)
}

// ParseWith reads configuration text and then applies overrides (from -E options or the
// environment), which win over the file as they do in Elasticsearch.
func ParseWith(raw []byte, overrides map[string]string) (*Config, error) {
	return ParseAs(Elasticsearch, raw, overrides)
}

// ParseAs reads configuration text in the product's words, then applies overrides.
func ParseAs(p Product, raw []byte, overrides map[string]string) (*Config, error) {
	raw, err := substitute(raw)
	if err != nil {
		return nil, err
	}
	return parse(p, raw, overrides)
}

func parse(p Product, raw []byte, overrides map[string]string) (*Config, error) {
	var doc map[string]any
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("org.elasticsearch.ElasticsearchParseException: malformed %s: %w", p.ConfigFile, err)
	}
	flat := map[string]any{}
	flatten("", doc, flat)
	for k, v := range overrides {
		var parsed any = v
		if strings.HasPrefix(v, "[") {
			_ = yaml.Unmarshal([]byte(v), &parsed) // a list given as [a, b]
		}
		flat[k] = parsed
	}
	for _, key := range sortedKeys(flat) {
		if !isKnown(key, p) {
			return nil, fmt.Errorf("java.lang.IllegalArgumentException: unknown setting [%s] please check that any required plugins are installed, or check the breaking changes documentation for removed settings", key)
		}
	}
	c := &Config{
		Product:     p,
		ClusterName: str(flat, "cluster.name", p.DefaultClusterName),
		NodeName:    str(flat, "node.name", hostname()),
		PathData:    str(flat, "path.data", p.Home+"/data"),
		NetworkHost: str(flat, "network.host", "_local_"),
		Settings:    map[string]string{},
	}
	c.PublishHost = str(flat, "network.publish_host", c.NetworkHost)
	var err error
	if c.HTTPPort, err = port(flat, "http.port", DefaultHTTPPort); err != nil {
		return nil, err
	}
	if c.TransportPort, err = port(flat, "transport.port", DefaultTransportPort); err != nil {
		return nil, err
	}
	c.SeedHosts, c.InitialMasterNodes = list(flat, "discovery.seed_hosts"), list(flat, p.InitialManagers)
	if c.InitialMasterNodes == nil && p.InitialManagers != Elasticsearch.InitialManagers {
		c.InitialMasterNodes = list(flat, Elasticsearch.InitialManagers) // OpenSearch's deprecated name
	}
	if c.Roles, err = roles(p, flat); err != nil {
		return nil, err
	}
	for k, v := range flat {
		c.Settings[k] = fmt.Sprint(v)
	}
	return c, nil
}

// roles reads node.roles: omitted means every default role; [] means coordinating only.
func roles(p Product, flat map[string]any) ([]string, error) {
	v, ok := flat["node.roles"]
	if !ok {
		return slices.Clone(p.DefaultRoles), nil
	}
	rs := list(map[string]any{"r": v}, "r")
	for _, r := range rs {
		if !slices.Contains(p.KnownRoles, r) {
			return nil, fmt.Errorf("java.lang.IllegalArgumentException: unknown role [%s]", r)
		}
	}
	if slices.Contains(rs, "voting_only") && !slices.Contains(rs, "master") {
		return nil, fmt.Errorf("java.lang.IllegalArgumentException: voting-only node must be master-eligible")
	}
	return rs, nil
}

// HasRole reports whether the node has a role.
func (c *Config) HasRole(role string) bool { return slices.Contains(c.Roles, role) }

// IsData reports whether the node holds shards: the data role or a data tier.
func (c *Config) IsData() bool { return HoldsData(c.Roles) }

// HoldsData reports whether roles include the data role or a data tier (data_hot, …).
func HoldsData(roles []string) bool {
	return slices.ContainsFunc(roles, func(r string) bool { return r == "data" || strings.HasPrefix(r, "data_") })
}

// MasterEligible reports whether the node can vote in master elections.
func (c *Config) MasterEligible() bool { return c.Product.ManagerEligible(c.Roles) }

func isKnown(key string, p Product) bool {
	for _, k := range slices.Concat(known, []string{p.InitialManagers}, p.Settings) {
		if key == k || strings.HasSuffix(k, ".") && strings.HasPrefix(key, k) {
			return true
		}
	}
	return false
}

// flatten turns nested maps into dotted keys, as Elasticsearch reads YAML.
func flatten(prefix string, v any, out map[string]any) {
	m, ok := v.(map[string]any)
	if !ok {
		out[prefix] = v
		return
	}
	for k, sub := range m {
		key := k
		if prefix != "" {
			key = prefix + "." + k
		}
		flatten(key, sub, out)
	}
}

func str(flat map[string]any, key, def string) string {
	if v, ok := flat[key]; ok && v != nil {
		return fmt.Sprint(v)
	}
	return def
}

// list reads a setting given as a YAML list or as a comma-separated string.
func list(flat map[string]any, key string) []string {
	switch v := flat[key].(type) {
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			out = append(out, strings.TrimSpace(fmt.Sprint(e)))
		}
		return out
	case string:
		if v == "" {
			return []string{}
		}
		parts := strings.Split(v, ",")
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
		return parts
	case nil:
		return nil
	default:
		return []string{fmt.Sprint(v)}
	}
}

func port(flat map[string]any, key string, def int) (int, error) {
	v, ok := flat[key]
	if !ok {
		return def, nil
	}
	p, err := strconv.Atoi(fmt.Sprint(v))
	if err != nil || p < 1 || p > 65535 {
		return 0, fmt.Errorf("java.lang.IllegalArgumentException: Failed to parse value [%v] for setting [%s]", v, key)
	}
	return p, nil
}

// sortedKeys orders the keys, so that the first unknown setting reported is always the same.
func sortedKeys(m map[string]any) []string {
	return slices.Sorted(maps.Keys(m))
}

func hostname() string {
	h, _ := os.Hostname()
	return h
}
