package node

import (
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/navigator-dbaas/navigator/internal/pilot/supervisor"
)

// CallTimeout bounds each call to the local node: the agent's loop and the kubelet's probes
// must never wait on a node that does not answer.
const CallTimeout = 5 * time.Second

// Address is the node's HTTP address as its pilot calls it, on the pod's loopback.
func Address(httpPort int) string {
	return "http://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(httpPort))
}

// Transport is the HTTP transport of a pilot's client of its node: quick to give up on a node
// that does not answer, and small (the pilot makes a few calls at a time).
func Transport() *http.Transport {
	return &http.Transport{
		DialContext:           (&net.Dialer{Timeout: 2 * time.Second}).DialContext,
		ResponseHeaderTimeout: CallTimeout,
		MaxIdleConnsPerHost:   2,
	}
}

// Command runs the upstream command unchanged, with the environment variable confEnv pointing at
// the configuration directory the pilot wrote (ES_PATH_CONF, OPENSEARCH_PATH_CONF).
func Command(upstream []string, confEnv, configDir string) supervisor.Process {
	env := []string{}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, confEnv+"=") {
			env = append(env, kv)
		}
	}
	return supervisor.Process{
		Path: upstream[0],
		Args: append([]string(nil), upstream...),
		Env:  append(env, confEnv+"="+configDir),
	}
}

// Roles turns the roles the node's stats list into the engine's role type.
func Roles[R ~string](names []string) []R {
	out := make([]R, 0, len(names))
	for _, n := range names {
		out = append(out, R(n))
	}
	return out
}
