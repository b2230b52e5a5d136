"""Where partnergraph's time per request goes, layer by layer, on a prebuilt store:

  1. engine      executor.evaluate() in this process (pyoxigraph query + serialisation into the buffer)
  2. + workers   WorkerPool.run(): the job and the outcome through the worker pipe (pickle + IPC)
  3. + guard     PartnerGraph.run(): the query checks before the pool
  4. + Flask     the Flask test client on /sparql (no sockets)
  5. + waitress  a real `partnergraph serve` over HTTP (requests, keep-alive)
  and Oxigraph's own server over HTTP for comparison.

    python bench/overhead.py --size 100k [--reps 200]

Interleaved: every layer runs once per round, for `reps` rounds; medians in ms. Writes
bench/profile/overhead-{size}.md.
"""
from __future__ import annotations

import argparse
import signal
import statistics
import sys
import time
from pathlib import Path

signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally block under `timeout`
sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402

QUERIES = {
    "lookup (28 rows)": run.STANDARD["std-lookup-by-iri"],
    "describe (N-Triples)": run.STANDARD["std-describe"],
    "5,000 rows of JSON": "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 5000",
    "20,000 rows of JSON": "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 20000",
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="100k")
    ap.add_argument("--reps", type=int, default=200)
    args = ap.parse_args()
    store_dir = run.WORK / f"pg-{args.size}"
    ox_dir = store_dir  # Oxigraph serves the same store directory (read-only opens share it)
    from partnergraph.graph import PartnerGraph
    from partnergraph.sparql.executor import WorkerPool
    from partnergraph.store.embedded import EmbeddedStore
    from partnergraph.web.app import create_app

    store = EmbeddedStore(store_dir, read_only=True)
    pool = WorkerPool(str(store_dir), size=1)
    graph = PartnerGraph.build(store=str(store_dir), workers=1, queries_dir=str(run.ROOT / "queries"))
    app = create_app({"STORE": str(store_dir), "WORKERS": 1, "ACCESS_LOG": False})
    client = app.test_client()
    pg = run.PartnergraphServer(run.free_port(), store_dir)
    pg.start()
    ox = None
    if ox_dir.exists():
        ox = run.OxigraphServer(run.free_port(), ox_dir, 60)
        ox.start()
    try:
        _measure(args, store, pool, graph, client, pg, ox, store_dir)
    finally:  # stop what this script started, also on Ctrl-C or a time limit
        pg.stop()
        if ox:
            ox.stop()
        pool.close()
        graph.close()
        app.extensions["partnergraph"].close()


def _measure(args, store, pool, graph, client, pg, ox, store_dir) -> None:
    from partnergraph.sparql.executor import QueryJob, evaluate
    lines = [f"# Per-request cost by layer, {args.size}, median ms over {args.reps} interleaved rounds\n",
             "| query | engine in process | + worker pipe | + guard | + Flask | + waitress (HTTP) | Oxigraph server (HTTP) |",
             "|---|---|---|---|---|---|---|"]
    for label, text in QUERIES.items():
        graph_q = run.is_graph_query(text)
        job = QueryJob(text, "json", "ntriples")
        accept = "application/n-triples" if graph_q else "application/sparql-results+json"
        form, headers = {"query": text}, {"Accept": accept}
        layers = {
            "engine": lambda job=job: evaluate(store, job),
            "pool": lambda job=job: pool.run(job),
            "guard": lambda text=text: graph.run(text, results_format="json", graph_format="ntriples"),
            "flask": lambda form=form, headers=headers: client.post("/sparql", data=form, headers=headers).data,
            "waitress": lambda form=form, headers=headers: pg.session.post(pg.url, data=form, headers=headers).content,
        }
        if ox:
            layers["oxigraph"] = lambda form=form, headers=headers: ox.session.post(ox.url, data=form, headers=headers).content
        times = {k: [] for k in layers}
        for fn in layers.values():
            fn()
        for _ in range(args.reps):
            for k, fn in layers.items():
                t = time.perf_counter()
                fn()
                times[k].append(time.perf_counter() - t)
        m = {k: statistics.median(v) * 1000 for k, v in times.items()}
        lines.append(f"| {label} | {m['engine']:.2f} | {m['pool']:.2f} | {m['guard']:.2f} | {m['flask']:.2f} | "
                     f"{m['waitress']:.2f} | {m.get('oxigraph', float('nan')):.2f} |")
        print(lines[-1], flush=True)
    out = run.BENCH / "profile"
    out.mkdir(exist_ok=True)
    (out / f"overhead-{args.size}.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
