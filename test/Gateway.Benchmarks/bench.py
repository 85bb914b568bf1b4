#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Route-table-at-scale benchmark for the gateway: a small table (10 routes) and a large one (10,000) side by
side in one run, reported as ratios. Started by run.sh, which builds the gateway and checks the tools.

Everything listens on 127.0.0.1 only. Every process started here is ended in `finally` (and run.sh's trap
ends this script's process group if it is interrupted)."""

import argparse
import http.client
import json
import os
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HOST = "127.0.0.1"
CONTROLLER = "gateway.seed.dev/gateway-controller"
PROCS = []


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


# ---------------------------------------------------------------- config generation

def gateway_yaml(listener_port, backend_port):
    return f"""apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata:
  name: bench
spec:
  controllerName: {CONTROLLER}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: bench
  namespace: default
spec:
  gatewayClassName: bench
  listeners:
  - name: http
    protocol: HTTP
    port: {listener_port}
---
apiVersion: v1
kind: Service
metadata:
  name: backend
  namespace: default
spec:
  ports:
  - name: http
    port: 80
    targetPort: {backend_port}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: backend-1
  namespace: default
  labels:
    kubernetes.io/service-name: backend
addressType: IPv4
ports:
- name: http
  port: {backend_port}
endpoints:
- addresses:
  - 127.0.0.1
  conditions:
    ready: true
"""


def route_yaml(name, host, path, tenant):
    return f"""apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: {name}
  namespace: default
spec:
  parentRefs:
  - name: bench
  hostnames:
  - {host}
  rules:
  - matches:
    - path:
        type: PathPrefix
        value: {path}
      headers:
      - name: x-tenant
        value: {tenant}
    backendRefs:
    - name: backend
      port: 80
"""


def route_request(i):
    """(host, path, headers) of a request that matches route i."""
    return f"r{i}.example.com", f"/api/r{i}/items", {"x-tenant": f"t{i}"}


def write_atomic(directory, name, text):
    tmp = os.path.join(directory, f".{name}.tmp")
    with open(tmp, "w") as f:
        f.write(text)
    os.rename(tmp, os.path.join(directory, name))


def generate(directory, routes, per_file, listener_port, backend_port):
    os.makedirs(directory, exist_ok=True)
    write_atomic(directory, "gateway.yaml", gateway_yaml(listener_port, backend_port))
    for start in range(0, routes, per_file):
        docs = [route_yaml(f"r{i}", f"r{i}.example.com", f"/api/r{i}", f"t{i}")
                for i in range(start, min(start + per_file, routes))]
        write_atomic(directory, f"routes-{start // per_file:03d}.yaml", "---\n".join(docs))


# ---------------------------------------------------------------- processes

def start(cmd, name, workdir, **kw):
    out = open(os.path.join(workdir, f"{name}.log"), "w")
    p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, **kw)
    PROCS.append((name, p))
    return p


def stop_all():
    for name, p in reversed(PROCS):
        if p.poll() is None:
            p.terminate()
    deadline = time.time() + 10
    for name, p in reversed(PROCS):
        try:
            p.wait(timeout=max(0.1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def nginx_conf(workdir, name, server_block, workers):
    prefix = os.path.join(workdir, name)
    os.makedirs(os.path.join(prefix, "logs"), exist_ok=True)
    conf = os.path.join(prefix, "nginx.conf")
    with open(conf, "w") as f:
        f.write(f"""worker_processes {workers};
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {prefix}/body;
  proxy_temp_path {prefix}/proxy;
  fastcgi_temp_path {prefix}/fastcgi;
  uwsgi_temp_path {prefix}/uwsgi;
  scgi_temp_path {prefix}/scgi;
  keepalive_requests 1000000;
{server_block}
}}
""")
    return ["nginx", "-p", prefix, "-c", conf]


def wait_http(url, timeout, headers=None, want=200):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            req = urllib.request.Request(url, headers=headers or {})
            with urllib.request.urlopen(req, timeout=2) as r:
                if r.status == want:
                    return True
        except urllib.error.HTTPError as e:
            last = e.code
            if e.code == want:
                return True
        except Exception as e:  # connection refused while starting
            last = e
        time.sleep(0.05)
    raise RuntimeError(f"{url} not {want} after {timeout}s (last: {last})")


def http_get(port, host, path, headers, timeout=5):
    c = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        c.request("GET", path, headers={"Host": host, **headers})
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


def admin_json(port, path):
    with urllib.request.urlopen(f"http://{HOST}:{port}{path}", timeout=30) as r:
        return json.load(r)


def admin_text(port, path):
    with urllib.request.urlopen(f"http://{HOST}:{port}{path}", timeout=30) as r:
        return r.read().decode()


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        fields = dict(line.split(":", 1) for line in f if ":" in line)
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


def rss_sampled(gws, seconds=5.0, every=0.5):
    """VmRSS sampled for a few seconds (it moves as the GC commits and decommits): median, min, max per gateway."""
    samples = {key: [] for key in gws}
    for _ in range(int(seconds / every)):
        for key, gw in gws.items():
            samples[key].append(rss_kb(gw["proc"].pid)[0])
        time.sleep(every)
    return {key: (int(statistics.median(v)), min(v), max(v), rss_kb(gws[key]["proc"].pid)[1]) for key, v in samples.items()}


def apply_stats(admin_port):
    """(count, sum seconds) of gateway_config_apply_duration_seconds with result=applied."""
    text = admin_text(admin_port, "/metrics")
    count = total = 0.0
    for line in text.splitlines():
        if line.startswith("gateway_config_apply_duration_seconds_count") and 'result="applied"' in line:
            count = float(line.rsplit(" ", 1)[1])
        elif line.startswith("gateway_config_apply_duration_seconds_sum") and 'result="applied"' in line:
            total = float(line.rsplit(" ", 1)[1])
    return count, total


def count_routes(config):
    """HTTP routes in a /config snapshot, however the JSON nests them."""
    n = 0
    for listener in config.get("listeners", []):
        for vh in listener.get("virtualHosts", []):
            n += len(vh.get("routes", []))
    return n


def route_acceptance(status_list):
    accepted = not_accepted = 0
    reasons = {}
    for item in status_list.get("items", []):
        if item.get("kind") != "HTTPRoute":
            continue
        ok = False
        for parent in (item.get("status") or {}).get("parents", []):
            for c in parent.get("conditions", []):
                if c.get("type") == "Accepted":
                    if c.get("status") == "True":
                        ok = True
                    else:
                        reasons[c.get("reason")] = reasons.get(c.get("reason"), 0) + 1
        if ok:
            accepted += 1
        else:
            not_accepted += 1
    return accepted, not_accepted, reasons


# ---------------------------------------------------------------- wrk

def wrk(args, port, host, path, headers):
    cmd = ["wrk", f"-t{args.wrk_threads}", f"-c{args.wrk_conns}", f"-d{args.wrk_duration}s",
           "-H", f"Host: {host}"] + sum((["-H", f"{k}: {v}"] for k, v in headers.items()), []) + \
          [f"http://{HOST}:{port}{path}"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=args.wrk_duration + 60).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sockerr = re.search(r"Socket errors:.*", out)
    lat = re.search(r"Latency\s+(\S+)\s+(\S+)\s+(\S+)", out)
    return {"rps": rps, "non2xx": int(non2xx.group(1)) if non2xx else 0,
            "sockerr": sockerr.group(0) if sockerr else "", "lat_avg": lat.group(1) if lat else "?",
            "cmd": " ".join(shlex.quote(c) for c in cmd)}


# ---------------------------------------------------------------- propagation

class Poller:
    """A keep-alive HTTP/1.1 client for tight polling; reconnects when the server closes."""

    def __init__(self, port):
        self.port = port
        self.conn = None

    def get(self, host, path, headers):
        for _ in range(2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(HOST, self.port, timeout=5)
                self.conn.request("GET", path, headers={"Host": host, **headers})
                r = self.conn.getresponse()
                body = r.read()
                if r.getheader("connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return r.status, body
            except (http.client.HTTPException, OSError):
                if self.conn:
                    self.conn.close()
                self.conn = None
        return -1, b""


def poll_until(poller, host, path, headers, pred, t0, timeout, interval):
    polls = 0
    while True:
        status, body = poller.get(host, path, headers)
        polls += 1
        now = time.perf_counter()
        if pred(status, body):
            return (now - t0) * 1000.0, polls
        if now - t0 > timeout:
            return None, polls
        time.sleep(interval)


def propagate_once(gw, i, args):
    """Add one route in a new file, time rename → first 200 from the backend; then delete it and time → 404."""
    name = f"prop-{i:04d}.yaml"
    host, path = f"prop{i}.example.com", f"/prop/{i}/x"
    headers = {"x-tenant": f"p{i}"}
    poller = Poller(gw["port"])
    # The route must not answer yet.
    status, _ = poller.get(host, path, headers)
    assert status == 404, f"prop route {i} answered {status} before it existed"
    tmp = os.path.join(gw["dir"], f".{name}.tmp")
    with open(tmp, "w") as f:
        f.write(route_yaml(f"prop-{i}", host, f"/prop/{i}", f"p{i}"))
    t0 = time.perf_counter()
    os.rename(tmp, os.path.join(gw["dir"], name))
    add_ms, polls = poll_until(poller, host, path, headers,
                               lambda s, b: s == 200 and b == b"ok", t0, args.change_timeout, args.poll_interval)
    t1 = time.perf_counter()
    os.unlink(os.path.join(gw["dir"], name))
    del_ms, _ = poll_until(poller, host, path, headers, lambda s, b: s == 404, t1, args.change_timeout,
                           args.poll_interval)
    if poller.conn:
        poller.conn.close()
    return add_ms, del_ms, polls


def pct(values, p):
    if not values:
        return float("nan")
    s = sorted(values)
    k = (len(s) - 1) * p / 100.0
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gateway", required=True)
    ap.add_argument("--small", type=int, default=10)
    ap.add_argument("--large", type=int, default=10000)
    ap.add_argument("--per-file", type=int, default=100)
    ap.add_argument("--rounds", type=int, default=6, help="alternating wrk rounds (small, large[, nginx]) ")
    ap.add_argument("--wrk-threads", type=int, default=1)
    ap.add_argument("--wrk-conns", type=int, default=32)
    ap.add_argument("--wrk-duration", type=int, default=10)
    ap.add_argument("--changes", type=int, default=60, help="propagation samples per table size")
    ap.add_argument("--change-timeout", type=float, default=15.0)
    ap.add_argument("--poll-interval", type=float, default=0.001)
    ap.add_argument("--settle", type=float, default=5.0, help="seconds of quiet before an RSS sample")
    ap.add_argument("--no-nginx-ref", action="store_true")
    ap.add_argument("--base-port", type=int, default=18100)
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                    help="extra environment for both gateways, e.g. DOTNET_gcServer=0 (diagnostics)")
    args = ap.parse_args()

    started = time.time()
    workdir = tempfile.mkdtemp(prefix="gw-bench-")
    bp = args.base_port
    backend_port, nginx_ref_port = bp + 1, bp + 2
    gws = {
        "small": {"routes": args.small, "port": bp + 10, "admin": bp + 20, "dir": os.path.join(workdir, "cfg-small")},
        "large": {"routes": args.large, "port": bp + 11, "admin": bp + 21, "dir": os.path.join(workdir, "cfg-large")},
    }
    results = {"wrk": {"small": [], "large": [], "nginx": []}}
    try:
        log(f"work dir {workdir}")
        # Backend: nginx answering 200 "ok" on every path, one worker.
        start(nginx_conf(workdir, "nginx-backend", f"""  server {{
    listen {HOST}:{backend_port} reuseport backlog=4096;
    location / {{ return 200 "ok"; }}
  }}""", 1), "nginx-backend", workdir)
        wait_http(f"http://{HOST}:{backend_port}/", 10)

        if not args.no_nginx_ref:
            start(nginx_conf(workdir, "nginx-ref", f"""  upstream backend {{ server {HOST}:{backend_port}; keepalive 64; }}
  server {{
    listen {HOST}:{nginx_ref_port} backlog=4096;
    location / {{
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
    }}
  }}""", "auto"), "nginx-ref", workdir)
            wait_http(f"http://{HOST}:{nginx_ref_port}/", 10)

        for key, gw in gws.items():
            t = time.perf_counter()
            generate(gw["dir"], gw["routes"], args.per_file, gw["port"], backend_port)
            gw["gen_s"] = time.perf_counter() - t
            size = sum(os.path.getsize(os.path.join(gw["dir"], f)) for f in os.listdir(gw["dir"]))
            log(f"{key}: {gw['routes']} routes in {len(os.listdir(gw['dir'])) - 1} route files, {size / 1024:.0f} KiB")

        # Start both gateways; both stay up for the whole run so every comparison is side by side.
        for key, gw in gws.items():
            gw["cmd"] = [args.gateway, "--config-dir", gw["dir"], "--admin-port", str(gw["admin"]),
                         "--listen-address", HOST, "--log-level", "Warning"]
            gw["t_start"] = time.perf_counter()
            env = dict(os.environ, **dict(e.split("=", 1) for e in args.env))
            gw["proc"] = start(gw["cmd"], f"gateway-{key}", workdir, env=env)
        for key, gw in gws.items():
            wait_http(f"http://{HOST}:{gw['admin']}/readyz", 120)
            gw["ready_s"] = time.perf_counter() - gw["t_start"]
            mid = gw["routes"] // 2
            gw["mid"] = mid
            host, path, headers = route_request(mid)
            wait_http(f"http://{HOST}:{gw['port']}{path}", 60, {"Host": host, **headers})
            gw["serving_s"] = time.perf_counter() - gw["t_start"]
            log(f"{key}: /readyz after {gw['ready_s']:.2f}s, route r{mid} served after {gw['serving_s']:.2f}s "
                f"(pid {gw['proc'].pid})")

        # Sanity: the middle route answers only with its header; the table holds every route; all accepted.
        for key, gw in gws.items():
            host, path, headers = route_request(gw["mid"])
            ok = http_get(gw["port"], host, path, headers)
            miss = http_get(gw["port"], host, path, {})
            wrong = http_get(gw["port"], host, path, {"x-tenant": "t-1"})
            cfg = admin_json(gw["admin"], "/config")
            st = admin_json(gw["admin"], "/status")
            acc, nacc, reasons = route_acceptance(st)
            gw["sanity"] = (f"match={ok[0]} {ok[1][:10]!r} no-header={miss[0]} wrong-header={wrong[0]} "
                            f"routes-in-/config={count_routes(cfg)} accepted={acc} not-accepted={nacc} {reasons or ''} "
                            f"version={cfg.get('version')}")
            log(f"{key}: {gw['sanity']}")
            if ok[0] != 200 or ok[1] != b"ok" or miss[0] != 404:
                raise RuntimeError(f"{key}: the benchmark route does not behave as expected: {gw['sanity']}")

        # Warm up both (JIT, connection pools), then the first memory sample.
        for key, gw in gws.items():
            host, path, headers = route_request(gw["mid"])
            warm = wrk(argparse.Namespace(**{**vars(args), "wrk_duration": 3}), gw["port"], host, path, headers)
            log(f"{key}: warm-up {warm['rps']:.0f} req/s")
        time.sleep(args.settle)
        for key, rss in rss_sampled(gws).items():
            gws[key]["rss_warm"] = rss

        # (b) Alternating throughput rounds.
        for r in range(args.rounds):
            order = [("small", gws["small"]), ("large", gws["large"])]
            if r % 2:
                order.reverse()  # ABBA ordering: neither side always goes first
            for key, gw in order:
                host, path, headers = route_request(gw["mid"])
                res = wrk(args, gw["port"], host, path, headers)
                results["wrk"][key].append(res)
                log(f"round {r + 1} {key:5s}: {res['rps']:9.0f} req/s  avg {res['lat_avg']}  non-2xx {res['non2xx']} "
                    f"{res['sockerr']}")
            if not args.no_nginx_ref:
                host, path, headers = route_request(gws["large"]["mid"])
                res = wrk(args, nginx_ref_port, host, path, headers)
                results["wrk"]["nginx"].append(res)
                log(f"round {r + 1} nginx: {res['rps']:9.0f} req/s  avg {res['lat_avg']}  non-2xx {res['non2xx']} "
                    f"{res['sockerr']}")

        # (c) Memory after the load, once quiet.
        time.sleep(args.settle)
        for key, gw in gws.items():
            host, path, headers = route_request(gw["mid"])
            for _ in range(20):
                http_get(gw["port"], host, path, headers)
        for key, rss in rss_sampled(gws).items():
            gw = gws[key]
            gw["rss_steady"] = rss
            log(f"{key}: VmRSS median {rss[0]} KB (min {rss[1]}, max {rss[2]}; after warm-up {gw['rss_warm'][0]} KB), "
                f"VmHWM {rss[3]} KB")

        # (a) Propagation, interleaved small/large, one new file per change, then its removal.
        for key, gw in gws.items():
            gw["add_ms"], gw["del_ms"], gw["timeouts"] = [], [], 0
            gw["apply0"] = apply_stats(gw["admin"])
        for i in range(args.changes):
            for key, gw in (gws.items() if i % 2 == 0 else reversed(list(gws.items()))):
                add_ms, del_ms, polls = propagate_once(gw, i, args)
                if add_ms is None or del_ms is None:
                    gw["timeouts"] += 1
                    log(f"{key}: change {i} TIMED OUT (add {add_ms}, delete {del_ms})")
                else:
                    gw["add_ms"].append(add_ms)
                    gw["del_ms"].append(del_ms)
            if (i + 1) % 10 == 0:
                log(f"propagation {i + 1}/{args.changes}: " + ", ".join(
                    f"{k} add p50 {pct(g['add_ms'], 50):.0f} ms, VmRSS {rss_kb(g['proc'].pid)[0]} KB"
                    for k, g in gws.items()))
        for key, gw in gws.items():
            c1, s1 = apply_stats(gw["admin"])
            c0, s0 = gw["apply0"]
            gw["apply_mean_ms"] = (s1 - s0) / (c1 - c0) * 1000 if c1 > c0 else float("nan")
            gw["applies"] = c1 - c0
            gw["alive"] = gw["proc"].poll() is None
        time.sleep(args.settle)
        for key, rss in rss_sampled(gws).items():
            gws[key]["rss_end"] = rss

        # ---------------------------------------------------------------- summary
        s, l = gws["small"], gws["large"]
        med = {k: statistics.median(r["rps"] for r in v) for k, v in results["wrk"].items() if v}
        # Headline: the median of per-round ratios (each round runs both back to back, so slow drift of the
        # machine cancels within a round); the ratio of the two medians is printed beside it.
        pair_ratios = [b["rps"] / a["rps"] for a, b in zip(results["wrk"]["small"], results["wrk"]["large"])]
        ratio_rps = statistics.median(pair_ratios)
        ratio_of_medians = med["large"] / med["small"]
        kb_per_route = (l["rss_steady"][0] - s["rss_steady"][0]) / (l["routes"] - s["routes"])
        kb_per_route_warm = (l["rss_warm"][0] - s["rss_warm"][0]) / (l["routes"] - s["routes"])
        kb_per_route_end = (l["rss_end"][0] - s["rss_end"][0]) / (l["routes"] - s["routes"])
        wcmd = results["wrk"]["large"][0]["cmd"]
        non2xx = sum(r["non2xx"] for v in results["wrk"].values() for r in v)

        def short(n):
            return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else str(n)

        def verdict(ok):
            return "PASS" if ok else "MISS"

        print()
        print("=" * 78)
        print(f"Gateway route-table benchmark: {s['routes']} vs {l['routes']} HTTPRoutes "
              f"({os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d %H:%M:%S')}, {time.time() - started:.0f} s)")
        print("=" * 78)
        print("startup (process start -> middle route served):  "
              f"small {s['serving_s']:.2f} s, large {l['serving_s']:.2f} s")
        print()
        print(f"(a) propagation: new route file renamed in -> first 200 'ok' ({args.changes} changes each, "
              f"poll every {args.poll_interval * 1000:.0f} ms)")
        for key, gw in gws.items():
            print(f"    {key:5s} ({gw['routes']:>5} routes): add p50 {pct(gw['add_ms'], 50):6.1f} ms  "
                  f"p99 {pct(gw['add_ms'], 99):6.1f} ms  max {max(gw['add_ms'] or [float('nan')]):6.1f} ms | "
                  f"delete p50 {pct(gw['del_ms'], 50):6.1f} ms p99 {pct(gw['del_ms'], 99):6.1f} ms | "
                  f"timeouts {gw['timeouts']} | mean translate+apply {gw['apply_mean_ms']:.1f} ms "
                  f"over {gw['applies']:.0f} applies")
        print(f"    p50 ratio (large/small) = {pct(l['add_ms'], 50) / pct(s['add_ms'], 50):.2f}; "
              f"large p99 {pct(l['add_ms'], 99):.1f} ms vs target 100 ms: {verdict(pct(l['add_ms'], 99) <= 100)}")
        print()
        print(f"(b) throughput, {args.rounds} alternating rounds, median req/s: small {med['small']:.0f}, "
              f"large {med['large']:.0f}" + (f", nginx {med['nginx']:.0f}" if "nginx" in med else ""))
        print(f"    per-round ratios (large/small): {', '.join(f'{x:.3f}' for x in pair_ratios)}")
        print(f"    rps ratio ({short(l['routes'])}/{short(s['routes'])}) = {ratio_rps:.3f}  (median of per-round ratios; target >= 0.95: "
              f"{verdict(ratio_rps >= 0.95)}); ratio of medians {ratio_of_medians:.3f}")
        print(f"    non-2xx responses in all wrk runs: {non2xx}")
        print()
        print(f"(c) memory: VmRSS median of 10 samples over 5 s, after the wrk rounds + {args.settle:.0f} s quiet: "
              f"small {s['rss_steady'][0]} KB (min {s['rss_steady'][1]}, max {s['rss_steady'][2]}), "
              f"large {l['rss_steady'][0]} KB (min {l['rss_steady'][1]}, max {l['rss_steady'][2]})")
        print(f"    KB per route = {kb_per_route:.2f}  (target <= 5: {verdict(kb_per_route <= 5)})")
        print(f"    same, sampled after warm-up only: {kb_per_route_warm:.2f}; after the {2 * args.changes} config "
              f"changes of (a): {kb_per_route_end:.2f} (small {s['rss_end'][0]} KB, large {l['rss_end'][0]} KB)")
        print(f"    VmHWM (peak RSS) at the end: small {s['rss_end'][3]} KB, large {l['rss_end'][3]} KB")
        if "nginx" in med:
            print()
            print(f"(d) gateway_rps / nginx_rps = small {med['small'] / med['nginx']:.3f}, "
                  f"large {med['large'] / med['nginx']:.3f}  (nginx {med['nginx']:.0f} req/s, same backend)")
        print()
        print("commands:")
        print(f"    gateway: {' '.join(shlex.quote(c) for c in l['cmd'])}")
        print(f"    wrk:     {wcmd}")
        print(f"    bench:   {' '.join(shlex.quote(a) for a in sys.argv)}")
        if args.env:
            print(f"    gateway environment: {' '.join(args.env)}")
        print(f"    gateways alive at end: small {s['alive']}, large {l['alive']}")
        for key, gw in gws.items():
            with open(os.path.join(workdir, f"gateway-{key}.log")) as f:
                bad = [line.rstrip() for line in f if re.search(r" (WRN|ERR|FTL) ", line)]
            print(f"    gateway {key} log lines at WRN or above: {len(bad)}")
            for line in bad[:5]:
                print(f"      {line[:200]}")
        print("=" * 78)
        return 0
    finally:
        finish(workdir, args.keep)


def finish(workdir, keep):
    """Ends every process started here, then removes the work dir unless asked to keep it."""
    stop_all()
    if keep:
        log(f"kept {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)


def run(main):
    """Runs a benchmark's main as this script's entry point (SIGTERM ends it through its `finally`)."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.exit(main())


if __name__ == "__main__":
    run(main)
