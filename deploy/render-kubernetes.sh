#!/usr/bin/env bash
# Renders deploy/kubernetes (the plain-manifest install, `kubectl apply -k`) from the Helm chart in deploy/helm/gateway,
# one file per template. Edit the chart, then run this; a test (test/Gateway.Deploy.Tests) fails while they differ.
# Usage: deploy/render-kubernetes.sh [OUTPUT_DIR]   (default deploy/kubernetes; HELM names the helm binary)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/kubernetes}"
helm="${HELM:-helm}"

rendered="$("$helm" template gateway "$here/helm/gateway" --namespace gateway-system --include-crds --set createNamespace=true)"

mkdir -p "$out"
files=()
file=""
while IFS= read -r line; do
  if [[ "$line" =~ ^#\ Source:\ gateway/(templates|crds)/(.+)$ ]]; then
    folder="${BASH_REMATCH[1]}"
    file="${BASH_REMATCH[2]}"
    if [[ ! " ${files[*]-} " =~ " $file " ]]; then
      files+=("$file")
      printf '# Rendered by deploy/render-kubernetes.sh from deploy/helm/gateway/%s/%s: edit the chart, not this file.\n' \
        "$folder" "$file" > "$out/$file"
    else
      echo "---" >> "$out/$file"
    fi
  elif [ -n "$file" ] && [ "$line" != "---" ]; then
    echo "$line" >> "$out/$file"
  fi
done <<< "$rendered"

{
  echo "# Rendered by deploy/render-kubernetes.sh: kubectl apply -k deploy/kubernetes"
  echo "apiVersion: kustomize.config.k8s.io/v1beta1"
  echo "kind: Kustomization"
  echo "resources:"
  for f in "${files[@]}"; do echo "- $f"; done
} > "$out/kustomization.yaml"
