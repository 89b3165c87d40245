package ring

import "fmt"

// Consistency is a request's consistency level.
type Consistency string

// The consistency levels the model serves.
const (
	One         Consistency = "ONE"
	Quorum      Consistency = "QUORUM"
	LocalQuorum Consistency = "LOCAL_QUORUM"
	All         Consistency = "ALL"
)

// UnavailableError is Cassandra's UnavailableException: not enough replicas are alive for the
// consistency level, so the coordinator refuses the request without sending it. The CQL error
// carries the three fields (code 0x1000).
type UnavailableError struct {
	Consistency Consistency
	Required    int
	Alive       int
}

// Error is the exception's message, as cqlsh prints it after "Unavailable exception".
func (e *UnavailableError) Error() string {
	return "Cannot achieve consistency level " + string(e.Consistency)
}

// Info is the error's fields as cqlsh prints them.
func (e *UnavailableError) Info() string {
	return fmt.Sprintf("{'consistency': '%s', 'required_replicas': %d, 'alive_replicas': %d}", e.Consistency, e.Required, e.Alive)
}

// blockFor is how many replicas must answer (ConsistencyLevel.blockFor): a quorum is counted
// over the replication factor, not over the nodes that exist.
func blockFor(cl Consistency, r Replication, localDC string) int {
	switch cl {
	case One:
		return 1
	case Quorum:
		return r.TotalRF()/2 + 1
	case LocalQuorum:
		return r.RFIn(localDC)/2 + 1
	default:
		return r.TotalRF()
	}
}

// counts reports whether a replica counts toward the level: for LOCAL_QUORUM only replicas in the
// coordinator's datacenter do.
func counts(cl Consistency, n *Node, localDC string) bool {
	return cl != LocalQuorum || n.DC == localDC
}

// checkAvailable is ReplicaPlans.assureSufficientLiveReplicas: count the live replicas that count
// toward the level, and refuse when they are fewer than required. pending are replicas that
// gain the range in a topology change in progress; writes must reach them too, so they add to
// what a write requires (ConsistencyLevel.blockForWrite) as well as to what is alive.
func checkAvailable(cl Consistency, r Replication, localDC string, natural, pending []*Node) error {
	required := blockFor(cl, r, localDC)
	alive := 0
	for _, n := range natural {
		if n.Up && counts(cl, n, localDC) {
			alive++
		}
	}
	for _, n := range pending {
		if counts(cl, n, localDC) {
			required++
			if n.Up {
				alive++
			}
		}
	}
	if alive < required {
		return &UnavailableError{Consistency: cl, Required: required, Alive: alive}
	}
	return nil
}
