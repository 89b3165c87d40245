#!/usr/bin/env bash
# Real OpenSearch 2.19 for Navigator's tests, built here from Maven Central and this machine's
# OpenJDK 17: no Docker, no registry, and no file of OpenSearch's distribution (which is not
# reachable; its server and modules are on Maven Central as plain jars).
#
#   image.sh home VERSION            build an OPENSEARCH_HOME for VERSION and print its path:
#                                    bin/opensearch (launcher/), lib/, modules/, plugins/,
#                                    config/, jdk/ (the Java runtime); for real nodes run as
#                                    processes, under $NAVIGATOR_OPENSEARCH_HOMES
#                                    (/var/tmp/navigator/opensearch)
#   image.sh image VERSION TAG OUT   write the OCI image tarball OUT, tagged TAG
#
# The image is laid out as the upstream opensearchproject/opensearch image is, so that
# navigator-pilot drives it as it would drive that one: OPENSEARCH_HOME /usr/share/opensearch
# (also the working directory) with bin/ on PATH, config/ (opensearch.yml, jvm.options,
# log4j2.properties), data/, logs/, plugins/, the Java runtime as jdk/, uid 1000. Two layers:
# the Java runtime with the system libraries it needs (../base.sh: the same as the real
# Cassandra image's), then OpenSearch.
#
# What the distribution has and Maven's jars lack, made here: each module's
# plugin-descriptor.properties (its fields as the distribution's build writes them, the class
# found in the module's jar), the security policies of the modules that need one (policies/),
# and two jars the server's POM leaves out (log4j-core, marked optional, and
# opensearch-plugin-classloader).
#
# Cached outside the repository under $NAVIGATOR_CACHE/opensearch, by version: the Maven
# artifacts and each version's lib/ and modules/; the base layer under $NAVIGATOR_CACHE/base.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
CACHE=${NAVIGATOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/navigator}/opensearch
CACHE_BASE=$(dirname "$CACHE")/base
HOMES=${NAVIGATOR_OPENSEARCH_HOMES:-/var/tmp/navigator/opensearch}
DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1
# The modules of the default distribution that Maven Central has, by artifact: folder name.
MODULES="transport-netty4-client:transport-netty4 lang-painless:lang-painless analysis-common:analysis-common
reindex-client:reindex mapper-extras-client:mapper-extras parent-join-client:parent-join
aggs-matrix-stats-client:aggs-matrix-stats"

log() { echo "opensearch-image: $*" >&2; }

# shellcheck source=../base.sh
. "$HERE/../base.sh"

# resolve GROUP NAME VERSION OUT: the artifact and its runtime dependencies into OUT.
resolve() {
  command -v mvn >/dev/null || need maven
  mvn -B -q -f "$HERE/pom.xml" -Dmaven.repo.local="$CACHE/maven" \
    -Dartifact.group="$1" -Dartifact.name="$2" -Dartifact.version="$3" \
    "$DEPENDENCY_PLUGIN:copy-dependencies" -DincludeScope=runtime -DoutputDirectory="$4" >&2
  [ -f "$4/$2-$3.jar" ] || { log "$1:$2:$3 was not resolved"; exit 1; }
}

# fetch GROUP NAME VERSION OUT: the artifact alone into OUT.
fetch() {
  mvn -B -q -f "$HERE/pom.xml" -Dmaven.repo.local="$CACHE/maven" \
    "$DEPENDENCY_PLUGIN:copy" -Dartifact="$1:$2:$3" -DoutputDirectory="$4" >&2
}

# classloader_version VERSION: opensearch-plugin-classloader is not published for every
# release (none for 2.19.2 to 2.19.5); its one class has not changed within 2.19, so a release
# without one takes the newest one before it.
classloader_version() {
  case "$1" in
    2.19.[2-5]) echo 2.19.1 ;;
    *) echo "$1" ;;
  esac
}

# descriptor MODULE VERSION DIR: the module's plugin-descriptor.properties, with the fields
# OpenSearch's PluginInfo reads. The plugin class is the one *Plugin class of the module's jar;
# a module that adds to painless (it registers a PainlessExtension) extends lang-painless, as
# analysis-common's build declares.
descriptor() {
  local module=$1 version=$2 dir=$3 jar classes extended=""
  jar=$(ls "$dir"/*-"$version".jar | grep -v -e '/opensearch-' | head -1)
  classes=$(unzip -Z1 "$jar" | grep -E '^org/opensearch/.*/[A-Za-z0-9]+Plugin\.class$' || true)
  [ "$(echo "$classes" | grep -c .)" = 1 ] || { log "$jar: want one plugin class, found: ${classes:-none}"; exit 1; }
  if unzip -Z1 "$jar" | grep -qx 'META-INF/services/org.opensearch.painless.spi.PainlessExtension'; then
    extended=lang-painless
  fi
  cat >"$dir/plugin-descriptor.properties" <<PROPS
description=The $module module of OpenSearch $version, from Maven Central
version=$version
name=$module
classname=$(echo "${classes%.class}" | tr / .)
java.version=11
opensearch.version=$version
extended.plugins=$extended
PROPS
}

# dist VERSION: lib/ and modules/ for VERSION, resolved once; prints their parent.
dist() {
  local version=$1 dir=$CACHE/dist/$1
  if [ ! -f "$dir.complete" ]; then
    log "resolving OpenSearch $version and its modules from Maven Central"
    rm -rf "$dir.tmp" && mkdir -p "$dir.tmp/lib" "$dir.tmp/modules"
    resolve org.opensearch opensearch "$version" "$dir.tmp/lib"
    local log4j
    log4j=$(basename "$(ls "$dir.tmp"/lib/log4j-api-*.jar)" .jar) && log4j=${log4j#log4j-api-}
    fetch org.apache.logging.log4j log4j-core "$log4j" "$dir.tmp/lib"
    fetch org.opensearch opensearch-plugin-classloader "$(classloader_version "$version")" "$dir.tmp/lib"
    local entry artifact module jar
    for entry in $MODULES; do
      artifact=${entry%%:*} module=${entry##*:}
      resolve org.opensearch.plugin "$artifact" "$version" "$dir.tmp/modules/$module"
      # What the server already has stays in lib/ only, as in the distribution.
      for jar in "$dir.tmp/modules/$module"/*.jar; do
        [ ! -e "$dir.tmp/lib/$(basename "$jar")" ] || rm "$jar"
      done
      descriptor "$module" "$version" "$dir.tmp/modules/$module"
      [ ! -f "$HERE/policies/$module.policy" ] || cp "$HERE/policies/$module.policy" "$dir.tmp/modules/$module/plugin-security.policy"
    done
    rm -rf "$dir" && mv "$dir.tmp" "$dir"
    touch "$dir.complete"
  fi
  echo "$dir"
}

# home VERSION: an OPENSEARCH_HOME for real nodes run as processes. OpenSearch refuses to run
# as root, so its nodes run as a plain user who must reach every file: the home lies under
# HOMES (not under the cache, which may sit in root's own home), its files linked to the cache's
# where the file system allows it.
home() {
  local version=$1 dist java dir=$HOMES/$1
  dist=$(dist "$version")
  java=$(java_runtime)
  rm -rf "$dir" && mkdir -p "$dir/bin" "$dir/plugins"
  chmod 0755 "$HOMES" "$(dirname "$HOMES")"
  local from
  for from in "$dist/lib:lib" "$dist/modules:modules" "$java:jdk"; do
    cp -al "${from%%:*}" "$dir/${from##*:}" 2>/dev/null || cp -a "${from%%:*}" "$dir/${from##*:}"
  done
  cp -r "$HERE/config" "$dir/config"
  launcher opensearch "$dir/bin/opensearch"
  chmod -R a+rX "$dir"
  echo "$dir"
}

image() {
  local version=$1 tag=$2 out=$3 dist java root bin
  dist=$(dist "$version")
  java=$(java_runtime)
  root=$(rootfs "$java")
  bin=$(mktemp -d)
  trap 'rm -rf "$bin"' RETURN
  launcher opensearch "$bin/opensearch"
  local conf=() home=/usr/share/opensearch
  for f in "$HERE"/config/*; do conf+=(-file "$f:$home/config/$(basename "$f"):0664"); done
  (cd "$REPO" && go run ./test/cluster/imagebuild -tag "$tag" -o "$out" -user 1000:0 -workdir "$home" \
    -tree "$root:/" -tree "$java:/opt/java/openjdk" \
    -layer \
    -tree "$dist/lib:$home/lib" -tree "$dist/modules:$home/modules" \
    -file "$bin/opensearch:$home/bin/opensearch:0755" -symlink /opt/java/openjdk:$home/jdk \
    -dir "$home/config:0775" "${conf[@]}" -dir "$home/data:0775" -dir "$home/logs:0775" -dir "$home/plugins:0755" \
    -env OPENSEARCH_HOME=$home -env OPENSEARCH_JAVA_HOME=$home/jdk \
    -env PATH=$home/bin:/usr/local/bin:/usr/bin:/bin \
    -entrypoint $home/bin/opensearch)
}

cmd=${1:-}
case "$cmd" in
  home) [ $# -eq 2 ] || { sed -n '2,25p' "$0" >&2; exit 2; }; home "$2" ;;
  image) [ $# -eq 4 ] || { sed -n '2,25p' "$0" >&2; exit 2; }; image "$2" "$3" "$4" ;;
  *) sed -n '2,25p' "$0" >&2; exit 2 ;;
esac
