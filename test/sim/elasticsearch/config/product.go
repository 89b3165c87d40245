package config

import (
	"slices"

	"github.com/Masterminds/semver/v3"
)

// Product is the engine a simulated node is. OpenSearch forked from Elasticsearch 7.10 and kept
// the APIs Navigator uses (cluster formation, voting configuration exclusions, allocation
// filters, health, _cat), renaming what it calls the elected node: the simulator answers in
// OpenSearch's words where the two differ, so that Navigator's OpenSearch engine runs against it
// in pods, where real OpenSearch cannot run on these machines (docs/design/0011). Real
// OpenSearch holds the simulator to those words (the conformance suite, make test-real).
type Product struct {
	// Name is the product as GET / and the logs name it.
	Name string
	// Home is the installation directory of the upstream image; ConfigFile the settings file in
	// its config/ directory, which the environment variable PathConfEnv moves.
	Home, ConfigFile, PathConfEnv string
	// DefaultClusterName is cluster.name when the file does not set it.
	DefaultClusterName string
	// ManagerRole is the role of the nodes that may be elected; InitialManagers the setting
	// that names the first ones.
	ManagerRole, InitialManagers string
	// DefaultRoles are a node's roles when node.roles is not set; KnownRoles all it accepts.
	DefaultRoles, KnownRoles []string
	// Settings are the settings the product accepts beyond those of both (see known).
	Settings []string
	// MinimumCompatible is the oldest version whose nodes and data a version accepts.
	MinimumCompatible func(v *semver.Version) *semver.Version
}

// Elasticsearch is Elasticsearch 8 and 9.
var Elasticsearch = Product{
	Name: "Elasticsearch", Home: "/usr/share/elasticsearch", ConfigFile: "elasticsearch.yml", PathConfEnv: "ES_PATH_CONF",
	DefaultClusterName: "elasticsearch",
	ManagerRole:        "master", InitialManagers: "cluster.initial_master_nodes",
	DefaultRoles: []string{
		"data", "data_cold", "data_content", "data_frozen", "data_hot", "data_warm",
		"ingest", "master", "ml", "remote_cluster_client", "transform",
	},
	KnownRoles: []string{
		"data", "data_cold", "data_content", "data_frozen", "data_hot", "data_warm",
		"ingest", "master", "ml", "remote_cluster_client", "transform", "voting_only",
	},
	Settings: []string{
		"xpack.security.enabled", "xpack.security.http.ssl.enabled", "xpack.security.transport.ssl.enabled",
		"xpack.ml.enabled", "xpack.monitoring.collection.enabled", "ingest.geoip.downloader.enabled",
	},
	MinimumCompatible: elasticsearchMinimumCompatible,
}

// OpenSearch is OpenSearch 2 and 3. Its default roles are DiscoveryNodeRole.BUILT_IN_ROLES less
// search, which a node takes only when named (the ml role comes with the ml-commons plugin, in
// the default distribution). "master" is the deprecated name of cluster_manager, still accepted.
var OpenSearch = Product{
	Name: "OpenSearch", Home: "/usr/share/opensearch", ConfigFile: "opensearch.yml", PathConfEnv: "OPENSEARCH_PATH_CONF",
	DefaultClusterName: "opensearch",
	ManagerRole:        "cluster_manager", InitialManagers: "cluster.initial_cluster_manager_nodes",
	DefaultRoles:      []string{"cluster_manager", "data", "ingest", "remote_cluster_client"},
	KnownRoles:        []string{"cluster_manager", "data", "ingest", "remote_cluster_client", "search", "ml", "master"},
	Settings:          []string{"plugins.", "cluster.initial_master_nodes"},
	MinimumCompatible: openSearchMinimumCompatible,
}

// ManagerEligible reports whether roles make a node of the product electable: its manager role
// or, in OpenSearch, that role's deprecated name.
func (p Product) ManagerEligible(roles []string) bool {
	return slices.Contains(roles, p.ManagerRole) || p.Name == OpenSearch.Name && slices.Contains(roles, "master")
}

// elasticsearchMinimumCompatible follows Version.minimumCompatibilityVersion and
// Build.minWireCompatVersion: the first release of the previous major's last minor among the
// versions declared when it was built. 9.0 was released with 8.18, 9.1 with 8.19, the last 8.x
// minor: a 9.1 node refuses 8.18's data and nodes.
func elasticsearchMinimumCompatible(v *semver.Version) *semver.Version {
	switch {
	case v.Major() == 9 && v.Minor() == 0:
		return semver.MustParse("8.18.0")
	case v.Major() == 9:
		return semver.MustParse("8.19.0")
	case v.Major() == 8:
		return semver.MustParse("7.17.0")
	default:
		return semver.MustParse("6.8.0")
	}
}

// openSearchMinimumCompatible follows OpenSearch's Version.computeMinCompatVersion: 3.x accepts
// 2.19 (the last 2.x minor), 2.x accepts 1.3, the last 1.x minor.
func openSearchMinimumCompatible(v *semver.Version) *semver.Version {
	switch {
	case v.Major() >= 3:
		return semver.MustParse("2.19.0")
	case v.Major() == 2:
		return semver.MustParse("1.3.0")
	default:
		return semver.MustParse("1.0.0")
	}
}
