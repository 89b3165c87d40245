package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
)

const daemonClass = "org.apache.cassandra.service.CassandraDaemon"

// cassandra starts the daemon as bin/cassandra -f does: the options of cassandra.in.sh and
// cassandra-env.sh, then the daemon's own parameters, then exec.
func cassandra(args []string) error {
	in, err := locate()
	if err != nil {
		return err
	}
	a, err := parseArgs(args)
	if err != nil {
		return err
	}
	if a.version {
		return execJava(in, "-cp", in.classpath, "-Dlogback.configurationFile=logback-tools.xml", "org.apache.cassandra.tools.GetVersion")
	}
	if !a.foreground {
		return errors.New("this launcher runs Cassandra in the foreground only: cassandra -f")
	}
	opts, err := in.options("-server")
	if err != nil {
		return err
	}
	if opts, err = envOptions(in, opts); err != nil {
		return err
	}
	// bin/cassandra's launch_service.
	params := []string{
		"-Dlogback.configurationFile=logback.xml",
		"-Dcassandra.logdir=" + in.logDir(),
		"-Dcassandra.storagedir=" + filepath.Join(in.home, "data"),
		"-Dcassandra-foreground=yes",
	}
	cmd := make([]string, 0, len(opts)+len(params)+len(a.properties)+3)
	cmd = append(append(cmd, opts...), params...)
	cmd = append(cmd, "-cp", in.classpath)
	cmd = append(cmd, a.properties...)
	return execJava(in, append(cmd, daemonClass)...)
}

// launchArgs are bin/cassandra's options (getopt "vfhp:bD:H:E:").
type launchArgs struct {
	foreground, version bool
	properties          []string
}

func parseArgs(args []string) (launchArgs, error) {
	var a launchArgs
	for i := 0; i < len(args); i++ {
		arg := args[i]
		value := func() (string, error) {
			if len(arg) > 2 {
				return arg[2:], nil
			}
			if i+1 >= len(args) {
				return "", fmt.Errorf("option %s needs a value", arg)
			}
			i++
			return args[i], nil
		}
		switch {
		case arg == "-f":
			a.foreground = true
		case arg == "-v":
			a.version = true
		case arg == "-h":
			return a, errors.New("usage: cassandra -f [-D property=value] [-H dumpfile] [-E errorfile]")
		case arg == "-b":
		case strings.HasPrefix(arg, "-D"), strings.HasPrefix(arg, "-H"), strings.HasPrefix(arg, "-E"), strings.HasPrefix(arg, "-p"):
			v, err := value()
			if err != nil {
				return a, err
			}
			switch arg[:2] {
			case "-D":
				a.properties = append(a.properties, "-D"+v)
			case "-H":
				a.properties = append(a.properties, "-XX:HeapDumpPath="+v)
			case "-E":
				a.properties = append(a.properties, "-XX:ErrorFile="+v)
			case "-p":
				a.properties = append(a.properties, "-Dcassandra-pidfile="+v)
			}
		default:
			return a, fmt.Errorf("error parsing arguments: %q", arg)
		}
	}
	return a, nil
}

// envOptions adds what conf/cassandra-env.sh adds to the options of the files.
func envOptions(in *install, opts []string) ([]string, error) {
	if !hasPrefix(opts, "-Xlog:gc") {
		if err := os.MkdirAll(in.logDir(), 0o755); err != nil {
			return nil, err
		}
		opts = append(opts, "-Xlog:gc=info,heap*=trace,age*=debug,safepoint=info,promotion*=trace:file="+
			filepath.Join(in.logDir(), "gc.log")+":time,uptime,pid,tid,level:filecount=10,filesize=10485760")
	}
	definedXmn, definedXmx, definedXms := hasPrefix(opts, "-Xmn"), hasPrefix(opts, "-Xmx"), hasPrefix(opts, "-Xms")
	cms, g1 := hasPrefix(opts, "-XX:+UseConcMarkSweepGC"), hasPrefix(opts, "-XX:+UseG1GC")
	maxHeap, newSize := os.Getenv("MAX_HEAP_SIZE"), os.Getenv("HEAP_NEWSIZE")
	switch {
	case maxHeap == "" && (newSize == "" || g1):
		var err error
		if maxHeap, newSize, err = heapSizes(); err != nil {
			return nil, err
		}
	case maxHeap == "" || (newSize == "" && !g1):
		return nil, errors.New("please set or unset MAX_HEAP_SIZE and HEAP_NEWSIZE in pairs when using CMS GC (see cassandra-env.sh)")
	}
	if os.Getenv("MALLOC_ARENA_MAX") == "" {
		if err := os.Setenv("MALLOC_ARENA_MAX", "4"); err != nil {
			return nil, err
		}
	}
	switch {
	case !definedXmx && !definedXms:
		opts = append(opts, "-Xms"+maxHeap, "-Xmx"+maxHeap)
	case !definedXmx || !definedXms:
		return nil, errors.New("please set or unset -Xmx and -Xms flags in pairs on jvm-server.options file")
	}
	switch {
	case definedXmn && !definedXmx:
		return nil, errors.New("please set or unset -Xmx and -Xmn flags in pairs on jvm-server.options file")
	case !definedXmn && cms:
		opts = append(opts, "-Xmn"+newSize)
	case definedXmn && g1:
		return nil, errors.New("it is not recommended to set -Xmn with the G1 garbage collector. See comments for -Xmn in jvm-server.options for details")
	}
	if hints := filepath.Join(in.conf, "hotspot_compiler"); fileExists(hints) {
		opts = append(opts, "-XX:CompileCommandFile="+hints)
	}
	agent, err := in.jamm()
	if err != nil {
		return nil, err
	}
	opts = append(opts, agent, "-XX:+ExitOnOutOfMemoryError")
	port := jmxPort()
	if local := os.Getenv("LOCAL_JMX"); local == "" || local == "yes" {
		opts = append(opts, "-Dcassandra.jmx.local.port="+port, "-Dcom.sun.management.jmxremote.authenticate=false")
	} else {
		opts = append(opts, "-Dcassandra.jmx.remote.port="+port, "-Dcom.sun.management.jmxremote.rmi.port="+port,
			"-Dcom.sun.management.jmxremote.authenticate=true")
	}
	return append(opts, strings.Fields(os.Getenv("JVM_EXTRA_OPTS"))...), nil
}

// heapSizes is cassandra-env.sh's calculate_heap_sizes: max(min(1/2 ram, 1024MB), min(1/4 ram,
// 8GB)), and a young generation of min(100MB per core, 1/4 of the heap). Like the script it goes
// by the machine's memory, not a container's limit: navigator-pilot sets MAX_HEAP_SIZE from the
// pool's memory limit.
func heapSizes() (string, string, error) {
	memMB, err := memTotalMB()
	if err != nil {
		return "", "", err
	}
	half, quarter := min(memMB/2, 1024), min(memMB/4, 8192)
	heap := max(half, quarter)
	young := min(int64(100*max(runtime.NumCPU(), 1)), heap/4)
	return fmt.Sprintf("%dM", heap), fmt.Sprintf("%dM", young), nil
}

func memTotalMB() (int64, error) {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0, err
	}
	defer func() { _ = f.Close() }()
	s := bufio.NewScanner(f)
	for s.Scan() {
		fields := strings.Fields(s.Text())
		if len(fields) >= 2 && fields[0] == "MemTotal:" {
			kb, err := strconv.ParseInt(fields[1], 10, 64)
			return kb / 1024, err
		}
	}
	return 0, errors.New("/proc/meminfo has no MemTotal")
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// execJava replaces the launcher with the JVM.
func execJava(in *install, args ...string) error {
	argv := append([]string{in.java}, args...)
	return fmt.Errorf("starting %s: %w", in.java, syscall.Exec(in.java, argv, os.Environ()))
}
