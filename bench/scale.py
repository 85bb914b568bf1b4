#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Memory and start-up at scale: cold start to the first correct answer and RSS, for N HTTPRoutes.

Usage: python3 bench/scale.py --gateway /tmp/gw/gateway --routes 10 10000 [--env DOTNET_X=1 ...]
Routes are generated as in test/Gateway.Benchmarks/bench.py; a tiny Python backend answers 200.
RSS per route = (VmRSS at 10,000 - VmRSS at 10) / 9,990, read after --settle seconds idle.
"""
import argparse, http.server, os, sys, tempfile, threading, time, subprocess

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "test", "Gateway.Benchmarks"))
import bench  # noqa: E402


class Ok(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *a):
        pass


def one(args, routes, workdir, backend_port, env):
    d = os.path.join(workdir, f"cfg-{routes}")
    port, admin = args.base_port + 1, args.base_port + 2
    if not os.path.isdir(d):
        bench.generate(d, routes, args.per_file, port, backend_port)
    cmd = [args.gateway, "--config-dir", d, "--admin-port", str(admin), "--listen-address", bench.HOST,
           "--log-level", "Warning"]
    host, path, headers = bench.route_request(routes - 1)
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ, **env))
    try:
        while True:
            try:
                s, b = bench.http_get(port, host, path, headers, timeout=2)
                if s == 200 and b == b"ok":
                    break
            except OSError:
                pass
            if time.perf_counter() - t0 > 120:
                raise SystemExit("no answer in 120 s")
            time.sleep(0.01)
        first = time.perf_counter() - t0
        time.sleep(args.settle)
        rss, hwm = bench.rss_kb(p.pid)
        return first, rss, hwm
    finally:
        p.terminate()
        p.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gateway", required=True)
    ap.add_argument("--routes", type=int, nargs="+", default=[10, 10000])
    ap.add_argument("--per-file", type=int, default=500)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--settle", type=float, default=5.0)
    ap.add_argument("--base-port", type=int, default=17200)
    ap.add_argument("--env", action="append", default=[], help="NAME=VALUE for the gateway process")
    args = ap.parse_args()
    env = dict(e.split("=", 1) for e in args.env)
    srv = http.server.ThreadingHTTPServer((bench.HOST, 0), Ok)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    with tempfile.TemporaryDirectory() as workdir:
        for routes in args.routes:
            for r in range(args.rounds):
                first, rss, hwm = one(args, routes, workdir, srv.server_address[1], env)
                print(f"routes={routes} round={r + 1} first_correct_answer={first:.2f}s "
                      f"VmRSS={rss / 1024:.1f}MB VmHWM={hwm / 1024:.1f}MB "
                      f"env={args.env}", flush=True)
    srv.shutdown()


if __name__ == "__main__":
    main()
