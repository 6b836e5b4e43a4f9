#!/usr/bin/env bash
# Builds the control plane used by kubedac's integration tests (test/cluster/cluster.ts):
#   - kube-apiserver and kube-controller-manager from Go modules (test/cluster/apiserver), into
#     ${KUBEDAC_CACHE:-$HOME/.cache/kubedac}/k8s-v1.32.13/
#   - etcd from Debian (package etcd-server), when /usr/bin/etcd is missing (root only).
# Idempotent and quiet when everything is already in place. Prints the binary directory on stdout.
set -euo pipefail

K8S_VERSION=v1.32.13
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${KUBEDAC_CACHE:-$HOME/.cache/kubedac}"
bindir="$cache/k8s-$K8S_VERSION"

log() { echo "build.sh: $*" >&2; }

# Stamp the version like the upstream release build does (otherwise the binaries report
# v0.0.0-master+$Format:%H$, which kubectl cannot parse and which hides the real server version).
ldflags=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=32"
  ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done
stamp="$bindir/.build-flags"

if [[ ! -x "$bindir/kube-apiserver" || ! -x "$bindir/kube-controller-manager" ]] ||
  [[ "$(cat "$stamp" 2>/dev/null)" != "$ldflags" ]]; then
  go_bin="$(command -v go || true)"
  if [[ -z "$go_bin" && -x /usr/local/go/bin/go ]]; then go_bin=/usr/local/go/bin/go; fi
  if [[ -z "$go_bin" ]]; then
    log "Go toolchain not found (neither on PATH nor at /usr/local/go/bin/go)"
    exit 1
  fi
  mkdir -p "$bindir"
  log "building kube-apiserver and kube-controller-manager $K8S_VERSION into $bindir (takes minutes when the Go build cache is cold)"
  tmp="$(mktemp -d "$bindir/.build.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$here/apiserver" && "$go_bin" build -trimpath -ldflags "-s -w$ldflags" -o "$tmp/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager)
  # Move into place only once both are built, so a failed build never leaves a half-filled cache.
  mv -f "$tmp/kube-apiserver" "$tmp/kube-controller-manager" "$bindir/"
  printf '%s' "$ldflags" >"$stamp"
fi

if [[ ! -x /usr/bin/etcd ]]; then
  if [[ "$(id -u)" != 0 ]]; then
    log "/usr/bin/etcd is missing: install it with 'sudo apt-get install -y etcd-server' (needs root)"
    exit 1
  fi
  log "installing etcd-server from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q etcd-server >&2 || { apt-get update -q >&2 && apt-get install -y -q etcd-server >&2; }
  # Debian's package may start a system etcd service; the tests run their own instances.
fi

echo "$bindir"
