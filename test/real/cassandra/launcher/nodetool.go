package main

import (
	"os"
	"path/filepath"
	"strings"
)

// nodetool runs org.apache.cassandra.tools.NodeTool as bin/nodetool does: the client option
// files, a 128MB heap unless MAX_HEAP_SIZE says otherwise, one GC thread, the JMX port from -p
// or --port (else cassandra-env.sh's), -D arguments to the JVM, the rest to NodeTool.
func nodetool(args []string) error {
	in, err := locate()
	if err != nil {
		return err
	}
	opts, err := in.options("-clients")
	if err != nil {
		return err
	}
	agent, err := in.jamm()
	if err != nil {
		return err
	}
	port := jmxPort()
	var jvmArgs, toolArgs []string
	for i := 0; i < len(args); i++ {
		arg := args[i]
		switch {
		case (arg == "-p" || arg == "--port") && i+1 < len(args):
			i++
			port = args[i]
		case strings.HasPrefix(arg, "--port="):
			port = strings.TrimPrefix(arg, "--port=")
		case strings.HasPrefix(arg, "-D"):
			jvmArgs = append(jvmArgs, arg)
		default:
			toolArgs = append(toolArgs, arg)
		}
	}
	heap := os.Getenv("MAX_HEAP_SIZE")
	if heap == "" {
		heap = "128m"
	}
	cmd := []string{agent, "-ea", "-cp", in.classpath}
	cmd = append(cmd, opts...)
	cmd = append(cmd, "-Xmx"+heap, "-XX:ParallelGCThreads=1",
		"-Dcassandra.storagedir="+filepath.Join(in.home, "data"),
		"-Dlogback.configurationFile=logback-tools.xml")
	cmd = append(cmd, jvmArgs...)
	cmd = append(cmd, "org.apache.cassandra.tools.NodeTool", "-p", port)
	return execJava(in, append(cmd, toolArgs...)...)
}
