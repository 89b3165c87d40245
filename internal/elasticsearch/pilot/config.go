package pilot

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/pilot/configfile"
	"github.com/navigator-dbaas/navigator/internal/pilot/engine"
	"github.com/navigator-dbaas/navigator/internal/pilot/jvm"
)

// Files the engine writes under the configuration directory.
const (
	configFile = "elasticsearch.yml"
	heapFile   = "jvm.options.d/heap.options"
)

// Configure writes elasticsearch.yml and the JVM heap options from the ElasticsearchCluster, the
// node's Pilot and the pod's identity. Both files are replaced atomically, so that a pilot
// killed mid-write never leaves Elasticsearch a half-written file.
func (e *Engine) Configure(_ context.Context, in engine.Input) error {
	es, ok := in.Cluster.(*navv1alpha1.ElasticsearchCluster)
	if !ok || es == nil {
		return errors.New("the ElasticsearchCluster of this node is not known yet")
	}
	pool, err := findPool(es, e.NodePool)
	if err != nil {
		return err
	}
	settings, err := e.settings(es, pool, in)
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
	header := "# Written by navigator-pilot from ElasticsearchCluster " + es.Name + ", node pool " + pool.Name + ".\n# It is written again before every start: edit the ElasticsearchCluster instead.\n"
	if err := configfile.Write(filepath.Join(e.ConfigDir, configFile), append([]byte(header), raw...)); err != nil {
		return err
	}
	return e.writeHeap(pool.Resources)
}

func findPool(es *navv1alpha1.ElasticsearchCluster, name string) (*navv1alpha1.ElasticsearchNodePool, error) {
	for i := range es.Spec.NodePools {
		if es.Spec.NodePools[i].Name == name {
			return &es.Spec.NodePools[i], nil
		}
	}
	return nil, fmt.Errorf("ElasticsearchCluster %s has no node pool %q", es.Name, name)
}

// settings is elasticsearch.yml as flat dotted keys: what Navigator manages, then the pool's
// config merged over it.
func (e *Engine) settings(es *navv1alpha1.ElasticsearchCluster, pool *navv1alpha1.ElasticsearchNodePool, in engine.Input) (map[string]any, error) {
	s := map[string]any{
		"cluster.name":         es.Name,
		"node.name":            in.Node.Name,
		"network.host":         "0.0.0.0",
		"http.port":            e.HTTPPort,
		"transport.port":       e.TransportPort,
		"path.data":            e.DataDir,
		"discovery.seed_hosts": e.SeedHosts,
		// Security and TLS are out of scope for now. Set explicitly because Elasticsearch 8
		// otherwise turns security on and generates certificates on its first start.
		"xpack.security.enabled": false,
	}
	if in.Node.IP != "" {
		s["network.publish_host"] = in.Node.IP
	}
	// Omitted roles keep Elasticsearch's default (every role); an empty list is written as
	// `node.roles: []`, a coordinating-only node.
	if pool.Roles != nil {
		roles := make([]string, 0, len(pool.Roles))
		for _, r := range pool.Roles {
			roles = append(roles, string(r))
		}
		s["node.roles"] = roles
	}
	// Only while a brand-new cluster bootstraps: a second bootstrap of a formed cluster would
	// split it in two, so the controller clears it once the cluster has a UUID.
	if p := in.Pilot; p != nil && p.Spec.Elasticsearch != nil && len(p.Spec.Elasticsearch.InitialMasterNodes) > 0 {
		s["cluster.initial_master_nodes"] = p.Spec.Elasticsearch.InitialMasterNodes
	}
	for key, text := range pool.Config {
		var v any
		if err := yaml.Unmarshal([]byte(text), &v); err != nil {
			return nil, fmt.Errorf("node pool %s: config %q is not a YAML value: %w", pool.Name, key, err)
		}
		merge(s, key, v)
	}
	return s, nil
}

// merge sets key to v, a nested value flattened to dotted keys, as Elasticsearch itself reads
// nested and dotted settings alike: a pool's `xpack.security: "{enabled: true}"` then overrides
// the `xpack.security.enabled` Navigator writes instead of clashing with it.
func merge(s map[string]any, key string, v any) {
	m, ok := v.(map[string]any)
	if !ok {
		s[key] = v
		return
	}
	for k, sub := range m {
		merge(s, key+"."+k, sub)
	}
}

// writeHeap writes -Xms and -Xmx as half the container's memory limit, capped at 31GiB, and
// removes the file when there is no limit: Elasticsearch then sizes the heap itself.
func (e *Engine) writeHeap(res corev1.ResourceRequirements) error {
	path := filepath.Join(e.ConfigDir, heapFile)
	heap := jvm.HeapMiB(res)
	if heap == 0 {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return configfile.Write(path, fmt.Appendf(nil, "# Written by navigator-pilot: half the container's memory limit.\n-Xms%dm\n-Xmx%dm\n", heap, heap))
}
