# Images without Docker or a registry: tarballs written by imagebuild and imported into the
# cluster's containerd. Pods use them with imagePullPolicy IfNotPresent or Never.

IMAGES_DIR="$CLUSTER_DIR/images"

# imagebuild ARGS...: run the repository's image writer.
imagebuild() {
  (cd "$REPO" && go run ./test/cluster/imagebuild "$@")
}

# images_load TAR...: import into the k8s.io namespace, where the kubelet looks.
images_load() {
  for t in "$@"; do
    [ -f "$t" ] || die "no image tarball at $t"
    ctr --address "$CONTAINERD_SOCK" -n k8s.io images import --no-unpack=false "$t" >/dev/null
    log "loaded $(basename "$t")"
  done
}

# Images of the cluster itself: the sandbox (pause) and CoreDNS.
system_images() {
  mkdir -p "$IMAGES_DIR"
  if [ ! -f "$IMAGES_DIR/pause.tar" ]; then
    (cd "$REPO" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$IMAGES_DIR/pause" ./test/cluster/pause)
    imagebuild -tag "$PAUSE_IMAGE" -o "$IMAGES_DIR/pause.tar" -file "$IMAGES_DIR/pause:/pause" \
      -entrypoint /pause -user 65535:65535
  fi
  if [ ! -f "$IMAGES_DIR/coredns-$COREDNS_VERSION.tar" ]; then
    imagebuild -tag "$COREDNS_IMAGE" -o "$IMAGES_DIR/coredns-$COREDNS_VERSION.tar" \
      -file "$TOOLS_BIN/coredns:/coredns" -entrypoint /coredns -user 65532:65532
  fi
  images_load "$IMAGES_DIR/pause.tar" "$IMAGES_DIR/coredns-$COREDNS_VERSION.tar"
}
