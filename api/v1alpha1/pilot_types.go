package v1alpha1

import (
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Engine names the database a pilot wraps.
// +kubebuilder:validation:Enum=Elasticsearch;Cassandra;OpenSearch
type Engine string

// Engines.
const (
	EngineElasticsearch Engine = "Elasticsearch"
	EngineCassandra     Engine = "Cassandra"
	EngineOpenSearch    Engine = "OpenSearch"
)

// PilotAction is a node-local action the controller asks a pilot to carry out.
// +kubebuilder:validation:Enum=None;Leave;PrepareRestart;Cleanup
type PilotAction string

// Pilot actions. Each is idempotent on the pilot's side: asking again for the action in progress
// changes nothing.
const (
	// ActionNone asks for nothing beyond running.
	ActionNone PilotAction = "None"
	// ActionLeave asks the node to leave its cluster safely: move its data away (Elasticsearch
	// shutdown type remove; Cassandra nodetool decommission). The node keeps running, empty,
	// until the controller removes its pod.
	ActionLeave PilotAction = "Leave"
	// ActionPrepareRestart asks the node to get ready for a restart that keeps its data
	// (Elasticsearch shutdown type restart; Cassandra nodetool drain). The controller deletes the
	// pod once the pilot reports the action complete.
	ActionPrepareRestart PilotAction = "PrepareRestart"
	// ActionCleanup asks a Cassandra node to drop data it no longer owns after a scale out.
	ActionCleanup PilotAction = "Cleanup"
)

// PilotSpec is written by navigator-controller only: what it wants from this node.
// Every change increments metadata.generation; the pilot reports which generation it has acted
// on in status.observedGeneration.
type PilotSpec struct {
	// Engine the pod runs.
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="engine cannot change",reason=FieldValueForbidden
	Engine Engine `json:"engine"`

	// Cluster is the name of the ElasticsearchCluster, CassandraCluster or OpenSearchCluster, in
	// the same namespace, that this node belongs to.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="cluster cannot change",reason=FieldValueForbidden
	Cluster string `json:"cluster"`

	// Start opens the start gate: until it is true the pilot announces the node in its status but
	// does not start the database. Once the database has started, setting it back to false does
	// not stop it; stopping is the controller's business, through the pod.
	// +optional
	Start bool `json:"start,omitempty"`

	// Action is the node-local action the controller asks for.
	// +optional
	// +kubebuilder:default=None
	Action PilotAction `json:"action,omitempty"`

	// Elasticsearch holds requests that only an Elasticsearch node understands.
	// +optional
	Elasticsearch *ElasticsearchPilotSpec `json:"elasticsearch,omitempty"`

	// Cassandra holds requests that only a Cassandra node understands.
	// +optional
	Cassandra *CassandraPilotSpec `json:"cassandra,omitempty"`

	// OpenSearch holds requests that only an OpenSearch node understands.
	// +optional
	OpenSearch *OpenSearchPilotSpec `json:"opensearch,omitempty"`
}

// ElasticsearchPilotSpec holds Elasticsearch-only requests.
type ElasticsearchPilotSpec struct {
	// InitialMasterNodes is set only while a brand-new cluster bootstraps: the pilot writes it as
	// cluster.initial_master_nodes. It stays empty for every node of a cluster that has formed.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=32
	InitialMasterNodes []string `json:"initialMasterNodes,omitempty"`
}

// OpenSearchPilotSpec holds OpenSearch-only requests.
type OpenSearchPilotSpec struct {
	// InitialClusterManagerNodes is set only while a brand-new cluster bootstraps: the pilot
	// writes it as cluster.initial_cluster_manager_nodes. It stays empty for every node of a
	// cluster that has formed.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=32
	InitialClusterManagerNodes []string `json:"initialClusterManagerNodes,omitempty"`
}

// CassandraPilotSpec holds Cassandra-only requests.
type CassandraPilotSpec struct {
	// ReplaceAddress makes the node start as the replacement of the dead node that had this
	// address (replace_address_first_boot), because its own disk was lost.
	// +optional
	// +kubebuilder:validation:MaxLength=64
	ReplaceAddress string `json:"replaceAddress,omitempty"`
	// ResetBootstrapProgress starts the node with cassandra.reset_bootstrap_progress=true: its
	// disk holds what an earlier bootstrap or replacement streamed before it was cut short or
	// failed, and it streams every range afresh. Cassandra 5.0 refuses to bootstrap over such
	// data without the setting (RangeStreamer, CASSANDRA-17679); 4.x would resume, keeping
	// ranges that missed the writes made since.
	// +optional
	ResetBootstrapProgress bool `json:"resetBootstrapProgress,omitempty"`
	// Seeds are the DNS names of the seed nodes, one name per seed, which the pilot writes into
	// seed_provider before every start. Cassandra's SimpleSeedProvider takes one address per
	// name, so a name that resolved to every seed would give each node one of them at random.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=64
	// +kubebuilder:validation:items:MaxLength=253
	Seeds []string `json:"seeds,omitempty"`
}

// PilotPhase summarises where the node stands. Decisions use the conditions and facts; the phase
// is for people.
// +kubebuilder:validation:Enum=Waiting;Starting;Running;Leaving;Left;Stopping;Failed
type PilotPhase string

// Pilot phases.
const (
	// PilotWaiting: the node is announced and waits for the start gate.
	PilotWaiting PilotPhase = "Waiting"
	// PilotStarting: the database process runs but the node has not joined its cluster yet.
	PilotStarting PilotPhase = "Starting"
	// PilotRunning: the node serves and is a member of its cluster.
	PilotRunning PilotPhase = "Running"
	// PilotLeaving: the node is moving its data away.
	PilotLeaving PilotPhase = "Leaving"
	// PilotLeft: the node holds no data and is no longer needed by its cluster.
	PilotLeft PilotPhase = "Left"
	// PilotStopping: the database is shutting down.
	PilotStopping PilotPhase = "Stopping"
	// PilotFailed: the database process exited with an error.
	PilotFailed PilotPhase = "Failed"
)

// ActionPhase is where the requested action stands.
// +kubebuilder:validation:Enum=InProgress;Complete;Failed
type ActionPhase string

// Action phases.
const (
	ActionInProgress ActionPhase = "InProgress"
	ActionComplete   ActionPhase = "Complete"
	ActionFailed     ActionPhase = "Failed"
)

// PilotActionStatus reports the action of spec.action.
type PilotActionStatus struct {
	// Action being reported.
	Action PilotAction `json:"action"`
	// Phase of the action.
	Phase ActionPhase `json:"phase"`
	// Message says what the node is doing, or why the action failed or cannot progress.
	// +optional
	Message string `json:"message,omitempty"`
	// StartedAt is when the pilot began the action.
	// +optional
	StartedAt *metav1.Time `json:"startedAt,omitempty"`
}

// PilotNode is the node's identity as its peers and the controller need it.
type PilotNode struct {
	// ID is the engine's identity of the node: Elasticsearch node id, Cassandra host id.
	// +optional
	ID string `json:"id,omitempty"`
	// Address is the pod IP the node listens on.
	// +optional
	Address string `json:"address,omitempty"`
	// HoldsData is true when the node's data directory already holds data from an earlier run.
	// The controller uses it to tell a restarted cluster, whose nodes may start together, from a
	// new one, whose nodes must join in order.
	// +optional
	HoldsData bool `json:"holdsData,omitempty"`
}

// ElasticsearchPilotStatus holds the facts only an Elasticsearch node has.
type ElasticsearchPilotStatus struct {
	// Roles the node runs with.
	// +optional
	// +listType=atomic
	Roles []ElasticsearchRole `json:"roles,omitempty"`
	// Shards allocated to the node.
	// +optional
	Shards int32 `json:"shards,omitempty"`
	// Documents held by the node's shards.
	// +optional
	Documents int64 `json:"documents,omitempty"`
	// ClusterHealth as this node sees it.
	// +optional
	ClusterHealth SearchHealth `json:"clusterHealth,omitempty"`
	// MasterNode is the node id of the elected master, as this node sees it.
	// +optional
	MasterNode string `json:"masterNode,omitempty"`
	// ClusterUUID is the UUID of the cluster the node has joined; empty until the cluster has
	// formed. The controller records it so that cluster.initial_master_nodes is never written again
	// once a cluster has formed (a second bootstrap would split it in two).
	// +optional
	// +kubebuilder:validation:MaxLength=64
	ClusterUUID string `json:"clusterUUID,omitempty"`
	// Shutdown reports a node shutdown registered for this node.
	// +optional
	Shutdown *ElasticsearchShutdownStatus `json:"shutdown,omitempty"`
}

// ElasticsearchShutdownStatus mirrors GET _nodes/<id>/shutdown for this node.
type ElasticsearchShutdownStatus struct {
	// Type is remove or restart.
	Type string `json:"type"`
	// Status is NOT_STARTED, IN_PROGRESS, STALLED or COMPLETE.
	Status string `json:"status"`
	// ShardsRemaining is the number of shards still to move away.
	// +optional
	ShardsRemaining int32 `json:"shardsRemaining,omitempty"`
	// Explanation is Elasticsearch's reason when the shutdown is stalled.
	// +optional
	Explanation string `json:"explanation,omitempty"`
}

// OpenSearchPilotStatus holds the facts only an OpenSearch node has.
type OpenSearchPilotStatus struct {
	// Roles the node runs with.
	// +optional
	// +listType=atomic
	Roles []OpenSearchRole `json:"roles,omitempty"`
	// Shards allocated to the node.
	// +optional
	Shards int32 `json:"shards,omitempty"`
	// Documents held by the node's shards.
	// +optional
	Documents int64 `json:"documents,omitempty"`
	// ClusterHealth as this node sees it.
	// +optional
	ClusterHealth SearchHealth `json:"clusterHealth,omitempty"`
	// ClusterManagerNode is the node id of the elected cluster manager, as this node sees it.
	// +optional
	ClusterManagerNode string `json:"clusterManagerNode,omitempty"`
	// ClusterUUID is the UUID of the cluster the node has joined; empty until the cluster has
	// formed. The controller records it so that cluster.initial_cluster_manager_nodes is never
	// written again once a cluster has formed.
	// +optional
	// +kubebuilder:validation:MaxLength=64
	ClusterUUID string `json:"clusterUUID,omitempty"`
	// Drain reports the node's shard copies moving away while it is excluded from allocation
	// (cluster.routing.allocation.exclude._name). OpenSearch has no node shutdown API to report
	// it, so the pilot reads it from where the copies are.
	// +optional
	Drain *OpenSearchDrainStatus `json:"drain,omitempty"`
}

// OpenSearchDrainStatus is the progress of a node's drain.
type OpenSearchDrainStatus struct {
	// ShardsRemaining is the number of shard copies still on the node.
	// +optional
	ShardsRemaining int32 `json:"shardsRemaining,omitempty"`
	// Relocating is how many of them are moving away now.
	// +optional
	Relocating int32 `json:"relocating,omitempty"`
	// Stalled is true while copies remain and none of them moves: OpenSearch cannot place them
	// elsewhere. Explanation says why.
	// +optional
	Stalled bool `json:"stalled,omitempty"`
	// Explanation is OpenSearch's reason (the allocation explain API's) that a remaining copy
	// stays.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	Explanation string `json:"explanation,omitempty"`
}

// CassandraPilotStatus holds the facts only a Cassandra node has.
type CassandraPilotStatus struct {
	// Datacenter the node reports.
	// +optional
	Datacenter string `json:"datacenter,omitempty"`
	// Rack the node reports.
	// +optional
	Rack string `json:"rack,omitempty"`
	// State as nodetool status shows it for this node: UN, UJ, UL, UM, DN…
	// +optional
	// +kubebuilder:validation:MaxLength=4
	State string `json:"state,omitempty"`
	// Load is the data the node holds on disk.
	// +optional
	Load *resource.Quantity `json:"load,omitempty"`
	// Tokens is the number of tokens the node owns.
	// +optional
	Tokens int32 `json:"tokens,omitempty"`
	// FreeSpace is what is left on the file system of the node's data directories. The
	// controller checks, before a decommission, that the nodes staying have room for the
	// leaving node's load.
	// +optional
	FreeSpace *resource.Quantity `json:"freeSpace,omitempty"`
	// ReplicationFactor is the highest replication factor a keyspace of NetworkTopologyStrategy
	// asks for in the node's datacenter, from system_schema.keyspaces as this node sees it,
	// system keyspaces included; ReplicationKeyspace names that keyspace. Cassandra refuses to
	// decommission a node of a datacenter that has no more nodes than that
	// (StorageService.decommission), and the controller never asks it to.
	// +optional
	ReplicationFactor int32 `json:"replicationFactor,omitempty"`
	// +optional
	// +kubebuilder:validation:MaxLength=256
	ReplicationKeyspace string `json:"replicationKeyspace,omitempty"`
	// ClusterReplicationFactor is the highest replication factor of the keyspaces whose replicas
	// may be in any datacenter (SimpleStrategy: by default system_auth 1, system_traces 2,
	// system_distributed 3); ClusterReplicationKeyspace names that keyspace. Cassandra counts it
	// against the nodes of the whole cluster.
	// +optional
	ClusterReplicationFactor int32 `json:"clusterReplicationFactor,omitempty"`
	// +optional
	// +kubebuilder:validation:MaxLength=256
	ClusterReplicationKeyspace string `json:"clusterReplicationKeyspace,omitempty"`
	// Mode is the node's operation mode (StorageService.OperationMode: STARTING, NORMAL,
	// JOINING, JOINING_FAILED, LEAVING, DECOMMISSIONED, DECOMMISSION_FAILED, MOVING, DRAINING,
	// DRAINED). A node whose bootstrap failed stays up, joining, refusing clients: JOINING_FAILED
	// in 5.0, and in 4.0 and 4.1 too, where Cassandra stays JOINING and the pilot reads the
	// failure in its log ("Some data streaming failed").
	// +optional
	// +kubebuilder:validation:MaxLength=32
	Mode string `json:"mode,omitempty"`
	// DownNodes are the addresses of the ring's members that this node sees as down (DN). A node
	// whose disk was lost is replaced only while its old address is down.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=256
	DownNodes []string `json:"downNodes,omitempty"`
	// Generation is the node's gossip generation (Gossiper.getCurrentGenerationNumber of its own
	// address): a new, higher number at every start of its Cassandra process. Zero when the pilot
	// reads the ring through nodetool alone, which does not print it.
	// +optional
	Generation int64 `json:"generation,omitempty"`
	// LiveNodes are the other ring members this node sees up, each with the gossip generation it
	// holds for it. "Up" is the failure detector's own flag (FailureDetector.getSimpleStates),
	// the one this node checks before it sends a peer a request as coordinator. A restarted peer
	// is up here only once this node has heard its new generation and its answer to an echo
	// (Gossiper.markAlive): until then this node counts the peer out of every quorum, so the
	// controller disrupts no other node before every node lists every restarted peer at its
	// current generation. Not reported (empty) while Generation is zero.
	// +optional
	// +listType=map
	// +listMapKey=address
	// +kubebuilder:validation:MaxItems=256
	LiveNodes []CassandraPeer `json:"liveNodes,omitempty"`
}

// CassandraPeer is one other node as a node sees it.
type CassandraPeer struct {
	// Address is the peer's broadcast address.
	// +kubebuilder:validation:MaxLength=64
	Address string `json:"address"`
	// Generation is the peer's gossip generation as this node holds it.
	Generation int64 `json:"generation"`
}

// PilotStatus is written by the pilot only: facts it observed on its node.
type PilotStatus struct {
	// ObservedGeneration is the spec generation the pilot has acted on.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// Phase summarises the node's state for people.
	// +optional
	Phase PilotPhase `json:"phase,omitempty"`

	// Conditions: Ready (the node serves and has joined its cluster).
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// LastHeartbeatTime is when the pilot last confirmed this status. The controller treats a
	// status whose heartbeat is older than its timeout as unknown, never as healthy.
	// +optional
	LastHeartbeatTime *metav1.Time `json:"lastHeartbeatTime,omitempty"`

	// Version of the engine the node runs.
	// +optional
	Version string `json:"version,omitempty"`

	// Node is the node's identity.
	// +optional
	Node PilotNode `json:"node,omitempty"`

	// Action reports the progress of spec.action.
	// +optional
	Action *PilotActionStatus `json:"action,omitempty"`

	// LastExit is how the database process last ended without being asked to stop: its exit
	// status and, from the end of its output, what it said last, so that a node that cannot
	// start says why. Kept across restarts of the container, cleared once the database serves.
	// +optional
	LastExit *PilotExit `json:"lastExit,omitempty"`

	// Elasticsearch holds Elasticsearch facts.
	// +optional
	Elasticsearch *ElasticsearchPilotStatus `json:"elasticsearch,omitempty"`

	// Cassandra holds Cassandra facts.
	// +optional
	Cassandra *CassandraPilotStatus `json:"cassandra,omitempty"`

	// OpenSearch holds OpenSearch facts.
	// +optional
	OpenSearch *OpenSearchPilotStatus `json:"opensearch,omitempty"`
}

// PilotExit is an end of the database process that nobody asked for.
type PilotExit struct {
	// Code is the exit status (128+n when signal n killed it).
	Code int32 `json:"code"`
	// Message is the engine's own account of why, from the end of its output.
	// +optional
	// +kubebuilder:validation:MaxLength=2048
	Message string `json:"message,omitempty"`
	// Time is when the process ended.
	Time metav1.Time `json:"time"`
}

// Pilot is the contract between navigator-controller and the pilot of one database pod: same
// name and namespace as the pod. The controller writes spec, the pilot writes status.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=pilot,categories=navigator
// +kubebuilder:printcolumn:name="Engine",type=string,JSONPath=`.spec.engine`
// +kubebuilder:printcolumn:name="Cluster",type=string,JSONPath=`.spec.cluster`
// +kubebuilder:printcolumn:name="Phase",type=string,JSONPath=`.status.phase`
// +kubebuilder:printcolumn:name="Action",type=string,JSONPath=`.spec.action`
// +kubebuilder:printcolumn:name="Version",type=string,JSONPath=`.status.version`
// +kubebuilder:printcolumn:name="Heartbeat",type=date,JSONPath=`.status.lastHeartbeatTime`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
// +kubebuilder:validation:XValidation:rule="self.spec.engine == 'Cassandra' || !has(self.spec.cassandra)",message="only a Cassandra pilot takes a cassandra section",fieldPath=".spec.cassandra"
// +kubebuilder:validation:XValidation:rule="self.spec.engine == 'Elasticsearch' || !has(self.spec.elasticsearch)",message="only an Elasticsearch pilot takes an elasticsearch section",fieldPath=".spec.elasticsearch"
// +kubebuilder:validation:XValidation:rule="self.spec.engine == 'OpenSearch' || !has(self.spec.opensearch)",message="only an OpenSearch pilot takes an opensearch section",fieldPath=".spec.opensearch"
// +kubebuilder:validation:XValidation:rule="self.spec.engine == 'Cassandra' || self.spec.action != 'Cleanup'",message="Cleanup is a Cassandra action",fieldPath=".spec.action"
type Pilot struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   PilotSpec   `json:"spec"`
	Status PilotStatus `json:"status,omitempty"`
}

// PilotList is a list of Pilots.
// +kubebuilder:object:root=true
type PilotList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Pilot `json:"items"`
}
