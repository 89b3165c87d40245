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
# with the system libraries it needs (../base.sh: the same for every version, and for the real
# OpenSearch image), then Cassandra.
#
# Cached outside the repository under $NAVIGATOR_CACHE/cassandra, by version: the Maven
# artifacts and each version's jars; the base layer under $NAVIGATOR_CACHE/base.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
CACHE=${NAVIGATOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/navigator}/cassandra
DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1
# Natives for other platforms than this one (linux x86-64): 4.6 MB the image does not need.
OTHER_PLATFORMS=osx-x86_64,osx-aarch_64,linux-aarch_64,linux-riscv64,windows-x86_64
CACHE_BASE=$(dirname "$CACHE")/base

log() { echo "cassandra-image: $*" >&2; }

# shellcheck source=../base.sh
. "$HERE/../base.sh"

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

# home VERSION: a CASSANDRA_HOME under _output for real nodes run as processes.
home() {
  local version=$1 lib dir=$REPO/_output/cassandra/$1
  lib=$(jars "$version")
  rm -rf "$dir" && mkdir -p "$dir/bin"
  ln -s "$lib" "$dir/lib"
  cp -r "$HERE/conf" "$dir/conf"
  launcher cassandra "$dir/bin/cassandra"
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
  launcher cassandra "$bin/cassandra"
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
