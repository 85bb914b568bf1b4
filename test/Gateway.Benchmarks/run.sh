#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Route table at scale: 10 vs 10,000 HTTPRoutes, side by side, reported as ratios.
# Usage: bash test/Gateway.Benchmarks/run.sh [bench.py options]   (e.g. --rounds 2 --changes 20)
# Env:   GATEWAY_BIN=/path/to/gateway  skips the publish step;  OUT=/tmp/bench-gw  is where it publishes.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${OUT:-/tmp/bench-gw}"

case " $* " in *" -h "*|*" --help "*) exec python3 "$here/bench.py" --gateway none --help ;; esac

need() { command -v "$1" >/dev/null 2>&1; }
if ! need wrk || ! need nginx; then
  if [ "$(id -u)" = 0 ] && need apt-get; then
    echo "installing wrk and nginx (apt-get)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx >/dev/null
  fi
fi
need wrk || { echo "wrk is required (apt-get install wrk)" >&2; exit 2; }
need python3 || { echo "python3 is required" >&2; exit 2; }
need nginx || { echo "nginx missing: the backend needs it" >&2; exit 2; }

source "$here/launch.sh"
launch bench.py "$@"
