// Package jvm holds what the real engines' launchers and tests need of Java: the release of a
// runtime, read without starting it (starting a JVM to ask, as the upstream scripts do with
// `java -version`, would double the cost of every short command such as nodetool), and a node's
// JVM run as a process group of its own, stopped as the kubelet or a crash stops it.
package jvm

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Major is the feature release (17) of the runtime whose java executable is java, read from
// the runtime's release file (JAVA_VERSION="17.0.15"), symbolic links followed.
func Major(java string) (int, error) {
	real, err := filepath.EvalSymlinks(java)
	if err != nil {
		return 0, fmt.Errorf("unable to find java executable %s: %w", java, err)
	}
	path := filepath.Join(filepath.Dir(filepath.Dir(real)), "release")
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("reading the Java release: %w", err)
	}
	defer func() { _ = f.Close() }()
	s := bufio.NewScanner(f)
	for s.Scan() {
		v, ok := strings.CutPrefix(s.Text(), "JAVA_VERSION=")
		if !ok {
			continue
		}
		major, _, _ := strings.Cut(strings.Trim(v, `"`), ".")
		n, err := strconv.Atoi(major)
		if err != nil {
			return 0, fmt.Errorf("%s: JAVA_VERSION %s", path, v)
		}
		return n, nil
	}
	return 0, fmt.Errorf("%s has no JAVA_VERSION", path)
}
