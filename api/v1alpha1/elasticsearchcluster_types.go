package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ElasticsearchRole is a node role as Elasticsearch names it in node.roles.
// +kubebuilder:validation:Enum=master;data;data_content;data_hot;data_warm;data_cold;data_frozen;ingest;ml;remote_cluster_client;transform;voting_only
type ElasticsearchRole string

// Elasticsearch node roles.
const (
	ESRoleMaster              ElasticsearchRole = "master"
	ESRoleData                ElasticsearchRole = "data"
	ESRoleDataContent         ElasticsearchRole = "data_content"
	ESRoleDataHot             ElasticsearchRole = "data_hot"
	ESRoleDataWarm            ElasticsearchRole = "data_warm"
	ESRoleDataCold            ElasticsearchRole = "data_cold"
	ESRoleDataFrozen          ElasticsearchRole = "data_frozen"
	ESRoleIngest              ElasticsearchRole = "ingest"
	ESRoleML                  ElasticsearchRole = "ml"
	ESRoleRemoteClusterClient ElasticsearchRole = "remote_cluster_client"
	ESRoleTransform           ElasticsearchRole = "transform"
	ESRoleVotingOnly          ElasticsearchRole = "voting_only"
)

// ElasticsearchNodePool is a group of Elasticsearch nodes with the same roles and resources.
// +kubebuilder:validation:XValidation:rule="!has(self.roles) || !('voting_only' in self.roles) || 'master' in self.roles",message="the voting_only role needs the master role in the same pool",fieldPath=".roles"
// +kubebuilder:validation:XValidation:rule="has(self.persistence) == has(oldSelf.persistence)",message="persistence cannot be added to or removed from an existing node pool",fieldPath=".persistence",reason=FieldValueForbidden
// +kubebuilder:validation:XValidation:rule="!has(self.config) || self.config.all(k, !(k in ['cluster.name', 'node.name', 'node.roles', 'path.data', 'http.port', 'transport.port', 'discovery.seed_hosts', 'discovery.seed_providers', 'discovery.type', 'cluster.initial_master_nodes', 'network.host', 'network.bind_host', 'network.publish_host', 'http.host', 'http.bind_host', 'http.publish_host', 'http.publish_port', 'transport.host', 'transport.bind_host', 'transport.publish_host', 'transport.publish_port', 'node.master', 'node.data', 'node.ingest', 'node.ml', 'node.voting_only', 'node.remote_cluster_client', 'node.transform', 'xpack.security.enabled', 'cluster', 'node', 'path', 'http', 'transport', 'discovery', 'network', 'xpack', 'xpack.security']))",message="config may not set a setting Navigator manages (cluster.name, node.name, node.roles, path.data, http.port, transport.port, discovery.seed_hosts, discovery.seed_providers, discovery.type, cluster.initial_master_nodes, network.host, network.bind_host, network.publish_host, http.host, http.bind_host, http.publish_host, http.publish_port, transport.host, transport.bind_host, transport.publish_host, transport.publish_port, node.master, node.data, node.ingest, node.ml, node.voting_only, node.remote_cluster_client, node.transform, xpack.security.enabled), nor one of the prefixes a nested value under which would set one (cluster, node, path, http, transport, discovery, network, xpack, xpack.security): write other settings under those prefixes as dotted keys",fieldPath=".config"
type ElasticsearchNodePool struct {
	NodePoolCommon `json:",inline"`

	// Roles of the pool's nodes, as in node.roles. Omitted means Elasticsearch's default (every
	// role); an empty list makes coordinating-only nodes.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=12
	Roles []ElasticsearchRole `json:"roles,omitempty"`
}

// ElasticsearchClusterSpec is what the user asks for.
// +kubebuilder:validation:XValidation:rule="self.nodePools.exists(p, p.replicas > 0 && (!has(p.roles) || ('master' in p.roles && !('voting_only' in p.roles))))",message="at least one node pool must run master-eligible nodes: roles omitted or including master (and not voting_only), with replicas > 0",fieldPath=".nodePools"
type ElasticsearchClusterSpec struct {
	// Version of Elasticsearch: 7.17.x, 8.x or 9.x. Upgrades follow Elasticsearch's paths, never
	// a downgrade: 7.17 to 8.x; 8.18 to 9.0; 8.19 to 9.1 or later. A node refuses data last
	// written by a version older than its minimum compatible one, the first release of the
	// previous major's last minor declared before it (NodeMetadata.verifyUpgradeToCurrentVersion,
	// Version.minimumCompatibilityVersion): 8.18.0 for 9.0, 8.19.0 for 9.1 and later. 8.19 to 9.0
	// is refused too: 8.19 came out after 9.0 and is newer than it.
	// +kubebuilder:validation:MaxLength=64
	// +kubebuilder:validation:XValidation:rule="isSemver(self)",message="version must be a semantic version such as 8.15.3"
	// +kubebuilder:validation:XValidation:rule="!self.contains('+')",message="version may not carry build metadata (+...): the version becomes the image tag, which cannot hold a +"
	// +kubebuilder:validation:XValidation:rule="!isSemver(self) || (semver(self).major() == 7 && semver(self).minor() == 17) || semver(self).major() == 8 || semver(self).major() == 9",message="unsupported Elasticsearch version: supported are 7.17.x, 8.x and 9.x"
	// +kubebuilder:validation:XValidation:rule="!isSemver(self) || !isSemver(oldSelf) || semver(self).compareTo(semver(oldSelf)) >= 0",message="downgrades are not supported",reason=FieldValueForbidden
	// +kubebuilder:validation:XValidation:rule="!isSemver(self) || !isSemver(oldSelf) || semver(oldSelf).major() != 7 || semver(self).major() <= 8",message="Elasticsearch 7.17 upgrades to 8.x only; upgrade to 8.19 before 9.x",reason=FieldValueForbidden
	// +kubebuilder:validation:XValidation:rule="!isSemver(self) || !isSemver(oldSelf) || semver(self).major() != 9 || semver(self).minor() != 0 || semver(oldSelf).major() != 8 || semver(oldSelf).minor() == 18",message="Elasticsearch 9.0 upgrades only from 8.18 (a 9.0 node refuses data of 8.17 or older; 8.19 is newer than 9.0): from 8.19 upgrade to 9.1 or later",reason=FieldValueForbidden
	// +kubebuilder:validation:XValidation:rule="!isSemver(self) || !isSemver(oldSelf) || semver(self).major() != 9 || semver(self).minor() < 1 || semver(oldSelf).major() != 8 || semver(oldSelf).minor() >= 19",message="Elasticsearch 9.1 and later upgrade only from 8.19 (a 9.1 node refuses data of 8.18 or older): upgrade to 8.19 first",reason=FieldValueForbidden
	Version string `json:"version"`

	ClusterCommonSpec `json:",inline"`

	// NodePools of the cluster; each runs as one StatefulSet.
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=16
	NodePools []ElasticsearchNodePool `json:"nodePools"`
}

// ElasticsearchCluster is an Elasticsearch cluster that Navigator runs.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=esc,categories=navigator
// +kubebuilder:printcolumn:name="Version",type=string,JSONPath=`.status.version`
// +kubebuilder:printcolumn:name="Health",type=string,JSONPath=`.status.health`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.status.conditions[?(@.type=="Progressing")].reason`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
// +kubebuilder:validation:XValidation:rule="self.spec.nodePools.all(p, size(self.metadata.name) + size(p.name) <= 51)",message="metadata.name and each nodePools[].name together must stay within 51 characters, so that StatefulSet and pod names stay valid DNS labels",fieldPath=".spec.nodePools"
// +kubebuilder:validation:XValidation:rule="self.metadata.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$')",message="metadata.name must be a DNS label that starts with a letter, without dots: it names the cluster's Services and its pods' hostnames"
type ElasticsearchCluster struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   ElasticsearchClusterSpec `json:"spec"`
	Status SearchClusterStatus      `json:"status,omitempty"`
}

// ElasticsearchClusterList is a list of ElasticsearchClusters.
// +kubebuilder:object:root=true
type ElasticsearchClusterList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ElasticsearchCluster `json:"items"`
}
