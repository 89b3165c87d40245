// Package node runs real Cassandra nodes as plain processes on this machine, for tests that hold
// Navigator and the simulator to the real engine without Kubernetes: the pilot's conformance
// suite runs its Cassandra engine against them. The installation is the one
// test/real/cassandra/image.sh builds from Maven Central (`image.sh home VERSION` for
// CASSANDRA_HOME, `image.sh java` for its Java runtime); the Jolokia agent is the pilot image's
// (hack/jolokia-agent.sh). make test-real passes all three in the environment.
//
// Several nodes share the machine: each listens on its own loopback address (127.0.x.y), and on
// its own JMX and Jolokia ports of the loopback, as its launcher is told (JMX_PORT).
package node

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Environment variables naming the installation.
const (
	EnvHome  = "NAVIGATOR_CASSANDRA_HOME"
	EnvJava  = "NAVIGATOR_CASSANDRA_JAVA"
	EnvAgent = "NAVIGATOR_JOLOKIA_AGENT"
	// EnvRequired set makes a missing installation a failure rather than a suite of simulated
	// nodes only: make test-real sets it, so that no real test is skipped silently.
	EnvRequired = "NAVIGATOR_REAL_REQUIRED"
)

// Install is a real Cassandra installation and what runs it.
type Install struct {
	// Home is CASSANDRA_HOME: lib/ with the jars, bin/cassandra and bin/nodetool, conf/.
	Home string
	// Java is the JAVA_HOME the launcher runs.
	Java string
	// Agent is the Jolokia agent jar.
	Agent string
}

// FromEnv reads the installation from the environment; ok is false when none is named.
func FromEnv() (in Install, ok bool, err error) {
	in = Install{Home: os.Getenv(EnvHome), Java: os.Getenv(EnvJava), Agent: os.Getenv(EnvAgent)}
	if in.Home == "" && in.Java == "" && in.Agent == "" {
		return in, false, nil
	}
	for name, path := range map[string]string{EnvHome: in.Home, EnvJava: in.Java, EnvAgent: in.Agent} {
		if _, err := os.Stat(path); err != nil {
			return in, true, fmt.Errorf("%s=%q: %w", name, path, err)
		}
	}
	return in, true, nil
}

// Release is the version of the installation's cassandra-all jar.
func (in Install) Release() (string, error) {
	jars, err := filepath.Glob(filepath.Join(in.Home, "lib", "cassandra-all-*.jar"))
	if err != nil || len(jars) != 1 {
		return "", fmt.Errorf("no single cassandra-all jar in %s/lib: %v", in.Home, jars)
	}
	return strings.TrimSuffix(strings.TrimPrefix(filepath.Base(jars[0]), "cassandra-all-"), ".jar"), nil
}

// Cassandra is the launcher's path.
func (in Install) Cassandra() string { return filepath.Join(in.Home, "bin", "cassandra") }

// Nodetool is nodetool's path.
func (in Install) Nodetool() string { return filepath.Join(in.Home, "bin", "nodetool") }

// PrepareConf copies the installation's configuration files (JVM options, logback) into a node's
// configuration directory, as the image has them in /etc/cassandra before the pilot writes
// cassandra.yaml beside them.
func (in Install) PrepareConf(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	entries, err := os.ReadDir(filepath.Join(in.Home, "conf"))
	if err != nil {
		return err
	}
	for _, e := range entries {
		raw, err := os.ReadFile(filepath.Join(in.Home, "conf", e.Name()))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), raw, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Env is what a node's processes (the daemon, nodetool) need beyond what the pilot gives: the
// Java runtime, and the node's JMX port.
func (in Install) Env(jmxPort int) []string {
	return []string{"JAVA_HOME=" + in.Java, fmt.Sprintf("JMX_PORT=%d", jmxPort)}
}
