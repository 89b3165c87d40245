package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/navigator-dbaas/navigator/test/real/jvm"
)

// install is what bin/cassandra.in.sh works out: where Cassandra and Java are, the class path,
// and the JVM options of the option files.
type install struct {
	home, conf string
	java       string
	// javaMajor is the Java feature release (17), from the runtime's release file.
	javaMajor int
	classpath string
}

// locate finds the installation as cassandra.in.sh does: CASSANDRA_HOME or the parent of the
// bin directory, CASSANDRA_CONF or $CASSANDRA_HOME/conf, JAVA_HOME or java on PATH.
func locate() (*install, error) {
	in := &install{home: os.Getenv("CASSANDRA_HOME"), conf: os.Getenv("CASSANDRA_CONF")}
	if in.home == "" {
		self, err := os.Executable()
		if err != nil {
			return nil, err
		}
		in.home = filepath.Dir(filepath.Dir(self))
	}
	if in.conf == "" {
		in.conf = filepath.Join(in.home, "conf")
	}
	if err := in.findJava(); err != nil {
		return nil, err
	}
	jars, err := filepath.Glob(filepath.Join(in.home, "lib", "*.jar"))
	if err != nil {
		return nil, err
	}
	if len(jars) == 0 {
		return nil, fmt.Errorf("no jars in %s/lib: is CASSANDRA_HOME right?", in.home)
	}
	slices.Sort(jars)
	// The configuration directory comes first, so that logback.xml and cassandra.yaml are found
	// on the class path.
	parts := append([]string{in.conf}, jars...)
	if extra := os.Getenv("EXTRA_CLASSPATH"); extra != "" {
		parts = append(parts, extra)
	}
	in.classpath = strings.Join(parts, ":")
	return in, nil
}

// findJava takes $JAVA_HOME/bin/java, else java on PATH, and its Java release (jvm.Major).
func (in *install) findJava() error {
	if jh := os.Getenv("JAVA_HOME"); jh != "" {
		in.java = filepath.Join(jh, "bin", "java")
	} else {
		p, err := exec.LookPath("java")
		if err != nil {
			return errors.New("unable to find java executable. Check JAVA_HOME and PATH environment variables")
		}
		in.java = p
	}
	v, err := jvm.Major(in.java)
	if err != nil {
		return err
	}
	// cassandra.in.sh of 5.0: "Cassandra 5.0 requires Java 11 or Java 17."
	if v != 11 && v != 17 && os.Getenv("CASSANDRA_USE_ALL_JDK") == "" {
		return fmt.Errorf("cassandra 5.0 requires Java 11 or Java 17, not %d (set CASSANDRA_USE_ALL_JDK to try another)", v)
	}
	in.javaMajor = v
	return nil
}

// options reads jvm<variant>.options and jvm<major><variant>.options (variant -server or
// -clients) from CASSANDRA_CONF: every word of the lines that start with "-", as
// cassandra.in.sh's `for opt in $(grep "^-" file)` takes them. JVM_OPTS from the environment
// comes first, as the scripts append to it.
func (in *install) options(variant string) ([]string, error) {
	opts := strings.Fields(os.Getenv("JVM_OPTS"))
	major := 17
	if in.javaMajor == 11 {
		major = 11
	}
	for _, name := range []string{"jvm" + variant + ".options", fmt.Sprintf("jvm%d%s.options", major, variant)} {
		raw, err := os.ReadFile(filepath.Join(in.conf, name))
		if err != nil {
			return nil, fmt.Errorf("reading the JVM options: %w", err)
		}
		for _, line := range strings.Split(string(raw), "\n") {
			if strings.HasPrefix(line, "-") {
				opts = append(opts, strings.Fields(line)...)
			}
		}
	}
	return opts, nil
}

// jamm is the jamm agent jar that cassandra.in.sh passes as -javaagent (lib/jamm-0.4.0.jar in
// 5.0): Cassandra measures the memory of its objects with it.
func (in *install) jamm() (string, error) {
	jars, err := filepath.Glob(filepath.Join(in.home, "lib", "jamm-*.jar"))
	if err != nil || len(jars) == 0 {
		return "", fmt.Errorf("no jamm agent jar in %s/lib", in.home)
	}
	return "-javaagent:" + jars[0], nil
}

// logDir is CASSANDRA_LOG_DIR, or $CASSANDRA_HOME/logs: where the GC log (and any log file
// logback.xml names) goes.
func (in *install) logDir() string {
	if d := os.Getenv("CASSANDRA_LOG_DIR"); d != "" {
		return d
	}
	return filepath.Join(in.home, "logs")
}

// jmxPort is cassandra-env.sh's JMX_PORT, 7199, unless the environment sets it.
func jmxPort() string {
	if p := os.Getenv("JMX_PORT"); p != "" {
		return p
	}
	return "7199"
}

func hasPrefix(opts []string, prefix string) bool {
	return slices.ContainsFunc(opts, func(o string) bool { return strings.HasPrefix(o, prefix) })
}
