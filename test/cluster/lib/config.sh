# Settings shared by every piece of the local cluster. Sourced by cluster.sh.

K8S_VERSION=${K8S_VERSION:-v1.36.3}
COREDNS_VERSION=${COREDNS_VERSION:-v1.14.7}
NAVIGATOR_CACHE=${NAVIGATOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/navigator}
CLUSTER_DIR=${NAVIGATOR_CLUSTER_DIR:-/var/lib/navigator-cluster}

K8S_BIN="$NAVIGATOR_CACHE/k8s/$K8S_VERSION/bin"
TOOLS_BIN="$NAVIGATOR_CACHE/tools/coredns/$COREDNS_VERSION"

NODE_NAME=navigator-node
# An extra /32 on lo: the API server's and kubelet's address, reachable from pods through the
# host, never routed off the machine (this VM's kernel has no dummy interface module).
NODE_IP=10.200.0.1
POD_CIDR=10.244.0.0/24
POD_SUPERNET=10.244.0.0/16
SERVICE_CIDR=10.96.0.0/16
API_SERVICE_IP=10.96.0.1
DNS_SERVICE_IP=10.96.0.10
BRIDGE=nav0

PKI="$CLUSTER_DIR/pki"
KCFG="$CLUSTER_DIR/kubeconfig"
KUBECONFIG_ADMIN="$KCFG/admin.kubeconfig"
LOGS="$CLUSTER_DIR/logs"
PIDS="$CLUSTER_DIR/pids"
CONTAINERD_SOCK="$CLUSTER_DIR/containerd/containerd.sock"
# Volumes of the local-path provisioner.
VOLUMES_DIR="$CLUSTER_DIR/volumes"

PAUSE_IMAGE=navigator.local/pause:3.10
COREDNS_IMAGE=navigator.local/coredns:$COREDNS_VERSION

log() { echo "cluster: $*" >&2; }
die() { echo "cluster: error: $*" >&2; exit 1; }
kubectl_admin() { "$K8S_BIN/kubectl" --kubeconfig "$KUBECONFIG_ADMIN" "$@"; }
