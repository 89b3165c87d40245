package v1alpha1

// Condition types of ElasticsearchCluster and CassandraCluster.
const (
	// ConditionReady is True when every node is ready and the cluster serves fully
	// (Elasticsearch: green).
	ConditionReady = "Ready"
	// ConditionProgressing is True while Navigator is changing the cluster; its reason says what
	// it is doing or why it waits.
	ConditionProgressing = "Progressing"
	// ConditionDegraded is True when the cluster serves with less than it should: nodes down,
	// pilots silent, data at risk.
	ConditionDegraded = "Degraded"
)

// Reasons of the cluster conditions. They are stable API: tools may match on them.
const (
	// ReasonClusterReady: every node ready, cluster fully serving.
	ReasonClusterReady = "ClusterReady"
	// ReasonNodesNotReady: some nodes do not report ready yet.
	ReasonNodesNotReady = "NodesNotReady"
	// ReasonBootstrapping: a new cluster is forming.
	ReasonBootstrapping = "Bootstrapping"
	// ReasonScalingOut: nodes are being added.
	ReasonScalingOut = "ScalingOut"
	// ReasonScalingIn: nodes are moving their data away before removal.
	ReasonScalingIn = "ScalingIn"
	// ReasonRollingRestart: nodes are restarted one budget at a time.
	ReasonRollingRestart = "RollingRestart"
	// ReasonUpgrading: nodes are restarted into a new version.
	ReasonUpgrading = "Upgrading"
	// ReasonReplacingNode: a node that lost its disk is being replaced.
	ReasonReplacingNode = "ReplacingNode"
	// ReasonBlocked: an operation cannot proceed; status.operations names the predicate.
	ReasonBlocked = "Blocked"
	// ReasonPaused: spec.paused is true; Navigator changes nothing.
	ReasonPaused = "Paused"
	// ReasonIdle: nothing to do.
	ReasonIdle = "Idle"
	// ReasonPilotsStale: some pilots have not reported within the heartbeat timeout, so their
	// nodes' state is unknown.
	ReasonPilotsStale = "PilotsStale"
	// ReasonHealthYellow: Elasticsearch reports yellow (replicas unassigned).
	ReasonHealthYellow = "HealthYellow"
	// ReasonHealthRed: Elasticsearch reports red (primaries unassigned: data unavailable).
	ReasonHealthRed = "HealthRed"
	// ReasonNodesDown: Cassandra nodes are down in the ring.
	ReasonNodesDown = "NodesDown"
	// ReasonDatabaseExited: the database of some nodes ended without being asked to (it cannot
	// start, or it crashed); the message quotes what each said last and its exit status.
	ReasonDatabaseExited = "DatabaseExited"
	// ReasonHealthy: nothing is degraded.
	ReasonHealthy = "Healthy"
)

// Condition types of a Pilot, written by the pilot.
const (
	// PilotConditionReady is True when the database serves and has joined its cluster, as the
	// engine defines it. It is the same fact the pilot's /readyz answers.
	PilotConditionReady = "Ready"
)

// Reasons of the Pilot conditions.
const (
	// PilotReasonWaitingForStart: the start gate is closed.
	PilotReasonWaitingForStart = "WaitingForStart"
	// PilotReasonStarting: the database is starting or joining.
	PilotReasonStarting = "Starting"
	// PilotReasonServing: the node serves and is a member.
	PilotReasonServing = "Serving"
	// PilotReasonNotServing: the database runs but fails its readiness check.
	PilotReasonNotServing = "NotServing"
	// PilotReasonStopped: the database process is not running.
	PilotReasonStopped = "Stopped"
	// PilotReasonExited: the database process ended without being asked to; status.lastExit
	// says how.
	PilotReasonExited = "Exited"
)
