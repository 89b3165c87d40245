package nodetool

import "github.com/navigator-dbaas/navigator/test/sim/cassandra/ring"

// Version is nodetool version run on a node: "ReleaseVersion: " and the node's release.
func Version(on *ring.Node) (Result, error) {
	_, refused, err := connect(on)
	if err != nil || refused != nil {
		return deref(refused), err
	}
	return Result{Stdout: "ReleaseVersion: " + on.Release + "\n"}, nil
}
