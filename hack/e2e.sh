#!/usr/bin/env bash
# Runs the end-to-end tier (test/e2e) against a real Kubernetes.
#
# The cluster: $E2E_KUBECONFIG when set (Navigator's images must then be available to it under
# $IMAGE_REPO/…:$IMAGE_TAG); otherwise the local cluster of test/cluster: reused if it already
# runs (and left running), else brought up for the run and torn down after it. Bringing it up
# needs root; without root and without E2E_KUBECONFIG the tier cannot run, and this script fails
# and says so rather than skip it.
set -euo pipefail
cd "$(dirname "$0")/.."
CLUSTER=test/cluster/cluster.sh
IMAGE_REPO=${IMAGE_REPO:-navigator.local}
IMAGE_TAG=${IMAGE_TAG:-dev}
export E2E_ARTIFACTS=${E2E_ARTIFACTS:-$PWD/_artifacts/e2e}

started=false
if [ -n "${E2E_KUBECONFIG:-}" ]; then
  export KUBECONFIG=$E2E_KUBECONFIG
  echo "e2e: using the cluster of E2E_KUBECONFIG=$E2E_KUBECONFIG"
else
  if [ "$(id -u)" != 0 ]; then
    echo "e2e: FAIL: the end-to-end tier needs a cluster: set E2E_KUBECONFIG, or run as root so that" >&2
    echo "e2e: it can start the local cluster (test/cluster/cluster.sh up)." >&2
    exit 1
  fi
  if $CLUSTER running; then
    echo "e2e: reusing the running local cluster"
  else
    started=true
    trap '$CLUSTER down' EXIT
    $CLUSTER up
  fi
  KUBECONFIG=$($CLUSTER kubeconfig)
  # The chaos tests kill pilots through the local cluster's container runtime, and stop and
  # start its API server through this script.
  E2E_CONTAINERD_SOCK=$($CLUSTER containerd-socket)
  E2E_CLUSTER_SCRIPT=$PWD/$CLUSTER
  export KUBECONFIG E2E_CONTAINERD_SOCK E2E_CLUSTER_SCRIPT
  make --no-print-directory load-images IMAGE_REPO="$IMAGE_REPO" IMAGE_TAG="$IMAGE_TAG"
fi

export E2E_IMAGE_REPO=$IMAGE_REPO E2E_IMAGE_TAG=$IMAGE_TAG
export E2E_HELM=$PWD/bin/helm E2E_CHART=$PWD/deploy/charts/navigator
echo "e2e: running (artifacts of failures go to $E2E_ARTIFACTS)"
# E2E_TEST_ARGS selects tests or benchmarks, e.g. `-run ^$ -bench .` (make bench-e2e). The
# lifecycle tests and the two clusters of the failpoint sweep run side by side (-parallel: Go's
# default is the number of cores, two here, and they wait on their databases far more than they
# compute). The failpoints build tag compiles in the failpoints the sweep arms in its own
# controller; the chart's controller image is built without them. E2E_TAGS adds others (make
# chaos: the chaos tag's tests).
# shellcheck disable=SC2086
go test -tags "${E2E_TAGS:-e2e,failpoints}" -count=1 -timeout 40m -parallel 6 ${E2E_TEST_ARGS:-} ./test/e2e/...
if $started; then echo "e2e: tearing the local cluster down"; fi
