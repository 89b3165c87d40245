package pilot

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/pilot/engine"
	"github.com/navigator-dbaas/navigator/internal/search/node"
)

func configure(t *testing.T, maxMapCount string, pool navv1alpha1.OpenSearchNodePool, pilot *navv1alpha1.Pilot) (map[string]any, string) {
	t.Helper()
	dir := t.TempDir()
	e := &Engine{
		Flags:       node.Flags{NodePool: pool.Name, SeedHosts: []string{"logs-discovery"}, ConfigDir: filepath.Join(dir, "config"), DataDir: "/data", HTTPPort: 9200, TransportPort: 9300},
		MaxMapCount: filepath.Join(dir, "max_map_count"),
	}
	if maxMapCount != "" {
		if err := os.WriteFile(e.MaxMapCount, []byte(maxMapCount+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c := &navv1alpha1.OpenSearchCluster{Spec: navv1alpha1.OpenSearchClusterSpec{NodePools: []navv1alpha1.OpenSearchNodePool{pool}}}
	c.Name = "logs"
	in := engine.Input{Node: engine.Node{Name: "logs-" + pool.Name + "-0", IP: "10.0.0.7"}, Pilot: pilot, Cluster: c}
	if err := e.Configure(t.Context(), in); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(e.ConfigDir, configFile))
	if err != nil {
		t.Fatal(err)
	}
	var s map[string]any
	if err := yaml.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	return s, string(raw)
}

func TestConfigureWritesOpenSearchYML(t *testing.T) {
	pool := navv1alpha1.OpenSearchNodePool{
		NodePoolCommon: navv1alpha1.NodePoolCommon{Name: "manager", Config: map[string]string{"indices.memory": "{index_buffer_size: 20%}"}},
		Roles:          []navv1alpha1.OpenSearchRole{navv1alpha1.OSRoleClusterManager},
	}
	pilot := &navv1alpha1.Pilot{Spec: navv1alpha1.PilotSpec{OpenSearch: &navv1alpha1.OpenSearchPilotSpec{InitialClusterManagerNodes: []string{"logs-manager-0", "logs-manager-1"}}}}
	s, _ := configure(t, "262144", pool, pilot)
	for key, want := range map[string]string{
		"cluster.name": "logs", "node.name": "logs-manager-0", "network.publish_host": "10.0.0.7",
		"node.roles": "[cluster_manager]", "discovery.seed_hosts": "[logs-discovery]",
		"cluster.initial_cluster_manager_nodes": "[logs-manager-0 logs-manager-1]",
		"indices.memory.index_buffer_size":      "20%", "path.data": "/data",
	} {
		if got := strings.TrimSpace(strings.ReplaceAll(fmtValue(s[key]), "\n", " ")); got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
	if _, set := s["node.store.allow_mmap"]; set {
		t.Error("node.store.allow_mmap written although vm.max_map_count suffices")
	}
	if _, set := s["cluster.initial_master_nodes"]; set {
		t.Error("the Elasticsearch setting was written")
	}
	if _, set := s["plugins.security.disabled"]; set {
		t.Error("the security plugin's setting written for a node without the plugin")
	}
}

// TestConfigureTurnsOffTheSecurityPlugin: the upstream image's security plugin is turned off,
// as its entrypoint would when asked; a node without it gets no such setting (above).
func TestConfigureTurnsOffTheSecurityPlugin(t *testing.T) {
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, "plugins", "opensearch-security"), 0o755); err != nil {
		t.Fatal(err)
	}
	e := &Engine{Flags: node.Flags{NodePool: "data", SeedHosts: []string{"d"}, ConfigDir: filepath.Join(home, "config"), DataDir: "/data"}, MaxMapCount: filepath.Join(home, "none")}
	c := &navv1alpha1.OpenSearchCluster{Spec: navv1alpha1.OpenSearchClusterSpec{NodePools: []navv1alpha1.OpenSearchNodePool{{NodePoolCommon: navv1alpha1.NodePoolCommon{Name: "data"}}}}}
	if err := e.Configure(t.Context(), engine.Input{Node: engine.Node{Name: "n"}, Cluster: c}); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(e.ConfigDir, configFile))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), "plugins.security.disabled: true") {
		t.Errorf("opensearch.yml without the security plugin turned off:\n%s", raw)
	}
}

// TestConfigureWithoutEnoughMemoryMaps: below the vm.max_map_count OpenSearch's bootstrap check
// asks for, the node is told not to memory-map its indices (and the file says why), unless the
// pool decided itself; a count that cannot be read changes nothing.
func TestConfigureWithoutEnoughMemoryMaps(t *testing.T) {
	pool := navv1alpha1.OpenSearchNodePool{NodePoolCommon: navv1alpha1.NodePoolCommon{Name: "data"}}
	s, raw := configure(t, "65530", pool, nil)
	if s["node.store.allow_mmap"] != false || !strings.Contains(raw, "vm.max_map_count is 65530") {
		t.Errorf("with 65530 maps: allow_mmap %v, file:\n%s", s["node.store.allow_mmap"], raw)
	}
	if _, set := s["node.roles"]; set {
		t.Error("omitted roles were written")
	}
	pool.Config = map[string]string{"node.store.allow_mmap": "true"}
	if s, _ := configure(t, "65530", pool, nil); s["node.store.allow_mmap"] != true {
		t.Errorf("the pool's own allow_mmap overridden: %v", s["node.store.allow_mmap"])
	}
	pool.Config = nil
	if s, _ := configure(t, "", pool, nil); s["node.store.allow_mmap"] != nil {
		t.Errorf("allow_mmap %v without a readable vm.max_map_count", s["node.store.allow_mmap"])
	}
}

func fmtValue(v any) string {
	switch v := v.(type) {
	case []any:
		parts := make([]string, len(v))
		for i, p := range v {
			parts[i] = fmtValue(p)
		}
		return "[" + strings.Join(parts, " ") + "]"
	case string:
		return v
	default:
		raw, _ := yaml.Marshal(v)
		return string(raw)
	}
}
