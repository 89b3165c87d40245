#!/usr/bin/env bash
# Regenerates everything into a copy of the working tree and diffs it against the tree, so that a
# dirty tree or an untracked file can neither hide nor fake a stale generated file. Also checks
# that go.mod and go.sum are tidy.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Copy the tree as it is (tracked and untracked, minus ignored files).
(cd "$root" && git ls-files --cached --others --exclude-standard -z | xargs -0 cp --parents -t "$tmp")
mkdir -p "$tmp/bin" && cp -P "$root"/bin/* "$tmp/bin/" 2>/dev/null || true

(cd "$tmp" && make --no-print-directory generate >/dev/null && go mod tidy)

status=0
for path in api config deploy go.mod go.sum; do
  if ! diff -ruN "$root/$path" "$tmp/$path"; then
    status=1
  fi
done
if [ $status -ne 0 ]; then
  echo "verify: generated files or go.mod/go.sum are out of date. Please run 'make generate && go mod tidy'." >&2
  exit 1
fi
echo "verify: generated files and go.mod are up to date"
