# Node address, pod network (CNI bridge), kernel settings, and the rules that keep the cluster
# hermetic: pod traffic may not leave the pod network.

HERMETIC_COMMENT=navigator-hermetic

network_up() {
  ip addr show dev lo | grep -q " $NODE_IP/32" || ip addr add "$NODE_IP/32" dev lo
  # Bridged pod-to-pod traffic must pass iptables for Service ClusterIPs; forwarding for pods.
  modprobe br_netfilter 2>/dev/null || true
  modprobe overlay 2>/dev/null || true
  sysctl -qw net.ipv4.ip_forward=1
  sysctl -qw net.bridge.bridge-nf-call-iptables=1 2>/dev/null || log "warning: net.bridge.bridge-nf-call-iptables unavailable"
  if ! iptables -C FORWARD -s "$POD_SUPERNET" ! -d "$POD_SUPERNET" -m comment --comment "$HERMETIC_COMMENT" -j REJECT 2>/dev/null; then
    iptables -I FORWARD -s "$POD_SUPERNET" ! -d "$POD_SUPERNET" -m comment --comment "$HERMETIC_COMMENT" -j REJECT
  fi
  mkdir -p "$CLUSTER_DIR/cni/net.d" "$CLUSTER_DIR/cni/ipam"
  cat >"$CLUSTER_DIR/cni/net.d/10-navigator.conflist" <<CNI
{
  "cniVersion": "0.4.0",
  "name": "navigator",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$BRIDGE",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "$CLUSTER_DIR/cni/ipam",
        "ranges": [[{"subnet": "$POD_CIDR"}]],
        "routes": [{"dst": "0.0.0.0/0"}]
      }
    },
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
CNI
}

network_down() {
  while iptables -D FORWARD -s "$POD_SUPERNET" ! -d "$POD_SUPERNET" -m comment --comment "$HERMETIC_COMMENT" -j REJECT 2>/dev/null; do :; done
  # kube-proxy removes its own chains, so that a new cluster starts from clean tables.
  [ -x "$K8S_BIN/kube-proxy" ] && "$K8S_BIN/kube-proxy" --cleanup >/dev/null 2>&1 || true
  ip link show "$BRIDGE" >/dev/null 2>&1 && ip link delete "$BRIDGE" 2>/dev/null || true
  ip addr show dev lo | grep -q " $NODE_IP/32" && ip addr del "$NODE_IP/32" dev lo 2>/dev/null || true
  rm -rf "$CLUSTER_DIR/cni/ipam"
}
