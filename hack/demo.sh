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

K8S_BIN=$(hack/k8s-binaries.sh kubectl)
# Helm installs the chart's CRDs on first install only, never upgrades them: on a cluster kept
# from an earlier demo, apply this tree's CRDs first.
"$K8S_BIN/kubectl" apply --server-side --force-conflicts -f deploy/charts/navigator/crds/ >/dev/null
bin/helm upgrade --install navigator deploy/charts/navigator --namespace "$NAMESPACE" --create-namespace \
  --set image.repository="$IMAGE_REPO/navigator-controller" --set image.tag="$IMAGE_TAG" \
  --set pilotImage.repository="$IMAGE_REPO/navigator-pilot" --set pilotImage.tag="$IMAGE_TAG" \
  --set pilotImage.pullPolicy=Never \
  --wait --timeout 3m
"$K8S_BIN/kubectl" -n "$NAMESPACE" rollout status deployment/navigator-controller --timeout=2m

# The local cluster cannot pull images: the demo's Elasticsearch runs the simulator images built
# by `make images` (navigator.local/elasticsearch:<version>), and its Cassandra the real
# Cassandra 5.0 image built there from Maven Central (navigator.local/cassandra:<version>), the
# way config/samples run the upstream images on clusters that can pull them.
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
# OpenSearch: real OpenSearch cannot run in a pod on these machines (it needs 65535 open files,
# they allow 20000: docs/design/0011), so the demo's nodes are the simulator answering as
# OpenSearch (navigator.local/opensearch-sim:<version>); the real images built beside it run on
# machines that allow them.
"$K8S_BIN/kubectl" apply -f - <<YAML
apiVersion: navigator.dev/v1alpha1
kind: OpenSearchCluster
metadata:
  name: logs
  namespace: $DEMO_NS
spec:
  version: 2.19.6
  image:
    repository: $IMAGE_REPO/opensearch-sim
    pullPolicy: Never
  nodePools:
    - name: manager
      replicas: 3
      roles: [cluster_manager]
      resources: {limits: {memory: 128Mi}}
      persistence: {size: 10Mi}
    - name: data
      replicas: 2
      roles: [data, ingest]
      resources: {limits: {memory: 128Mi}}
      persistence: {size: 10Mi}
YAML
# Three real Cassandra 5.0 nodes in one datacenter over two racks. Each gets 1GiB of memory (the
# pilot gives the heap half of it) and a 5 s RING_DELAY instead of 30 s, so that joins take
# seconds: settings any user may set the same way.
"$K8S_BIN/kubectl" apply -f - <<YAML
apiVersion: navigator.dev/v1alpha1
kind: CassandraCluster
metadata:
  name: ring
  namespace: $DEMO_NS
spec:
  version: 5.0.9
  image:
    repository: $IMAGE_REPO/cassandra
    pullPolicy: Never
  nodePools:
    - name: rack-a
      replicas: 2
      datacenter: dc1
      rack: a
      resources: {limits: {memory: 1Gi}}
      persistence: {size: 1Gi}
      jvmOptions: [-Dcassandra.ring_delay_ms=5000, -Dcassandra.skip_wait_for_gossip_to_settle=0]
    - name: rack-b
      replicas: 1
      datacenter: dc1
      rack: b
      resources: {limits: {memory: 1Gi}}
      persistence: {size: 1Gi}
      jvmOptions: [-Dcassandra.ring_delay_ms=5000, -Dcassandra.skip_wait_for_gossip_to_settle=0]
YAML
echo "demo: waiting for ElasticsearchCluster $DEMO_NS/search to be Ready"
"$K8S_BIN/kubectl" -n "$DEMO_NS" wait esc/search --for=condition=Ready --timeout=5m
echo "demo: waiting for OpenSearchCluster $DEMO_NS/logs to be Ready"
"$K8S_BIN/kubectl" -n "$DEMO_NS" wait osc/logs --for=condition=Ready --timeout=5m
echo "demo: waiting for CassandraCluster $DEMO_NS/ring to be Ready (its nodes join one at a time)"
"$K8S_BIN/kubectl" -n "$DEMO_NS" wait cass/ring --for=condition=Ready --timeout=5m
"$K8S_BIN/kubectl" -n "$DEMO_NS" get esc,osc,cass,pilots,pods

cat <<MSG

Navigator is running on the local cluster, with a Ready ElasticsearchCluster demo/search
(3 masters, 2 data nodes), a Ready OpenSearchCluster demo/logs (3 cluster managers, 2 data
nodes) and a Ready CassandraCluster demo/ring (3 real Cassandra 5.0.9 nodes, racks a and b).

This local cluster cannot pull images. The Cassandra nodes are real Cassandra 5.0, built from
Maven Central into $IMAGE_REPO/cassandra:<version> (test/real/cassandra). The Elasticsearch nodes
run the SIMULATOR image $IMAGE_REPO/elasticsearch:<version> (built from test/sim), not
Elasticsearch, which cannot be obtained here. The OpenSearch nodes run the same SIMULATOR answering
as OpenSearch ($IMAGE_REPO/opensearch-sim:<version>): real OpenSearch 2.19, built from Maven
Central into $IMAGE_REPO/opensearch:<version>, needs 65535 open files, and this machine allows
20000 (docs/design/0011-opensearch-engine.md). The examples in config/samples use the upstream
images, for clusters that can pull them.

  export KUBECONFIG=$KUBECONFIG
  export PATH=$K8S_BIN:\$PATH
  kubectl -n $DEMO_NS get esc,osc,cass,pilots,pods
  kubectl -n $DEMO_NS describe esc search
  kubectl -n $DEMO_NS patch esc search --type=json -p '[{"op":"replace","path":"/spec/nodePools/1/replicas","value":3}]'
  kubectl -n $DEMO_NS describe osc logs
  kubectl -n $DEMO_NS describe cass ring
  kubectl -n $DEMO_NS patch cass ring --type=json -p '[{"op":"replace","path":"/spec/nodePools/1/replicas","value":2}]'
  kubectl -n $DEMO_NS exec ring-rack-a-0 -c cassandra -- nodetool status

Stop everything with: make demo-down
MSG
