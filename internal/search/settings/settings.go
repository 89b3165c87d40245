// Package settings writes the files Elasticsearch and OpenSearch read alike before they start:
// the node's settings file (elasticsearch.yml, opensearch.yml) as flat dotted keys with the node
// pool's own settings merged over Navigator's, and the JVM heap options. Both engines read
// nested and dotted settings alike and take heap options from jvm.options.d.
package settings

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/navigator-dbaas/navigator/internal/pilot/configfile"
	"github.com/navigator-dbaas/navigator/internal/pilot/jvm"
)

// HeapFile is where the heap options go, under the configuration directory.
const HeapFile = "jvm.options.d/heap.options"

// MergePool merges the pool's config (each value a YAML text) over s, refusing any that sets,
// directly or through a nested value, one of the managed settings: admission refuses them too,
// and this catches an object admitted before a rule named one. pool names the pool in errors.
func MergePool(s map[string]any, pool string, config map[string]string, managed []string) error {
	merged := map[string]any{}
	for key, text := range config {
		var v any
		if err := yaml.Unmarshal([]byte(text), &v); err != nil {
			return fmt.Errorf("node pool %s: config %q is not a YAML value: %w", pool, key, err)
		}
		flat := map[string]any{}
		Merge(flat, key, v)
		for k := range flat {
			if slices.Contains(managed, k) {
				return fmt.Errorf("node pool %s: config %q sets %s, which Navigator manages", pool, key, k)
			}
		}
		maps.Copy(merged, flat)
	}
	maps.Copy(s, merged)
	return nil
}

// Merge sets key to v, a nested value flattened to dotted keys, as the engines themselves read
// nested and dotted settings alike: a pool's `xpack.security: "{enabled: true}"` then overrides
// the `xpack.security.enabled` Navigator writes instead of clashing with it.
func Merge(s map[string]any, key string, v any) {
	m, ok := v.(map[string]any)
	if !ok {
		s[key] = v
		return
	}
	for k, sub := range m {
		Merge(s, key+"."+k, sub)
	}
}

// Write writes the settings as YAML to path, under a header, atomically: a pilot killed
// mid-write never leaves the engine a half-written file.
func Write(path, header string, s map[string]any) error {
	raw, err := yaml.Marshal(s)
	if err != nil {
		return fmt.Errorf("encoding %s: %w", filepath.Base(path), err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return configfile.Write(path, append([]byte(header), raw...))
}

// WriteHeap writes -Xms and -Xmx as half the container's memory limit, capped at 31GiB, into
// HeapFile under configDir, and removes the file when there is no limit: the engine then sizes
// the heap itself.
func WriteHeap(configDir string, res corev1.ResourceRequirements) error {
	path := filepath.Join(configDir, HeapFile)
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

// Node is what Navigator manages in a node's settings file, in the words both engines share.
type Node struct {
	Cluster, Name string
	// PublishHost is the pod's IP, the address the node's peers reach it at; empty leaves the
	// engine's choice.
	PublishHost             string
	HTTPPort, TransportPort int
	DataDir                 string
	SeedHosts               []string
	// Roles are node.roles; nil leaves the engine's default, an empty list makes a
	// coordinating-only node.
	Roles []string
}

// Base is the node's settings as flat dotted keys, before the engine's own and the pool's.
func Base(n Node) map[string]any {
	s := map[string]any{
		"cluster.name":         n.Cluster,
		"node.name":            n.Name,
		"network.host":         "0.0.0.0",
		"http.port":            n.HTTPPort,
		"transport.port":       n.TransportPort,
		"path.data":            n.DataDir,
		"discovery.seed_hosts": n.SeedHosts,
	}
	if n.PublishHost != "" {
		s["network.publish_host"] = n.PublishHost
	}
	if n.Roles != nil {
		s["node.roles"] = n.Roles
	}
	return s
}
