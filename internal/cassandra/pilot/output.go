package pilot

import (
	"strings"

	"github.com/navigator-dbaas/navigator/internal/cassandra/nodetool"
)

// streamingFailed begins the warning StorageService.joinTokenRing logs (4.0, 4.1 and 5.0 alike)
// when a bootstrap or replacement failed to stream its data: the node stays up, joining, and
// serves no clients.
const streamingFailed = "Some data streaming failed. Use nodetool to check bootstrap state and resume."

// ReadOutput notes Cassandra's warning that its bootstrap failed to stream, for modeOf.
func (e *Engine) ReadOutput(line string) {
	if strings.Contains(line, streamingFailed) {
		e.mu.Lock()
		e.streamingFailed = true
		e.mu.Unlock()
	}
}

// modeOf is the node's operation mode as 5.0 names it. 5.0 says JOINING_FAILED (CASSANDRA-18555);
// 4.0 and 4.1 have no such mode: the node whose bootstrap failed stays JOINING, and says that it
// failed only in its log. Without this the controller could not tell it from a node still
// streaming, and would wait on it for good. (Navigator never resumes a bootstrap, which would
// make such a node JOINING again after the warning: it restarts the node, a new process.)
func (e *Engine) modeOf(mode string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if mode == nodetool.ModeJoining && e.streamingFailed {
		return nodetool.ModeJoiningFailed
	}
	return mode
}
