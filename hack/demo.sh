#!/usr/bin/env bash
# `make demo`: a local Kubernetes with Navigator installed by its Helm chart.
set -euo pipefail
cd "$(dirname "$0")/.."
CLUSTER=test/cluster/cluster.sh
NAMESPACE=navigator
IMAGE_REPO=${IMAGE_REPO:-navigator.local}
IMAGE_TAG=${IMAGE_TAG:-dev}

[ "$(id -u)" = 0 ] || { echo "demo: the local cluster needs root" >&2; exit 1; }
if $CLUSTER running; then
  echo "demo: reusing the running local cluster"
else
  $CLUSTER up
fi
KUBECONFIG=$($CLUSTER kubeconfig)
export KUBECONFIG
make --no-print-directory load-images IMAGE_REPO="$IMAGE_REPO" IMAGE_TAG="$IMAGE_TAG"

bin/helm upgrade --install navigator deploy/charts/navigator --namespace "$NAMESPACE" --create-namespace \
  --set image.repository="$IMAGE_REPO/navigator-controller" --set image.tag="$IMAGE_TAG" \
  --set pilotImage.repository="$IMAGE_REPO/navigator-pilot" --set pilotImage.tag="$IMAGE_TAG" \
  --set pilotImage.pullPolicy=Never \
  --wait --timeout 3m
K8S_BIN=$(hack/k8s-binaries.sh kubectl)
"$K8S_BIN/kubectl" -n "$NAMESPACE" rollout status deployment/navigator-controller --timeout=2m

cat <<MSG

Navigator is running on the local cluster.

  export KUBECONFIG=$KUBECONFIG
  export PATH=$K8S_BIN:\$PATH
  kubectl -n $NAMESPACE get pods,leases
  kubectl get crds | grep navigator.dev
  kubectl explain esc.spec

The database engines arrive with later issues (Elasticsearch: #5, #6; Cassandra: #7, #8). Until
then the controller runs and serves the API, but creates no database pods. The examples in
config/samples use the upstream images, for clusters that can pull them; this local cluster
cannot pull images and will run the simulator images instead once they exist.

Stop everything with: make demo-down
MSG
