package ring

import (
	"slices"
	"time"
)

// CleanupError is the RuntimeException nodetool cleanup reports.
type CleanupError struct{ Message string }

func (e *CleanupError) Error() string { return e.Message }

// Cleanup is nodetool cleanup: the node drops the rows of ranges it no longer replicates, as
// after other nodes joined. It refuses while ranges move to it (CASSANDRA-16418: cleaning up then
// would drop data still on its way), and before the node has joined the ring.
func (c *Cluster) Cleanup(now time.Time, hostID string) error {
	n, err := c.liveNode(hostID)
	if err != nil {
		return err
	}
	if n.State == Joining {
		return &CleanupError{Message: "Cleanup cannot run before a node has joined the ring"}
	}
	for _, ks := range c.Keyspaces() {
		if ks.Replication.Strategy != LocalStrategy && c.hasPendingRanges(ks, n) {
			return &CleanupError{Message: "Node is involved in cluster membership changes. Not safe to run cleanup."}
		}
	}
	for _, ks := range c.Keyspaces() {
		for _, table := range ks.Tables {
			rows := n.data[ks.Name+"."+table]
			for key := range rows {
				if !slices.Contains(c.ring.replicas(ks, TokenFor([]byte(key))), n) {
					delete(rows, key)
				}
			}
		}
	}
	return nil
}
