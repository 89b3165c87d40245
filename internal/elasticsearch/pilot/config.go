package pilot

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/pilot/engine"
	"github.com/navigator-dbaas/navigator/internal/search/settings"
)

// configFile is the settings file the engine writes under the configuration directory, beside
// settings.HeapFile.
const configFile = "elasticsearch.yml"

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
	s, err := e.settings(es, pool, in)
	if err != nil {
		return err
	}
	header := "# Written by navigator-pilot from ElasticsearchCluster " + es.Name + ", node pool " + pool.Name + ".\n# It is written again before every start: edit the ElasticsearchCluster instead.\n"
	if err := settings.Write(filepath.Join(e.ConfigDir, configFile), header, s); err != nil {
		return err
	}
	return settings.WriteHeap(e.ConfigDir, pool.Resources)
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
	var roles []string
	if pool.Roles != nil { // omitted: Elasticsearch's default, every role
		roles = make([]string, 0, len(pool.Roles))
		for _, r := range pool.Roles {
			roles = append(roles, string(r))
		}
	}
	s := settings.Base(settings.Node{
		Cluster: es.Name, Name: in.Node.Name, PublishHost: in.Node.IP, HTTPPort: e.HTTPPort, TransportPort: e.TransportPort,
		DataDir: e.DataDir, SeedHosts: e.SeedHosts, Roles: roles,
	})
	// Security and TLS are out of scope for now. Set explicitly because Elasticsearch 8
	// otherwise turns security on and generates certificates on its first start.
	s["xpack.security.enabled"] = false
	// Only while a brand-new cluster bootstraps: a second bootstrap of a formed cluster would
	// split it in two, so the controller clears it once the cluster has a UUID.
	if p := in.Pilot; p != nil && p.Spec.Elasticsearch != nil && len(p.Spec.Elasticsearch.InitialMasterNodes) > 0 {
		s["cluster.initial_master_nodes"] = p.Spec.Elasticsearch.InitialMasterNodes
	}
	if err := settings.MergePool(s, pool.Name, pool.Config, navv1alpha1.ElasticsearchManagedSettings); err != nil {
		return nil, err
	}
	return s, nil
}
