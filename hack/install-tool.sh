#!/usr/bin/env bash
# Installs a Go tool at a pinned version into a cache keyed by version, outside the repository,
# and links it into the repository's ./bin. A second install of the same version builds nothing.
#
# Usage: hack/install-tool.sh <link path> <package> <version>
set -euo pipefail
link=$1 pkg=$2 version=$3
name=$(basename "$pkg")
dir="${NAVIGATOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/navigator}/tools/$name/$version"
if [ ! -x "$dir/$name" ]; then
  echo "install-tool: building $name $version" >&2
  mkdir -p "$dir"
  GOBIN="$dir" CGO_ENABLED=0 go install "$pkg@$version"
fi
mkdir -p "$(dirname "$link")"
ln -sf "$dir/$name" "$link"
touch "$link"
