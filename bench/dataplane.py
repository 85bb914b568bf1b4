#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Data plane side by side: nginx, HAProxy, the floor (bench/Floor: YARP's forwarder alone) and our gateway, each
pinned to core 0, the backend (nginx) and the load generators (wrk, h2load) pinned to core 1. Interleaved rounds per
scenario; prints medians, spread, p50/p99, CPU seconds per million requests and the ratio lines ours/nginx and
ours/floor. Started by dataplane.sh, which installs the tools and builds the gateway and the floor.

Everything listens on 127.0.0.1. Every process started here is ended in `finally` (and dataplane.sh's trap ends this
script's process group if it is interrupted)."""

import argparse
import base64
import os
import re
import shlex
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

# Process, nginx and config helpers shared with the route-table benchmark.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "Gateway.Benchmarks"))
import bench  # noqa: E402
from bench import HOST, log  # noqa: E402

PROXY_CORE, LOAD_CORE = "0", "1"
PROXIES = ("nginx", "haproxy", "floor", "ours")
JIT = ("floor", "ours")  # warmed up before each scenario: their code for it is compiled, then recompiled optimized
BODY = b"Hello, World!"  # 13 bytes
LARGE = 1 << 20
LARGE_PATH = "/1m"
TICKS = os.sysconf("SC_CLK_TCK")
ROUTES_AT_SCALE = 10_000
GRPC_PATH = "/bench.Echo/Unary"
GRPC_FRAME = b"\x00\x00\x00\x00\x00"  # a gRPC message frame: not compressed, 0 bytes (an empty protobuf message)


# ---------------------------------------------------------------- scenarios

class Scenario:
    """One row of the report. tool: wrk or h2load. target(proxy) -> (port key, path, headers) may differ per proxy."""

    def __init__(self, key, title, tool, conns, tls=False, path="/", headers=None, streams=1, h1=False, body=len(BODY),
                 port="http", data=False, names=PROXIES):
        self.key, self.title, self.tool, self.conns, self.tls = key, title, tool, conns, tls
        self.path, self.headers, self.streams, self.h1, self.body = path, headers or {}, streams, h1, body
        self.port = "tls" if tls else port  # which of a target's ports
        self.data = data  # h2load sends GRPC_REQUEST as each request's body
        self.names = names  # the proxies it runs on
        self.rate = None  # (g): total requests/s, set at run time


def scenarios():
    return {
        "a": Scenario("a", "HTTP/1.1 keep-alive, 13-byte body", "wrk", 64),
        "b": Scenario("b", "new client connection per request (Connection: close)", "wrk", 64,
                      headers={"Connection": "close"}),
        "c": Scenario("c", "HTTPS termination, HTTP/1.1 keep-alive", "wrk", 64, tls=True),
        "d": Scenario("d", "HTTP/2 over TLS (ALPN h2), 16 connections x 16 streams", "h2load", 16, tls=True,
                      streams=16),
        "e": Scenario("e", "1 MiB response streamed", "wrk", 16, path=LARGE_PATH, body=LARGE),
        "f": Scenario("f", f"{ROUTES_AT_SCALE:,} HTTPRoutes in ours, request for the last-added one", "wrk", 64),
        "g": Scenario("g", "paced at half of nginx's (a) maximum, HTTP/1.1", "h2load", 16, h1=True),
        # gRPC unary through each proxy's cleartext HTTP/2 (ours: the HTTP listener, which also serves HTTP/1.1),
        # to an nginx that answers every call with an empty message and grpc-status 0. No floor: it speaks HTTP/1.1.
        "h": Scenario("h", "gRPC unary over h2c, 4 connections x 25 streams", "h2load", 4, streams=25,
                      path=GRPC_PATH, headers={"content-type": "application/grpc", "te": "trailers"},
                      body=len(GRPC_FRAME), port="grpc", data=True, names=("nginx", "haproxy", "ours")),
    }


# ---------------------------------------------------------------- config

def certificate(workdir):
    """A self-signed P-256 certificate for 127.0.0.1, as PEM files; HAProxy wants both in one file."""
    cert, key = os.path.join(workdir, "cert.pem"), os.path.join(workdir, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=bench.local",
                    "-addext", "subjectAltName=DNS:bench.local,IP:127.0.0.1"], check=True, capture_output=True)
    both = os.path.join(workdir, "cert+key.pem")
    with open(both, "w") as f:
        f.write(open(cert).read() + open(key).read())
    return cert, key, both


def backend_server(port, large_file, grpc_port, grpc_frame):
    # The gRPC backend: every POST is answered with the frame file (error_page turns the static module's 405 for POST
    # into the file) and grpc-status 0 as a trailer.
    return f"""  server {{
    listen {HOST}:{port} reuseport backlog=4096;
    location = {LARGE_PATH} {{ alias {large_file}; default_type application/octet-stream; }}
    location / {{ default_type text/plain; return 200 "{BODY.decode()}"; }}
  }}
  server {{
    listen {HOST}:{grpc_port} http2 backlog=4096;
    keepalive_requests 1000000;  # nginx closes an HTTP/2 connection after 1,000 streams by default
    location / {{
      root {os.path.dirname(grpc_frame)};
      default_type application/grpc;
      try_files /{os.path.basename(grpc_frame)} =404;
      error_page 405 =200 $uri;
      add_trailer grpc-status 0 always;
    }}
  }}"""


def nginx_proxy_server(port, tls_port, backend_port, cert, key, grpc_port, grpc_backend_port):
    # proxy_buffering off: the response is relayed as it arrives, as the others do, instead of spooled to a temp file;
    # through a 64 KiB buffer, the size of YARP's copy buffer (nginx's default of one page costs it 3x the CPU in (e)).
    return f"""  upstream backend {{ server {HOST}:{backend_port}; keepalive 64; }}
  server {{
    listen {HOST}:{port} backlog=4096;
    listen {HOST}:{tls_port} ssl http2 backlog=4096;
    ssl_certificate {cert};
    ssl_certificate_key {key};
    location / {{
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_buffering off;
      proxy_buffer_size 64k;
      proxy_buffers 4 64k;
    }}
  }}
  upstream grpc_backend {{ server {HOST}:{grpc_backend_port}; keepalive 64; keepalive_requests 1000000; }}
  server {{
    listen {HOST}:{grpc_port} http2 backlog=4096;
    keepalive_requests 1000000;
    location / {{ grpc_pass grpc://grpc_backend; }}
  }}"""


def haproxy_cfg(workdir, port, tls_port, backend_port, pem, grpc_port, grpc_backend_port):
    path = os.path.join(workdir, "haproxy.cfg")
    with open(path, "w") as f:
        f.write(f"""global
  nbthread 1
  maxconn 4096
defaults
  mode http
  option forwardfor
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  timeout http-keep-alive 60s
frontend proxy
  bind {HOST}:{port}
  bind {HOST}:{tls_port} ssl crt {pem} alpn h2,http/1.1
  default_backend backend
backend backend
  http-reuse always
  server backend {HOST}:{backend_port}
frontend grpc
  bind {HOST}:{grpc_port} proto h2
  default_backend grpc
backend grpc
  http-reuse always
  server grpc {HOST}:{grpc_backend_port} proto h2
""")
    return ["haproxy", "-db", "-f", path]


def gateway_config(directory, port, tls_port, backend_port, cert, key, grpc_backend_port):
    """bench.py's GatewayClass, Gateway, Service and EndpointSlice with an HTTPS listener beside the HTTP one, its
    Secret, one HTTPRoute for every path, and a GRPCRoute to the gRPC backend (an h2c Service)."""
    base = bench.gateway_yaml(port, backend_port)
    http_listener = f"    port: {port}\n"
    assert http_listener in base, "bench.gateway_yaml changed shape"
    https_listener = f"""  - name: https
    protocol: HTTPS
    port: {tls_port}
    tls:
      mode: Terminate
      certificateRefs:
      - name: bench-tls
"""
    pem = {name: base64.b64encode(open(p, "rb").read()).decode() for name, p in (("tls.crt", cert), ("tls.key", key))}
    extra = f"""---
apiVersion: v1
kind: Secret
metadata:
  name: bench-tls
  namespace: default
type: kubernetes.io/tls
data:
  tls.crt: {pem["tls.crt"]}
  tls.key: {pem["tls.key"]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: all
  namespace: default
spec:
  parentRefs:
  - name: bench
  rules:
  - backendRefs:
    - name: backend
      port: 80
---
apiVersion: v1
kind: Service
metadata:
  name: grpc-backend
  namespace: default
spec:
  ports:
  - name: grpc
    port: 80
    appProtocol: kubernetes.io/h2c
    targetPort: {grpc_backend_port}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: grpc-backend-1
  namespace: default
  labels:
    kubernetes.io/service-name: grpc-backend
addressType: IPv4
ports:
- name: grpc
  port: {grpc_backend_port}
  appProtocol: kubernetes.io/h2c
endpoints:
- addresses:
  - 127.0.0.1
  conditions:
    ready: true
---
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata:
  name: grpc
  namespace: default
spec:
  parentRefs:
  - name: bench
  rules:
  - matches:
    - method: {{service: bench.Echo}}
    backendRefs:
    - name: grpc-backend
      port: 80
"""
    os.makedirs(directory, exist_ok=True)
    text = base.replace(http_listener, http_listener + https_listener, 1) + extra
    bench.write_atomic(directory, "gateway.yaml", text)


# ---------------------------------------------------------------- processes

def pinned(core, cmd):
    return ["taskset", "-c", core] + cmd


def cpu_seconds(pid):
    """utime + stime of a process and its descendants (nginx: master and worker), from /proc/PID/stat."""
    parents, times = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        # After "pid (comm)": state ppid ... utime is field 14 and stime 15 of the whole line (1-based).
        parents[int(entry)] = int(fields[1])
        times[int(entry)] = int(fields[11]) + int(fields[12])
    tree, total, frontier = {pid}, 0, [pid]
    while frontier:
        p = frontier.pop()
        total += times.get(p, 0)
        for child, parent in parents.items():
            if parent == p and child not in tree:
                tree.add(child)
                frontier.append(child)
    return total / TICKS


def get(url, headers=None, timeout=10):
    req = urllib.request.Request(url, headers=headers or {})
    context = ssl._create_unverified_context() if url.startswith("https") else None  # self-signed on purpose
    try:
        with urllib.request.urlopen(req, timeout=timeout, context=context) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def check(name, url, want_status, want_body=None, want_length=None, headers=None):
    status, body = get(url, headers)
    ok = status == want_status and (want_body is None or body == want_body) and \
        (want_length is None or len(body) == want_length)
    if not ok:
        raise RuntimeError(f"{name}: GET {url} answered {status} with {len(body)} bytes {body[:60]!r}")


# ---------------------------------------------------------------- load generators

def to_ms(text):
    value, unit = re.match(r"([\d.]+)(us|ms|s|m)$", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(url, conns, duration, headers):
    cmd = pinned(LOAD_CORE, ["wrk", "-t1", f"-c{conns}", f"-d{duration}s", "--latency"] +
                 sum((["-H", f"{k}: {v}"] for k, v in headers.items()), []) + [url])
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60).stdout
    done = re.search(r"(\d+) requests in ([\d.]+)(\w+)", out)
    if not done:
        raise RuntimeError(f"wrk printed no result: {out}")
    pcts = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sock = re.search(r"connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {"requests": int(done.group(1)), "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50": to_ms(pcts["50"]), "p99": to_ms(pcts["99"]),
            "errors": (int(non2xx.group(1)) if non2xx else 0) + (sum(map(int, sock.groups())) if sock else 0),
            "cmd": cmd}


def h2load(url, conns, duration, streams=1, h1=False, rate=None, headers=None, logfile=None, data=None):
    cmd = ["h2load", "-t1", f"-c{conns}", f"-m{streams}", "-D", str(duration), "--log-file", logfile]
    if data:
        cmd += ["-d", data]
    if h1:
        cmd.append("--h1")
    if rate:
        cmd.append(f"--rps={rate / conns:.2f}")
    for k, v in (headers or {}).items():
        cmd += ["-H", f"{k}: {v}"]
    cmd = pinned(LOAD_CORE, cmd + [url])
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60).stdout
    finished = re.search(r"finished in ([\d.]+)s, ([\d.]+) req/s", out)
    counts = re.search(r"requests: (\d+) total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed, "
                       r"(\d+) errored, (\d+) timeout", out)
    codes = re.search(r"status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx", out)
    protocol = re.search(r"Application protocol: (\S+)", out)
    if not (finished and counts and codes):
        raise RuntimeError(f"h2load printed no result: {out}")
    want = "http/1.1" if h1 else "h2" if url.startswith("https") else "h2c"
    if not protocol or protocol.group(1) != want:
        raise RuntimeError(f"h2load negotiated {protocol.group(1) if protocol else 'nothing'}, not {want}: {out}")
    latencies = []
    with open(logfile) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3:
                latencies.append(int(parts[2]) / 1000.0)
    os.unlink(logfile)
    done = int(counts.group(2))
    return {"requests": done, "rps": float(finished.group(2)),
            "p50": bench.pct(latencies, 50), "p99": bench.pct(latencies, 99),
            "errors": sum(int(x) for x in counts.groups()[3:]) + sum(int(x) for x in codes.groups()[1:]), "cmd": cmd}


# ---------------------------------------------------------------- rounds

def load(scenario, proxy, targets, duration, workdir):
    """One load run against one proxy; returns the load generator's numbers and the proxy's CPU seconds."""
    t = targets[proxy]
    port = t[scenario.port]
    url = f"{'https' if scenario.tls else 'http'}://{HOST}:{port}{t.get('path', scenario.path)}"
    headers = {**scenario.headers, **t.get("headers", {})}
    cpu0 = cpu_seconds(t["pid"])
    if scenario.tool == "wrk":
        res = wrk(url, scenario.conns, duration, headers)
    else:
        res = h2load(url, scenario.conns, duration, scenario.streams, scenario.h1, scenario.rate, headers,
                     os.path.join(workdir, "h2load.log"), os.path.join(workdir, "www", "grpc.bin") if scenario.data else None)
    res["cpu_s"] = cpu_seconds(t["pid"]) - cpu0
    return res


def check_grpc(name, port, frame_file):
    """One gRPC call answered with a message and grpc-status 0: a proxy's own gRPC error is an HTTP 200 too, so the
    load generator's status counts alone would not tell."""
    out = subprocess.run(["nghttp", "-nv", "-H", "content-type: application/grpc", "-H", "te: trailers", "-d",
                          frame_file, f"http://{HOST}:{port}{GRPC_PATH}"], capture_output=True,
                         timeout=10).stdout.decode(errors="replace")
    if "recv DATA frame <length=5" not in out or not re.search(r"grpc-status: 0\b", out):
        raise RuntimeError(f"{name}: gRPC {GRPC_PATH} on port {port} was not answered with a message and grpc-status 0:\n{out[-1500:]}")


def run_scenario(scenario, targets, args, workdir, names=PROXIES):
    log(f"({scenario.key}) {scenario.title}: warm-up {args.warmup} s for {' and '.join(JIT)}, then {args.rounds} "
        f"rounds x {args.duration} s")
    for proxy in [p for p in JIT if p in names] if args.warmup else ():
        load(scenario, proxy, targets, args.warmup, workdir)
    results = {p: [] for p in names}
    for r in range(args.rounds):
        order = names[r % len(names):] + names[:r % len(names)]  # each takes its turn going first
        for proxy in order:
            res = load(scenario, proxy, targets, args.duration, workdir)
            results[proxy].append(res)
            # The share of a core the proxy used: well under 100%, it waited for core 1 (load and backend) or for
            # whatever else ran on core 0; either way its requests/s understate it and its CPU per request does not.
            log(f"    round {r + 1} {proxy:8s} {res['rps']:9.0f} req/s  p50 {res['p50']:6.2f} ms  "
                f"p99 {res['p99']:6.2f} ms  CPU {res['cpu_s']:5.2f} s ({res['cpu_s'] / args.duration:4.0%} of a core)  "
                f"errors {res['errors']}")
    return results


def summarize(results):
    """Per proxy: median req/s, spread, median p50/p99, CPU s per 1M requests over all rounds, errors."""
    out = {}
    for proxy, runs in results.items():
        rps = [r["rps"] for r in runs]
        requests = sum(r["requests"] for r in runs)
        out[proxy] = {"rps": statistics.median(rps), "min": min(rps), "max": max(rps),
                      "p50": statistics.median(r["p50"] for r in runs),
                      "p99": statistics.median(r["p99"] for r in runs),
                      "cpu_per_m": sum(r["cpu_s"] for r in runs) / requests * 1e6 if requests else float("nan"),
                      "errors": sum(r["errors"] for r in runs), "cmd": runs[0]["cmd"]}
    return out


def print_scenario(scenario, s, reference_ours=None):
    print()
    rate = f" at {scenario.rate:,.0f} req/s" if scenario.rate else ""
    print(f"({scenario.key}) {scenario.title}{rate}")
    mb = scenario.body >= LARGE
    print(f"    {'proxy':8s} {'req/s':>9s} {'min-max':>17s} {'p50 ms':>8s} {'p99 ms':>8s} {'CPU s/1M':>9s} "
          f"{'errors':>7s}" + (f" {'MB/s':>7s}" if mb else ""))
    for proxy, v in s.items():
        print(f"    {proxy:8s} {v['rps']:9.0f} {v['min']:8.0f}-{v['max']:<8.0f} {v['p50']:8.2f} {v['p99']:8.2f} "
              f"{v['cpu_per_m']:9.1f} {v['errors']:7d}" + (f" {v['rps'] * scenario.body / 1e6:7.0f}" if mb else "") +
              ("  (behind the rate: its latency is not comparable)" if behind(scenario, v) else ""))
    for other in ("nginx", "haproxy", "floor") if "floor" not in s else ("nginx", "floor"):
        if other not in s:
            continue
        o, ours = s[other], s["ours"]
        line = (f"    ours/{other}: req/s {ours['rps'] / o['rps']:.2f}x, CPU per request "
                f"{ours['cpu_per_m'] / o['cpu_per_m']:.2f}x, p50 {ours['p50'] / o['p50']:.2f}x, "
                f"p99 {ours['p99'] / o['p99']:.2f}x")
        print(line)
    if "direct" in s:
        d = s["direct"]
        print("    (direct: the backend without a proxy at the same rate; its CPU column is the backend's)")
        print("    added latency (proxy - direct to the backend at the same rate): " + ", ".join(
            f"{p} p50 {s[p]['p50'] - d['p50']:+.2f} ms p99 {s[p]['p99'] - d['p99']:+.2f} ms" for p in PROXIES))
    print(f"    load: {' '.join(shlex.quote(c) for c in s['ours']['cmd'])}")
    if reference_ours:
        print(f"    ours with {ROUTES_AT_SCALE:,} routes / ours with 1 route in (a): req/s "
              f"{s['ours']['rps'] / reference_ours['rps']:.2f}x, CPU per request "
              f"{s['ours']['cpu_per_m'] / reference_ours['cpu_per_m']:.2f}x")


def behind(scenario, v):
    """(g): a proxy that served less than 95% of the paced rate in some round was saturated, not paced."""
    return scenario.rate is not None and v["min"] < 0.95 * scenario.rate


def print_table(summaries):
    """The whole run as one markdown table (what README's Performance section shows)."""
    print()
    print("| scenario | nginx req/s | HAProxy req/s | floor req/s | ours req/s | ours/nginx | ours/floor "
          "| CPU s/1M nginx / HAProxy / floor / ours | p99 ms nginx / HAProxy / floor / ours |")
    print("|---|---|---|---|---|---|---|---|---|")
    for scenario, s in summaries:
        cell = lambda p, f: f(s[p]) if p in s else "–"  # noqa: E731 ((h) runs without the floor)
        cpu = " / ".join(cell(p, lambda v: f"{v['cpu_per_m']:.1f}") for p in PROXIES)
        p99 = " / ".join(cell(p, lambda v: f"{v['p99']:.2f}") for p in PROXIES)
        print(f"| ({scenario.key}) {scenario.title} | " + " | ".join(cell(p, lambda v: f"{v['rps']:,.0f}") for p in PROXIES) +
              f" | {s['ours']['rps'] / s['nginx']['rps']:.2f} | {cell('floor', lambda v: format(s['ours']['rps'] / v['rps'], '.2f'))} "
              f"| {cpu} | {p99} |")


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description="nginx, HAProxy, the floor and our gateway side by side, one core each.")
    ap.add_argument("--gateway", required=True, help="the published gateway binary (dataplane.sh passes it)")
    ap.add_argument("--floor", required=True, help="the published floor binary, bench/Floor (dataplane.sh passes it)")
    ap.add_argument("--quick", action="store_true", help="2 rounds x 2 s, 1 s warm-up: every scenario in < 3 minutes")
    ap.add_argument("--rounds", type=int, help="interleaved rounds per scenario (default 5; --quick 2)")
    ap.add_argument("--duration", type=int, help="seconds per round (default 10; --quick 2)")
    ap.add_argument("--warmup", type=int, help="seconds of unmeasured load on the floor and ours before each "
                    "scenario, for the JIT (default 3; --quick 1)")
    ap.add_argument("--scenarios", default="abcdefgh", help="which scenarios, e.g. a,c (default all: a-h)")
    ap.add_argument("--base-port", type=int, default=18400, help="ports base+1 .. base+52 on 127.0.0.1")
    ap.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                    help="extra environment for the floor and the gateway, e.g. DOTNET_gcServer=1")
    ap.add_argument("--keep", action="store_true", help="keep the work directory (configs and logs)")
    args = ap.parse_args()
    args.rounds = args.rounds or (2 if args.quick else 5)
    args.duration = args.duration or (2 if args.quick else 10)
    args.warmup = args.warmup if args.warmup is not None else (1 if args.quick else 3)
    all_scenarios = scenarios()
    chosen = [k for k in args.scenarios.replace(",", "") if k.strip()]
    unknown = [k for k in chosen if k not in all_scenarios]
    if unknown or not chosen:
        ap.error(f"unknown scenario(s) {unknown}: pick from {', '.join(all_scenarios)}")
    if os.cpu_count() < 2:
        ap.error("needs 2 cores: the proxies run on core 0, the backend and the load generators on core 1")

    started = time.time()
    load_before = open("/proc/loadavg").read().split()[:3]
    workdir = tempfile.mkdtemp(prefix="gw-dataplane-")
    bp = args.base_port
    backend_port = bp + 1
    dotnet_env = dict(os.environ, **dict(e.split("=", 1) for e in args.env))
    grpc_backend_port = bp + 2
    targets = {"nginx": {"http": bp + 10, "tls": bp + 11, "grpc": bp + 12},
               "haproxy": {"http": bp + 20, "tls": bp + 21, "grpc": bp + 22},
               "floor": {"http": bp + 30, "tls": bp + 31},
               "ours": {"http": bp + 40, "tls": bp + 41, "admin": bp + 42, "grpc": bp + 40}}
    summaries = []
    try:
        log(f"work dir {workdir}; proxies on core {PROXY_CORE}, backend and load on core {LOAD_CORE}")
        cert, key, pem = certificate(workdir)
        # nginx started as root serves files as `nobody`: the file and the way to it must be readable by others.
        os.chmod(workdir, 0o711)
        os.makedirs(os.path.join(workdir, "www"), mode=0o755)
        large_file = os.path.join(workdir, "www", "1m.bin")
        with open(large_file, "wb") as f:
            f.write(os.urandom(LARGE))
        os.chmod(large_file, 0o644)
        grpc_frame = os.path.join(workdir, "www", "grpc.bin")
        with open(grpc_frame, "wb") as f:
            f.write(GRPC_FRAME)
        os.chmod(grpc_frame, 0o644)

        backend = bench.start(pinned(LOAD_CORE, bench.nginx_conf(workdir, "nginx-backend",
                                                                 backend_server(backend_port, large_file, grpc_backend_port, grpc_frame), 1)),
                              "nginx-backend", workdir)
        bench.wait_http(f"http://{HOST}:{backend_port}/", 10)

        t = targets["nginx"]
        t["proc"] = bench.start(pinned(PROXY_CORE, bench.nginx_conf(
            workdir, "nginx-proxy", nginx_proxy_server(t["http"], t["tls"], backend_port, cert, key, t["grpc"], grpc_backend_port), 1)),
            "nginx-proxy", workdir)
        t = targets["haproxy"]
        t["proc"] = bench.start(pinned(PROXY_CORE, haproxy_cfg(workdir, t["http"], t["tls"], backend_port, pem, t["grpc"], grpc_backend_port)),
                                "haproxy", workdir)
        t = targets["floor"]
        t["proc"] = bench.start(pinned(PROXY_CORE, [args.floor, f"{HOST}:{t['http']}",
                                                    f"http://{HOST}:{backend_port}", f"{HOST}:{t['tls']}", cert, key]),
                                "floor", workdir, env=dotnet_env)
        t = targets["ours"]
        gateway_config(os.path.join(workdir, "cfg"), t["http"], t["tls"], backend_port, cert, key, grpc_backend_port)
        ours_cmd = [args.gateway, "--config-dir", os.path.join(workdir, "cfg"), "--admin-port", str(t["admin"]),
                    "--listen-address", HOST, "--log-level", "Warning", "--drain-period", "0s"]
        t["proc"] = bench.start(pinned(PROXY_CORE, ours_cmd), "gateway", workdir, env=dotnet_env)
        wait_serving("ours", t["proc"], f"http://{HOST}:{t['admin']}/readyz", workdir)

        # Every proxy answers the backend's body over HTTP and HTTPS, and the 1 MiB file whole, before anything runs.
        for proxy, t in targets.items():
            wait_serving(proxy, t["proc"], f"http://{HOST}:{t['http']}/", workdir)
            check(proxy, f"http://{HOST}:{t['http']}/", 200, BODY)
            check(proxy, f"https://{HOST}:{t['tls']}/", 200, BODY)
            check(proxy, f"http://{HOST}:{t['http']}{LARGE_PATH}", 200, want_length=LARGE)
        for t in targets.values():
            t["pid"] = t["proc"].pid
        targets["direct"] = {"http": backend_port, "pid": backend.pid}  # (g)'s baseline, no proxy
        log("all four proxies answer over HTTP and HTTPS: " +
            ", ".join(f"{p} pid {t['pid']}" for p, t in targets.items()))

        nginx_max = None
        reference_ours = None
        for key in chosen:
            scenario = all_scenarios[key]
            run_targets = targets
            scale = None
            if key == "f":
                scale = start_at_scale(args, workdir, bp, backend_port, dotnet_env)
                host, path, headers = bench.route_request(ROUTES_AT_SCALE - 1)
                matched = {"path": path, "headers": {"Host": host, **headers}}
                run_targets = {p: {**t, **matched} for p, t in targets.items()}
                run_targets["ours"] = {**scale, **matched}
            if key == "g":
                if nginx_max is None:
                    log("(g) needs nginx's maximum: measuring it as in (a)")
                    res = load(all_scenarios["a"], "nginx", targets, args.duration, workdir)
                    nginx_max = res["rps"]
                scenario.rate = nginx_max / 2
            # (g) also measures the backend without a proxy at the same rate: what the proxies add is the difference.
            names = PROXIES + ("direct",) if key == "g" else scenario.names
            if key == "h":
                for proxy in names:
                    check_grpc(proxy, targets[proxy]["grpc"], os.path.join(workdir, "www", "grpc.bin"))
            try:
                s = summarize(run_scenario(scenario, run_targets, args, workdir, names))
            finally:
                if scale:
                    stop(scale["proc"])
            if key == "a":
                nginx_max, reference_ours = s["nginx"]["rps"], s["ours"]
            summaries.append((scenario, s))

        print()
        print("=" * 100)
        print(f"Data plane side by side ({os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d %H:%M:%S')}, "
              f"{args.rounds} rounds x {args.duration} s{' (--quick)' if args.quick else ''}, "
              f"{time.time() - started:.0f} s): each proxy on core {PROXY_CORE}, backend and load on core {LOAD_CORE}")
        print(f"load average (1/5/15 min) at the start {' '.join(load_before)}, at the end "
              f"{' '.join(open('/proc/loadavg').read().split()[:3])}: above ~2 the machine was shared and the "
              "requests/s are too; CPU per request holds up better")
        print("=" * 100)
        for scenario, s in summaries:
            print_scenario(scenario, s, reference_ours if scenario.key == "f" else None)
        print_table(summaries)
        print()
        print(f"versions: {tool_versions()}")
        print(f"gateway: {' '.join(shlex.quote(c) for c in ours_cmd)}" +
              (f"  (environment {' '.join(args.env)})" if args.env else ""))
        alive = {p: bench_alive(p) for p in ("nginx-proxy", "haproxy", "floor", "gateway")}
        print(f"alive at the end: {alive}")
        errors = sum(v["errors"] for _, s in summaries for v in s.values())
        print(f"errors (non-2xx, socket errors, failed streams) in all measured runs: {errors}")
        print("=" * 100)
        return 0
    finally:
        bench.finish(workdir, args.keep)


def start_at_scale(args, workdir, bp, backend_port, env):
    """(f): a second gateway with 10,000 routes (bench.py's shape: a hostname, a path prefix and a header each), on
    core 0 beside the others, for this scenario only."""
    directory = os.path.join(workdir, "cfg-10k")
    port, admin = bp + 50, bp + 52
    bench.generate(directory, ROUTES_AT_SCALE, 100, port, backend_port)
    cmd = [args.gateway, "--config-dir", directory, "--admin-port", str(admin), "--listen-address", HOST,
           "--log-level", "Warning", "--drain-period", "0s"]
    t0 = time.perf_counter()
    proc = bench.start(pinned(PROXY_CORE, cmd), "gateway-10k", workdir, env=env)
    wait_serving("ours (10k)", proc, f"http://{HOST}:{admin}/readyz", workdir, 180)
    host, path, headers = bench.route_request(ROUTES_AT_SCALE - 1)
    wait_serving("ours (10k)", proc, f"http://{HOST}:{port}{path}", workdir, 120, {"Host": host, **headers})
    check("ours (10k)", f"http://{HOST}:{port}{path}", 200, BODY, headers={"Host": host, **headers})
    check("ours (10k)", f"http://{HOST}:{port}{path}", 404, headers={"Host": host})  # it does match on the header
    log(f"(f) gateway with {ROUTES_AT_SCALE:,} routes serving after {time.perf_counter() - t0:.1f} s (pid {proc.pid})")
    return {"http": port, "pid": proc.pid, "proc": proc}


def wait_serving(name, proc, url, workdir, timeout=120, headers=None):
    """Until url answers 200; a process that ends meanwhile fails at once, with the end of its log."""
    deadline = time.time() + timeout
    while True:
        if proc.poll() is not None:
            logname = next(n for n, p in bench.PROCS if p is proc)
            with open(os.path.join(workdir, f"{logname}.log")) as f:
                tail = f.read()[-2000:]
            raise RuntimeError(f"{name} exited with {proc.returncode} before serving:\n{tail}")
        try:
            if get(url, headers, timeout=2)[0] == 200:
                return
        except OSError:
            pass  # not listening yet
        if time.time() > deadline:
            raise RuntimeError(f"{name}: {url} not 200 after {timeout} s")
        time.sleep(0.05)


def stop(proc):
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def bench_alive(name):
    return any(n == name and p.poll() is None for n, p in bench.PROCS)


def tool_versions():
    def first_line(cmd):
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
            return (r.stdout + r.stderr).strip().splitlines()[0]
        except (OSError, IndexError, subprocess.TimeoutExpired):
            return "?"
    return "; ".join([first_line(["nginx", "-v"]), first_line(["haproxy", "-v"]), first_line(["wrk", "-v"]),
                      first_line(["h2load", "--version"]), first_line(["dotnet", "--version"])])


if __name__ == "__main__":
    bench.run(main)
