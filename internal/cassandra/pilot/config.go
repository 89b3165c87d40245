package pilot

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"sigs.k8s.io/yaml"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/pilot/configfile"
	"github.com/navigator-dbaas/navigator/internal/pilot/engine"
	"github.com/navigator-dbaas/navigator/internal/pilot/jvm"
)

// Files the engine writes under the configuration directory.
const (
	configFile = "cassandra.yaml"
	rackDCFile = "cassandra-rackdc.properties"
)

// Defaults the API server fills in; applied again here for objects built in Go.
const (
	defaultDatacenter = "dc1"
	defaultNumTokens  = 16
)

// Configure writes cassandra.yaml and cassandra-rackdc.properties from the CassandraCluster, the
// node's Pilot and the pod's identity, and keeps what Command adds to the environment: the heap
// from the pool's memory limit, and the JVM options. Both files are replaced atomically, so that
// a pilot killed mid-write never leaves Cassandra a half-written file.
func (e *Engine) Configure(_ context.Context, in engine.Input) error {
	cc, ok := in.Cluster.(*navv1alpha1.CassandraCluster)
	if !ok || cc == nil {
		return errors.New("the CassandraCluster of this node is not known yet")
	}
	pool, err := findPool(cc, e.NodePool)
	if err != nil {
		return err
	}
	if in.Node.IP == "" {
		return errors.New("the pod's IP is not known (--pod-ip or POD_IP): Cassandra listens and broadcasts on it")
	}
	seeds := e.seeds(in)
	if len(seeds) == 0 {
		return errors.New("the controller has named no seeds for this node yet")
	}
	settings, err := e.settings(cc, pool, in.Node.IP, seeds)
	if err != nil {
		return err
	}
	raw, err := yaml.Marshal(settings)
	if err != nil {
		return fmt.Errorf("encoding %s: %w", configFile, err)
	}
	if err := os.MkdirAll(e.ConfigDir, 0o755); err != nil {
		return err
	}
	header := "# Written by navigator-pilot from CassandraCluster " + cc.Name + ", node pool " + pool.Name + ".\n" +
		"# It is written again before every start: edit the CassandraCluster instead.\n"
	if err := configfile.Write(filepath.Join(e.ConfigDir, configFile), append([]byte(header), raw...)); err != nil {
		return err
	}
	rackDC := fmt.Sprintf("%sdc=%s\nrack=%s\n", header, datacenter(pool), pool.EffectiveRack())
	if err := configfile.Write(filepath.Join(e.ConfigDir, rackDCFile), []byte(rackDC)); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.address = in.Node.IP
	e.heapMiB = jvm.HeapMiB(pool.Resources)
	e.jvmOptions = append(navigatorJVMOptions(in.Pilot), pool.JVMOptions...)
	return nil
}

func findPool(cc *navv1alpha1.CassandraCluster, name string) (*navv1alpha1.CassandraNodePool, error) {
	for i := range cc.Spec.NodePools {
		if cc.Spec.NodePools[i].Name == name {
			return &cc.Spec.NodePools[i], nil
		}
	}
	return nil, fmt.Errorf("CassandraCluster %s has no node pool %q", cc.Name, name)
}

func datacenter(pool *navv1alpha1.CassandraNodePool) string {
	if pool.Datacenter == "" {
		return defaultDatacenter
	}
	return pool.Datacenter
}

// settings is cassandra.yaml: what Navigator manages, then the pool's config merged over it, one
// top-level setting per key. The API refuses pool settings for the keys Navigator manages.
func (e *Engine) settings(cc *navv1alpha1.CassandraCluster, pool *navv1alpha1.CassandraNodePool, ip string, seeds []string) (map[string]any, error) {
	numTokens := cc.Spec.NumTokens
	if numTokens == 0 {
		numTokens = defaultNumTokens
	}
	s := map[string]any{
		"cluster_name": cc.Name,
		"num_tokens":   numTokens,
		"allocate_tokens_for_local_replication_factor": allocationReplicas(cc, datacenter(pool)),
		"partitioner": "org.apache.cassandra.dht.Murmur3Partitioner",
		"seed_provider": []any{map[string]any{
			"class_name": "org.apache.cassandra.locator.SimpleSeedProvider",
			"parameters": []any{map[string]any{"seeds": strings.Join(seeds, ",")}},
		}},
		"listen_address":    ip,
		"broadcast_address": ip,
		// CQL on every interface, so that the pilot reaches it on 127.0.0.1; peers and clients are
		// told the pod's IP.
		"rpc_address":            "0.0.0.0",
		"broadcast_rpc_address":  ip,
		"storage_port":           e.StoragePort,
		"native_transport_port":  e.CQLPort,
		"endpoint_snitch":        "GossipingPropertyFileSnitch",
		"data_file_directories":  []string{filepath.Join(e.DataDir, "data")},
		"commitlog_directory":    filepath.Join(e.DataDir, "commitlog"),
		"saved_caches_directory": filepath.Join(e.DataDir, "saved_caches"),
		"hints_directory":        filepath.Join(e.DataDir, "hints"),
		"cdc_raw_directory":      filepath.Join(e.DataDir, "cdc_raw"),
		"auto_bootstrap":         true,
		// Config.java has no default for these, so Cassandra refuses to start without them
		// ("Missing required directive CommitLogSync"). The period goes by its 4.0 name, which
		// 4.1 and 5.0 still read (with a deprecation warning), because it suits every release.
		"commitlog_sync":              "periodic",
		"commitlog_sync_period_in_ms": 10000,
	}
	for key, text := range pool.Config {
		// Admission refuses these too; this catches an object admitted before a rule named one.
		if slices.Contains(navv1alpha1.CassandraManagedSettings, key) {
			return nil, fmt.Errorf("node pool %s: config sets %s, which Navigator manages", pool.Name, key)
		}
		var v any
		if err := yaml.Unmarshal([]byte(text), &v); err != nil {
			return nil, fmt.Errorf("node pool %s: config %q is not a YAML value: %w", pool.Name, key, err)
		}
		s[key] = v
	}
	// Cassandra refuses a period with batch or group sync, and a file with both the old and the
	// new name of a setting: the pool's choice wins over Navigator's default.
	_, newPeriod := pool.Config["commitlog_sync_period"]
	if newPeriod || s["commitlog_sync"] != "periodic" {
		delete(s, "commitlog_sync_period_in_ms")
	}
	return s, nil
}

// seeds are the seeds the controller named in the node's Pilot, one DNS name per seed (or the
// engine's --seeds when it names none). The node's own name becomes its address: a founder is
// its own seed, and it must not depend on its DNS record being published yet.
func (e *Engine) seeds(in engine.Input) []string {
	var named []string
	if in.Pilot != nil && in.Pilot.Spec.Cassandra != nil {
		named = in.Pilot.Spec.Cassandra.Seeds
	}
	if len(named) == 0 {
		return e.Seeds
	}
	out := make([]string, 0, len(named))
	for _, host := range named {
		if in.Node.Name != "" && strings.HasPrefix(host, in.Node.Name+".") {
			host = in.Node.IP
		}
		out = append(out, host)
	}
	return out
}

// allocationReplicas is allocate_tokens_for_local_replication_factor for a node of datacenter
// dc: tokens are chosen to balance the load for three replicas per datacenter, the usual
// replication factor, instead of at random; for two in a datacenter of exactly two racks.
//
// Cassandra's allocator (TokenAllocation.createStrategy) refuses to start a node when the racks
// already in its datacenter are more than one and fewer than the replication factor it plans
// for: "Token allocation failed: the number of racks 2 in datacenter dc1 is lower than its
// replication factor 3". With one rack it plans per node, with as many racks as replicas one
// ring per rack, with more it groups by rack. A new rack counts as one until its first node has
// joined, and Navigator starts nodes lowest ordinal first across pools, so a datacenter of three
// racks or more passes through one and two racks only while each has a single node.
func allocationReplicas(cc *navv1alpha1.CassandraCluster, dc string) int {
	racks := map[string]bool{}
	for i := range cc.Spec.NodePools {
		if p := &cc.Spec.NodePools[i]; datacenter(p) == dc {
			racks[p.EffectiveRack()] = true
		}
	}
	if len(racks) == 2 {
		return 2
	}
	return 3
}

// navigatorJVMOptions are the JVM options Navigator itself adds: the dead node's address while
// the node replaces it, and the reset of an earlier bootstrap's progress. Cassandra reads both
// only while the node has not completed its bootstrap (replace_address_first_boot,
// reset_bootstrap_progress in StorageService.bootstrap and RangeStreamer), so that a later
// restart with them still set changes nothing.
func navigatorJVMOptions(p *navv1alpha1.Pilot) []string {
	if p == nil || p.Spec.Cassandra == nil {
		return nil
	}
	var opts []string
	if a := p.Spec.Cassandra.ReplaceAddress; a != "" {
		opts = append(opts, "-Dcassandra.replace_address_first_boot="+a)
	}
	if p.Spec.Cassandra.ResetBootstrapProgress {
		opts = append(opts, "-Dcassandra.reset_bootstrap_progress=true")
	}
	return opts
}
