// Command elasticsearch is the Elasticsearch simulator's node process, installed in the
// simulator images at /usr/share/elasticsearch/bin/elasticsearch where the upstream image has
// the real start script. It reads $ES_PATH_CONF/elasticsearch.yml (default
// /usr/share/elasticsearch/config), settings from the environment as the upstream Docker image
// accepts them (cluster.name=… or ES_SETTING_CLUSTER_NAME=…) and -E key=value options, and
// fails at start as Elasticsearch does: exit status 78 for a failed bootstrap check, 1 for
// other start-up errors. On SIGTERM it stops and exits 143, as the JVM does.
//
// The version it reports is set at build time: -ldflags "-X main.version=8.18.2".
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"

	"github.com/navigator-dbaas/navigator/test/sim/elasticsearch/config"
	"github.com/navigator-dbaas/navigator/test/sim/elasticsearch/node"
)

var version = "8.18.2"

func main() {
	os.Exit(run(os.Args[1:], os.Environ(), os.Stdout, os.Stderr))
}

func run(args, env []string, stdout, stderr io.Writer) int {
	overrides, err := overrides(args, env)
	if err != nil {
		fmt.Fprintln(stderr, "ERROR:", err)
		return 64 // EX_USAGE, as the upstream launcher
	}
	confDir := "/usr/share/elasticsearch/config"
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "ES_PATH_CONF="); ok && v != "" {
			confDir = v
		}
	}
	path := filepath.Join(confDir, "elasticsearch.yml")
	raw, err := os.ReadFile(path)
	if err != nil {
		return fatal(stderr, fmt.Errorf("java.nio.file.NoSuchFileException: %s", path))
	}
	cfg, err := config.ParseWith(raw, overrides)
	if err != nil {
		return fatal(stderr, err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	n, err := node.Start(ctx, cfg, node.Options{Version: version, Log: stdout})
	var bc *node.BootstrapCheckError
	if errors.As(err, &bc) {
		fmt.Fprintf(stderr, "ERROR: [1] bootstrap checks failed. You must address the points described in the following [1] lines before starting Elasticsearch.\n%s\n", bc)
		return node.ExitCodeBootstrapCheck
	}
	if err != nil {
		return fatal(stderr, err)
	}
	<-ctx.Done()
	if err := n.Close(); err != nil {
		fmt.Fprintln(stderr, "ERROR: closing:", err)
	}
	return 143
}

// fatal prints a start-up failure the way Elasticsearch's launcher reports one.
func fatal(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "fatal exception while booting Elasticsearch %v\nERROR: Elasticsearch did not exit normally - check the logs\n", err)
	return 1
}

// envSetting matches the environment variables the upstream Docker image turns into settings.
var envSetting = regexp.MustCompile(`^[a-z0-9_]+(\.[a-z0-9_]+)+$`)

// overrides collects settings from -E options and the environment; -E wins.
func overrides(args, env []string) (map[string]string, error) {
	out := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		switch {
		case envSetting.MatchString(k):
			out[k] = v
		case strings.HasPrefix(k, "ES_SETTING_"):
			// ES_SETTING_CLUSTER_NAME: "_" separates words of the key, "__" is a literal "_".
			key := strings.ToLower(strings.TrimPrefix(k, "ES_SETTING_"))
			key = strings.ReplaceAll(strings.ReplaceAll(strings.ReplaceAll(key, "__", "\x00"), "_", "."), "\x00", "_")
			out[key] = v
		}
	}
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "-E" && i+1 < len(args):
			i++
			k, v, ok := strings.Cut(args[i], "=")
			if !ok {
				return nil, fmt.Errorf("setting [%s] must be in the form key=value", args[i])
			}
			out[k] = v
		case strings.HasPrefix(a, "-E"):
			k, v, ok := strings.Cut(strings.TrimPrefix(a, "-E"), "=")
			if !ok {
				return nil, fmt.Errorf("setting [%s] must be in the form key=value", a)
			}
			out[k] = v
		default:
			return nil, fmt.Errorf("%s is not a recognized option", a)
		}
	}
	return out, nil
}
