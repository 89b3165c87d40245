package v1alpha1

import (
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ImageSpec names a container image.
type ImageSpec struct {
	// Repository is the image repository, for example docker.elastic.co/elasticsearch/elasticsearch,
	// without a tag or digest (the tag goes in tag); a registry port (host:5000/…) is part of it.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=255
	// +kubebuilder:validation:XValidation:rule="!self.matches('^([^/:@]+(:[0-9]+)?/)?[^:@]+$') || self.matches('^(([a-zA-Z0-9-]+([.][a-zA-Z0-9-]+)+(:[0-9]+)?|[a-zA-Z0-9-]+:[0-9]+|localhost)/)?[a-z0-9]+([._-]+[a-z0-9]+)*(/[a-z0-9]+([._-]+[a-z0-9]+)*)*$')",message="repository must be an image repository: an optional registry host (with its port), then lowercase path components separated by /"
	// +kubebuilder:validation:XValidation:rule="self.matches('^([^/:@]+(:[0-9]+)?/)?[^:@]+$')",message="repository may not carry a tag or digest: set tag instead (a registry port such as host:5000/ is fine)"
	Repository string `json:"repository"`

	// Tag is the image tag. For a database image it defaults to the cluster's version.
	// +optional
	// +kubebuilder:validation:MaxLength=128
	// +kubebuilder:validation:Pattern=`^[A-Za-z0-9_][A-Za-z0-9_.-]*$`
	Tag string `json:"tag,omitempty"`

	// PullPolicy is the image pull policy.
	// +optional
	// +kubebuilder:default=IfNotPresent
	// +kubebuilder:validation:Enum=Always;IfNotPresent;Never
	PullPolicy corev1.PullPolicy `json:"pullPolicy,omitempty"`
}

// PVCRetentionAction says what happens to a node's PersistentVolumeClaim.
// +kubebuilder:validation:Enum=Retain;Delete
type PVCRetentionAction string

const (
	// PVCRetain keeps the claim, and with it the data.
	PVCRetain PVCRetentionAction = "Retain"
	// PVCDelete deletes the claim; the volume follows its StorageClass reclaim policy.
	PVCDelete PVCRetentionAction = "Delete"
)

// PVCRetentionPolicy says what happens to the claims of nodes that leave, in the shape of the
// StatefulSet field of the same name.
type PVCRetentionPolicy struct {
	// WhenScaled applies to the claims of nodes removed by a scale in. It defaults to Delete because
	// a node only leaves after its data has moved away, and a stale claim would make a later node
	// of the same ordinal start with data its cluster no longer expects.
	// +optional
	// +kubebuilder:default=Delete
	WhenScaled PVCRetentionAction `json:"whenScaled,omitempty"`

	// WhenDeleted applies to every claim when the cluster resource is deleted. It defaults to
	// Retain, so that deleting the resource by mistake loses no data.
	// +optional
	// +kubebuilder:default=Retain
	WhenDeleted PVCRetentionAction `json:"whenDeleted,omitempty"`
}

// PersistenceSpec asks for a PersistentVolumeClaim per node. Without it a node keeps its data in
// an emptyDir and loses it with the pod, which suits only demos and tests.
// +kubebuilder:validation:XValidation:rule="has(self.storageClassName) == has(oldSelf.storageClassName) && (!has(self.storageClassName) || self.storageClassName == oldSelf.storageClassName)",message="storageClassName of an existing node pool cannot change",fieldPath=".storageClassName",reason=FieldValueForbidden
// +kubebuilder:validation:XValidation:rule="!isQuantity(self.size) || !isQuantity(oldSelf.size) || quantity(self.size).compareTo(quantity(oldSelf.size)) >= 0",message="size cannot shrink: volumes can only grow",fieldPath=".size",reason=FieldValueForbidden
type PersistenceSpec struct {
	// Size of each node's volume, a quantity such as 10Gi. It can grow, never shrink.
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:XValidation:rule="isQuantity(self) && quantity(self).isGreaterThan(quantity('0'))",message="size must be a positive quantity such as 10Gi"
	Size resource.Quantity `json:"size"`

	// StorageClassName of the claims; empty uses the cluster's default StorageClass.
	// It cannot change once set.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	StorageClassName *string `json:"storageClassName,omitempty"`

	// RetentionPolicy says what happens to claims on scale in and on deletion.
	// +optional
	// +kubebuilder:default={}
	RetentionPolicy PVCRetentionPolicy `json:"retentionPolicy,omitempty"`
}

// UpdateStrategy bounds how much of a cluster may be disrupted at once.
type UpdateStrategy struct {
	// MaxUnavailable is the number of nodes that may be restarting or unready at once during a
	// rolling restart or upgrade.
	// +optional
	// +kubebuilder:default=1
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=100
	MaxUnavailable int32 `json:"maxUnavailable,omitempty"`

	// MinReadySeconds is how long a node must have been ready before another node is taken
	// down, as the StatefulSet field of the same name: a node that fails right after it came
	// back is not counted as back, and clients have time to learn a restarted node's new
	// address (drivers learn it from the database's events, a second or more after it is up).
	// +optional
	// +kubebuilder:default=5
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=3600
	MinReadySeconds *int32 `json:"minReadySeconds,omitempty"`
}

// DefaultMinReadySeconds is minReadySeconds when the spec leaves it out (the CRD's default).
const DefaultMinReadySeconds = 5

// MinReady is how long a node must have been ready before another is taken down.
func (u UpdateStrategy) MinReady() time.Duration {
	s := int32(DefaultMinReadySeconds)
	if u.MinReadySeconds != nil {
		s = *u.MinReadySeconds
	}
	return time.Duration(s) * time.Second
}

// PodDisruptionBudgetSpec controls the PodDisruptionBudget Navigator keeps for a cluster.
type PodDisruptionBudgetSpec struct {
	// Enabled keeps a PodDisruptionBudget that lets voluntary evictions (node drains) take at
	// most one database node at a time.
	// +optional
	// +kubebuilder:default=true
	Enabled *bool `json:"enabled,omitempty"`
}

// NodePoolCommon holds the fields every engine's node pool has. One StatefulSet runs each pool.
type NodePoolCommon struct {
	// Name of the pool, a DNS label. It is part of the pod names, `<cluster>-<pool>-<ordinal>`.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=40
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	Name string `json:"name"`

	// Replicas is the number of nodes in the pool.
	// +optional
	// +kubebuilder:default=1
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=1000
	Replicas *int32 `json:"replicas,omitempty"`

	// Resources of the database container. The JVM heap is derived from the memory limit.
	// +optional
	Resources corev1.ResourceRequirements `json:"resources,omitempty"`

	// Persistence asks for a PersistentVolumeClaim per node. It cannot be added to or removed
	// from an existing pool.
	// +optional
	Persistence *PersistenceSpec `json:"persistence,omitempty"`

	// NodeSelector constrains the pool's pods to nodes with these labels.
	// +optional
	NodeSelector map[string]string `json:"nodeSelector,omitempty"`

	// Tolerations of the pool's pods.
	// +optional
	// +listType=atomic
	Tolerations []corev1.Toleration `json:"tolerations,omitempty"`

	// Affinity of the pool's pods.
	// +optional
	Affinity *corev1.Affinity `json:"affinity,omitempty"`

	// PodLabels are added to the pool's pods. Navigator's own labels win over these.
	// +optional
	// +kubebuilder:validation:MaxProperties=64
	// +kubebuilder:validation:XValidation:rule="self.all(k, !k.startsWith('navigator.dev/'))",message="labels with the navigator.dev/ prefix are reserved for Navigator"
	PodLabels map[string]string `json:"podLabels,omitempty"`

	// PodAnnotations are added to the pool's pods.
	// +optional
	PodAnnotations map[string]string `json:"podAnnotations,omitempty"`

	// Config holds engine settings merged over what Navigator writes (elasticsearch.yml,
	// opensearch.yml or cassandra.yaml): one setting per key, its value read as YAML, so that a
	// nested setting fits on one line (`client_encryption_options: "{enabled: true}"`).
	// Settings Navigator owns, such as the cluster name, node identity, discovery, addresses and
	// data paths, are rejected, and for Elasticsearch and OpenSearch so are the prefixes under
	// which a nested value would set one (`cluster`, `node`, …): write those as dotted keys.
	// +optional
	// +kubebuilder:validation:MaxProperties=128
	Config map[string]string `json:"config,omitempty"`
}

// ClusterCommonSpec holds the cluster-wide fields both engines have.
type ClusterCommonSpec struct {
	// Image overrides the database image. Its tag defaults to the version.
	// +optional
	Image *ImageSpec `json:"image,omitempty"`

	// PilotImage overrides the navigator-pilot image injected into every database pod.
	// +optional
	PilotImage *ImageSpec `json:"pilotImage,omitempty"`

	// Paused stops Navigator from changing anything in the cluster until it is false again.
	// +optional
	Paused bool `json:"paused,omitempty"`

	// UpdateStrategy bounds disruption during rolling restarts and upgrades.
	// +optional
	// +kubebuilder:default={}
	UpdateStrategy UpdateStrategy `json:"updateStrategy,omitempty"`

	// PodDisruptionBudget controls the cluster's PodDisruptionBudget.
	// +optional
	// +kubebuilder:default={}
	PodDisruptionBudget PodDisruptionBudgetSpec `json:"podDisruptionBudget,omitempty"`
}

// NodePoolStatus reports one node pool.
type NodePoolStatus struct {
	// Name of the pool.
	Name string `json:"name"`
	// Replicas is the number of pods that exist for the pool.
	Replicas int32 `json:"replicas"`
	// ReadyReplicas is the number of the pool's pods whose pilots report them ready.
	ReadyReplicas int32 `json:"readyReplicas"`
	// UpdatedReplicas is the number of the pool's pods that run the current spec.
	UpdatedReplicas int32 `json:"updatedReplicas"`
	// Version is the engine version every node of the pool runs; empty while they differ.
	// +optional
	Version string `json:"version,omitempty"`
}

// OperationType names a disruptive operation on one node.
// +kubebuilder:validation:Enum=ScaleOut;ScaleIn;Restart;Upgrade;Replace;Cleanup
type OperationType string

// Operation types.
const (
	OperationScaleOut OperationType = "ScaleOut"
	OperationScaleIn  OperationType = "ScaleIn"
	OperationRestart  OperationType = "Restart"
	OperationUpgrade  OperationType = "Upgrade"
	OperationReplace  OperationType = "Replace"
	OperationCleanup  OperationType = "Cleanup"
)

// OperationPhase is where a node's operation stands.
// +kubebuilder:validation:Enum=Pending;InProgress;Blocked
type OperationPhase string

// Operation phases.
const (
	// OperationPending waits for its turn.
	OperationPending OperationPhase = "Pending"
	// OperationInProgress is being carried out.
	OperationInProgress OperationPhase = "InProgress"
	// OperationBlocked cannot proceed; BlockedBy names the predicate that said no.
	OperationBlocked OperationPhase = "Blocked"
)

// NodeOperation reports an in-progress operation on one node.
type NodeOperation struct {
	// Node is the pod (and Pilot) name.
	Node string `json:"node"`
	// Pool is the node's pool.
	Pool string `json:"pool"`
	// Type of the operation.
	Type OperationType `json:"type"`
	// Phase of the operation.
	Phase OperationPhase `json:"phase"`
	// BlockedBy names the safety predicate that holds the operation, when Phase is Blocked.
	// +optional
	BlockedBy string `json:"blockedBy,omitempty"`
	// Message says, for a person, what is happening or why it is held.
	// +optional
	Message string `json:"message,omitempty"`
	// Since is when the operation entered its current phase.
	// +optional
	Since *metav1.Time `json:"since,omitempty"`
}

// ClusterCommonStatus holds the status fields both engines report.
type ClusterCommonStatus struct {
	// ObservedGeneration is the generation of the spec this status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// Conditions: Ready, Progressing, Degraded (see conditions.go for reasons).
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// Version the whole cluster runs. It changes only once every node runs the new version.
	// +optional
	Version string `json:"version,omitempty"`

	// NodePools reports each pool.
	// +optional
	// +listType=map
	// +listMapKey=name
	NodePools []NodePoolStatus `json:"nodePools,omitempty"`

	// Operations lists the nodes with an operation in progress, one entry per node.
	// +optional
	// +listType=map
	// +listMapKey=node
	Operations []NodeOperation `json:"operations,omitempty"`
}

// SearchHealth is the cluster health as Elasticsearch and OpenSearch report it (the same
// ClusterHealthStatus: OpenSearch forked from Elasticsearch 7.10).
// +kubebuilder:validation:Enum=green;yellow;red;unknown
type SearchHealth string

// Health values; unknown means no fresh pilot report says otherwise.
const (
	HealthGreen   SearchHealth = "green"
	HealthYellow  SearchHealth = "yellow"
	HealthRed     SearchHealth = "red"
	HealthUnknown SearchHealth = "unknown"
)

// SearchClusterStatus is what Navigator observed of an Elasticsearch or OpenSearch cluster.
type SearchClusterStatus struct {
	ClusterCommonStatus `json:",inline"`

	// Health of the cluster as reported by the pilots' fresh observations.
	// +optional
	Health SearchHealth `json:"health,omitempty"`
}
