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

# The local cluster cannot pull images: the demo cluster runs the Elasticsearch simulator image
# built by `make images` (navigator.local/elasticsearch:<version>), the way config/samples run
# the upstream image on clusters that can pull it.
DEMO_NS=demo
"$K8S_BIN/kubectl" create namespace "$DEMO_NS" --dry-run=client -o yaml | "$K8S_BIN/kubectl" apply -f - >/dev/null
"$K8S_BIN/kubectl" apply -f - <<YAML
apiVersion: navigator.dev/v1alpha1
kind: ElasticsearchCluster
metadata:
  name: search
  namespace: $DEMO_NS
spec:
  version: 8.18.8
  image:
    repository: $IMAGE_REPO/elasticsearch
    pullPolicy: Never
  nodePools:
    - name: master
      replicas: 3
      roles: [master]
      resources: {limits: {memory: 128Mi}}
      persistence: {size: 10Mi}
    - name: data
      replicas: 2
      roles: [data, ingest]
      resources: {limits: {memory: 128Mi}}
      persistence: {size: 10Mi}
YAML
echo "demo: waiting for ElasticsearchCluster $DEMO_NS/search to be Ready"
"$K8S_BIN/kubectl" -n "$DEMO_NS" wait esc/search --for=condition=Ready --timeout=5m
"$K8S_BIN/kubectl" -n "$DEMO_NS" get esc,pilots,pods

cat <<MSG

Navigator is running on the local cluster, with a Ready ElasticsearchCluster demo/search
(3 masters, 2 data nodes).

This local cluster cannot pull images, so it runs the Elasticsearch SIMULATOR images
($IMAGE_REPO/elasticsearch:<version>, built from test/sim/elasticsearch), not Elasticsearch.
The examples in config/samples use the upstream images, for clusters that can pull them.

  export KUBECONFIG=$KUBECONFIG
  export PATH=$K8S_BIN:\$PATH
  kubectl -n $DEMO_NS get esc,pilots,pods
  kubectl -n $DEMO_NS describe esc search
  kubectl -n $DEMO_NS patch esc search --type=json -p '[{"op":"replace","path":"/spec/nodePools/1/replicas","value":3}]'

The Cassandra engine arrives with issue #8.

Stop everything with: make demo-down
MSG
