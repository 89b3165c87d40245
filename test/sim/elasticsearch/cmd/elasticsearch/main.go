// Command elasticsearch is the Elasticsearch simulator's node process, installed in the
// simulator images at /usr/share/elasticsearch/bin/elasticsearch where the upstream image has
// the real start script. It reads $ES_PATH_CONF/elasticsearch.yml (default
// /usr/share/elasticsearch/config), settings from the environment as the upstream Docker image
// accepts them (cluster.name=… or ES_SETTING_CLUSTER_NAME=…) and -E key=value options, and
// fails at start as Elasticsearch does: exit status 78 for a failed bootstrap check, 1 for
// other start-up errors. On SIGTERM it stops and exits 143, as the JVM does.
//
// Installed as bin/opensearch (the OpenSearch simulator images, /usr/share/opensearch), it is an
// OpenSearch node: it reads $OPENSEARCH_PATH_CONF/opensearch.yml in OpenSearch's words and
// answers as OpenSearch does (config.OpenSearch).
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
	product := config.Elasticsearch
	if filepath.Base(os.Args[0]) == "opensearch" {
		product = config.OpenSearch
	}
	os.Exit(run(product, os.Args[1:], os.Environ(), os.Stdout, os.Stderr))
}

func run(product config.Product, args, env []string, stdout, stderr io.Writer) int {
	overrides, err := overrides(args, env)
	if err != nil {
		fmt.Fprintln(stderr, "ERROR:", err)
		return 64 // EX_USAGE, as the upstream launcher
	}
	confDir := filepath.Join(product.Home, "config")
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, product.PathConfEnv+"="); ok && v != "" {
			confDir = v
		}
	}
	path := filepath.Join(confDir, product.ConfigFile)
	raw, err := os.ReadFile(path)
	if err != nil {
		return fatal(stderr, product, fmt.Errorf("java.nio.file.NoSuchFileException: %s", path))
	}
	cfg, err := config.ParseAs(product, raw, overrides)
	if err != nil {
		return fatal(stderr, product, err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	n, err := node.Start(ctx, cfg, node.Options{Version: version, Log: stdout})
	var bc *node.BootstrapCheckError
	if errors.As(err, &bc) {
		fmt.Fprintf(stderr, "ERROR: [1] bootstrap checks failed. You must address the points described in the following [1] lines before starting %s.\n%s\n", product.Name, bc)
		return node.ExitCodeBootstrapCheck
	}
	if err != nil {
		return fatal(stderr, product, err)
	}
	<-ctx.Done()
	if err := n.Close(); err != nil {
		fmt.Fprintln(stderr, "ERROR: closing:", err)
	}
	return 143
}

// fatal prints a start-up failure the way Elasticsearch's launcher reports one.
func fatal(stderr io.Writer, p config.Product, err error) int {
	fmt.Fprintf(stderr, "fatal exception while booting %[1]s %[2]v\nERROR: %[1]s did not exit normally - check the logs\n", p.Name, err)
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
