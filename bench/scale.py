#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Memory and start-up at scale, for N HTTPRoutes in config-dir mode.

Usage:
  dotnet publish src/Gateway -c Release -o /tmp/gw
  python3 bench/scale.py --gateway /tmp/gw/gateway                       # cold start + RSS at 10 and 10,000 routes
  python3 bench/scale.py --gateway /tmp/gw/gateway --routes 10 10000 --apply 100000 --rounds 3
  python3 bench/scale.py --gateway base=/tmp/a/gateway --gateway new=/tmp/b/gateway --rounds 5   # A/B, alternating

What it measures (Release build; every figure a median over --rounds, the gateways and sizes interleaved per round):
  cold start   the process is started on a config dir of N generated HTTPRoutes (500 per file, as in
               test/Gateway.Benchmarks/bench.py: hostname + PathPrefix + header match each); the time to the first
               correct 200 on the last route.
  RSS          VmRSS from /proc after --settle seconds idle (the last route answering); per-route KB is
               (RSS at the largest N - RSS at the smallest N) / (difference in routes).
  apply        (--apply M) the gateway is started on the smallest N, a paced client (--rate requests/s on one
               keep-alive connection) hits an existing route, and one file of M more routes is renamed into the
               dir; reported: seconds until the last new route answers, peak VmRSS while applying (sampled every
               50 ms, and VmHWM), VmRSS after settling, and the paced client's p99 and max latency meanwhile (and its max
               over the --settle seconds after, when the gateway's memory trim runs).
A tiny Python backend answers 200 "ok". Everything listens on 127.0.0.1. The machine's load average is printed
first and last, since a shared machine moves every figure.
"""
import argparse, http.client, http.server, os, statistics, subprocess, sys, tempfile, threading, time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "test", "Gateway.Benchmarks"))
sys.path.insert(0, os.path.dirname(__file__))
import bench  # noqa: E402
from dataplane import stop  # noqa: E402


class Ok(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *a):
        pass


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def big_file(path, count, tenant_base=10_000_000):
    """One file of `count` routes whose names and hosts cannot clash with the generated config dir's."""
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        for i in range(count):
            if i:
                f.write("---\n")
            f.write(bench.route_yaml(f"big{i}", f"big{i}.example.com", f"/api/big{i}", f"t{tenant_base + i}"))
    return tmp


def big_request(i, tenant_base=10_000_000):
    return f"big{i}.example.com", f"/api/big{i}/items", {"x-tenant": f"t{tenant_base + i}"}


def wait_ok(port, host, path, headers, t0, limit=300):
    while True:
        try:
            s, b = bench.http_get(port, host, path, headers, timeout=5)
            if s == 200 and b == b"ok":
                return time.perf_counter() - t0
        except OSError:
            pass
        if time.perf_counter() - t0 > limit:
            raise SystemExit(f"no answer in {limit} s")
        time.sleep(0.01)


class Paced(threading.Thread):
    """Requests at a fixed rate on one keep-alive connection; latency of each (a late one delays the next)."""

    def __init__(self, port, host, path, headers, rate):
        super().__init__(daemon=True)
        self.args, self.every = (port, host, path, headers), 1.0 / rate
        self.latencies, self.errors, self.stop = [], 0, threading.Event()

    def run(self):
        port, host, path, headers = self.args
        conn, due = None, time.perf_counter()
        while not self.stop.is_set():
            t = time.perf_counter()
            try:
                conn = conn or http.client.HTTPConnection(bench.HOST, port, timeout=30)
                conn.request("GET", path, headers={"Host": host, **headers})
                r = conn.getresponse()
                r.read()
                if r.status != 200:
                    self.errors += 1
            except OSError:
                self.errors += 1
                conn = None
            self.latencies.append(time.perf_counter() - t)
            due += self.every
            time.sleep(max(0.0, due - time.perf_counter()))


def launch(gateway, d, port, admin, env):
    cmd = [gateway, "--config-dir", d, "--admin-port", str(admin), "--listen-address", bench.HOST, "--log-level", "Warning"]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ, **env))


def config_dir(args, workdir, routes, port, backend_port, tag=""):
    d = os.path.join(workdir, f"cfg-{routes}{tag}")
    if not os.path.isdir(d):
        bench.generate(d, routes, args.per_file, port, backend_port)
    return d


def cold(args, gateway, routes, workdir, backend_port, env):
    port, admin = args.base_port + 1, args.base_port + 2
    d = config_dir(args, workdir, routes, port, backend_port)
    host, path, headers = bench.route_request(routes - 1)
    t0 = time.perf_counter()
    p = launch(gateway, d, port, admin, env)
    try:
        first = wait_ok(port, host, path, headers, t0, 120)
        time.sleep(args.settle)
        rss, hwm = bench.rss_kb(p.pid)
        return {"first": first, "rss": rss / 1024, "hwm": hwm / 1024}
    finally:
        stop(p)


def apply(args, gateway, workdir, backend_port, env):
    port, admin = args.base_port + 1, args.base_port + 2
    base = min(args.routes)
    d = config_dir(args, workdir, base, port, backend_port, tag="-apply")
    target = os.path.join(d, "big.yaml")
    if os.path.exists(target):
        os.remove(target)
    tmp = big_file(os.path.join(workdir, "big.yaml"), args.apply)
    p = launch(gateway, d, port, admin, env)
    paced = None
    try:
        wait_ok(port, *bench.route_request(0), time.perf_counter(), 120)
        time.sleep(args.settle)
        before = bench.rss_kb(p.pid)[0]
        paced = Paced(port, *bench.route_request(0), args.rate)
        paced.start()
        time.sleep(1.0)
        warm = len(paced.latencies)
        peak, done = [before], threading.Event()

        def sample():
            while not done.is_set():
                peak[0] = max(peak[0], bench.rss_kb(p.pid)[0])
                time.sleep(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        t0 = time.perf_counter()
        os.rename(tmp, target)
        took = wait_ok(port, *big_request(args.apply - 1), t0, 600)
        during = paced.latencies[warm:]
        applied = len(paced.latencies)
        # The settling that follows (the memory trim's full collection) is part of what a big apply costs requests.
        time.sleep(args.settle)
        done.set()
        sampler.join()
        paced.stop.set()
        paced.join()
        after, hwm = bench.rss_kb(p.pid)
        during, settling = sorted(during), sorted(paced.latencies[applied:] or [0])
        return {"apply": took, "peak": peak[0] / 1024, "hwm": hwm / 1024, "rss_after": after / 1024,
                "rss_before": before / 1024, "p99_ms": 1000 * during[int(0.99 * (len(during) - 1))] if during else 0,
                "max_ms": 1000 * during[-1] if during else 0, "settle_max_ms": 1000 * settling[-1],
                "requests": len(during), "errors": paced.errors}
    finally:
        if paced:
            paced.stop.set()
        stop(p)


def median(rows, key):
    return statistics.median(r[key] for r in rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gateway", action="append", required=True, help="path, or label=path; repeat to compare")
    ap.add_argument("--routes", type=int, nargs="+", default=[10, 10000])
    ap.add_argument("--apply", type=int, default=0, help="also apply one file of this many routes to a running gateway")
    ap.add_argument("--rate", type=float, default=50.0, help="paced client's requests/s during --apply")
    ap.add_argument("--per-file", type=int, default=500)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--settle", type=float, default=5.0)
    ap.add_argument("--base-port", type=int, default=17200)
    ap.add_argument("--env", action="append", default=[], help="NAME=VALUE for the gateway process")
    args = ap.parse_args()
    env = dict(e.split("=", 1) for e in args.env)
    gateways = [g.split("=", 1) if "=" in g else (g, g) for g in args.gateway]
    srv = http.server.ThreadingHTTPServer((bench.HOST, 0), Ok)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    print(f"load average at start: {loadavg()}", flush=True)
    results = {}
    with tempfile.TemporaryDirectory() as workdir:
        for r in range(args.rounds):
            for label, gateway in gateways:
                for routes in args.routes:
                    row = cold(args, gateway, routes, workdir, srv.server_address[1], env)
                    results.setdefault((label, routes), []).append(row)
                    print(f"[{label}] round={r + 1} routes={routes} first_correct_answer={row['first']:.2f}s "
                          f"VmRSS={row['rss']:.1f}MB VmHWM={row['hwm']:.1f}MB load={loadavg()}", flush=True)
                if args.apply:
                    row = apply(args, gateway, workdir, srv.server_address[1], env)
                    results.setdefault((label, "apply"), []).append(row)
                    print(f"[{label}] round={r + 1} apply={args.apply} took={row['apply']:.2f}s peak={row['peak']:.0f}MB "
                          f"VmHWM={row['hwm']:.0f}MB after={row['rss_after']:.0f}MB paced p99={row['p99_ms']:.0f}ms "
                          f"max={row['max_ms']:.0f}ms settling max={row['settle_max_ms']:.0f}ms n={row['requests']} errors={row['errors']} load={loadavg()}", flush=True)
    srv.shutdown()
    print(f"\nmedians over {args.rounds} round(s); load average at end: {loadavg()}; env={args.env}")
    lo, hi = min(args.routes), max(args.routes)
    for label, _ in gateways:
        for routes in args.routes:
            rows = results[(label, routes)]
            print(f"  {label:>8} routes={routes:<7} first answer {median(rows, 'first'):.2f} s   VmRSS {median(rows, 'rss'):.1f} MB")
        if hi > lo:
            per = (median(results[(label, hi)], "rss") - median(results[(label, lo)], "rss")) * 1024 / (hi - lo)
            print(f"  {label:>8} per route ({lo} -> {hi}): {per:.2f} KB")
        if args.apply:
            rows = results[(label, "apply")]
            print(f"  {label:>8} apply {args.apply}: {median(rows, 'apply'):.2f} s, peak VmRSS {median(rows, 'peak'):.0f} MB "
                  f"(VmHWM {median(rows, 'hwm'):.0f}), after {median(rows, 'rss_after'):.0f} MB; requests meanwhile "
                  f"p99 {median(rows, 'p99_ms'):.0f} ms, max {median(rows, 'max_ms'):.0f} ms; in the {args.settle:.0f} s after, "
                  f"max {median(rows, 'settle_max_ms'):.0f} ms")


if __name__ == "__main__":
    main()
