package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/navigator-dbaas/navigator/test/real/jvm"
)

const mainClass = "org.opensearch.bootstrap.OpenSearch"

// install is what bin/opensearch-env works out: where OpenSearch, its configuration and Java are,
// and the class path.
type install struct {
	home, conf string
	java       string
	javaMajor  int
	classpath  string
}

// locate finds the installation as bin/opensearch-env does: the parent of the bin directory
// (OPENSEARCH_HOME), OPENSEARCH_PATH_CONF or $OPENSEARCH_HOME/config, and Java from
// OPENSEARCH_JAVA_HOME, else JAVA_HOME, else the bundled $OPENSEARCH_HOME/jdk.
func locate() (*install, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	if self, err = filepath.EvalSymlinks(self); err != nil {
		return nil, err
	}
	in := &install{home: filepath.Dir(filepath.Dir(self)), conf: os.Getenv("OPENSEARCH_PATH_CONF")}
	if in.conf == "" {
		in.conf = filepath.Join(in.home, "config")
	}
	javaHome := filepath.Join(in.home, "jdk")
	for _, env := range []string{"OPENSEARCH_JAVA_HOME", "JAVA_HOME"} {
		if v := os.Getenv(env); v != "" {
			javaHome = v
			break
		}
	}
	in.java = filepath.Join(javaHome, "bin", "java")
	if in.javaMajor, err = jvm.Major(in.java); err != nil {
		return nil, fmt.Errorf("could not find any executable java binary (set OPENSEARCH_JAVA_HOME): %w", err)
	}
	// OpenSearch 2.x requires Java 11 or newer (java_version_checker).
	if in.javaMajor < 11 {
		return nil, fmt.Errorf("future versions of OpenSearch will require Java 11; your Java version from %s is %d", javaHome, in.javaMajor)
	}
	jars, err := filepath.Glob(filepath.Join(in.home, "lib", "*.jar"))
	if err != nil {
		return nil, err
	}
	if len(jars) == 0 {
		return nil, fmt.Errorf("no jars in %s/lib: is the installation complete?", in.home)
	}
	// The script's class path is the glob $OPENSEARCH_HOME/lib/*, which Java expands itself.
	in.classpath = filepath.Join(in.home, "lib", "*")
	return in, nil
}

// opensearch starts the node as bin/opensearch does in the foreground.
func opensearch(args []string) error {
	if slices.ContainsFunc(args, func(a string) bool { return a == "-d" || a == "--daemonize" }) {
		return errors.New("this launcher runs OpenSearch in the foreground only: leave out -d")
	}
	in, err := locate()
	if err != nil {
		return err
	}
	tmp, err := tempDir()
	if err != nil {
		return err
	}
	opts, err := in.jvmOptions(tmp)
	if err != nil {
		return err
	}
	cmd := append([]string{in.java}, opts...)
	cmd = append(cmd,
		"-Dopensearch.path.home="+in.home,
		"-Dopensearch.path.conf="+in.conf,
		"-Dopensearch.distribution.type=docker",
		"-Dopensearch.bundled_jdk=true",
		"-cp", in.classpath, mainClass)
	return syscall.Exec(in.java, append(cmd, args...), os.Environ())
}

// tempDir is OPENSEARCH_TMPDIR, or a new private directory as the launchers' TempDirectory
// makes one (opensearch-<random> under the system's temporary directory), exported so that
// jvm.options may name it as ${OPENSEARCH_TMPDIR}.
func tempDir() (string, error) {
	if d := os.Getenv("OPENSEARCH_TMPDIR"); d != "" {
		if fi, err := os.Stat(d); err != nil || !fi.IsDir() {
			return "", fmt.Errorf("temporary directory [%s] does not exist or is not a directory", d)
		}
		return d, nil
	}
	d, err := os.MkdirTemp("", "opensearch-")
	if err != nil {
		return "", err
	}
	return d, os.Setenv("OPENSEARCH_TMPDIR", d)
}

func hasPrefix(opts []string, prefix string) bool {
	return slices.ContainsFunc(opts, func(o string) bool { return strings.HasPrefix(o, prefix) })
}
