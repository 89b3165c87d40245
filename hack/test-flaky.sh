#!/usr/bin/env bash
# test-flaky.sh runs the unit and integration tiers RUNS times in a row (default 30), each with
# -race and -count=1, while a busy loop keeps one core busy (a test that passes only on an idle
# machine is flaky: CI machines are never idle). It stops at the first failing run, prints its
# output, and always ends with the number of consecutive clean runs: a flaky test is a bug to fix
# at its cause, and this is how one is found.
set -euo pipefail

runs=${RUNS:-30}
cd "$(dirname "$0")/.."
logs=$(mktemp -d)
assets=$(hack/k8s-binaries.sh kube-apiserver etcd)

# The load: one shell spinning, the other core left to the tests.
( while :; do :; done ) &
busy=$!
trap 'kill $busy 2>/dev/null || true' EXIT

clean=0
started=$(date +%s)
for i in $(seq 1 "$runs"); do
	begin=$(date +%s)
	if ! go test -race -count=1 ./... >"$logs/unit" 2>&1 ||
		! go test -race -count=1 -tags failpoints ./internal/failpoint/ ./internal/elasticsearch/pilot/ >>"$logs/unit" 2>&1; then
		grep -E '^(--- FAIL|FAIL|panic|WARNING: DATA RACE)' "$logs/unit" || true
		echo "test-flaky: run $i: the unit tier failed; its output: $logs/unit"
		echo "test-flaky: $clean consecutive clean runs of $runs"
		exit 1
	fi
	if ! KUBEBUILDER_ASSETS="$assets" go test -race -count=1 -tags integration ./test/integration/... >"$logs/integration" 2>&1; then
		grep -E '^(--- FAIL|FAIL|panic|WARNING: DATA RACE)' "$logs/integration" || true
		echo "test-flaky: run $i: the integration tier failed; its output: $logs/integration"
		echo "test-flaky: $clean consecutive clean runs of $runs"
		exit 1
	fi
	clean=$i
	echo "test-flaky: run $i of $runs clean ($(($(date +%s) - begin))s)"
done
echo "test-flaky: $clean consecutive clean runs of $runs, unit and integration, -race, one core busy ($(($(date +%s) - started))s)"
