package node

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"

	"github.com/Masterminds/semver/v3"

	"github.com/navigator-dbaas/navigator/test/sim/elasticsearch/cluster"
	"github.com/navigator-dbaas/navigator/test/sim/elasticsearch/config"
)

// ExitCodeBootstrapCheck is the exit status of a node that failed a bootstrap check.
const ExitCodeBootstrapCheck = 78

// BootstrapCheckError is a failed bootstrap check: Elasticsearch exits with status 78.
type BootstrapCheckError struct{ msg string }

func (e *BootstrapCheckError) Error() string { return e.msg }

// checkBootstrap runs the bootstrap check on discovery settings that Elasticsearch enforces
// when the node binds a non-loopback address: a production node that names no peer and no
// initial master nodes could only ever form a cluster of its own.
func (n *Node) checkBootstrap() error {
	single := n.cfg.Settings["discovery.type"] == "single-node"
	if single && len(n.cfg.InitialMasterNodes) > 0 {
		return fmt.Errorf("java.lang.IllegalArgumentException: setting [cluster.initial_master_nodes] is not allowed when [discovery.type] is set to [single-node]")
	}
	if single || bindHost(n.cfg.NetworkHost) == "127.0.0.1" {
		return nil
	}
	if n.cfg.SeedHosts == nil && n.cfg.InitialMasterNodes == nil && n.cfg.Settings["discovery.seed_providers"] == "" {
		return &BootstrapCheckError{msg: "bootstrap check failure [1] of [1]: the default discovery settings are unsuitable for production use; " +
			"at least one of [discovery.seed_hosts, discovery.seed_providers, cluster.initial_master_nodes] must be configured"}
	}
	return nil
}

// openDataPath reads the node's identity and last accepted state from path.data and refuses,
// as Elasticsearch does, data it must not open: written by a newer version, by a version too
// old to upgrade from directly, by another cluster, or shard data on a node without the data role.
func (n *Node) openDataPath() error {
	var err error
	if n.disk, err = openDisk(n.cfg.PathData); err != nil {
		return err
	}
	meta, err := n.disk.loadMeta()
	if err != nil {
		return err
	}
	if meta == nil {
		meta = &nodeMeta{NodeID: randomID()}
	} else if err := checkDataVersion(n.cfg.Product, meta.Version, n.version); err != nil {
		return err
	}
	meta.Version = n.version.String()
	state, err := n.disk.loadState()
	if err != nil {
		return err
	}
	if state == nil {
		state = newClusterState(n.cfg.ClusterName)
	}
	if state.bootstrapped() && state.ClusterName != n.cfg.ClusterName {
		return fmt.Errorf("java.lang.IllegalStateException: the data path [%s] holds the data of cluster [%s] with UUID [%s], "+
			"but this node is configured with [cluster.name] [%s]; a node cannot join a cluster other than the one its data belongs to",
			n.cfg.PathData, state.ClusterName, state.ClusterUUID, n.cfg.ClusterName)
	}
	if n.store, err = openStore(n.cfg.PathData); err != nil {
		return err
	}
	if keys := n.store.keys(); len(keys) > 0 && !n.cfg.IsData() {
		n.store.close()
		return fmt.Errorf("java.lang.IllegalStateException: node does not have the data role but has shard data: %v. "+
			"Use 'elasticsearch-node repurpose' tool to clean up", indexNamesOf(state, keys))
	}
	if err := n.disk.saveMeta(meta); err != nil {
		n.store.close()
		return err
	}
	n.state, n.term = state, state.Term
	n.info = Member{
		ID: meta.NodeID, EphemeralID: randomID(), Name: n.cfg.NodeName, Roles: slices.Clone(n.cfg.Roles),
		Version: n.version.String(), ClusterName: n.cfg.ClusterName, Attributes: map[string]string{},
	}
	for k, v := range n.cfg.Settings {
		if attr, ok := strings.CutPrefix(k, "node.attr."); ok {
			n.info.Attributes[attr] = v
		}
	}
	return nil
}

// checkDataVersion applies Elasticsearch's rules for data written by another version
// (NodeMetadata.verifyUpgradeToCurrentVersion): never downgrade, and upgrade only from the
// minimum compatible version (7.17 to 8; 8.18 to 9.0; 8.19 to 9.1 and later; for OpenSearch,
// 1.3 to 2 and 2.19 to 3).
func checkDataVersion(p config.Product, written string, current *semver.Version) error {
	w, err := semver.NewVersion(written)
	if err != nil {
		return fmt.Errorf("java.lang.IllegalStateException: unreadable node version [%s] in the data path", written)
	}
	if w.GreaterThan(current) {
		return fmt.Errorf("java.lang.IllegalStateException: cannot downgrade a node from version [%s] to version [%s]", w, current)
	}
	if minimum := p.MinimumCompatible(current); w.LessThan(minimum) {
		return fmt.Errorf("java.lang.IllegalStateException: cannot upgrade a node from version [%s] directly to version [%s], upgrade to version [%s] first",
			w, current, minimum)
	}
	return nil
}

func indexNamesOf(s *ClusterState, keys []shardKey) []string {
	var out []string
	for _, k := range keys {
		name := k.UUID
		for iname, meta := range s.Indices {
			if meta.UUID == k.UUID {
				name = iname
			}
		}
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// randomID makes an identifier shaped like Elasticsearch's (URL-safe base64 of random bytes).
func randomID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return strings.TrimRight(base64.RawURLEncoding.EncodeToString(b), "=")[:22]
}

// modelNode is the allocation model's view of a node.
func modelNode(info Member) *cluster.Node {
	return &cluster.Node{ID: info.ID, Name: info.Name, Host: info.Host, Attributes: info.Attributes, Version: semver.MustParse(info.Version), Data: info.Data()}
}

func semverOf(v string) *semver.Version { return semver.MustParse(v) }

// indexVersion is the numeric id Elasticsearch 8 and later report next to a version string.
func indexVersion(v *semver.Version) int64 {
	return int64(v.Major())*1_000_000 + int64(v.Minor())*10_000 + int64(v.Patch())*100 + 99
}
