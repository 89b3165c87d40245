package pilot

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/pilot/engine"
	simconfig "github.com/navigator-dbaas/navigator/test/sim/cassandra/config"
)

func testCluster(pool navv1alpha1.CassandraNodePool) *navv1alpha1.CassandraCluster {
	return &navv1alpha1.CassandraCluster{
		ObjectMeta: metav1.ObjectMeta{Name: "orders", Namespace: "team-a"},
		Spec: navv1alpha1.CassandraClusterSpec{Version: "4.1.10", NumTokens: 8, NodePools: []navv1alpha1.CassandraNodePool{
			{NodePoolCommon: navv1alpha1.NodePoolCommon{Name: "other"}, Datacenter: "dc9"},
			pool,
		}},
	}
}

func testInput(cc *navv1alpha1.CassandraCluster, replace string) engine.Input {
	p := &navv1alpha1.Pilot{Spec: navv1alpha1.PilotSpec{Engine: navv1alpha1.EngineCassandra, Cluster: cc.Name}}
	if replace != "" {
		p.Spec.Cassandra = &navv1alpha1.CassandraPilotSpec{ReplaceAddress: replace}
	}
	return engine.Input{Node: engine.Node{Name: "orders-r1-0", Namespace: "team-a", IP: "10.244.0.7"}, Pilot: p, Cluster: cc}
}

func configEngine(t *testing.T) *Engine {
	dir := t.TempDir()
	e := &Engine{
		NodePool: "r1", Seeds: []string{"orders-seeds.team-a.svc.cluster.local"},
		ConfigDir: filepath.Join(dir, "config"), DataDir: filepath.Join(dir, "data"),
		CQLPort: 9042, StoragePort: 7000, Nodetool: []string{DefaultNodetool}, JMXAddress: DefaultJMXAddress,
	}
	if err := e.Init(); err != nil {
		t.Fatal(err)
	}
	return e
}

func configure(t *testing.T, e *Engine, pool navv1alpha1.CassandraNodePool, replace string) {
	t.Helper()
	if err := e.Configure(t.Context(), testInput(testCluster(pool), replace)); err != nil {
		t.Fatal(err)
	}
}

// readSettings parses the written cassandra.yaml into plain JSON values.
func readSettings(t *testing.T, e *Engine) map[string]any {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(e.ConfigDir, configFile))
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := yaml.Unmarshal(raw, &got); err != nil {
		t.Fatalf("cassandra.yaml does not parse: %v\n%s", err, raw)
	}
	return got
}

// TestConfigureWritesWhatEachReleaseReads: the simulator, which reads cassandra.yaml and
// cassandra-rackdc.properties as each release's loader does and refuses what it refuses, starts
// 4.0, 4.1 and 5.0 nodes from what the engine writes, with Navigator's settings.
func TestConfigureWritesWhatEachReleaseReads(t *testing.T) {
	e := configEngine(t)
	configure(t, e, navv1alpha1.CassandraNodePool{NodePoolCommon: navv1alpha1.NodePoolCommon{Name: "r1"}, Datacenter: "eu-west"}, "")
	data := e.DataDir
	for _, v := range []simconfig.Version{simconfig.V40, simconfig.V41, simconfig.V50} {
		c, err := simconfig.Load(v, filepath.Join(e.ConfigDir, configFile))
		if err != nil {
			t.Fatalf("%s refuses cassandra.yaml: %v", v, err)
		}
		if c.ClusterName != "orders" || c.NumTokens != 8 || c.AllocateTokensForLocalRF != 3 || c.Partitioner != simconfig.Murmur3Partitioner {
			t.Errorf("%s: identity and tokens: %+v", v, c)
		}
		if !slices.Equal(c.Seeds, []string{"orders-seeds.team-a.svc.cluster.local"}) {
			t.Errorf("%s: seeds %q", v, c.Seeds)
		}
		if c.ListenAddress != "10.244.0.7" || c.BroadcastAddress != "10.244.0.7" || c.RPCAddress != "0.0.0.0" || c.BroadcastRPCAddress != "10.244.0.7" {
			t.Errorf("%s: addresses: %+v", v, c)
		}
		if c.StoragePort != 7000 || c.NativeTransportPort != 9042 || c.EndpointSnitch != simconfig.GossipingPropertyFileSnitch || !c.AutoBootstrap {
			t.Errorf("%s: ports, snitch, bootstrap: %+v", v, c)
		}
		if !slices.Equal(c.DataFileDirectories, []string{filepath.Join(data, "data")}) || c.CommitlogDirectory != filepath.Join(data, "commitlog") ||
			c.SavedCachesDirectory != filepath.Join(data, "saved_caches") || c.HintsDirectory != filepath.Join(data, "hints") {
			t.Errorf("%s: directories: %+v", v, c)
		}
		rackDC, err := simconfig.LoadRackDC(filepath.Join(e.ConfigDir, rackDCFile))
		if err != nil {
			t.Fatal(err)
		}
		if loc, err := c.Locate(rackDC); err != nil || loc != (simconfig.Location{Datacenter: "eu-west", Rack: "r1"}) {
			t.Errorf("%s: location %+v, %v", v, loc, err)
		}
	}
	if got := readSettings(t, e); got["commitlog_sync"] != "periodic" || got["commitlog_sync_period_in_ms"] != float64(10000) {
		t.Errorf("commit log sync: %v, %v", got["commitlog_sync"], got["commitlog_sync_period_in_ms"])
	}
}

// TestConfigureDefaultsAndRack: a pool built in Go without the API's defaults gets dc1 and 16
// tokens; an explicit rack wins over the pool's name.
func TestConfigureDefaultsAndRack(t *testing.T) {
	e := configEngine(t)
	cc := testCluster(navv1alpha1.CassandraNodePool{NodePoolCommon: navv1alpha1.NodePoolCommon{Name: "r1"}, Rack: "rack-a"})
	cc.Spec.NumTokens = 0
	if err := e.Configure(t.Context(), testInput(cc, "")); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(e.ConfigDir, rackDCFile))
	if err != nil {
		t.Fatal(err)
	}
	if props := simconfig.ParseProperties(string(raw)); props["dc"] != "dc1" || props["rack"] != "rack-a" {
		t.Errorf("rackdc: %v", props)
	}
	if got := readSettings(t, e)["num_tokens"]; got != float64(16) {
		t.Errorf("num_tokens %v", got)
	}
}

// TestPoolConfigKeepsYAMLTypes: each pool setting is a YAML value, so numbers, booleans,
// durations and nested options reach cassandra.yaml with their types, and every release still
// reads the file.
func TestPoolConfigKeepsYAMLTypes(t *testing.T) {
	e := configEngine(t)
	configure(t, e, navv1alpha1.CassandraNodePool{NodePoolCommon: navv1alpha1.NodePoolCommon{Name: "r1", Config: map[string]string{
		"concurrent_reads":          "64",
		"hinted_handoff_enabled":    "false",
		"cluster_name_is_not_this":  "",
		"server_encryption_options": "{internode_encryption: none}",
		"incremental_backups":       "true",
	}}}, "")
	got := readSettings(t, e)
	if got["concurrent_reads"] != float64(64) || got["hinted_handoff_enabled"] != false || got["incremental_backups"] != true {
		t.Errorf("scalars: %v %v %v", got["concurrent_reads"], got["hinted_handoff_enabled"], got["incremental_backups"])
	}
	if m, ok := got["server_encryption_options"].(map[string]any); !ok || m["internode_encryption"] != "none" {
		t.Errorf("nested: %#v", got["server_encryption_options"])
	}
	if _, err := simconfig.Load(simconfig.V41, filepath.Join(e.ConfigDir, configFile)); err == nil ||
		!strings.Contains(err.Error(), "cluster_name_is_not_this") {
		t.Errorf("an unknown setting reaches Cassandra, which refuses it by name: %v", err)
	}

	configure(t, e, navv1alpha1.CassandraNodePool{NodePoolCommon: navv1alpha1.NodePoolCommon{Name: "r1", Config: map[string]string{
		"commitlog_sync": "batch",
	}}}, "")
	if got := readSettings(t, e); got["commitlog_sync"] != "batch" || got["commitlog_sync_period_in_ms"] != nil {
		t.Errorf("batch sync keeps no period: %v", got)
	}
	configure(t, e, navv1alpha1.CassandraNodePool{NodePoolCommon: navv1alpha1.NodePoolCommon{Name: "r1", Config: map[string]string{
		"commitlog_sync_period": "5s",
	}}}, "")
	got = readSettings(t, e)
	if got["commitlog_sync_period"] != "5s" || got["commitlog_sync_period_in_ms"] != nil {
		t.Errorf("the new name replaces the old one: %v", got)
	}
	if _, err := simconfig.Load(simconfig.V50, filepath.Join(e.ConfigDir, configFile)); err != nil {
		t.Errorf("5.0 refuses the period under its new name: %v", err)
	}

	err := e.Configure(t.Context(), testInput(testCluster(navv1alpha1.CassandraNodePool{NodePoolCommon: navv1alpha1.NodePoolCommon{
		Name: "r1", Config: map[string]string{"concurrent_reads": "{"},
	}}), ""))
	if err == nil || !strings.Contains(err.Error(), "concurrent_reads") {
		t.Errorf("a value that is not YAML: %v", err)
	}
}

func TestConfigureRefusesWhatItCannotWrite(t *testing.T) {
	e := configEngine(t)
	in := testInput(testCluster(navv1alpha1.CassandraNodePool{NodePoolCommon: navv1alpha1.NodePoolCommon{Name: "elsewhere"}}), "")
	if err := e.Configure(t.Context(), in); err == nil || !strings.Contains(err.Error(), `no node pool "r1"`) {
		t.Errorf("unknown pool: %v", err)
	}
	in.Cluster = nil
	if err := e.Configure(t.Context(), in); err == nil || !strings.Contains(err.Error(), "CassandraCluster") {
		t.Errorf("no cluster: %v", err)
	}
	in = testInput(testCluster(navv1alpha1.CassandraNodePool{NodePoolCommon: navv1alpha1.NodePoolCommon{Name: "r1"}}), "")
	in.Node.IP = ""
	if err := e.Configure(t.Context(), in); err == nil || !strings.Contains(err.Error(), "IP") {
		t.Errorf("no pod IP: %v", err)
	}
	// Admission refuses it; a cluster admitted before the rule named it is refused here.
	in = testInput(testCluster(navv1alpha1.CassandraNodePool{NodePoolCommon: navv1alpha1.NodePoolCommon{Name: "r1",
		Config: map[string]string{"auto_bootstrap": "false"}}}), "")
	if err := e.Configure(t.Context(), in); err == nil || !strings.Contains(err.Error(), "config sets auto_bootstrap, which Navigator manages") {
		t.Errorf("a managed setting: %v", err)
	}
	if _, err := os.Stat(filepath.Join(e.ConfigDir, configFile)); !os.IsNotExist(err) {
		t.Errorf("a refused configuration wrote cassandra.yaml: %v", err)
	}
}

// env returns a variable of a process environment, and how often it is set.
func env(envs []string, name string) (string, int) {
	var value string
	n := 0
	for _, kv := range envs {
		if v, ok := strings.CutPrefix(kv, name+"="); ok {
			value, n = v, n+1
		}
	}
	return value, n
}

// TestCommandEnvironment: the upstream command runs unchanged, with CASSANDRA_CONF, the heap
// sizes cassandra-env.sh reads in pairs, and JVM_EXTRA_OPTS: the environment's, then the replace
// address, then the pool's options, which win.
func TestCommandEnvironment(t *testing.T) {
	t.Setenv("CASSANDRA_CONF", "/elsewhere")
	t.Setenv("MAX_HEAP_SIZE", "1G")
	t.Setenv("JVM_EXTRA_OPTS", "-Dkept=true")
	e := configEngine(t)
	pool := navv1alpha1.CassandraNodePool{
		NodePoolCommon: navv1alpha1.NodePoolCommon{Name: "r1", Resources: corev1.ResourceRequirements{
			Limits: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("8Gi")},
		}},
		JVMOptions: []string{"-Dcassandra.ring_delay_ms=5000", "-XX:+UseG1GC"},
	}
	configure(t, e, pool, "10.244.0.3")
	p := e.Command([]string{"/opt/cassandra/bin/cassandra", "-f"})
	if p.Path != "/opt/cassandra/bin/cassandra" || !slices.Equal(p.Args, []string{p.Path, "-f"}) {
		t.Fatalf("process: %+v", p)
	}
	for name, want := range map[string]string{
		"CASSANDRA_CONF": e.ConfigDir,
		"MAX_HEAP_SIZE":  "4096M",
		"HEAP_NEWSIZE":   "1024M",
		"JVM_EXTRA_OPTS": "-Dkept=true -Dcassandra.replace_address_first_boot=10.244.0.3 -Dcassandra.ring_delay_ms=5000 -XX:+UseG1GC",
	} {
		if got, n := env(p.Env, name); got != want || n != 1 {
			t.Errorf("%s=%q (set %d times), want %q once", name, got, n, want)
		}
	}

	// Without a limit cassandra-env.sh sizes the heap; without options nothing is added.
	t.Setenv("JVM_EXTRA_OPTS", "")
	configure(t, e, navv1alpha1.CassandraNodePool{NodePoolCommon: navv1alpha1.NodePoolCommon{Name: "r1"}}, "")
	p = e.Command([]string{"/opt/cassandra/bin/cassandra", "-f"})
	for _, name := range []string{"MAX_HEAP_SIZE", "HEAP_NEWSIZE", "JVM_EXTRA_OPTS"} {
		if _, n := env(p.Env, name); n != 0 {
			t.Errorf("%s set without a limit or options: %v", name, p.Env)
		}
	}
}

// TestTokenAllocationFollowsTheRacks: the allocator plans for three replicas in a datacenter of
// one rack or of three and more, and for two in a datacenter of exactly two racks, where
// Cassandra refuses to allocate for three (TokenAllocation.createStrategy). Racks are counted
// per datacenter, by rack name, not by pool.
func TestTokenAllocationFollowsTheRacks(t *testing.T) {
	pool := func(name, dc, rack string) navv1alpha1.CassandraNodePool {
		return navv1alpha1.CassandraNodePool{NodePoolCommon: navv1alpha1.NodePoolCommon{Name: name}, Datacenter: dc, Rack: rack}
	}
	for name, tc := range map[string]struct {
		pools []navv1alpha1.CassandraNodePool
		want  float64
	}{
		"one rack":                  {[]navv1alpha1.CassandraNodePool{pool("r1", "dc1", "")}, 3},
		"two racks":                 {[]navv1alpha1.CassandraNodePool{pool("r1", "dc1", ""), pool("r2", "dc1", "")}, 2},
		"two pools in one rack":     {[]navv1alpha1.CassandraNodePool{pool("r1", "dc1", "a"), pool("big", "dc1", "a")}, 3},
		"three racks":               {[]navv1alpha1.CassandraNodePool{pool("r1", "dc1", ""), pool("r2", "dc1", ""), pool("r3", "dc1", "")}, 3},
		"two racks, but in two DCs": {[]navv1alpha1.CassandraNodePool{pool("r1", "dc1", ""), pool("r2", "dc2", "")}, 3},
		"two racks here, one there": {[]navv1alpha1.CassandraNodePool{pool("r1", "dc1", ""), pool("r2", "dc1", ""), pool("x", "dc2", "")}, 2},
	} {
		t.Run(name, func(t *testing.T) {
			e := configEngine(t)
			cc := testCluster(tc.pools[0])
			cc.Spec.NodePools = tc.pools
			if err := e.Configure(t.Context(), testInput(cc, "")); err != nil {
				t.Fatal(err)
			}
			if got := readSettings(t, e)["allocate_tokens_for_local_replication_factor"]; got != tc.want {
				t.Errorf("allocate_tokens_for_local_replication_factor %v, want %v", got, tc.want)
			}
		})
	}
}

// TestConfigureTakesTheSeedsOfItsPilot: the seeds are those the controller names in the node's
// Pilot, one DNS name each, the node's own name written as its address (a founder is its own
// seed before its DNS record is published); without them, the engine's --seeds; with neither,
// Configure refuses.
func TestConfigureTakesTheSeedsOfItsPilot(t *testing.T) {
	e := configEngine(t)
	cc := testCluster(navv1alpha1.CassandraNodePool{NodePoolCommon: navv1alpha1.NodePoolCommon{Name: "r1"}})
	in := testInput(cc, "")
	in.Pilot.Spec.Cassandra = &navv1alpha1.CassandraPilotSpec{Seeds: []string{
		"orders-r1-0.orders-nodes.team-a.svc.cluster.local", "orders-r2-0.orders-nodes.team-a.svc.cluster.local"}}
	if err := e.Configure(t.Context(), in); err != nil {
		t.Fatal(err)
	}
	c, err := simconfig.Load(simconfig.V50, filepath.Join(e.ConfigDir, configFile))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"10.244.0.7", "orders-r2-0.orders-nodes.team-a.svc.cluster.local"}; !slices.Equal(c.Seeds, want) {
		t.Errorf("seeds %q, want %q", c.Seeds, want)
	}

	in.Pilot.Spec.Cassandra = nil
	if err := e.Configure(t.Context(), in); err != nil {
		t.Fatal(err)
	}
	if c, err = simconfig.Load(simconfig.V50, filepath.Join(e.ConfigDir, configFile)); err != nil || !slices.Equal(c.Seeds, e.Seeds) {
		t.Errorf("seeds without a Pilot's: %q, %v; want the engine's %q", c.Seeds, err, e.Seeds)
	}
	e.Seeds = nil
	if err := e.Configure(t.Context(), in); err == nil || !strings.Contains(err.Error(), "no seeds") {
		t.Errorf("Configure without seeds: %v", err)
	}
}

// TestNavigatorJVMOptions: the replacement's address and the reset of an earlier bootstrap's
// progress are Navigator's options, from the node's Pilot.
func TestNavigatorJVMOptions(t *testing.T) {
	p := &navv1alpha1.Pilot{Spec: navv1alpha1.PilotSpec{Cassandra: &navv1alpha1.CassandraPilotSpec{
		ReplaceAddress: "10.244.0.3", ResetBootstrapProgress: true}}}
	want := []string{"-Dcassandra.replace_address_first_boot=10.244.0.3", "-Dcassandra.reset_bootstrap_progress=true"}
	if got := navigatorJVMOptions(p); !slices.Equal(got, want) {
		t.Errorf("options %q, want %q", got, want)
	}
	if got := navigatorJVMOptions(&navv1alpha1.Pilot{}); got != nil {
		t.Errorf("options of a plain start: %q", got)
	}
}
