# The cluster's daemons: containerd, etcd, the control plane, the kubelet and kube-proxy.

start_containerd() {
  local dir="$CLUSTER_DIR/containerd"
  mkdir -p "$dir"
  cat >"$dir/config.toml" <<TOML
version = 2
root = "$dir/root"
state = "$dir/state"
[grpc]
  address = "$CONTAINERD_SOCK"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  # This VM withholds CAP_SYS_RESOURCE: without this runc fails to set the pause container's
  # negative oom_score_adj.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$CLUSTER_DIR/cni/net.d"
TOML
  # Hermetic: any pull of an image that was not loaded fails at once on a closed local port,
  # without even a DNS lookup.
  start_daemon containerd HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 NO_PROXY=localhost,127.0.0.1 -- \
    containerd --config "$dir/config.toml"
  wait_for containerd 30 ctr --address "$CONTAINERD_SOCK" version
}

start_etcd() {
  start_daemon etcd -- "$K8S_BIN/etcd" --name node --data-dir "$CLUSTER_DIR/etcd" \
    --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
    --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
    --initial-cluster node=http://127.0.0.1:2380 --listen-metrics-urls http://127.0.0.1:2381
  wait_for etcd 30 curl -sf http://127.0.0.1:2381/health
}

# The API server reaches the kubelet (exec, logs, port-forward) at the node's InternalIP: the
# hermetic DNS does not resolve the node's host name.
start_apiserver() {
  start_daemon kube-apiserver -- "$K8S_BIN/kube-apiserver" \
    --etcd-servers=http://127.0.0.1:2379 \
    --advertise-address="$NODE_IP" --bind-address="$NODE_IP" --secure-port=6443 \
    --service-cluster-ip-range="$SERVICE_CIDR" \
    --client-ca-file="$PKI/ca.crt" \
    --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
    --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" \
    --kubelet-client-key="$PKI/apiserver-kubelet-client.key" \
    --kubelet-preferred-address-types=InternalIP,Hostname \
    --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction \
    --allow-privileged=true --profiling=false
  wait_for kube-apiserver 60 "$K8S_BIN/kubectl" --kubeconfig "$KUBECONFIG_ADMIN" get --raw /readyz
}

start_controller_manager() {
  start_daemon kube-controller-manager -- "$K8S_BIN/kube-controller-manager" \
    --kubeconfig="$KCFG/controller-manager.kubeconfig" \
    --authentication-kubeconfig="$KCFG/controller-manager.kubeconfig" \
    --authorization-kubeconfig="$KCFG/controller-manager.kubeconfig" \
    --bind-address=127.0.0.1 --leader-elect=false \
    --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
    --root-ca-file="$PKI/ca.crt" --service-account-private-key-file="$PKI/sa.key" \
    --use-service-account-credentials=true
}

# The local-path provisioner runs on the host, next to the kubelet, because it makes the
# volumes' directories there.
start_local_path() {
  mkdir -p "$CLUSTER_DIR/bin"
  (cd "$REPO" && CGO_ENABLED=0 go build -trimpath -o "$CLUSTER_DIR/bin/localpath" ./test/cluster/localpath)
  start_daemon local-path -- "$CLUSTER_DIR/bin/localpath" --kubeconfig="$KUBECONFIG_ADMIN" \
    --root="$VOLUMES_DIR" --node="$NODE_NAME"
}

start_scheduler() {
  start_daemon kube-scheduler -- "$K8S_BIN/kube-scheduler" \
    --kubeconfig="$KCFG/scheduler.kubeconfig" \
    --authentication-kubeconfig="$KCFG/scheduler.kubeconfig" \
    --authorization-kubeconfig="$KCFG/scheduler.kubeconfig" \
    --bind-address=127.0.0.1 --leader-elect=false
}

start_kubelet() {
  local dir="$CLUSTER_DIR/kubelet"
  mkdir -p "$dir/root"
  # No nameserver: pods resolve cluster names through CoreDNS, and nothing else.
  : >"$dir/resolv.conf"
  cat >"$dir/config.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $PKI/ca.crt}
authorization: {mode: Webhook}
tlsCertFile: $PKI/kubelet.crt
tlsPrivateKeyFile: $PKI/kubelet.key
containerRuntimeEndpoint: unix://$CONTAINERD_SOCK
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
clusterDomain: cluster.local
clusterDNS: [$DNS_SERVICE_IP]
resolvConf: $dir/resolv.conf
# The disk is shared with builds and can be nearly full; images cannot be pulled again here,
# so the kubelet must never garbage-collect them.
evictionHard: {memory.available: 100Mi, nodefs.available: "1%", imagefs.available: "1%", nodefs.inodesFree: "1%"}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
serializeImagePulls: false
YAML
  start_daemon kubelet -- "$K8S_BIN/kubelet" --config="$dir/config.yaml" \
    --kubeconfig="$KCFG/kubelet.kubeconfig" --hostname-override="$NODE_NAME" \
    --node-ip="$NODE_IP" --root-dir="$dir/root"
}

start_kube_proxy() {
  cat >"$CLUSTER_DIR/kube-proxy.yaml" <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: $KCFG/kube-proxy.kubeconfig}
mode: iptables
clusterCIDR: $POD_SUPERNET
hostnameOverride: $NODE_NAME
bindAddress: 127.0.0.1
metricsBindAddress: 127.0.0.1:10249
healthzBindAddress: 127.0.0.1:10256
# Leave the host's conntrack table size alone: this VM may not allow changing it.
conntrack: {maxPerCore: 0}
YAML
  start_daemon kube-proxy -- "$K8S_BIN/kube-proxy" --config="$CLUSTER_DIR/kube-proxy.yaml"
}

# Every daemon, in the order `down` stops them (reverse of start).
DAEMONS_STOP_ORDER=(local-path kube-proxy kubelet kube-scheduler kube-controller-manager kube-apiserver etcd containerd)
