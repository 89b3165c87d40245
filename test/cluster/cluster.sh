#!/usr/bin/env bash
# A real single-node Kubernetes for Navigator's end-to-end tier and demo, built from source and
# run on this machine without Docker (see ../../docs/local-cluster.md for what runs and why).
#
#   cluster.sh up                 build what is missing, start everything, wait until usable
#   cluster.sh down               stop everything this script started, clean mounts and network
#   cluster.sh status             what runs, and the node and system pods
#   cluster.sh running            exit 0 when the local cluster's API server runs
#   cluster.sh load-image TAR...  import image tarballs into the cluster's containerd
#   cluster.sh kubeconfig         print the admin kubeconfig path
#   cluster.sh containerd-socket  print the path of containerd's socket (for ctr)
#   cluster.sh apiserver-stop     kill the API server (a fault the chaos tests inject)
#   cluster.sh apiserver-start    start it again, and wait until it is ready
#   cluster.sh partition ID       cut the pod of container ID off from its peers (lib/partition.sh)
#   cluster.sh heal ID            undo partition
#
# All state lives under $NAVIGATOR_CLUSTER_DIR (default /var/lib/navigator-cluster); binaries are
# cached by version under $NAVIGATOR_CACHE (default ~/.cache/navigator). Needs root.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
# shellcheck source=lib/config.sh
source "$HERE/lib/config.sh"
for f in "$HERE"/lib/*.sh; do
  # shellcheck disable=SC1090
  source "$f"
done

usage() { sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

cmd=${1:-}; shift || true
case "$cmd" in
  up) cluster_up ;;
  down) cluster_down ;;
  status) cluster_status ;;
  running) daemon_running kube-apiserver ;;
  load-image) [ $# -gt 0 ] || usage; images_load "$@" ;;
  kubeconfig) echo "$KUBECONFIG_ADMIN" ;;
  containerd-socket) echo "$CONTAINERD_SOCK" ;;
  apiserver-stop) require_root; kill_daemon kube-apiserver ;;
  apiserver-start) require_root; start_apiserver ;;
  partition) [ $# -eq 1 ] || usage; require_root; pod_partition "$1" ;;
  heal) [ $# -eq 1 ] || usage; require_root; pod_heal "$1" ;;
  *) usage ;;
esac
