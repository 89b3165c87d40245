package v1alpha1

import (
	"slices"
	"strings"
)

// The settings Navigator writes for every node and depends on, which a pool's config may not
// set (docs/api.md has them with their reasons). Admission refuses them through the CEL rules on
// the node pool types, which hold the same lists (TestManagedSettingsMatchAdmission); the
// pilots refuse them again, for objects admitted before a rule named them.
var (
	ElasticsearchManagedSettings = []string{
		"cluster.name", "node.name", "node.roles", "path.data", "http.port", "transport.port",
		"discovery.seed_hosts", "discovery.seed_providers", "discovery.type", "cluster.initial_master_nodes",
		"network.host", "network.bind_host", "network.publish_host", "http.host", "http.bind_host", "http.publish_host", "http.publish_port",
		"transport.host", "transport.bind_host", "transport.publish_host", "transport.publish_port",
		"node.master", "node.data", "node.ingest", "node.ml", "node.voting_only", "node.remote_cluster_client", "node.transform",
		"xpack.security.enabled",
	}
	OpenSearchManagedSettings = []string{
		"cluster.name", "node.name", "node.roles", "path.data", "http.port", "transport.port",
		"discovery.seed_hosts", "discovery.seed_providers", "discovery.type", "cluster.initial_cluster_manager_nodes", "cluster.initial_master_nodes",
		"network.host", "network.bind_host", "network.publish_host", "http.host", "http.bind_host", "http.publish_host", "http.publish_port",
		"transport.host", "transport.bind_host", "transport.publish_host", "transport.publish_port",
		"node.master", "node.cluster_manager", "node.data", "node.ingest", "node.remote_cluster_client", "node.search",
		"plugins.security.disabled",
	}
	CassandraManagedSettings = []string{
		"cluster_name", "num_tokens", "initial_token", "partitioner", "seed_provider", "endpoint_snitch", "auto_bootstrap",
		"listen_address", "listen_interface", "listen_interface_prefer_ipv6", "listen_on_broadcast_address", "broadcast_address",
		"rpc_address", "rpc_interface", "rpc_interface_prefer_ipv6", "broadcast_rpc_address", "start_native_transport",
		"data_file_directories", "local_system_data_file_directory", "commitlog_directory", "saved_caches_directory", "hints_directory", "cdc_raw_directory",
		"storage_port", "native_transport_port", "allocate_tokens_for_local_replication_factor", "allocate_tokens_for_keyspace",
	}
)

// SettingPrefixes are the dotted prefixes of settings (cluster for cluster.name): Elasticsearch
// and OpenSearch read a nested value under one as the dotted settings beneath it.
func SettingPrefixes(settings []string) []string {
	var out []string
	for _, s := range settings {
		parts := strings.Split(s, ".")
		for i := 1; i < len(parts); i++ {
			if p := strings.Join(parts[:i], "."); !slices.Contains(out, p) && !slices.Contains(settings, p) {
				out = append(out, p)
			}
		}
	}
	return out
}
