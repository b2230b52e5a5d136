"""The two rdflib peers, run as child processes of bench/run.py.

    python bench/rdflib_peers.py runner FILE.nq          # plain rdflib Graph.query, jobs on stdin
    python bench/rdflib_peers.py server FILE.nq PORT     # rdflib-endpoint under uvicorn

Both load the same N-Quads dump of partnergraph's store into an rdflib Dataset whose default
graph is the union of the named graphs (as in partnergraph and `oxigraph --union-default-graph`).
"""
from __future__ import annotations

import json
import sys
import time


def load(path: str):
    import rdflib
    started = time.perf_counter()
    ds = rdflib.Dataset(default_union=True)
    ds.parse(path, format="nquads")
    return ds, time.perf_counter() - started


def runner(path: str) -> None:
    ds, seconds = load(path)
    print(json.dumps({"ready": True, "load_seconds": seconds, "triples": len(ds)}), flush=True)
    for line in sys.stdin:
        job = json.loads(line)
        times, rows, error = [], None, None
        for _ in range(job["n"]):
            started = time.perf_counter()
            try:
                result = ds.query(job["q"])
                if result.type in ("CONSTRUCT", "DESCRIBE"):
                    body = result.serialize(format="nt")
                    rows = body.count(b"\n")
                else:
                    rows = len(result.bindings) if result.type == "SELECT" else 1
                    result.serialize(format="json")
            except Exception as err:  # a peer's failure is a result, not a crash of the bench
                error = f"{type(err).__name__}: {err}"[:300]
                break
            times.append(time.perf_counter() - started)
        print(json.dumps({"times": times, "rows": rows, "error": error}), flush=True)


def server(path: str, port: int) -> None:
    import uvicorn
    from rdflib_endpoint import SparqlEndpoint
    ds, _ = load(path)
    app = SparqlEndpoint(graph=ds, path="/sparql", public_url=f"http://127.0.0.1:{port}/sparql")
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    if sys.argv[1] == "runner":
        runner(sys.argv[2])
    else:
        server(sys.argv[2], int(sys.argv[3]))
