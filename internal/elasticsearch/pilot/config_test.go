package pilot

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/pilot/engine"
	"github.com/navigator-dbaas/navigator/internal/search/node"
	"github.com/navigator-dbaas/navigator/internal/search/settings"
	simconfig "github.com/navigator-dbaas/navigator/test/sim/elasticsearch/config"
)

func testCluster(pool navv1alpha1.ElasticsearchNodePool) *navv1alpha1.ElasticsearchCluster {
	return &navv1alpha1.ElasticsearchCluster{
		ObjectMeta: metav1.ObjectMeta{Name: "logs", Namespace: "team-a"},
		Spec: navv1alpha1.ElasticsearchClusterSpec{Version: "8.18.2", NodePools: []navv1alpha1.ElasticsearchNodePool{
			{NodePoolCommon: navv1alpha1.NodePoolCommon{Name: "other"}},
			pool,
		}},
	}
}

func testInput(es *navv1alpha1.ElasticsearchCluster, initialMasters ...string) engine.Input {
	p := &navv1alpha1.Pilot{Spec: navv1alpha1.PilotSpec{Engine: navv1alpha1.EngineElasticsearch, Cluster: es.Name}}
	if initialMasters != nil {
		p.Spec.Elasticsearch = &navv1alpha1.ElasticsearchPilotSpec{InitialMasterNodes: initialMasters}
	}
	return engine.Input{Node: engine.Node{Name: "logs-hot-0", Namespace: "team-a", IP: "10.1.2.3"}, Pilot: p, Cluster: es}
}

func configEngine(t *testing.T) *Engine {
	dir := t.TempDir()
	return &Engine{Flags: node.Flags{
		NodePool: "hot", SeedHosts: []string{"logs-discovery.team-a.svc"},
		ConfigDir: filepath.Join(dir, "config"), DataDir: filepath.Join(dir, "data"),
		HTTPPort: 9200, TransportPort: 9300,
	}}
}

// readSettings parses the written elasticsearch.yml into plain JSON values.
func readSettings(t *testing.T, e *Engine) map[string]any {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(e.ConfigDir, configFile))
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := yaml.Unmarshal(raw, &got); err != nil {
		t.Fatalf("elasticsearch.yml does not parse: %v\n%s", err, raw)
	}
	if _, err := simconfig.Parse(raw); err != nil {
		t.Fatalf("the simulator, which refuses what Elasticsearch refuses, refuses elasticsearch.yml: %v\n%s", err, raw)
	}
	return got
}

// plain turns Go values into what YAML parsing gives back (numbers as float64, lists as []any).
func plain(t *testing.T, v map[string]any) map[string]any {
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestConfigureWritesElasticsearchYML(t *testing.T) {
	base := func() map[string]any {
		return map[string]any{
			"cluster.name": "logs", "node.name": "logs-hot-0",
			"network.host": "0.0.0.0", "network.publish_host": "10.1.2.3",
			"http.port": 9200, "transport.port": 9300, "path.data": "DATA",
			"discovery.seed_hosts":   []string{"logs-discovery.team-a.svc"},
			"xpack.security.enabled": false,
		}
	}
	for name, tc := range map[string]struct {
		roles          []navv1alpha1.ElasticsearchRole
		config         map[string]string
		initialMasters []string
		want           func(map[string]any)
	}{
		"roles omitted: Elasticsearch's default, no node.roles": {
			want: func(map[string]any) {},
		},
		"empty roles: a coordinating-only node": {
			roles: []navv1alpha1.ElasticsearchRole{},
			want:  func(s map[string]any) { s["node.roles"] = []string{} },
		},
		"roles and initial master nodes while bootstrapping": {
			roles:          []navv1alpha1.ElasticsearchRole{navv1alpha1.ESRoleMaster, navv1alpha1.ESRoleDataHot},
			initialMasters: []string{"logs-hot-0", "logs-hot-1", "logs-hot-2"},
			want: func(s map[string]any) {
				s["node.roles"] = []string{"master", "data_hot"}
				s["cluster.initial_master_nodes"] = []string{"logs-hot-0", "logs-hot-1", "logs-hot-2"}
			},
		},
		"an empty initial master list writes none": {
			initialMasters: []string{},
			want:           func(map[string]any) {},
		},
		"pool config merged over, nested values flattened": {
			config: map[string]string{
				"indices.recovery.max_bytes_per_sec": "100mb",
				"thread_pool.write.queue_size":       "500",
				"node.attr":                          "{zone: eu-1a, rack: r7}",
				"xpack":                              "{ml: {enabled: false}}",
				"action.destructive_requires_name":   "true",
			},
			want: func(s map[string]any) {
				s["indices.recovery.max_bytes_per_sec"] = "100mb"
				s["thread_pool.write.queue_size"] = 500
				s["node.attr.zone"], s["node.attr.rack"] = "eu-1a", "r7"
				s["xpack.ml.enabled"] = false
				s["action.destructive_requires_name"] = true
			},
		},
	} {
		t.Run(name, func(t *testing.T) {
			e := configEngine(t)
			pool := navv1alpha1.ElasticsearchNodePool{NodePoolCommon: navv1alpha1.NodePoolCommon{Name: "hot", Config: tc.config}, Roles: tc.roles}
			if err := e.Configure(t.Context(), testInput(testCluster(pool), tc.initialMasters...)); err != nil {
				t.Fatal(err)
			}
			want := base()
			want["path.data"] = e.DataDir
			tc.want(want)
			if got, w := readSettings(t, e), plain(t, want); !reflect.DeepEqual(got, w) {
				t.Fatalf("elasticsearch.yml settings:\n got %v\nwant %v", got, w)
			}
		})
	}
}

func TestConfigureRefuses(t *testing.T) {
	e := configEngine(t)
	hot := navv1alpha1.ElasticsearchNodePool{NodePoolCommon: navv1alpha1.NodePoolCommon{Name: "hot"}}
	bad := hot
	bad.Config = map[string]string{"node.attr.zone": "[unclosed"}
	nested, dotted := hot, hot
	nested.Config = map[string]string{"xpack": "{security: {enabled: true}}"}
	dotted.Config = map[string]string{"network.host": "_site_"}
	for name, tc := range map[string]struct {
		in   engine.Input
		want string
	}{
		"no cluster yet":    {in: engine.Input{Node: engine.Node{Name: "n"}, Pilot: &navv1alpha1.Pilot{}}, want: "not known yet"},
		"unknown pool":      {in: testInput(testCluster(navv1alpha1.ElasticsearchNodePool{NodePoolCommon: navv1alpha1.NodePoolCommon{Name: "warm"}})), want: `no node pool "hot"`},
		"config not a YAML": {in: testInput(testCluster(bad)), want: `config "node.attr.zone" is not a YAML value`},
		// Admission refuses these; an object admitted before a rule named them is refused here.
		"a managed setting nested": {in: testInput(testCluster(nested)), want: `config "xpack" sets xpack.security.enabled, which Navigator manages`},
		"a managed setting dotted": {in: testInput(testCluster(dotted)), want: `config "network.host" sets network.host, which Navigator manages`},
	} {
		t.Run(name, func(t *testing.T) {
			err := e.Configure(t.Context(), tc.in)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Configure: %v, want an error with %q", err, tc.want)
			}
			if _, err := os.Stat(filepath.Join(e.ConfigDir, configFile)); !os.IsNotExist(err) {
				t.Fatalf("elasticsearch.yml written after a refusal: %v", err)
			}
		})
	}
}

func TestConfigureWritesHeap(t *testing.T) {
	heapPath := func(e *Engine) string { return filepath.Join(e.ConfigDir, settings.HeapFile) }
	e := configEngine(t)
	configure := func(limit string) {
		t.Helper()
		pool := navv1alpha1.ElasticsearchNodePool{NodePoolCommon: navv1alpha1.NodePoolCommon{Name: "hot"}}
		if limit != "" {
			pool.Resources.Limits = corev1.ResourceList{corev1.ResourceMemory: resource.MustParse(limit)}
		}
		if err := e.Configure(t.Context(), testInput(testCluster(pool))); err != nil {
			t.Fatal(err)
		}
	}
	for limit, want := range map[string]string{"4Gi": "2048m", "3G": "1430m", "100Gi": "31744m"} {
		configure(limit)
		raw, err := os.ReadFile(heapPath(e))
		if err != nil {
			t.Fatal(err)
		}
		var opts []string
		for _, line := range strings.Split(string(raw), "\n") {
			if strings.HasPrefix(line, "-") {
				opts = append(opts, line)
			}
		}
		if w := []string{"-Xms" + want, "-Xmx" + want}; !reflect.DeepEqual(opts, w) {
			t.Errorf("limit %s: heap options %q, want %q", limit, opts, w)
		}
	}
	configure("") // no limit: Elasticsearch sizes the heap itself, and a stale file goes
	if _, err := os.Stat(heapPath(e)); !os.IsNotExist(err) {
		t.Fatalf("heap options without a memory limit: %v", err)
	}
	if entries, _ := os.ReadDir(e.ConfigDir); len(entries) != 2 { // elasticsearch.yml, jvm.options.d
		t.Fatalf("config dir holds %d entries (temporary files left?)", len(entries))
	}
}

func TestHoldsData(t *testing.T) {
	e := configEngine(t)
	if e.HoldsData() {
		t.Fatal("a data dir that does not exist holds data")
	}
	if err := os.MkdirAll(filepath.Join(e.DataDir, "lost+found"), 0o755); err != nil {
		t.Fatal(err)
	}
	if e.HoldsData() {
		t.Fatal("a fresh volume with lost+found holds data")
	}
	if err := os.MkdirAll(filepath.Join(e.DataDir, "nodes", "0"), 0o755); err != nil { // 7.x
		t.Fatal(err)
	}
	if !e.HoldsData() {
		t.Fatal("a 7.x data dir holds no data")
	}
}
