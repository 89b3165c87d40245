# What makes the bare node a usable cluster: a default StorageClass and cluster DNS.

addons_up() {
  sed -e "s|@COREDNS_IMAGE@|$COREDNS_IMAGE|g" -e "s|@DNS_SERVICE_IP@|$DNS_SERVICE_IP|g" \
    "$HERE/manifests/coredns.yaml" | kubectl_admin apply -f - >/dev/null
  kubectl_admin apply -f "$HERE/manifests/storageclass.yaml" >/dev/null
}
