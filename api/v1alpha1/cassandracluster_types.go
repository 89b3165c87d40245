package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// CassandraNodePool is a group of Cassandra nodes in one datacenter and rack.
// +kubebuilder:validation:XValidation:rule="self.datacenter == oldSelf.datacenter",message="datacenter of an existing node pool cannot change",fieldPath=".datacenter",reason=FieldValueForbidden
// +kubebuilder:validation:XValidation:rule="(has(self.rack) ? self.rack : self.name) == (has(oldSelf.rack) ? oldSelf.rack : oldSelf.name)",message="rack of an existing node pool cannot change",fieldPath=".rack",reason=FieldValueForbidden
// +kubebuilder:validation:XValidation:rule="has(self.persistence) == has(oldSelf.persistence)",message="persistence cannot be added to or removed from an existing node pool",fieldPath=".persistence",reason=FieldValueForbidden
// +kubebuilder:validation:XValidation:rule="!has(self.config) || self.config.all(k, !(k in ['cluster_name', 'num_tokens', 'initial_token', 'partitioner', 'seed_provider', 'endpoint_snitch', 'auto_bootstrap', 'listen_address', 'listen_interface', 'listen_interface_prefer_ipv6', 'listen_on_broadcast_address', 'broadcast_address', 'rpc_address', 'rpc_interface', 'rpc_interface_prefer_ipv6', 'broadcast_rpc_address', 'start_native_transport', 'data_file_directories', 'local_system_data_file_directory', 'commitlog_directory', 'saved_caches_directory', 'hints_directory', 'cdc_raw_directory', 'storage_port', 'native_transport_port', 'allocate_tokens_for_local_replication_factor', 'allocate_tokens_for_keyspace']))",message="config may not set a setting Navigator manages (cluster_name, num_tokens, initial_token, partitioner, seed_provider, endpoint_snitch, auto_bootstrap, listen_address, listen_interface, listen_interface_prefer_ipv6, listen_on_broadcast_address, broadcast_address, rpc_address, rpc_interface, rpc_interface_prefer_ipv6, broadcast_rpc_address, start_native_transport, data_file_directories, local_system_data_file_directory, commitlog_directory, saved_caches_directory, hints_directory, cdc_raw_directory, storage_port, native_transport_port, allocate_tokens_for_local_replication_factor, allocate_tokens_for_keyspace)",fieldPath=".config"
type CassandraNodePool struct {
	NodePoolCommon `json:",inline"`

	// Datacenter of the pool's nodes, as the snitch reports it. It cannot change.
	// +optional
	// +kubebuilder:default=dc1
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=48
	// +kubebuilder:validation:Pattern=`^[A-Za-z0-9][A-Za-z0-9_-]*$`
	Datacenter string `json:"datacenter,omitempty"`

	// Rack of the pool's nodes, as the snitch reports it; omitted means the pool's name. Rack
	// names are per datacenter, as Cassandra's are: r1 in dc1 and r1 in dc2 are two racks.
	// It cannot change.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=48
	// +kubebuilder:validation:Pattern=`^[A-Za-z0-9][A-Za-z0-9_-]*$`
	Rack string `json:"rack,omitempty"`

	// JVMOptions are added to the JVM's command line (JVM_EXTRA_OPTS), after Navigator's own:
	// system properties such as -Dcassandra.ring_delay_ms=5000 or GC flags. The heap is sized
	// from the pool's memory limit; set it here only to override that. Properties Navigator sets
	// per node (the replacement address, the reset of a bootstrap's progress), those that move
	// or bypass cassandra.yaml (cassandra.config) or change how the node joins are refused, and
	// so is -Dcassandra.settings.<setting>, another spelling of config that would let a pool
	// set what Navigator manages: cassandra.yaml settings go in config.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=64
	// +kubebuilder:validation:items:MaxLength=256
	// +kubebuilder:validation:items:Pattern=`^-[^\s]+$`
	// +kubebuilder:validation:XValidation:rule="self.all(o, !o.matches('^-Dcassandra[.](config([.]loader)?|replace_[a-z_]+|reset_bootstrap_progress|join_ring|initial_token|write_survey|auto_bootstrap|partitioner|storagedir|settings[.].+)(=.*)?$'))",message="jvmOptions may not set what Navigator sets per node or what changes how a node joins (-Dcassandra.config, -Dcassandra.config.loader, -Dcassandra.replace_*, -Dcassandra.reset_bootstrap_progress, -Dcassandra.join_ring, -Dcassandra.initial_token, -Dcassandra.write_survey, -Dcassandra.auto_bootstrap, -Dcassandra.partitioner, -Dcassandra.storagedir), nor -Dcassandra.settings.<setting>: set cassandra.yaml settings in config"
	JVMOptions []string `json:"jvmOptions,omitempty"`
}

// CassandraClusterSpec is what the user asks for.
// +kubebuilder:validation:XValidation:rule="self.nodePools.exists(p, p.replicas > 0)",message="at least one node pool must have replicas > 0",fieldPath=".nodePools"
// +kubebuilder:validation:XValidation:rule="oldSelf.nodePools.all(o, self.nodePools.exists(n, n.name == o.name)) || self.nodePools.all(n, oldSelf.nodePools.exists(o, o.name == n.name) || oldSelf.nodePools.exists(o, (has(o.rack) ? o.rack : o.name) == (has(n.rack) ? n.rack : n.name) && o.datacenter == n.datacenter))",message="a node pool cannot be renamed into another rack: this change removes a pool and adds one in a rack the cluster does not have yet; add the new pool first, then remove the old one in a later change",fieldPath=".nodePools",reason=FieldValueForbidden
type CassandraClusterSpec struct {
	// Version of Cassandra: 4.0.x, 4.1.x or 5.0.x. Upgrades go forward only, one minor or major
	// step at a time (4.0 to 4.1 to 5.0, or 4.0 to 5.0, which Cassandra supports directly).
	// +kubebuilder:validation:MaxLength=64
	// +kubebuilder:validation:XValidation:rule="isSemver(self)",message="version must be a semantic version such as 4.1.7"
	// +kubebuilder:validation:XValidation:rule="!self.contains('+')",message="version may not carry build metadata (+...): the version becomes the image tag, which cannot hold a +"
	// +kubebuilder:validation:XValidation:rule="!isSemver(self) || (semver(self).major() == 4 && semver(self).minor() <= 1) || (semver(self).major() == 5 && semver(self).minor() == 0)",message="unsupported Cassandra version: supported are 4.0.x, 4.1.x and 5.0.x"
	// +kubebuilder:validation:XValidation:rule="!isSemver(self) || !isSemver(oldSelf) || semver(self).compareTo(semver(oldSelf)) >= 0",message="downgrades are not supported",reason=FieldValueForbidden
	Version string `json:"version"`

	ClusterCommonSpec `json:",inline"`

	// NumTokens is the number of vnodes (num_tokens) of every node. It cannot change, because
	// Cassandra fixes a node's tokens when it first joins.
	// +optional
	// +kubebuilder:default=16
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=256
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="numTokens cannot change once the cluster exists",reason=FieldValueForbidden
	NumTokens int32 `json:"numTokens,omitempty"`

	// NodePools of the cluster; each runs as one StatefulSet in one datacenter and rack.
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=16
	NodePools []CassandraNodePool `json:"nodePools"`
}

// CassandraClusterStatus is what Navigator observed.
type CassandraClusterStatus struct {
	ClusterCommonStatus `json:",inline"`

	// Nodes are the ring members Navigator started, by pod name: their host id and last address.
	// When a pod comes back without its disk, this is how Navigator knows which dead member it
	// replaces (replace_address_first_boot) instead of bootstrapping a new one beside it.
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=1024
	Nodes []CassandraNodeStatus `json:"nodes,omitempty"`
}

// CassandraNodeStatus is a ring member as Navigator last saw it.
type CassandraNodeStatus struct {
	// Name of the pod.
	Name string `json:"name"`
	// HostID is the node's Cassandra host id.
	// +optional
	HostID string `json:"hostID,omitempty"`
	// Address is the node's last listen address.
	// +optional
	Address string `json:"address,omitempty"`
	// ReplacedAddress is set while this node starts as the replacement of the dead member that
	// had this address.
	// +optional
	ReplacedAddress string `json:"replacedAddress,omitempty"`
	// CleanupPending: a node joined the node's datacenter since it last ran nodetool cleanup,
	// so it still holds rows of ranges it no longer owns. Navigator runs cleanup on such nodes,
	// one at a time, once the ring is settled.
	// +optional
	CleanupPending bool `json:"cleanupPending,omitempty"`
}

// CassandraCluster is a Cassandra cluster that Navigator runs.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=cass,categories=navigator
// +kubebuilder:printcolumn:name="Version",type=string,JSONPath=`.status.version`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.status.conditions[?(@.type=="Progressing")].reason`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
// +kubebuilder:validation:XValidation:rule="self.spec.nodePools.all(p, size(self.metadata.name) + size(p.name) <= 51)",message="metadata.name and each nodePools[].name together must stay within 51 characters, so that StatefulSet and pod names stay valid DNS labels",fieldPath=".spec.nodePools"
// +kubebuilder:validation:XValidation:rule="self.metadata.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$')",message="metadata.name must be a DNS label that starts with a letter, without dots: it names the cluster's Services and its pods' hostnames"
type CassandraCluster struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   CassandraClusterSpec   `json:"spec"`
	Status CassandraClusterStatus `json:"status,omitempty"`
}

// CassandraClusterList is a list of CassandraClusters.
// +kubebuilder:object:root=true
type CassandraClusterList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []CassandraCluster `json:"items"`
}
