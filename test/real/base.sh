# The base layer the real engines' images share (sourced by cassandra/image.sh and
# opensearch/image.sh): a Java 17 runtime made by jlink from this machine's JDK, and what it
# needs of an operating system. Being byte for byte the same in every image, it is stored once
# on the node. Cached under $CACHE_BASE by the JDK's release and the module list.
#
# Needs: REPO, CACHE_BASE and log (the sourcing script's).

# need PACKAGE: install a Debian package an image script needs when it is missing, as the local
# cluster installs its own (a new machine of this kind has Go, OpenJDK 17 and Maven, but not
# always the JDK's jmods).
need() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed" && return 0
  [ "$(id -u)" = 0 ] || { log "Debian package $1 is needed: apt-get install $1"; exit 1; }
  log "installing Debian package $1"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$1" >/dev/null
}

JDK=${NAVIGATOR_JDK:-/usr/lib/jvm/java-17-openjdk-amd64}
# The Java modules the engines use: Java SE; the JDK modules Cassandra's JVM options name
# (attach, compiler, management); JMX over RMI (naming.rmi, management.agent); Unsafe
# (unsupported: Cassandra, netty, Lucene); the COMPAT locale data OpenSearch asks for
# (localedata); and jcmd's tools for looking into a running node.
JAVA_MODULES=java.se,jdk.attach,jdk.compiler,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.jfr,jdk.management,jdk.management.agent,jdk.management.jfr,jdk.naming.dns,jdk.naming.rmi,jdk.net,jdk.unsupported,jdk.zipfs,jdk.localedata,jdk.charsets,jdk.security.auth,jdk.security.jgss,jdk.httpserver,jdk.sctp,jdk.jcmd
LIBDIR=/lib/x86_64-linux-gnu
# The engines' users: cassandra (999) as in the upstream cassandra image, opensearch (1000) as
# in opensearchproject/opensearch.
BASE_USERS="cassandra:999 opensearch:1000"

# java_runtime: a Java runtime of JAVA_MODULES made by jlink from the JDK, with its default CDS
# archive; prints its path.
java_runtime() {
  [ -x "$JDK/bin/jlink" ] && [ -d "$JDK/jmods" ] || need openjdk-17-jdk-headless
  local release key dir
  release=$(sed -n 's/^JAVA_RUNTIME_VERSION="\(.*\)"/\1/p' "$JDK/release")
  key=$(printf '%s\n' "$release" "$JAVA_MODULES" | sha256sum | cut -c1-12)
  dir=$CACHE_BASE/java/$release-$key
  if [ ! -x "$dir/bin/java" ]; then
    log "making a Java $release runtime with jlink"
    rm -rf "$dir.tmp" && mkdir -p "$(dirname "$dir")"
    "$JDK/bin/jlink" --add-modules "$JAVA_MODULES" --strip-debug --no-header-files --no-man-pages \
      --generate-cds-archive --output "$dir.tmp" >&2
    rm -rf "$dir" && mv "$dir.tmp" "$dir"
  fi
  echo "$dir"
}

# rootfs JAVA: what the runtime needs of an operating system: the shared libraries its
# executables and libraries link to, and those the natives the engines' jars unpack at run time
# link to (netty, JNA, zstd, snappy, lz4: the C and C++ runtimes); the dynamic loader; the users
# root and BASE_USERS; a temporary directory; prints its path.
rootfs() {
  local java=$1 dir key
  key=$(printf '%s\n' "$BASE_USERS" | sha256sum | cut -c1-8)
  dir=$CACHE_BASE/rootfs/$(basename "$java")-$key
  if [ ! -f "$dir.complete" ]; then
    log "collecting the system libraries of $java"
    rm -rf "$dir" && mkdir -p "$dir$LIBDIR" "$dir/lib64" "$dir/etc" "$dir/tmp"
    local libs
    libs=$(find "$java" -type f \( -name '*.so' -o -perm -u+x \) -exec ldd {} + 2>/dev/null |
      awk '$2 == "=>" && $3 ~ /^\// {print $3}' | sort -u)
    for lib in $libs "$LIBDIR"/{libc.so.6,libm.so.6,libdl.so.2,libpthread.so.0,librt.so.1,libresolv.so.2,libstdc++.so.6,libgcc_s.so.1,libz.so.1}; do
      case "$lib" in "$java"/*) continue ;; esac
      cp -L "$lib" "$dir$LIBDIR/"
    done
    cp -L /lib64/ld-linux-x86-64.so.2 "$dir/lib64/"
    printf 'root:x:0:0:root:/root:/usr/sbin/nologin\n' >"$dir/etc/passwd"
    printf 'root:x:0:\n' >"$dir/etc/group"
    local u name id
    for u in $BASE_USERS; do
      name=${u%%:*} id=${u##*:}
      printf '%s:x:%s:%s::/home/%s:/usr/sbin/nologin\n' "$name" "$id" "$id" "$name" >>"$dir/etc/passwd"
      printf '%s:x:%s:\n' "$name" "$id" >>"$dir/etc/group"
      mkdir -p "$dir/home/$name" && chmod 0775 "$dir/home/$name"
    done
    echo "$LIBDIR" >"$dir/etc/ld.so.conf"
    ldconfig -r "$dir"
    chmod 1777 "$dir/tmp"
    touch "$dir.complete"
  fi
  echo "$dir"
}

# launcher ENGINE OUT: the engine's launcher (test/real/ENGINE/launcher), a static binary.
launcher() {
  (cd "$REPO" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$2" "./test/real/$1/launcher")
}
