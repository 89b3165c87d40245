#!/usr/bin/env bash
# Builds Kubernetes and etcd binaries from the Go module proxy and caches them by version
# outside the repository, so a second run builds nothing.
#
# Why a scratch module: `go install k8s.io/kubernetes/cmd/...@vX` refuses modules that carry
# `replace` directives, and k8s.io/kubernetes points every staging module (k8s.io/api, …) at
# ./staging. A throw-away module that requires k8s.io/kubernetes and pins each staging module to
# its published v0.N.P tag builds the same code. etcd needs the same trick for its sub-modules.
#
# Usage: hack/k8s-binaries.sh [component ...]
#   components: kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl etcd
#   (default: kube-apiserver etcd, which is what the integration tier needs)
# Prints the directory that holds the binaries (KUBEBUILDER_ASSETS for envtest) on stdout.
set -euo pipefail

K8S_VERSION="${K8S_VERSION:-v1.36.3}"
ETCD_VERSION="${ETCD_VERSION:-v3.6.16}"
CACHE_ROOT="${NAVIGATOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/navigator}"
BIN_DIR="$CACHE_ROOT/k8s/$K8S_VERSION/bin"

# Staging modules published alongside k8s.io/kubernetes (its go.mod `replace … => ./staging/…`).
STAGING="api apiextensions-apiserver apimachinery apiserver cli-runtime client-go cloud-provider
cluster-bootstrap code-generator component-base component-helpers controller-manager cri-api
cri-client cri-streaming csi-translation-lib dynamic-resource-allocation endpointslice externaljwt
kms kube-aggregator kube-controller-manager kube-proxy kube-scheduler kubectl kubelet metrics
mount-utils pod-security-admission sample-apiserver sample-cli-plugin sample-controller streaming"

log() { echo "k8s-binaries: $*" >&2; }

components=("$@")
[ ${#components[@]} -gt 0 ] || components=(kube-apiserver etcd)

k8s_wanted=()
want_etcd=false
for c in "${components[@]}"; do
  case "$c" in
    etcd) want_etcd=true ;;
    kube-apiserver|kube-controller-manager|kube-scheduler|kubelet|kube-proxy|kubectl)
      [ -x "$BIN_DIR/$c" ] || k8s_wanted+=("$c") ;;
    *) log "unknown component $c"; exit 2 ;;
  esac
done
mkdir -p "$BIN_DIR"
export GOFLAGS=-mod=mod CGO_ENABLED=0

if [ ${#k8s_wanted[@]} -gt 0 ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
  staging_version="v0.${K8S_VERSION#v1.}"
  {
    echo "module navigator.local/k8sbuild"
    echo "go 1.26"
    echo "require k8s.io/kubernetes $K8S_VERSION"
    for m in $STAGING; do echo "replace k8s.io/$m => k8s.io/$m $staging_version"; done
  } >"$work/go.mod"
  {
    echo "//go:build tools"
    echo "package tools"
    echo "import ("
    for c in "${k8s_wanted[@]}"; do echo "  _ \"k8s.io/kubernetes/cmd/$c\""; done
    echo ")"
  } >"$work/tools.go"
  # Without these the binaries report v0.0.0-master+$Format:%H$, which breaks version checks.
  date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  ldflags="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$date"
  done
  log "building ${k8s_wanted[*]} $K8S_VERSION (cold: several minutes)"
  (cd "$work" && go mod tidy >&2 && \
    for c in "${k8s_wanted[@]}"; do
      go build -trimpath -ldflags "$ldflags" -o "$BIN_DIR/$c.tmp" "k8s.io/kubernetes/cmd/$c" && mv "$BIN_DIR/$c.tmp" "$BIN_DIR/$c"
    done)
fi

if $want_etcd && [ ! -x "$BIN_DIR/etcd" ]; then
  work_etcd=$(mktemp -d)
  log "building etcd $ETCD_VERSION"
  cat >"$work_etcd/go.mod" <<MOD
module navigator.local/etcdbuild
go 1.26
require go.etcd.io/etcd/server/v3 $ETCD_VERSION
MOD
  printf '//go:build tools\npackage tools\nimport _ "go.etcd.io/etcd/server/v3"\n' >"$work_etcd/tools.go"
  (cd "$work_etcd" && go mod tidy >&2 && \
    go build -trimpath -ldflags "-s -w" -o "$BIN_DIR/etcd.tmp" go.etcd.io/etcd/server/v3 && mv "$BIN_DIR/etcd.tmp" "$BIN_DIR/etcd")
  rm -rf "$work_etcd"
fi

echo "$BIN_DIR"
