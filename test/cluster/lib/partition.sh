# Cutting one pod off from its peers, for the chaos tests: rules in the pod's own network
# namespace drop what it receives from other pods and what it sends to them or to Services,
# while the node (the bridge's address, from which the kubelet probes) and the API server's
# and cluster DNS's Service addresses stay reachable. So the database loses its peers while the
# pod and its pilot stay in touch with Kubernetes, as when one machine's link to the others
# fails but not its link to the control plane.

PARTITION_IN=NAVIGATOR-PARTITION-IN
PARTITION_OUT=NAVIGATOR-PARTITION-OUT

# pod_netns_pid CONTAINER_ID: the PID of the container's task, whose network namespace is the pod's.
pod_netns_pid() {
  local pid
  pid=$(ctr --address "$CONTAINERD_SOCK" -n k8s.io tasks ls | awk -v id="$1" '$1 == id {print $2}')
  [ -n "$pid" ] && [ "$pid" != 0 ] || die "no running task for container $1"
  echo "$pid"
}

# pod_partition CONTAINER_ID
pod_partition() {
  local pid gw=${POD_CIDR%.*}.1
  pid=$(pod_netns_pid "$1")
  local ipt=(nsenter -t "$pid" -n iptables -w)
  "${ipt[@]}" -N "$PARTITION_IN" 2>/dev/null || die "container $1's pod is already cut off"
  "${ipt[@]}" -A "$PARTITION_IN" -i lo -j RETURN
  "${ipt[@]}" -A "$PARTITION_IN" -s "$gw" -j RETURN
  "${ipt[@]}" -A "$PARTITION_IN" -s "$POD_CIDR" -j DROP
  "${ipt[@]}" -N "$PARTITION_OUT"
  "${ipt[@]}" -A "$PARTITION_OUT" -o lo -j RETURN
  "${ipt[@]}" -A "$PARTITION_OUT" -d "$gw" -j RETURN
  "${ipt[@]}" -A "$PARTITION_OUT" -d "$API_SERVICE_IP" -j RETURN
  "${ipt[@]}" -A "$PARTITION_OUT" -d "$DNS_SERVICE_IP" -j RETURN
  "${ipt[@]}" -A "$PARTITION_OUT" -d "$POD_CIDR" -j DROP
  "${ipt[@]}" -A "$PARTITION_OUT" -d "$SERVICE_CIDR" -j DROP
  "${ipt[@]}" -I INPUT -j "$PARTITION_IN"
  "${ipt[@]}" -I OUTPUT -j "$PARTITION_OUT"
}

# pod_heal CONTAINER_ID: undoes pod_partition.
pod_heal() {
  local pid
  pid=$(pod_netns_pid "$1")
  local ipt=(nsenter -t "$pid" -n iptables -w)
  "${ipt[@]}" -D INPUT -j "$PARTITION_IN"
  "${ipt[@]}" -D OUTPUT -j "$PARTITION_OUT"
  local chain
  for chain in "$PARTITION_IN" "$PARTITION_OUT"; do
    "${ipt[@]}" -F "$chain"
    "${ipt[@]}" -X "$chain"
  done
}
