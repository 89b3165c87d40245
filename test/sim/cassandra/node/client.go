package node

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"

	"github.com/navigator-dbaas/navigator/test/sim/cassandra/config"
	"github.com/navigator-dbaas/navigator/test/sim/cassandra/nodetool"
)

// Nodetool is the nodetool command: it takes nodetool's connection flags (-h host, -p port, and
// the credentials it ignores), sends the rest to the node's admin endpoint, and returns what the
// node answered. A node that does not answer is reported as nodetool reports a JMX port that
// refuses the connection, in the words of the given release series.
func Nodetool(ctx context.Context, release string, args []string) nodetool.Result {
	host, port := "127.0.0.1", JMXPort
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		value := func() (string, bool) {
			if i+1 < len(args) {
				i++
				return args[i], true
			}
			return "", false
		}
		switch a {
		case "-h", "--host":
			if v, ok := value(); ok {
				host = v
				continue
			}
			return badUse("Required values for option 'host' not provided")
		case "-p", "--port":
			v, ok := value()
			p, err := strconv.Atoi(v)
			if !ok || err != nil {
				return badUse(fmt.Sprintf("Required values for option 'port' not provided or not a number: %q", v))
			}
			port = p
		case "-u", "--username", "-pw", "--password", "-pwf", "--password-file":
			value()
		default:
			rest = append(rest, a)
		}
	}
	series, err := config.ParseVersion(release)
	if err != nil {
		series = config.V41
	}
	body, _ := json.Marshal(nodetoolRequest{Args: rest})
	url := "http://" + net.JoinHostPort(host, strconv.Itoa(port)) + "/nodetool"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nodetool.Refused(series, host, port)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nodetool.Refused(series, host, port)
	}
	defer func() { _ = res.Body.Close() }()
	raw, err := io.ReadAll(res.Body)
	var out nodetool.Result
	if err != nil || res.StatusCode != http.StatusOK || json.Unmarshal(raw, &out) != nil {
		return failure("java.io.IOException", fmt.Sprintf("unexpected answer from %s: HTTP %d %s", url, res.StatusCode, raw))
	}
	return out
}
