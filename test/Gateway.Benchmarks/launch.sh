# SPDX-License-Identifier: Apache-2.0
# Sourced by run.sh and soak.sh: `launch SCRIPT.py [options]` publishes the gateway (Release) to $out unless
# GATEWAY_BIN is set, then runs SCRIPT.py with --gateway in its own process group, which the trap ends (and
# nothing else) if this shell is interrupted. Needs $here, $root and $out.

launch() {
  local script="$1"
  shift
  if [ -z "${GATEWAY_BIN:-}" ]; then
    echo "publishing the gateway (Release) to $out"
    dotnet publish "$root/src/Gateway/Gateway.csproj" -c Release -o "$out" --nologo -v quiet >/dev/null
    GATEWAY_BIN="$out/gateway"
  fi

  child=""
  cleanup() {
    if [ -n "$child" ] && kill -0 "$child" 2>/dev/null; then
      kill -TERM -- "-$child" 2>/dev/null || true
      sleep 2
      kill -KILL -- "-$child" 2>/dev/null || true
    fi
  }
  trap cleanup EXIT INT TERM

  setsid python3 -u "$here/$script" --gateway "$GATEWAY_BIN" "$@" &
  child=$!
  wait "$child"
}
