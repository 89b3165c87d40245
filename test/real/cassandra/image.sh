#!/usr/bin/env bash
# Real Cassandra 5.0 for Navigator's tests, built here from Maven Central and this machine's
# OpenJDK 17: no Docker, no registry, and no file of Cassandra's tarball (which is not reachable).
#
#   image.sh home VERSION            build a CASSANDRA_HOME for VERSION and print its path:
#                                    lib/ (the jars), bin/cassandra and bin/nodetool (launcher/),
#                                    conf/ (conf/); for real nodes run as processes
#   image.sh java                    build the image's Java runtime and print its JAVA_HOME
#   image.sh image VERSION TAG OUT   write the OCI image tarball OUT, tagged TAG
#
# The image is laid out as the upstream `cassandra:5.0` image is, so that navigator-pilot drives
# it exactly as it would drive that one: CASSANDRA_HOME /opt/cassandra with bin/ on PATH
# (cassandra, nodetool), CASSANDRA_CONF /etc/cassandra, data under /var/lib/cassandra, logs
# under /var/log/cassandra, Java under /opt/java/openjdk, uid 999. Two layers: the Java runtime
# with the system libraries it needs (the same for every version), then Cassandra.
#
# Cached outside the repository under $NAVIGATOR_CACHE/cassandra, by version: the Maven
# artifacts, each version's jars, the Java runtime (by the JDK's release) and its libraries.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
CACHE=${NAVIGATOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/navigator}/cassandra
JDK=${CASSANDRA_JDK:-/usr/lib/jvm/java-17-openjdk-amd64}
DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1
# Natives for other platforms than this one (linux x86-64): 4.6 MB the image does not need.
OTHER_PLATFORMS=osx-x86_64,osx-aarch_64,linux-aarch_64,linux-riscv64,windows-x86_64
# The Java modules Cassandra 5.0 and nodetool use: Java SE, the JDK modules named by
# jvm17-server.options (attach, compiler, management), JMX over RMI (naming.rmi, management.agent),
# Unsafe (unsupported), and jcmd's tools for looking into a running node.
JAVA_MODULES=java.se,jdk.attach,jdk.compiler,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.jfr,jdk.management,jdk.management.agent,jdk.management.jfr,jdk.naming.dns,jdk.naming.rmi,jdk.net,jdk.unsupported,jdk.zipfs,jdk.localedata,jdk.charsets,jdk.security.auth,jdk.security.jgss,jdk.httpserver,jdk.sctp,jdk.jcmd
LIBDIR=/lib/x86_64-linux-gnu

log() { echo "cassandra-image: $*" >&2; }

# need PACKAGE: install a Debian package this script needs when it is missing, as the local
# cluster installs its own (a new machine of this kind has Go, OpenJDK 17 and Maven, but not
# always the JDK's jmods).
need() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed" && return 0
  [ "$(id -u)" = 0 ] || { log "Debian package $1 is needed: apt-get install $1"; exit 1; }
  log "installing Debian package $1"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$1" >/dev/null
}

# jars VERSION: cassandra-all VERSION and its runtime dependencies, resolved once.
jars() {
  local version=$1 dir=$CACHE/jars/$1
  if [ ! -f "$dir.complete" ]; then
    command -v mvn >/dev/null || need maven
    log "resolving cassandra-all $version from Maven Central"
    rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
    mvn -B -q -f "$HERE/pom.xml" -Dmaven.repo.local="$CACHE/maven" -Dcassandra.version="$version" \
      "$DEPENDENCY_PLUGIN:copy-dependencies" -DincludeScope=runtime -DoutputDirectory="$dir.tmp" \
      -DexcludeClassifiers="$OTHER_PLATFORMS" >&2
    [ -f "$dir.tmp/cassandra-all-$version.jar" ] || { log "cassandra-all-$version.jar was not resolved"; exit 1; }
    rm -rf "$dir" && mv "$dir.tmp" "$dir"
    touch "$dir.complete"
  fi
  echo "$dir"
}

# java: a Java runtime of JAVA_MODULES made by jlink from the JDK, with its default CDS archive.
java_runtime() {
  [ -x "$JDK/bin/jlink" ] && [ -d "$JDK/jmods" ] || need openjdk-17-jdk-headless
  local release key dir
  release=$(sed -n 's/^JAVA_RUNTIME_VERSION="\(.*\)"/\1/p' "$JDK/release")
  key=$(printf '%s\n' "$release" "$JAVA_MODULES" | sha256sum | cut -c1-12)
  dir=$CACHE/java/$release-$key
  if [ ! -x "$dir/bin/java" ]; then
    log "making a Java $release runtime with jlink"
    rm -rf "$dir.tmp" && mkdir -p "$(dirname "$dir")"
    "$JDK/bin/jlink" --add-modules "$JAVA_MODULES" --strip-debug --no-header-files --no-man-pages \
      --generate-cds-archive --output "$dir.tmp" >&2
    rm -rf "$dir" && mv "$dir.tmp" "$dir"
  fi
  echo "$dir"
}

# rootfs JAVA: what the runtime needs of an operating system: the shared libraries its
# executables and libraries link to, and those the natives Cassandra's jars unpack at run time
# link to (netty, JNA, zstd, snappy, lz4: the C and C++ runtimes); the dynamic loader; users
# root and cassandra (999); a temporary directory.
rootfs() {
  local java=$1 dir
  dir=$CACHE/rootfs/$(basename "$java")
  if [ ! -f "$dir.complete" ]; then
    log "collecting the system libraries of $java"
    rm -rf "$dir" && mkdir -p "$dir$LIBDIR" "$dir/lib64" "$dir/etc" "$dir/tmp" "$dir/home/cassandra"
    local libs
    libs=$(find "$java" -type f \( -name '*.so' -o -perm -u+x \) -exec ldd {} + 2>/dev/null |
      awk '$2 == "=>" && $3 ~ /^\// {print $3}' | sort -u)
    for lib in $libs "$LIBDIR"/{libc.so.6,libm.so.6,libdl.so.2,libpthread.so.0,librt.so.1,libresolv.so.2,libstdc++.so.6,libgcc_s.so.1,libz.so.1}; do
      case "$lib" in "$java"/*) continue ;; esac
      cp -L "$lib" "$dir$LIBDIR/"
    done
    cp -L /lib64/ld-linux-x86-64.so.2 "$dir/lib64/"
    printf 'root:x:0:0:root:/root:/usr/sbin/nologin\ncassandra:x:999:999::/home/cassandra:/usr/sbin/nologin\n' >"$dir/etc/passwd"
    printf 'root:x:0:\ncassandra:x:999:\n' >"$dir/etc/group"
    echo "$LIBDIR" >"$dir/etc/ld.so.conf"
    ldconfig -r "$dir"
    chmod 1777 "$dir/tmp"
    chmod 0775 "$dir/home/cassandra"
    touch "$dir.complete"
  fi
  echo "$dir"
}

# launcher OUT: the launcher, a static binary.
launcher() {
  (cd "$REPO" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$1" ./test/real/cassandra/launcher)
}

# home VERSION: a CASSANDRA_HOME under _output for real nodes run as processes.
home() {
  local version=$1 lib dir=$REPO/_output/cassandra/$1
  lib=$(jars "$version")
  rm -rf "$dir" && mkdir -p "$dir/bin"
  ln -s "$lib" "$dir/lib"
  cp -r "$HERE/conf" "$dir/conf"
  launcher "$dir/bin/cassandra"
  ln -s cassandra "$dir/bin/nodetool"
  echo "$dir"
}

image() {
  local version=$1 tag=$2 out=$3 lib java root bin
  lib=$(jars "$version")
  java=$(java_runtime)
  root=$(rootfs "$java")
  bin=$(mktemp -d)
  trap 'rm -rf "$bin"' RETURN
  launcher "$bin/cassandra"
  local conf=()
  for f in "$HERE"/conf/*; do conf+=(-file "$f:/etc/cassandra/$(basename "$f"):0644"); done
  (cd "$REPO" && go run ./test/cluster/imagebuild -tag "$tag" -o "$out" -user 999:0 \
    -tree "$root:/" -tree "$java:/opt/java/openjdk" \
    -layer \
    -tree "$lib:/opt/cassandra/lib" \
    -file "$bin/cassandra:/opt/cassandra/bin/cassandra:0755" -symlink cassandra:/opt/cassandra/bin/nodetool \
    -dir /etc/cassandra:0775 "${conf[@]}" -symlink /etc/cassandra:/opt/cassandra/conf \
    -dir /var/lib/cassandra:0775 -symlink /var/lib/cassandra:/opt/cassandra/data \
    -dir /var/log/cassandra:0775 -symlink /var/log/cassandra:/opt/cassandra/logs \
    -env JAVA_HOME=/opt/java/openjdk -env CASSANDRA_HOME=/opt/cassandra -env CASSANDRA_CONF=/etc/cassandra \
    -env PATH=/opt/cassandra/bin:/opt/java/openjdk/bin:/usr/local/bin:/usr/bin:/bin \
    -entrypoint /opt/cassandra/bin/cassandra -entrypoint -f)
}

cmd=${1:-}
case "$cmd" in
  home) [ $# -eq 2 ] || { sed -n '2,20p' "$0" >&2; exit 2; }; home "$2" ;;
  java) java_runtime ;;
  image) [ $# -eq 4 ] || { sed -n '2,20p' "$0" >&2; exit 2; }; image "$2" "$3" "$4" ;;
  *) sed -n '2,20p' "$0" >&2; exit 2 ;;
esac
