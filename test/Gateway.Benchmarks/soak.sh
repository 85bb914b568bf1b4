#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Memory after churn: N routes, R route changes a second for M minutes under a light load, then 60 s of quiet;
# prints start, peak and end RSS, end/start (PASS at <= 1.2) and the slope after the churn.
# Usage: bash test/Gateway.Benchmarks/soak.sh [--minutes 10] [--routes 1000] [--rate 10] [soak.py options]
# Env:   GATEWAY_BIN=/path/to/gateway  skips the publish step;  OUT=/tmp/soak-gw  is where it publishes.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${OUT:-/tmp/soak-gw}"

case " $* " in *" -h "*|*" --help "*) exec python3 "$here/soak.py" --gateway none --help ;; esac

command -v python3 >/dev/null 2>&1 || { echo "python3 is required" >&2; exit 2; }
command -v nginx >/dev/null 2>&1 || echo "nginx not found: the demo backend (gateway demo) stands in for it"

source "$here/launch.sh"
launch soak.py "$@"
