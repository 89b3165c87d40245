# Root, Debian packages and binaries: everything `up` needs before it starts a process.

require_root() {
  [ "$(id -u)" = 0 ] || die "the local cluster needs root (it runs containerd, the kubelet and iptables)"
}

# Debian packages for the node: the container runtime and what kube-proxy and CNI call.
install_packages() {
  local want=(containerd runc containernetworking-plugins iptables conntrack openssl kmod procps)
  local missing=()
  for p in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  # The package's service start fails without an init system; we run our own containerd anyway.
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Kubernetes binaries, etcd and CoreDNS, built from the Go module proxy and cached by version.
build_binaries() {
  "$REPO/hack/k8s-binaries.sh" kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl etcd >/dev/null
  if [ ! -x "$TOOLS_BIN/coredns" ]; then
    log "building CoreDNS $COREDNS_VERSION"
    # Static, so that it runs in an image with nothing else in it.
    mkdir -p "$TOOLS_BIN"
    GOBIN="$TOOLS_BIN" CGO_ENABLED=0 go install -trimpath -ldflags "-s -w" "github.com/coredns/coredns@$COREDNS_VERSION"
  fi
}
