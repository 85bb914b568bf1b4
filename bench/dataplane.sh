#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Data plane side by side: nginx, HAProxy, the floor (bench/Floor: YARP's forwarder alone) and our gateway, each pinned
# to one core, in interleaved rounds over scenarios (a)-(g); prints medians, spread, CPU per million requests and the
# ratio lines ours/nginx and ours/floor. See README "## Performance".
# Usage: bash bench/dataplane.sh [--quick] [--scenarios a,c] [--base-port 18400] [dataplane.py options, see --help]
# Env:   GATEWAY_BIN / FLOOR_BIN skip the publish steps; OUT=/tmp/bench-dataplane is where it publishes.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
out="${OUT:-/tmp/bench-dataplane}"

case " $* " in *" -h "*|*" --help "*) exec python3 "$here/dataplane.py" --gateway none --floor none --help ;; esac

need() { command -v "$1" >/dev/null 2>&1; }
# tool:package (Debian/Ubuntu names)
tools="nginx:nginx haproxy:haproxy wrk:wrk h2load:nghttp2-client taskset:util-linux openssl:openssl"
missing=""
for pair in $tools; do need "${pair%%:*}" || missing="$missing ${pair#*:}"; done
if [ -n "$missing" ] && [ "$(id -u)" = 0 ] && need apt-get; then
  echo "installing$missing (apt-get)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi
for pair in $tools; do
  need "${pair%%:*}" || { echo "${pair%%:*} is required (apt-get install ${pair#*:})" >&2; exit 2; }
done
need python3 || { echo "python3 is required" >&2; exit 2; }
[ "$(nproc)" -ge 2 ] || { echo "needs 2 cores: proxies on core 0, backend and load generators on core 1" >&2; exit 2; }

if [ -z "${FLOOR_BIN:-}" ]; then
  echo "publishing the floor (Release) to $out/floor"
  dotnet publish "$here/Floor/Floor.csproj" -c Release -o "$out/floor" --nologo -v quiet >/dev/null
  FLOOR_BIN="$out/floor/floor"
fi

# The route-table benchmark's launcher: publishes the gateway to $out unless GATEWAY_BIN is set, runs the script in
# its own process group and ends that group on exit or Ctrl-C.
out="$out/gateway"
source "$root/test/Gateway.Benchmarks/launch.sh"
launch dataplane.py --floor "$FLOOR_BIN" "$@"
