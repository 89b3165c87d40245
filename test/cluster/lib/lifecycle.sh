# up, down and status.

cluster_up() {
  require_root
  local start=$SECONDS
  if daemon_running kube-apiserver; then
    log "already running; export KUBECONFIG=$KUBECONFIG_ADMIN"
    return 0
  fi
  # A run killed half-way (a CI job stopped, a session ended) leaves daemons, mounts and
  # network state behind: start from clean state rather than on top of it.
  if compgen -G "$PIDS/*.pid" >/dev/null || [ -d "$CLUSTER_DIR/kubelet" ] || ip link show "$BRIDGE" >/dev/null 2>&1; then
    log "cleaning what an earlier run left behind"
    cluster_down
  fi
  install_packages
  build_binaries
  mkdir -p "$CLUSTER_DIR"
  make_pki
  network_up
  start_containerd
  system_images
  start_etcd
  start_apiserver
  start_controller_manager
  start_scheduler
  start_kubelet
  start_kube_proxy
  start_local_path
  wait_for "node $NODE_NAME" 90 node_ready
  addons_up
  wait_for "CoreDNS" 120 kubectl_admin -n kube-system rollout status deployment/coredns --timeout=2s
  wait_for "the default ServiceAccount" 60 kubectl_admin -n default get serviceaccount default
  log "up in $((SECONDS - start))s; export KUBECONFIG=$KUBECONFIG_ADMIN"
}

node_ready() {
  [ "$(kubectl_admin get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" = True ]
}

cluster_down() {
  require_root
  # Pods first, through the runtime, so that their mounts and network namespaces go with them.
  if daemon_running containerd; then
    stop_daemon kubelet
    remove_pod_sandboxes
  fi
  for d in "${DAEMONS_STOP_ORDER[@]}"; do stop_daemon "$d"; done
  # containerd-shim processes outlive containerd by design; end the ones of this cluster.
  pkill -f "containerd-shim.*-address $CONTAINERD_SOCK" 2>/dev/null || true
  unmount_under "$CLUSTER_DIR"
  network_down
  rm -rf "$CLUSTER_DIR/etcd" "$CLUSTER_DIR/kubelet" "$CLUSTER_DIR/containerd/state" "$VOLUMES_DIR"
  log "down"
}

# remove_pod_sandboxes: stop and remove every pod sandbox through the CRI, so CNI releases IPs.
remove_pod_sandboxes() {
  local ids
  ids=$(ctr --address "$CONTAINERD_SOCK" -n k8s.io containers list -q 2>/dev/null || true)
  for id in $ids; do
    ctr --address "$CONTAINERD_SOCK" -n k8s.io tasks kill -s SIGKILL "$id" >/dev/null 2>&1 || true
  done
  for id in $ids; do
    ctr --address "$CONTAINERD_SOCK" -n k8s.io tasks delete -f "$id" >/dev/null 2>&1 || true
    ctr --address "$CONTAINERD_SOCK" -n k8s.io containers delete "$id" >/dev/null 2>&1 || true
  done
}

# unmount_under DIR: every mount below DIR, deepest first.
unmount_under() {
  awk -v d="$1" '$2 ~ "^"d {print $2}' /proc/self/mounts | sort -r | while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done
}

cluster_status() {
  for d in containerd etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy local-path; do
    if daemon_running "$d"; then echo "$d: running (pid $(cat "$PIDS/$d.pid"))"; else echo "$d: stopped"; fi
  done
  if daemon_running kube-apiserver; then
    kubectl_admin get nodes -o wide
    kubectl_admin get pods -A
  fi
}
