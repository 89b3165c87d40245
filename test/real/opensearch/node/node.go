// Package node runs real OpenSearch nodes as plain processes on this machine, for tests that
// hold the Elasticsearch simulator (and Navigator's OpenSearch engine) to the real engine without
// Kubernetes. The installation is the one `test/real/opensearch/image.sh home VERSION` builds
// from Maven Central; make test-real names it in NAVIGATOR_OPENSEARCH_HOME.
//
// Several nodes share the machine: each listens on its own HTTP and transport ports of the
// loopback, where OpenSearch runs in development mode (its bootstrap checks only warn). It
// refuses to run as root, so a test running as root starts its nodes as uid User.
package node

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"sigs.k8s.io/yaml"

	"github.com/navigator-dbaas/navigator/test/real/jvm"
)

// Environment variables naming the installation.
const (
	EnvHome = "NAVIGATOR_OPENSEARCH_HOME"
	// EnvRequired set makes a missing installation a failure rather than a suite of simulated
	// nodes only: make test-real sets it, so that no real test is skipped silently.
	EnvRequired = "NAVIGATOR_REAL_REQUIRED"
)

// User is the uid (and gid) of nodes started by root: the upstream image's.
const User = 1000

// Install is a real OpenSearch installation: OPENSEARCH_HOME with bin/opensearch, lib/,
// modules/, config/ and jdk/.
type Install struct{ Home string }

// FromEnv reads the installation from the environment; ok is false when none is named.
func FromEnv() (in Install, ok bool, err error) {
	in.Home = os.Getenv(EnvHome)
	if in.Home == "" {
		return in, false, nil
	}
	if _, err := os.Stat(filepath.Join(in.Home, "bin", "opensearch")); err != nil {
		return in, true, fmt.Errorf("%s=%q: %w", EnvHome, in.Home, err)
	}
	return in, true, nil
}

// Release is the version of the installation's server jar.
func (in Install) Release() (string, error) {
	jars, err := filepath.Glob(filepath.Join(in.Home, "lib", "opensearch-[0-9]*.jar"))
	if err != nil || len(jars) != 1 {
		return "", fmt.Errorf("no single opensearch server jar in %s/lib: %v", in.Home, jars)
	}
	return strings.TrimSuffix(strings.TrimPrefix(filepath.Base(jars[0]), "opensearch-"), ".jar"), nil
}

// Config is one node's opensearch.yml, in OpenSearch's own words.
type Config struct {
	Cluster, Name           string
	HTTPPort, TransportPort int
	// Roles are node.roles: cluster_manager, data, ingest, …
	Roles []string
	// SeedHosts are the transport addresses (127.0.0.1:port) of discovery.seed_hosts.
	SeedHosts []string
	// InitialManagers is cluster.initial_cluster_manager_nodes: set on a new cluster's first
	// start only.
	InitialManagers []string
	// Settings are more lines of opensearch.yml.
	Settings map[string]any
	// HeapMiB sizes the heap (-Xms, -Xmx); 0 keeps jvm.options' 1 GiB.
	HeapMiB int
}

// Start writes the node's configuration directory (the installation's config/ with cfg's
// opensearch.yml) and its data/, logs/ and tmp/ under dir, and starts the node there with its
// output going to out. dir is kept across restarts: starting again in it is a restart.
func (in Install) Start(dir string, cfg Config, out io.Writer) (*jvm.Process, error) {
	conf := filepath.Join(dir, "config")
	for _, d := range []string{conf, filepath.Join(dir, "data"), filepath.Join(dir, "logs"), filepath.Join(dir, "tmp")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	if err := copyFiles(filepath.Join(in.Home, "config"), conf); err != nil {
		return nil, err
	}
	yml, err := cfg.YAML(dir)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(conf, "opensearch.yml"), yml, 0o644); err != nil {
		return nil, err
	}
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		if cred, err = handOver(dir); err != nil {
			return nil, err
		}
	}
	env := []string{
		"PATH=/usr/bin:/bin",
		"HOME=" + dir,
		"OPENSEARCH_PATH_CONF=" + conf,
		"OPENSEARCH_TMPDIR=" + filepath.Join(dir, "tmp"),
	}
	if cfg.HeapMiB > 0 {
		env = append(env, fmt.Sprintf("OPENSEARCH_JAVA_OPTS=-Xms%[1]dm -Xmx%[1]dm", cfg.HeapMiB))
	}
	return jvm.StartAs(filepath.Join(in.Home, "bin", "opensearch"), nil, env, dir, cred, out)
}

// YAML is the node's opensearch.yml, its paths under dir.
func (cfg Config) YAML(dir string) ([]byte, error) {
	if cfg.Name == "" || cfg.HTTPPort == 0 || cfg.TransportPort == 0 {
		return nil, errors.New("a node needs a name, an HTTP port and a transport port")
	}
	settings := map[string]any{
		"cluster.name":         cfg.Cluster,
		"node.name":            cfg.Name,
		"network.host":         "127.0.0.1",
		"http.port":            cfg.HTTPPort,
		"transport.port":       cfg.TransportPort,
		"path.data":            filepath.Join(dir, "data"),
		"path.logs":            filepath.Join(dir, "logs"),
		"discovery.seed_hosts": cfg.SeedHosts,
	}
	if cfg.Roles != nil {
		settings["node.roles"] = cfg.Roles
	}
	if len(cfg.InitialManagers) > 0 {
		settings["cluster.initial_cluster_manager_nodes"] = cfg.InitialManagers
	}
	for k, v := range cfg.Settings {
		settings[k] = v
	}
	return yaml.Marshal(settings)
}

// handOver gives dir to User, and lets User reach it: the test's own temporary directories
// are private to root (0700), so each parent gets o+x (enter, not list).
func handOver(dir string) (*syscall.Credential, error) {
	err := filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, User, User)
	})
	if err != nil {
		return nil, err
	}
	for p := filepath.Dir(dir); p != "/" && p != "."; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if fi.Mode().Perm()&0o001 == 0 {
			if err := os.Chmod(p, fi.Mode().Perm()|0o001); err != nil {
				return nil, err
			}
		}
	}
	return &syscall.Credential{Uid: User, Gid: User}, nil
}

func copyFiles(from, to string) error {
	entries, err := os.ReadDir(from)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(to, e.Name()), raw, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// HTTPAddr is the node's HTTP address on the loopback.
func (cfg Config) HTTPAddr() string { return "127.0.0.1:" + strconv.Itoa(cfg.HTTPPort) }

// TransportAddr is the node's transport address on the loopback, as a seed host.
func (cfg Config) TransportAddr() string { return "127.0.0.1:" + strconv.Itoa(cfg.TransportPort) }
