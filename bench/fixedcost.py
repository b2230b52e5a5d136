"""The fixed cost of one request, as CPU time: partnergraph's server process and its query workers
against Oxigraph's server, on the same store, for small queries whose engine time is tiny.

    python bench/fixedcost.py --size 1m [--requests 400] [--label waitress] [--granian]

Every request's text is unique (run.cold), so partnergraph's result cache answers none of them.
CPU seconds (user + system, read by psutil from /proc, the process and its children) per request
are what a request costs the machine whatever else runs on it: on 2 shared cores the wall-clock
median of a lookup was 3.7 ms on a quiet day and 12-22 ms on a busy one, while CPU time moved by
about 20%. Wall-clock medians are
kept beside it. Writes (merges into) bench/results/fixedcost-{size}.json, one entry per label.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import sys
import time
from pathlib import Path

signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402

QUERIES = {
    "ask": "ASK { ?s ?p ?o }",
    "lookup (28 rows)": run.STANDARD["std-lookup-by-iri"],
    "describe (N-Triples)": run.STANDARD["std-describe"],
}


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process and of its children, living and reaped, in seconds."""
    import psutil
    total = 0.0
    try:
        proc = psutil.Process(pid)
        procs = [proc] + proc.children(recursive=True)
    except psutil.Error:
        return 0.0
    for p in procs:
        try:
            t = p.cpu_times()
            total += t.user + t.system + t.children_user + t.children_system
        except psutil.Error:
            pass
    return total


def settled(srv: run.Server, limit: float = 120) -> None:
    """Wait until the server's process tree stops growing: partnergraph starts its other query
    workers after the first one answers, and their start-up must not count as request cost."""
    import psutil
    deadline, last, since = time.monotonic() + limit, -1, time.monotonic()
    while time.monotonic() < deadline:
        try:
            count = len(psutil.Process(srv.proc.pid).children(recursive=True))
        except psutil.Error:
            return
        if count != last:
            last, since = count, time.monotonic()
        elif time.monotonic() - since > 3:
            return
        time.sleep(0.2)


def measure(srv: run.Server, text: str, requests: int) -> dict:
    accept = "application/n-triples" if run.is_graph_query(text) else "application/sparql-results+json"
    for _ in range(20):  # warm-up: caches, connection
        _ = srv.session.post(srv.url, data={"query": run.cold(text)}, headers={"Accept": accept}).content
    walls = []
    before = cpu_seconds(srv.proc.pid)
    for _ in range(requests):
        started = time.perf_counter()
        r = srv.session.post(srv.url, data={"query": run.cold(text)}, headers={"Accept": accept})
        _ = r.content
        walls.append(time.perf_counter() - started)
        if r.status_code != 200:
            raise RuntimeError(f"{srv.name}: HTTP {r.status_code} {r.text[:200]}")
    cpu = cpu_seconds(srv.proc.pid) - before
    return {"cpu_ms": cpu / requests * 1000, "wall_median_ms": statistics.median(walls) * 1000}


class GranianServer(run.PartnergraphServer):
    """The same app under granian (a Rust HTTP server) instead of waitress: the trial of a faster
    WSGI server. granian is not a dependency of the project: `pip install granian` first."""
    name = "partnergraph"

    def command(self):
        return [str(run.BIN / "granian"), "--interface", "wsgi", "--workers", "1", "--blocking-threads", "8",
                "--port", str(self.port), "--factory", "partnergraph.web.app:create_app"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="1m")
    ap.add_argument("--requests", type=int, default=400)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--label", default="current", help="name of this server configuration in the results")
    ap.add_argument("--granian", action="store_true", help="serve the app under granian instead of waitress")
    args = ap.parse_args()
    if args.granian and not (run.BIN / "granian").exists():
        sys.exit("--granian needs granian in this environment: pip install granian")
    os.environ["PARTNERGRAPH_STORE"] = str(run.WORK / f"pg-{args.size}")  # for granian's factory
    store = run.WORK / f"pg-{args.size}"
    if not store.is_dir():
        sys.exit(f"{store} is missing: run 'python bench/run.py --sizes {args.size}' first")
    pg = GranianServer if args.granian else run.PartnergraphServer
    servers = [pg(run.free_port(), store), run.OxigraphServer(run.free_port(), store, 60)]
    found: dict = {}
    try:
        for srv in servers:
            srv.start()
            settled(srv)
        for name, text in QUERIES.items():
            per: dict = {s.name: [] for s in servers}
            for _ in range(args.rounds):  # interleaved rounds; the median round per server
                for srv in servers:
                    per[srv.name].append(measure(srv, text, args.requests))
            found[name] = {s: {k: statistics.median(m[k] for m in ms) for k in ("cpu_ms", "wall_median_ms")}
                           for s, ms in per.items()}
            pg, ox = found[name]["partnergraph"], found[name]["oxigraph"]
            print(f"{name}: partnergraph {pg['cpu_ms']:.3f} ms CPU, {pg['wall_median_ms']:.2f} ms wall; "
                  f"oxigraph {ox['cpu_ms']:.3f} ms CPU, {ox['wall_median_ms']:.2f} ms wall", flush=True)
    finally:
        for srv in servers:
            srv.stop()
    out = run.RESULTS / f"fixedcost-{args.size}.json"
    data = json.loads(out.read_text()) if out.exists() else {}
    data[args.label] = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "requests": args.requests,
                        "rounds": args.rounds, "loadavg": os.getloadavg(), "queries": found}
    out.write_text(json.dumps(data, indent=1))


if __name__ == "__main__":
    main()
