package pilot

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/pilot/engine"
	"github.com/navigator-dbaas/navigator/internal/search/settings"
)

// configFile is the settings file the engine writes under the configuration directory, beside
// settings.HeapFile.
const configFile = "opensearch.yml"

// minMaxMapCount is the vm.max_map_count OpenSearch's bootstrap check asks for when the node
// memory-maps its indices (BootstrapChecks.MaxMapCountCheck).
const minMaxMapCount = 262144

// Configure writes opensearch.yml and the JVM heap options from the OpenSearchCluster, the
// node's Pilot and the pod's identity, each file replaced atomically.
func (e *Engine) Configure(_ context.Context, in engine.Input) error {
	c, ok := in.Cluster.(*navv1alpha1.OpenSearchCluster)
	if !ok || c == nil {
		return errors.New("the OpenSearchCluster of this node is not known yet")
	}
	pool, err := findPool(c, e.NodePool)
	if err != nil {
		return err
	}
	s, note, err := e.settings(c, pool, in)
	if err != nil {
		return err
	}
	header := "# Written by navigator-pilot from OpenSearchCluster " + c.Name + ", node pool " + pool.Name + ".\n# It is written again before every start: edit the OpenSearchCluster instead.\n" + note
	if err := settings.Write(filepath.Join(e.ConfigDir, configFile), header, s); err != nil {
		return err
	}
	return settings.WriteHeap(e.ConfigDir, pool.Resources)
}

func findPool(c *navv1alpha1.OpenSearchCluster, name string) (*navv1alpha1.OpenSearchNodePool, error) {
	for i := range c.Spec.NodePools {
		if c.Spec.NodePools[i].Name == name {
			return &c.Spec.NodePools[i], nil
		}
	}
	return nil, fmt.Errorf("OpenSearchCluster %s has no node pool %q", c.Name, name)
}

// settings is opensearch.yml as flat dotted keys: what Navigator manages, then the pool's config
// merged over it. note is a comment for the file's header on a choice the pilot made.
func (e *Engine) settings(c *navv1alpha1.OpenSearchCluster, pool *navv1alpha1.OpenSearchNodePool, in engine.Input) (s map[string]any, note string, err error) {
	var roles []string
	if pool.Roles != nil { // omitted: OpenSearch's default roles
		roles = make([]string, 0, len(pool.Roles))
		for _, r := range pool.Roles {
			roles = append(roles, string(r))
		}
	}
	s = settings.Base(settings.Node{
		Cluster: c.Name, Name: in.Node.Name, PublishHost: in.Node.IP, HTTPPort: e.HTTPPort, TransportPort: e.TransportPort,
		DataDir: e.DataDir, SeedHosts: e.SeedHosts, Roles: roles,
	})
	// Only while a brand-new cluster bootstraps: the controller clears it once the cluster has a
	// UUID, since a second bootstrap would split a formed cluster in two.
	if p := in.Pilot; p != nil && p.Spec.OpenSearch != nil && len(p.Spec.OpenSearch.InitialClusterManagerNodes) > 0 {
		s["cluster.initial_cluster_manager_nodes"] = p.Spec.OpenSearch.InitialClusterManagerNodes
	}
	if _, set := pool.Config["node.store.allow_mmap"]; !set {
		if n, ok := e.maxMapCount(); ok && n < minMaxMapCount {
			// Bound to a pod address OpenSearch enforces its bootstrap checks, and with fewer
			// maps than it asks for it refuses to start. A pod cannot raise the node's
			// vm.max_map_count; without memory maps the check does not apply (the node reads
			// its indices through NIO instead), so the node starts, a little slower to search.
			s["node.store.allow_mmap"] = false
			note = fmt.Sprintf("# node.store.allow_mmap is false: this node's vm.max_map_count is %d, below the %d OpenSearch needs to memory-map its indices.\n", n, minMaxMapCount)
		}
	}
	// The upstream image ships the security plugin, which refuses to start without certificates
	// (its entrypoint turns it off only when asked, and the pilot runs the node itself). Security
	// is out of scope for now, as for Elasticsearch; a node without the plugin must not be given
	// its setting, which OpenSearch would refuse as unknown.
	if _, err := os.Stat(filepath.Join(filepath.Dir(e.ConfigDir), "plugins", "opensearch-security")); err == nil {
		s["plugins.security.disabled"] = true
	}
	if err := settings.MergePool(s, pool.Name, pool.Config, navv1alpha1.OpenSearchManagedSettings); err != nil {
		return nil, "", err
	}
	return s, note, nil
}

// maxMapCount reads the kernel's vm.max_map_count; ok is false when it cannot be read, and the
// setting is then left to OpenSearch's default.
func (e *Engine) maxMapCount() (int, bool) {
	raw, err := os.ReadFile(e.MaxMapCount)
	if err != nil {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(raw)))
	return n, err == nil
}
