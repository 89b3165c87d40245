#!/usr/bin/env bash
# Resolves the Jolokia JVM agent (org.jolokia:jolokia-jvm, the shaded agent jar) from Maven
# Central into a cache keyed by version, and prints the jar's path. The pilot image carries it:
# the init container puts it beside navigator-pilot, and the Cassandra engine adds it to the
# JVM to read the ring over HTTP instead of starting nodetool (docs/design/0006).
#
# Version 1.7.2: the 2.x agents are built for Java 17, and the upstream images of Cassandra 4.0
# and 4.1 run Java 8 or 11; 1.7.2 runs on Java 8 and later.
set -euo pipefail
VERSION=${JOLOKIA_VERSION:-1.7.2}
CACHE=${NAVIGATOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/navigator}
jar=$CACHE/agents/jolokia-jvm-$VERSION.jar
if [ ! -f "$jar" ]; then
  if ! command -v mvn >/dev/null; then
    [ "$(id -u)" = 0 ] || { echo "jolokia-agent: Maven is needed: apt-get install maven" >&2; exit 1; }
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends maven >/dev/null
  fi
  echo "jolokia-agent: resolving org.jolokia:jolokia-jvm:$VERSION from Maven Central" >&2
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  mvn -B -q -Dmaven.repo.local="$CACHE/maven" org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
    -Dartifact="org.jolokia:jolokia-jvm:$VERSION" -DoutputDirectory="$tmp" >&2
  mkdir -p "$(dirname "$jar")"
  mv "$tmp/jolokia-jvm-$VERSION.jar" "$jar"
fi
echo "$jar"
