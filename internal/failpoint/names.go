package failpoint

// Name is a failpoint: the operation it belongs to, then the step it follows.
type Name string

// The controller's failpoints, one after each write that an operation makes before its next
// one. A write that the failpoint follows has reached the API server (the database, for the
// pilot's); nothing after it has.
const (
	// CassandraStatefulSetWritten follows the write of one pool's StatefulSet, before the next
	// pool's and the budgets.
	CassandraStatefulSetWritten Name = "cassandra/objects/statefulset-written"
	// CassandraLeaveAsked follows the Pilot's spec.action=Leave of the node to decommission.
	CassandraLeaveAsked Name = "cassandra/scale-in/leave-asked"
	// CassandraLeaveWithdrawn follows a Leave withdrawn because the spec wants the node again.
	CassandraLeaveWithdrawn Name = "cassandra/scale-in/leave-withdrawn"
	// CassandraClaimMarked follows the mark on a decommissioned node's data claim, before the
	// StatefulSet shrinks past the node.
	CassandraClaimMarked Name = "cassandra/scale-in/claim-marked"
	// CassandraShrunk follows the StatefulSet's shrink past a decommissioned node.
	CassandraShrunk Name = "cassandra/scale-in/shrunk"
	// CassandraGrown follows the StatefulSet's growth to a larger pool.
	CassandraGrown Name = "cassandra/scale-out/grown"
	// CassandraSeedLabelled follows the seed label on one node's pod.
	CassandraSeedLabelled Name = "cassandra/seeds/labelled"
	// CassandraSeedsGiven follows the seed list written to one node's Pilot.
	CassandraSeedsGiven Name = "cassandra/seeds/given"
	// CassandraGateOpened follows the start gate opened for one node.
	CassandraGateOpened Name = "cassandra/start/gate-opened"
	// CassandraCleanupAsked follows the Pilot's spec.action=Cleanup.
	CassandraCleanupAsked Name = "cassandra/cleanup/asked"
	// CassandraCleanupCleared follows the Pilot's action cleared after a cleanup.
	CassandraCleanupCleared Name = "cassandra/cleanup/cleared"
	// CassandraRestartPrepared follows the Pilot's spec.action=PrepareRestart (drain).
	CassandraRestartPrepared Name = "cassandra/roll/restart-prepared"
	// CassandraPodDeleted follows the deletion of a drained pod for its restart.
	CassandraPodDeleted Name = "cassandra/roll/pod-deleted"
	// CassandraFailedJoinerDeleted follows the deletion of a pod whose bootstrap failed.
	CassandraFailedJoinerDeleted Name = "cassandra/joins/failed-joiner-deleted"

	// ElasticsearchStatefulSetWritten follows the write of one pool's StatefulSet.
	ElasticsearchStatefulSetWritten Name = "elasticsearch/objects/statefulset-written"
	// ElasticsearchUUIDRecorded follows the cluster UUID recorded in the status at bootstrap.
	ElasticsearchUUIDRecorded Name = "elasticsearch/bootstrap/uuid-recorded"
	// ElasticsearchLeaveAsked follows the Pilot's spec.action=Leave of a node to remove.
	ElasticsearchLeaveAsked Name = "elasticsearch/scale-in/leave-asked"
	// ElasticsearchLeaveWithdrawn follows a Leave withdrawn because the spec wants the node again.
	ElasticsearchLeaveWithdrawn Name = "elasticsearch/scale-in/leave-withdrawn"
	// ElasticsearchShrunk follows the StatefulSet's shrink past nodes that have left.
	ElasticsearchShrunk Name = "elasticsearch/scale-in/shrunk"
	// ElasticsearchGrown follows the StatefulSet's growth to a larger pool.
	ElasticsearchGrown Name = "elasticsearch/scale-out/grown"
	// ElasticsearchGateOpened follows the start gate opened for one node.
	ElasticsearchGateOpened Name = "elasticsearch/start/gate-opened"
	// ElasticsearchRestartPrepared follows the Pilot's spec.action=PrepareRestart.
	ElasticsearchRestartPrepared Name = "elasticsearch/roll/restart-prepared"
	// ElasticsearchPodDeleted follows the deletion of a prepared pod for its restart.
	ElasticsearchPodDeleted Name = "elasticsearch/roll/pod-deleted"

	// OpenSearch's, at the same steps of the reconciler Elasticsearch and OpenSearch share.
	OpenSearchStatefulSetWritten Name = "opensearch/objects/statefulset-written"
	OpenSearchUUIDRecorded       Name = "opensearch/bootstrap/uuid-recorded"
	OpenSearchLeaveAsked         Name = "opensearch/scale-in/leave-asked"
	OpenSearchLeaveWithdrawn     Name = "opensearch/scale-in/leave-withdrawn"
	OpenSearchShrunk             Name = "opensearch/scale-in/shrunk"
	OpenSearchGrown              Name = "opensearch/scale-out/grown"
	OpenSearchGateOpened         Name = "opensearch/start/gate-opened"
	OpenSearchRestartPrepared    Name = "opensearch/roll/restart-prepared"
	OpenSearchPodDeleted         Name = "opensearch/roll/pod-deleted"

	// The pilot's failpoints, between the writes one action makes to its database.

	// ElasticsearchPilotLeaveShutdownRegistered follows a Leave's remove-type shutdown, before
	// the node's voting exclusion.
	ElasticsearchPilotLeaveShutdownRegistered Name = "elasticsearch/pilot-leave/shutdown-registered"
	// ElasticsearchPilotLeaveExcluded follows a Leave's voting exclusion, before the action
	// reports its progress.
	ElasticsearchPilotLeaveExcluded Name = "elasticsearch/pilot-leave/excluded"
	// ElasticsearchPilotRestartShutdownRegistered follows a PrepareRestart's restart-type
	// shutdown, before the action reports it complete.
	ElasticsearchPilotRestartShutdownRegistered Name = "elasticsearch/pilot-restart/shutdown-registered"
)

// All lists every failpoint, in the order of the operations above; the sweep arms each.
var All = []Name{
	CassandraStatefulSetWritten, CassandraLeaveAsked, CassandraLeaveWithdrawn, CassandraClaimMarked,
	CassandraShrunk, CassandraGrown,
	CassandraSeedLabelled, CassandraSeedsGiven, CassandraGateOpened,
	CassandraCleanupAsked, CassandraCleanupCleared,
	CassandraRestartPrepared, CassandraPodDeleted, CassandraFailedJoinerDeleted,
	ElasticsearchStatefulSetWritten, ElasticsearchUUIDRecorded,
	ElasticsearchLeaveAsked, ElasticsearchLeaveWithdrawn, ElasticsearchShrunk, ElasticsearchGrown, ElasticsearchGateOpened,
	ElasticsearchRestartPrepared, ElasticsearchPodDeleted,
	OpenSearchStatefulSetWritten, OpenSearchUUIDRecorded,
	OpenSearchLeaveAsked, OpenSearchLeaveWithdrawn, OpenSearchShrunk, OpenSearchGrown, OpenSearchGateOpened,
	OpenSearchRestartPrepared, OpenSearchPodDeleted,
	ElasticsearchPilotLeaveShutdownRegistered, ElasticsearchPilotLeaveExcluded, ElasticsearchPilotRestartShutdownRegistered,
}
