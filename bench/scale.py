"""Serving a large prebuilt store: start-up, latency and memory of `partnergraph serve` against
Oxigraph's server on the same store directory, without the load (which bench/run.py times).

    python bench/scale.py --size 10m [--store DIR] [--reps 3] [--cap 60] [--how TEXT]

--store defaults to bench/work/pg-SIZE; --how says in the results how that store was built (the
report prints it). Every query of the benchmark's set runs with a warm-up and `reps` interleaved
runs; a query that passes the cap on one system is a time-out for it. Writes
bench/results/scale-SIZE.json.
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

import requests

signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally block: stop the servers
sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="10m")
    ap.add_argument("--store")
    ap.add_argument("--how", default="partnergraph load")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--startups", type=int, default=3)
    ap.add_argument("--cap", type=float, default=60)
    ap.add_argument("--queries", help="comma-separated query names (default: all)")
    ap.add_argument("--merge", action="store_true", help="keep the queries of an earlier run's results file")
    args = ap.parse_args()
    store = Path(args.store) if args.store else run.WORK / f"pg-{args.size}"
    if not store.is_dir():
        sys.exit(f"{store} is missing: build it first (bench/run.py --sizes {args.size}, or partnergraph load)")
    queries = run.query_set()
    if args.queries:
        queries = {k: queries[k] for k in args.queries.split(",")}
    os.environ["PARTNERGRAPH_QUERY_TIMEOUT"] = str(args.cap)
    os.environ["PARTNERGRAPH_ACCESS_LOG"] = "0"
    res: dict = {"size": args.size, "store": str(store), "how": args.how, "startup": {}, "latency": {},
                 "memory": {}, "rows": {}, "config": {"reps": args.reps, "cap": args.cap},
                 "store_bytes": sum(f.stat().st_size for f in store.iterdir() if f.is_file())}
    out = run.RESULTS / f"scale-{args.size}.json"
    if args.merge and out.exists():
        earlier = json.loads(out.read_text())
        res["latency"], res["rows"] = earlier.get("latency", {}), earlier.get("rows", {})
    run.RESULTS.mkdir(parents=True, exist_ok=True)

    def save() -> None:  # after every query: a run cut short keeps what it measured
        res["date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        res["loadavg"] = os.getloadavg()
        out.write_text(json.dumps(res, indent=1))
    servers = [run.PartnergraphServer(run.free_port(), store), run.OxigraphServer(run.free_port(), store, args.cap)]
    try:
        for srv in servers:
            times = []
            for i in range(args.startups):
                times.append(srv.start())
                if i < args.startups - 1:
                    srv.stop()
            res["startup"][srv.name] = statistics.median(times)
            res["startup"][srv.name + "_all"] = times
            print(f"[{args.size}] start-up {srv.name}: {res['startup'][srv.name]:.2f} s ({times})", flush=True)
        for name, text in queries.items():
            lat = {s.name: [] for s in servers}
            errors, rows = {}, {}
            for rep in range(args.reps + 1):  # the first round is the warm-up
                for srv in servers:
                    if srv.name in errors:
                        continue
                    started = time.perf_counter()
                    try:
                        status, n, err = srv.query(text, args.cap + 5)
                    except requests.Timeout:
                        errors[srv.name] = f"timeout ({args.cap:g} s)"
                        continue
                    except ValueError:  # a server that streams can only cut the body at its limit
                        errors[srv.name] = "HTTP 200 with an incomplete body (cut off at the time limit)"
                        continue
                    took = time.perf_counter() - started
                    if status != 200:
                        errors[srv.name] = f"HTTP {status}: {err}"
                    elif rep:
                        lat[srv.name].append(took)
                    else:
                        rows[srv.name] = n
            res["latency"][name] = {s: {"median": statistics.median(v) if v else None, "n": len(v)}
                                    for s, v in lat.items()}
            res["latency"][name]["errors"] = errors
            res["rows"][name] = rows
            print(f"[{args.size}] {name}: " + ", ".join(
                f"{s} {v['median'] * 1000:.1f} ms" if v["median"] else f"{s} -" for s, v in res["latency"][name].items()
                if s != "errors") + (f"  {errors}" if errors else ""), flush=True)
            save()
        for srv in servers:
            own, tree = run.proc_tree_hwm(srv.proc.pid)
            res["memory"][srv.name] = {"process": own, "tree": tree}
    finally:
        for srv in servers:
            srv.stop()
    save()


if __name__ == "__main__":
    main()
