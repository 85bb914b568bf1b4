#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Memory after churn: one gateway on a config dir of N routes, a light request load, M minutes of route changes at
R a second, then 60 s of quiet. Prints start RSS, peak, end RSS, end/start and the slope after the churn, with the
GC's view from /metrics beside it. Started by soak.sh, which builds the gateway and checks the tools.

The config at the end is the config at the start (routes added during the churn are removed and edited files are
written back), so any growth is memory the churn left behind, not a larger table. Everything listens on 127.0.0.1;
every process started here is ended in `finally` (soak.sh's trap ends this script's process group if interrupted)."""

import argparse
import http.client
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import bench
from bench import HOST, log, rss_kb

# Runtime series from the built-in System.Runtime meter, as the Prometheus exporter names them.
GC_HEAP = "dotnet_gc_last_collection_heap_size_bytes"
GC_COMMITTED = "dotnet_gc_last_collection_memory_committed_size_bytes"
GC_COLLECTIONS = "dotnet_gc_collections_total"
ALLOCATED = "dotnet_gc_heap_total_allocated_bytes_total"
THREADS = "dotnet_thread_pool_thread_count_total"
EXCEPTIONS = "dotnet_exceptions_total"


# ---------------------------------------------------------------- config

def base_route(i, revision=0):
    """Route r{i}; a revision > 0 adds a hostname and a header edit that change with it (matching stays the same)."""
    text = bench.route_yaml(f"r{i}", f"r{i}.example.com", f"/api/r{i}", f"t{i}")
    if revision:
        text = text.replace("  hostnames:\n", f"  hostnames:\n  - r{i}-v{revision}.example.com\n")
        text = text.replace("    backendRefs:\n", "    filters:\n    - type: RequestHeaderModifier\n"
                            f"      requestHeaderModifier:\n        set:\n        - name: x-revision\n"
                            f"          value: \"{revision}\"\n    backendRefs:\n")
    return text


class Config:
    """The config dir: base route files (r0..rN-1, per_file a file) and churn files (one new route each)."""

    def __init__(self, directory, routes, per_file, pool):
        self.dir, self.routes, self.per_file, self.pool = directory, routes, per_file, pool
        self.revisions = [0] * routes
        self.churn = []  # live churn route numbers, oldest first
        self.next_churn = 0
        self.counts = {"modify": 0, "add": 0, "remove": 0}

    def write_file(self, f):
        first = f * self.per_file
        docs = [base_route(i, self.revisions[i]) for i in range(first, min(first + self.per_file, self.routes))]
        bench.write_atomic(self.dir, f"routes-{f:04d}.yaml", "---\n".join(docs))

    def generate(self, listener_port, backend_port):
        os.makedirs(self.dir, exist_ok=True)
        bench.write_atomic(self.dir, "gateway.yaml", bench.gateway_yaml(listener_port, backend_port))
        for f in range((self.routes + self.per_file - 1) // self.per_file):
            self.write_file(f)

    def change(self, rng):
        """One change: edit a base route, add a route in a new file, or delete the oldest added one."""
        op = rng.choice(("modify", "add", "remove"))
        if op == "add" and len(self.churn) >= self.pool:
            op = "remove"
        if op == "remove" and not self.churn:
            op = "add"
        if op == "modify":
            i = rng.randrange(self.routes)
            self.revisions[i] += 1
            self.write_file(i // self.per_file)
        elif op == "add":
            n = self.next_churn
            self.next_churn += 1
            bench.write_atomic(self.dir, f"churn-{n:06d}.yaml",
                               bench.route_yaml(f"c{n}", f"c{n}.example.com", f"/api/c{n}", f"t{n}"))
            self.churn.append(n)
        else:
            os.unlink(os.path.join(self.dir, f"churn-{self.churn.pop(0):06d}.yaml"))
        self.counts[op] += 1

    def restore(self):
        """Back to the starting config: churn files removed, edited files written as they were."""
        while self.churn:
            os.unlink(os.path.join(self.dir, f"churn-{self.churn.pop():06d}.yaml"))
        edited = {i // self.per_file for i, r in enumerate(self.revisions) if r}
        self.revisions = [0] * self.routes
        for f in sorted(edited):
            self.write_file(f)

    def live_requests(self, rng):
        """(host, path, headers, is_base) of a request to a route that exists now (or did a moment ago)."""
        if self.churn and rng.random() < 0.3:
            n = rng.choice(self.churn)
            return f"c{n}.example.com", f"/api/c{n}/x", {"x-tenant": f"t{n}"}, False
        i = rng.randrange(self.routes)
        host, path, headers = bench.route_request(i)
        return host, path, headers, True


# ---------------------------------------------------------------- load

class Load(threading.Thread):
    """A light keep-alive request load at a fixed rate, spread over the live routes."""

    def __init__(self, port, config, rate, seed, check_body):
        super().__init__(daemon=True)
        self.port, self.config, self.rate, self.check_body = port, config, rate, check_body
        self.rng = random.Random(seed)
        self.stop = threading.Event()
        self.sent = self.base_failed = self.churn_missed = 0
        self.base_failures = {}

    def run(self):
        poller = bench.Poller(self.port)
        interval = 1.0 / self.rate
        next_at = time.perf_counter()
        while not self.stop.is_set():
            host, path, headers, is_base = self.config.live_requests(self.rng)
            status, body = poller.get(host, path, headers)
            self.sent += 1
            if is_base and (status != 200 or (self.check_body and body != b"ok")):
                self.base_failed += 1
                self.base_failures[status] = self.base_failures.get(status, 0) + 1
            elif not is_base and status != 200:
                self.churn_missed += 1  # the route may have been deleted a moment ago
            next_at += interval
            self.stop.wait(max(0.0, next_at - time.perf_counter()))
        if poller.conn:
            poller.conn.close()


# ---------------------------------------------------------------- sampling

def runtime_metrics(admin_port):
    """The few runtime numbers we print, from /metrics (missing ones are None)."""
    try:
        text = bench.admin_text(admin_port, "/metrics")
    except Exception:  # a slow scrape under churn must not end the run
        return {}
    values = {}
    series = 0
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        series += 1
        if "{" in line:  # name{labels} value [timestamp]
            name, rest = line.split("{", 1)
            labels, _, tail = rest.rpartition("}")
        else:
            name, _, tail = line.partition(" ")
            labels = ""
        try:
            value = float(tail.split()[0])
        except (ValueError, IndexError):
            continue
        if name in (GC_HEAP, GC_COLLECTIONS, EXCEPTIONS):
            key = name
            if name == GC_COLLECTIONS:
                gen = labels.split('gc_heap_generation="', 1)[-1].split('"', 1)[0]
                key = f"{name}:{gen}"
            values[key] = values.get(key, 0.0) + value
        elif name in (GC_COMMITTED, ALLOCATED, THREADS):
            values[name] = value
    values["series"] = series
    return values


class Sampler(threading.Thread):
    """VmRSS and runtime metrics every few seconds, each tagged with the phase it was taken in."""

    def __init__(self, pid, admin_port, every, csv_path):
        super().__init__(daemon=True)
        self.pid, self.admin_port, self.every = pid, admin_port, every
        self.phase = "warmup"
        self.samples = []  # (t, phase, rss_kb, metrics)
        self.stop = threading.Event()
        self.csv = open(csv_path, "w")
        self.csv.write("t,phase,rss_kb,gc_heap_bytes,gc_committed_bytes,gen0,gen1,gen2,allocated_bytes,threads,series\n")

    def run(self):
        t0 = time.monotonic()
        while not self.stop.is_set():
            rss = rss_kb(self.pid)[0]
            m = runtime_metrics(self.admin_port)
            t = time.monotonic() - t0
            self.samples.append((t, self.phase, rss, m))
            self.csv.write(",".join(str(x) for x in (
                f"{t:.1f}", self.phase, rss, m.get(GC_HEAP, ""), m.get(GC_COMMITTED, ""),
                m.get(f"{GC_COLLECTIONS}:gen0", ""), m.get(f"{GC_COLLECTIONS}:gen1", ""),
                m.get(f"{GC_COLLECTIONS}:gen2", ""), m.get(ALLOCATED, ""), m.get(THREADS, ""),
                m.get("series", ""))) + "\n")
            self.csv.flush()
            self.stop.wait(self.every)
        self.csv.close()

    def phase_samples(self, phase, since=None):
        return [s for s in self.samples if s[1] == phase and (since is None or s[0] >= since)]


def slope_mb_per_min(samples):
    """Least-squares slope of VmRSS over time, MB a minute."""
    if len(samples) < 3:
        return float("nan")
    ts = [s[0] for s in samples]
    ys = [s[2] / 1024 for s in samples]
    mt, my = statistics.fmean(ts), statistics.fmean(ys)
    den = sum((t - mt) ** 2 for t in ts)
    return sum((t - mt) * (y - my) for t, y in zip(ts, ys)) / den * 60 if den else float("nan")


def mb(kb):
    return f"{kb / 1024:.1f} MB"


def describe(m):
    def get(key, scale=1.0, fmt="{:.1f}"):
        return fmt.format(m[key] / scale) if key in m else "?"
    return (f"GC heap {get(GC_HEAP, 2**20)} MB, committed {get(GC_COMMITTED, 2**20)} MB, "
            f"collections gen0/1/2 {get(GC_COLLECTIONS + ':gen0', fmt='{:.0f}')}/"
            f"{get(GC_COLLECTIONS + ':gen1', fmt='{:.0f}')}/{get(GC_COLLECTIONS + ':gen2', fmt='{:.0f}')}, "
            f"allocated {get(ALLOCATED, 2**30, '{:.2f}')} GB, thread-pool threads {get(THREADS, fmt='{:.0f}')}, "
            f"exceptions {get(EXCEPTIONS, fmt='{:.0f}')}, /metrics series {m.get('series', '?')}")


def gcdump(args, pid, workdir, name):
    """A heap dump for diagnosis (it forces a full collection, so it is taken after the RSS it would disturb)."""
    if args.gcdump:
        path = os.path.join(workdir, f"{name}.gcdump")
        subprocess.run([args.gcdump, "collect", "-p", str(pid), "-o", path], capture_output=True, timeout=300)
        log(f"heap dump {path}: {args.gcdump} report {path}")


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description="Memory after route churn (see README.md in this directory).")
    ap.add_argument("--gateway", required=True)
    ap.add_argument("--minutes", type=float, default=10, help="churn duration")
    ap.add_argument("--routes", type=int, default=1000, help="routes in the config dir at the start")
    ap.add_argument("--rate", type=float, default=10, help="changes a second during the churn")
    ap.add_argument("--per-file", type=int, default=10, help="routes per base file")
    ap.add_argument("--pool", type=int, default=100, help="most routes added by the churn alive at once")
    ap.add_argument("--load-rps", type=float, default=50, help="requests a second during the whole run")
    ap.add_argument("--warmup", type=float, default=30, help="seconds of load before the start RSS")
    ap.add_argument("--after", type=float, default=60, help="seconds after the churn when the end RSS is taken")
    ap.add_argument("--sample-every", type=float, default=2.0)
    ap.add_argument("--limit", type=float, default=1.2, help="PASS when end/start <= this")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--base-port", type=int, default=18300)
    ap.add_argument("--keep", action="store_true", help="keep the work dir (config, logs, samples.csv)")
    ap.add_argument("--gcdump", metavar="DOTNET_GCDUMP",
                    help="path of dotnet-gcdump: heap dumps after the start and end RSS go to the (kept) work dir")
    ap.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                    help="extra environment for the gateway, e.g. DOTNET_GCgen0size=... (diagnostics)")
    args = ap.parse_args()

    started = time.time()
    workdir = tempfile.mkdtemp(prefix="gw-soak-")
    bp = args.base_port
    backend_port, port, admin = bp + 1, bp + 10, bp + 20
    config = Config(os.path.join(workdir, "cfg"), args.routes, args.per_file, args.pool)
    rng = random.Random(args.seed)
    load = sampler = None
    try:
        log(f"work dir {workdir}")
        if shutil.which("nginx"):
            bench.start(bench.nginx_conf(workdir, "nginx-backend", f"""  server {{
    listen {HOST}:{backend_port} reuseport backlog=4096;
    location / {{ return 200 "ok"; }}
  }}""", 1), "backend", workdir)
            backend = "nginx"
        else:
            # The demo command's echo backend, in a gateway process of its own with an empty config dir.
            empty = os.path.join(workdir, "demo-empty")
            os.makedirs(empty)
            bench.start([args.gateway, "demo", "--config-dir", empty, "--backend-port", str(backend_port),
                         "--admin-port", str(bp + 21), "--log-level", "Warning"], "backend", workdir)
            backend = "gateway demo backend"
        bench.wait_http(f"http://{HOST}:{backend_port}/", 60)
        if backend != "nginx":
            log("nginx is not installed: the demo backend answers, so only the status of each request is checked")

        config.generate(port, backend_port)
        cmd = [args.gateway, "--config-dir", config.dir, "--admin-port", str(admin),
               "--listen-address", HOST, "--log-level", "Warning"]
        env = dict(os.environ, **dict(e.split("=", 1) for e in args.env))
        proc = bench.start(cmd, "gateway", workdir, env=env)
        bench.wait_http(f"http://{HOST}:{admin}/readyz", 120)
        host, path, headers = bench.route_request(args.routes - 1)
        bench.wait_http(f"http://{HOST}:{port}{path}", 60, {"Host": host, **headers})
        log(f"gateway pid {proc.pid} serving {args.routes} routes; backend {backend}")

        sampler = Sampler(proc.pid, admin, args.sample_every, os.path.join(workdir, "samples.csv"))
        sampler.start()
        load = Load(port, config, args.load_rps, args.seed, check_body=backend == "nginx")
        load.start()

        time.sleep(args.warmup)
        start_samples = sampler.phase_samples("warmup", since=args.warmup - 10)
        start_rss = statistics.median(s[2] for s in start_samples)
        start_metrics = start_samples[-1][3]
        log(f"start: VmRSS {mb(start_rss)}; {describe(start_metrics)}")
        gcdump(args, proc.pid, workdir, "start")

        sampler.phase = "churn"
        churn_s = args.minutes * 60
        interval = 1.0 / args.rate
        t0 = time.monotonic()
        next_at, last_report = t0, t0
        while time.monotonic() - t0 < churn_s:
            config.change(rng)
            next_at += interval
            now = time.monotonic()
            if now - last_report >= 60:
                last_report = now
                log(f"churn {now - t0:.0f}/{churn_s:.0f} s: {sum(config.counts.values())} changes "
                    f"({config.counts}); VmRSS {mb(rss_kb(proc.pid)[0])}; {describe(sampler.samples[-1][3])}")
            time.sleep(max(0.0, next_at - time.monotonic()))
        config.restore()
        sampler.phase = "after"
        churn_end = sampler.samples[-1][0] if sampler.samples else 0
        log(f"churn over ({sum(config.counts.values())} changes: {config.counts}); config restored to the start")

        time.sleep(args.after)
        after = sampler.phase_samples("after")
        end_window = [s for s in after if s[0] >= churn_end + args.after - 10]
        end_rss = statistics.median(s[2] for s in end_window)
        peak_rss = max(s[2] for s in sampler.samples)
        hwm = rss_kb(proc.pid)[1]
        slope = slope_mb_per_min([s for s in after if s[0] >= churn_end + 5])
        end_metrics = after[-1][3]
        gcdump(args, proc.pid, workdir, "end")
        load.stop.set()
        sampler.stop.set()
        load.join(10)
        sampler.join(30)
        ratio = end_rss / start_rss
        alive = proc.poll() is None

        print()
        print("=" * 78)
        print(f"Gateway soak: {args.routes} routes, {args.rate:g} changes/s for {args.minutes:g} min, "
              f"{args.load_rps:g} req/s ({os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at the end, "
              f"{time.strftime('%Y-%m-%d %H:%M:%S')}, {time.time() - started:.0f} s)")
        print("=" * 78)
        print(f"changes: {sum(config.counts.values())} ({config.counts}), then the config was restored to the start")
        print(f"requests: {load.sent} sent; base routes failed {load.base_failed} {load.base_failures or ''}; "
              f"requests to churn routes that missed {load.churn_missed}")
        print(f"start RSS  {mb(start_rss)}  (median of the last 10 s of the {args.warmup:g} s warm-up)")
        print(f"peak RSS   {mb(peak_rss)} sampled, {mb(hwm)} VmHWM")
        print(f"end RSS    {mb(end_rss)}  (median of the 10 s ending {args.after:g} s after the churn stopped)")
        print(f"end/start  {ratio:.3f}  (limit {args.limit:g}: {'PASS' if ratio <= args.limit and alive else 'FAIL'})")
        print(f"slope      {slope:+.2f} MB/min over the last {args.after - 5:g} s")
        print(f"runtime at start: {describe(start_metrics)}")
        print(f"runtime at end:   {describe(end_metrics)}")
        print(f"gateway alive at end: {alive}; samples every {args.sample_every:g} s in "
              f"{os.path.join(workdir, 'samples.csv')}{'' if args.keep else ' (removed; --keep keeps it)'}")
        print(f"command: {' '.join(sys.argv)}")
        if args.env:
            print(f"gateway environment: {' '.join(args.env)}")
        print("=" * 78)
        return 0 if ratio <= args.limit and alive else 1
    finally:
        if load:
            load.stop.set()
        if sampler:
            sampler.stop.set()
        bench.finish(workdir, args.keep or args.gcdump)


if __name__ == "__main__":
    bench.run(main)
