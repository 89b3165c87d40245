package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// OpenSearchRole is a node role as OpenSearch names it in node.roles (DiscoveryNodeRole). The
// deprecated master role is not accepted: cluster_manager is its name since OpenSearch 2.0.
// +kubebuilder:validation:Enum=cluster_manager;data;ingest;remote_cluster_client;search;ml
type OpenSearchRole string

// OpenSearch node roles.
const (
	OSRoleClusterManager      OpenSearchRole = "cluster_manager"
	OSRoleData                OpenSearchRole = "data"
	OSRoleIngest              OpenSearchRole = "ingest"
	OSRoleRemoteClusterClient OpenSearchRole = "remote_cluster_client"
	OSRoleSearch              OpenSearchRole = "search"
	OSRoleML                  OpenSearchRole = "ml"
)

// OpenSearchNodePool is a group of OpenSearch nodes with the same roles and resources.
// +kubebuilder:validation:XValidation:rule="has(self.persistence) == has(oldSelf.persistence)",message="persistence cannot be added to or removed from an existing node pool",fieldPath=".persistence",reason=FieldValueForbidden
// +kubebuilder:validation:XValidation:rule="!has(self.config) || self.config.all(k, !(k in ['cluster.name', 'node.name', 'node.roles', 'path.data', 'http.port', 'transport.port', 'discovery.seed_hosts', 'discovery.seed_providers', 'discovery.type', 'cluster.initial_cluster_manager_nodes', 'cluster.initial_master_nodes', 'network.host', 'network.bind_host', 'network.publish_host', 'http.host', 'http.bind_host', 'http.publish_host', 'http.publish_port', 'transport.host', 'transport.bind_host', 'transport.publish_host', 'transport.publish_port', 'node.master', 'node.cluster_manager', 'node.data', 'node.ingest', 'node.remote_cluster_client', 'node.search', 'plugins.security.disabled', 'cluster', 'node', 'path', 'http', 'transport', 'discovery', 'network', 'plugins', 'plugins.security']))",message="config may not set a setting Navigator manages (cluster.name, node.name, node.roles, path.data, http.port, transport.port, discovery.seed_hosts, discovery.seed_providers, discovery.type, cluster.initial_cluster_manager_nodes, cluster.initial_master_nodes, network.host, network.bind_host, network.publish_host, http.host, http.bind_host, http.publish_host, http.publish_port, transport.host, transport.bind_host, transport.publish_host, transport.publish_port, node.master, node.cluster_manager, node.data, node.ingest, node.remote_cluster_client, node.search, plugins.security.disabled), nor one of the prefixes a nested value under which would set one (cluster, node, path, http, transport, discovery, network, plugins, plugins.security): write other settings under those prefixes as dotted keys",fieldPath=".config"
type OpenSearchNodePool struct {
	NodePoolCommon `json:",inline"`

	// Roles of the pool's nodes, as in node.roles. Omitted means OpenSearch's default
	// (cluster_manager, data, ingest, remote_cluster_client); an empty list makes
	// coordinating-only nodes.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=6
	Roles []OpenSearchRole `json:"roles,omitempty"`
}

// OpenSearchClusterSpec is what the user asks for.
// +kubebuilder:validation:XValidation:rule="self.nodePools.exists(p, p.replicas > 0 && (!has(p.roles) || 'cluster_manager' in p.roles))",message="at least one node pool must run cluster-manager-eligible nodes: roles omitted or including cluster_manager, with replicas > 0",fieldPath=".nodePools"
type OpenSearchClusterSpec struct {
	// Version of OpenSearch: 1.3.x, 2.x or 3.x. Upgrades follow OpenSearch's rolling-upgrade
	// paths, never a downgrade: 1.3 to 2.x; 2.19 to 3.x (a 3.x node joins only a cluster of
	// 2.19 or newer nodes, and reads indices created by 2.x only).
	// +kubebuilder:validation:MaxLength=64
	// +kubebuilder:validation:XValidation:rule="isSemver(self)",message="version must be a semantic version such as 2.19.6"
	// +kubebuilder:validation:XValidation:rule="!self.contains('+')",message="version may not carry build metadata (+...): the version becomes the image tag, which cannot hold a +"
	// +kubebuilder:validation:XValidation:rule="!isSemver(self) || (semver(self).major() == 1 && semver(self).minor() == 3) || semver(self).major() == 2 || semver(self).major() == 3",message="unsupported OpenSearch version: supported are 1.3.x, 2.x and 3.x"
	// +kubebuilder:validation:XValidation:rule="!isSemver(self) || !isSemver(oldSelf) || semver(self).compareTo(semver(oldSelf)) >= 0",message="downgrades are not supported",reason=FieldValueForbidden
	// +kubebuilder:validation:XValidation:rule="!isSemver(self) || !isSemver(oldSelf) || semver(oldSelf).major() != 1 || semver(self).major() <= 2",message="OpenSearch 1.3 upgrades to 2.x only; upgrade to 2.19 before 3.x",reason=FieldValueForbidden
	// +kubebuilder:validation:XValidation:rule="!isSemver(self) || !isSemver(oldSelf) || semver(self).major() != 3 || semver(oldSelf).major() != 2 || semver(oldSelf).minor() >= 19",message="OpenSearch 3.x upgrades only from 2.19: upgrade to 2.19 first",reason=FieldValueForbidden
	Version string `json:"version"`

	ClusterCommonSpec `json:",inline"`

	// NodePools of the cluster; each runs as one StatefulSet.
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=16
	NodePools []OpenSearchNodePool `json:"nodePools"`
}

// OpenSearchCluster is an OpenSearch cluster that Navigator runs.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=osc,categories=navigator
// +kubebuilder:printcolumn:name="Version",type=string,JSONPath=`.status.version`
// +kubebuilder:printcolumn:name="Health",type=string,JSONPath=`.status.health`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.status.conditions[?(@.type=="Progressing")].reason`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
// +kubebuilder:validation:XValidation:rule="self.spec.nodePools.all(p, size(self.metadata.name) + size(p.name) <= 51)",message="metadata.name and each nodePools[].name together must stay within 51 characters, so that StatefulSet and pod names stay valid DNS labels",fieldPath=".spec.nodePools"
// +kubebuilder:validation:XValidation:rule="self.metadata.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$')",message="metadata.name must be a DNS label that starts with a letter, without dots: it names the cluster's Services and its pods' hostnames"
type OpenSearchCluster struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   OpenSearchClusterSpec `json:"spec"`
	Status SearchClusterStatus   `json:"status,omitempty"`
}

// OpenSearchClusterList is a list of OpenSearchClusters.
// +kubebuilder:object:root=true
type OpenSearchClusterList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []OpenSearchCluster `json:"items"`
}
