"""Repeated named queries: partnergraph's endpoint with its result cache warm against Oxigraph's
server, both serving the same store directory, interleaved (rep 1 of every query on both, then
rep 2, ...; which server goes first alternates). Writes bench/results/cache-SIZE.json.

    python bench/cache.py [--size 1m] [--reps 5] [--cap 300] [--queries NAME,NAME]

Needs the store that `make bench` built (bench/work/pg-SIZE). Every query is asked once of each
server first: that fills partnergraph's result cache and warms Oxigraph's page cache alike. The
answers of the two are compared (rows or triples) so a fast wrong answer cannot pass.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import requests

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import run as B  # noqa: E402  (the benchmark's servers, query set and machine description)


def named_queries() -> dict[str, str]:
    """The named queries with their default parameters written in, as the benchmark sends them."""
    from partnergraph.named_queries import load_queries
    return {name: B.with_values(nq.text, nq.bindings({})) for name, nq in load_queries(B.ROOT / "queries").items()}


def timed_query(server: B.Server, text: str, cap: float) -> tuple[float, int, int | None, str | None]:
    """(seconds, status, rows, error); a time-out or a dropped connection is status 0."""
    started = time.perf_counter()
    try:
        status, rows, error = server.query(text, cap)
    except requests.RequestException as err:
        status, rows, error = 0, None, f"no answer within {cap:g} s: {type(err).__name__}"
    return time.perf_counter() - started, status, rows, error


def cache_stats(server: B.PartnergraphServer) -> dict:
    return server.session.get(f"http://127.0.0.1:{server.port}/healthz", timeout=30).json()["result_cache"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="1m")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--cap", type=float, default=300.0, help="seconds a query may take (a shared machine is slow)")
    ap.add_argument("--cache-bytes", type=int, default=512_000_000,
                    help="partnergraph's RESULT_CACHE_BYTES: the named queries' answers at 1M reach 34 MB, and an answer "
                         "over an eighth of the cache is not kept")
    ap.add_argument("--queries", help="comma-separated names: only these named queries (the report lists the rest)")
    args = ap.parse_args()
    store = B.WORK / f"pg-{args.size}"
    if not store.is_dir():
        sys.exit(f"{store} is missing: run 'python bench/run.py --sizes {args.size}' first")
    queries = named_queries()
    left_out: list[str] = []
    if args.queries:
        chosen = [name.strip() for name in args.queries.split(",") if name.strip()]
        unknown = sorted(set(chosen) - set(queries))
        if unknown:
            sys.exit(f"no named queries {', '.join(unknown)}; the names: {', '.join(sorted(queries))}")
        left_out = sorted(set(queries) - set(chosen))
        queries = {name: queries[name] for name in chosen}
    os.environ["PARTNERGRAPH_QUERY_TIMEOUT"] = str(args.cap)  # the same time limit as Oxigraph's --timeout-s
    os.environ["PARTNERGRAPH_RESULT_CACHE_BYTES"] = str(args.cache_bytes)
    pg = B.PartnergraphServer(B.free_port(), store)
    ox = B.OxigraphServer(B.free_port(), store, args.cap)
    result: dict = {"size": args.size, "store": str(store.relative_to(B.ROOT)), "reps": args.reps,
                    "result_cache_bytes": args.cache_bytes,
                    "machine": B.machine(), "queries": {}, "skipped": {}, "not_selected": left_out}
    B.WORK.mkdir(exist_ok=True)
    try:
        pg.start()
        ox.start()
        for name, text in queries.items():  # the warm-up: fills the result cache
            first = {srv.name: timed_query(srv, text, args.cap) for srv in (pg, ox)}
            (pg_s, pg_status, pg_rows, pg_err), (ox_s, ox_status, ox_rows, ox_err) = first["partnergraph"], first["oxigraph"]
            if pg_status != 200 or ox_status != 200:
                result["skipped"][name] = f"partnergraph {pg_status} {pg_err or ''}; oxigraph {ox_status} {ox_err or ''}".strip()
            elif pg_rows != ox_rows:
                result["skipped"][name] = f"different answers: partnergraph {pg_rows} rows, oxigraph {ox_rows}"
            else:
                result["queries"][name] = {"rows": pg_rows, "first": {"partnergraph": pg_s, "oxigraph": ox_s},
                                           "partnergraph": [], "oxigraph": []}
            print(f"warm-up {name}: partnergraph {pg_s:.3f} s, oxigraph {ox_s:.3f} s", flush=True)
        before = cache_stats(pg)
        for rep in range(args.reps):
            for i, (name, entry) in enumerate(result["queries"].items()):
                order = (pg, ox) if (rep + i) % 2 == 0 else (ox, pg)
                for srv in order:
                    seconds, status, rows, error = timed_query(srv, queries[name], args.cap)
                    if status != 200 or rows != entry["rows"]:
                        raise RuntimeError(f"{srv.name} {name}: {status} {rows} rows {error or ''}")
                    entry[srv.name].append(seconds)
            print(f"rep {rep + 1} of {args.reps} done", flush=True)
        after = cache_stats(pg)
    finally:
        pg.stop()
        ox.stop()
    ratios = []
    for entry in result["queries"].values():
        entry["median"] = {system: statistics.median(entry[system]) for system in ("partnergraph", "oxigraph")}
        entry["ratio"] = entry["median"]["partnergraph"] / entry["median"]["oxigraph"]
        ratios.append(entry["ratio"])
    result["result_cache"] = {"before_reps": before, "after_reps": after,
                              "hits_during_reps": after["hits"] - before["hits"],
                              "misses_during_reps": after["misses"] - before["misses"],
                              "requests_during_reps": args.reps * len(result["queries"])}
    result["summary"] = {"queries": len(ratios), "median_ratio": statistics.median(ratios),
                         "worst_ratio": max(ratios), "best_ratio": min(ratios),
                         "geometric_mean_ratio": statistics.geometric_mean(ratios)}
    out = B.RESULTS / f"cache-{args.size}.json"
    B.RESULTS.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")
    s = result["summary"]
    print(f"{s['queries']} named queries repeated: partnergraph (cache warm) / Oxigraph's server: median "
          f"{s['median_ratio']:.3f}x, worst {s['worst_ratio']:.3f}x; result cache hits during the reps: "
          f"{result['result_cache']['hits_during_reps']} of {result['result_cache']['requests_during_reps']}; {out}")


if __name__ == "__main__":
    main()
