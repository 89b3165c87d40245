package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// systemOptions are SystemJvmOptions' options for Java 14 and newer; they come first, so that
// the option files may override them.
var systemOptions = []string{
	"-Dopensearch.networkaddress.cache.ttl=60",
	"-Dopensearch.networkaddress.cache.negative.ttl=10",
	"-XX:+AlwaysPreTouch",
	"-Xss1m",
	"-Djava.awt.headless=true",
	"-Dfile.encoding=UTF-8",
	"-Djna.nosys=true",
	"-XX:-OmitStackTraceInFastThrow",
	"-XX:+ShowCodeDetailsInExceptionMessages",
	"-Dio.netty.noUnsafe=true",
	"-Dio.netty.noKeySetOptimization=true",
	"-Dio.netty.recycler.maxCapacityPerThread=0",
	"-Dio.netty.allocator.numDirectArenas=0",
	"-Dlog4j.shutdownHookEnabled=false",
	"-Dlog4j2.disable.jmx=true",
	"-Djava.locale.providers=SPI,COMPAT",
}

// jvmOptions is what JvmOptionsParser prints: the system options, then those of the option
// files and OPENSEARCH_JAVA_OPTS with their placeholders replaced, then the ergonomic ones.
func (in *install) jvmOptions(tmp string) ([]string, error) {
	files := []string{filepath.Join(in.conf, "jvm.options")}
	more, err := filepath.Glob(filepath.Join(in.conf, "jvm.options.d", "*.options"))
	if err != nil {
		return nil, err
	}
	slices.Sort(more)
	var user []string
	for _, f := range append(files, more...) {
		opts, err := readOptionsFile(f, in.javaMajor)
		if err != nil {
			return nil, err
		}
		user = append(user, opts...)
	}
	user = append(user, strings.Fields(os.Getenv("OPENSEARCH_JAVA_OPTS"))...)
	subst := map[string]string{"${OPENSEARCH_TMPDIR}": tmp}
	if conf := os.Getenv("OPENSEARCH_PATH_CONF"); conf != "" {
		subst["${OPENSEARCH_PATH_CONF}"] = conf
	}
	for i, o := range user {
		for k, v := range subst {
			o = strings.ReplaceAll(o, k, v)
		}
		user[i] = o
	}
	ergonomic, err := in.ergonomics(user)
	if err != nil {
		return nil, err
	}
	out := append(slices.Clone(systemOptions), user...)
	return append(out, ergonomic...), nil
}

// optionLine is JvmOptionsParser's syntax: an option, or one for a Java release (17:), from a
// release on (17-:), or for a range of them (11-17:).
var optionLine = regexp.MustCompile(`^((?P<start>\d+)(?P<range>-)?(?P<end>\d+)?:)?(?P<option>-.*)$`)

// readOptionsFile reads one option file for Java release major; a malformed line is an error
// naming the file and the line, as the parser reports it.
func readOptionsFile(path string, major int) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	var opts, invalid []string
	s := bufio.NewScanner(f)
	for n := 1; s.Scan(); n++ {
		line := s.Text()
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		opt, ok := optionFor(line, major)
		if !ok {
			invalid = append(invalid, fmt.Sprintf("line %d: [%s]", n, line))
			continue
		}
		if opt != "" {
			opts = append(opts, opt)
		}
	}
	if err := s.Err(); err != nil {
		return nil, err
	}
	if len(invalid) > 0 {
		return nil, fmt.Errorf("encountered [%d] improperly formatted JVM options in [%s]: %s", len(invalid), path, strings.Join(invalid, ", "))
	}
	return opts, nil
}

// optionFor is the option a line gives Java release major ("" when its range leaves major out);
// ok is false for a malformed line.
func optionFor(line string, major int) (opt string, ok bool) {
	m := optionLine.FindStringSubmatch(line)
	if m == nil {
		return "", false
	}
	start, ranged, end := m[optionLine.SubexpIndex("start")], m[optionLine.SubexpIndex("range")], m[optionLine.SubexpIndex("end")]
	if start == "" {
		return line, true
	}
	lower, err := strconv.Atoi(start)
	if err != nil {
		return "", false
	}
	upper := lower
	switch {
	case ranged != "" && end == "":
		upper = int(^uint(0) >> 1)
	case ranged != "":
		if upper, err = strconv.Atoi(end); err != nil || upper < lower {
			return "", false
		}
	}
	if major < lower || major > upper {
		return "", true
	}
	return m[optionLine.SubexpIndex("option")], true
}

// flagLine is a line of -XX:+PrintFlagsFinal: type, name, = or :=, value, {origin}.
var flagLine = regexp.MustCompile(`^\s*\S+\s+(\S+)\s+:?=\s+(\S+)?\s+\{[^}]+?\}(\s+\{[^}]+})?`)

// ergonomics is JvmErgonomics.choose: a direct memory limit of half the heap unless the
// options set one. Like the upstream launcher, it asks a JVM started with the same options for
// its final flags, so that the heap is the one Java works out from whatever options set it.
func (in *install) ergonomics(user []string) ([]string, error) {
	if hasPrefix(user, "-XX:MaxDirectMemorySize") {
		return nil, nil
	}
	args := append(slices.Clone(user), "-Xshare:off", "-XX:+PrintFlagsFinal", "-version")
	out, err := exec.Command(in.java, args...).Output()
	if err != nil {
		return nil, fmt.Errorf("starting java to read its final flags failed: %w", err)
	}
	flags := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		if m := flagLine.FindStringSubmatch(line); m != nil {
			flags[m[1]] = m[2]
		}
	}
	heap, err := strconv.ParseInt(flags["MaxHeapSize"], 10, 64)
	if err != nil {
		return nil, fmt.Errorf("java's final flags have no MaxHeapSize: %w", err)
	}
	if direct, _ := strconv.ParseInt(flags["MaxDirectMemorySize"], 10, 64); direct != 0 {
		return nil, nil
	}
	return []string{"-XX:MaxDirectMemorySize=" + strconv.FormatInt(heap/2, 10)}, nil
}
