"""Latency of /fragments on a real server (waitress on loopback, queries in worker processes, as
`partnergraph serve` runs): the median and 90th percentile over repeated requests of a few
pattern shapes, with /sparql answering the same pattern as a SELECT beside it for scale.

    python bench/fragments.py [--repeat 50] [--data data]
"""
from __future__ import annotations

import argparse
import os
import socket
import statistics
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import requests

ROOT = Path(__file__).resolve().parent.parent
B = "https://w3id.org/partnergraph/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SHAPES = {
    "? ? ?": {},
    "S ? ?": {"subject": B + "id/municipality/vaxjo"},
    "? P ?": {"predicate": B + "ontology#country"},
    "? P O": {"predicate": RDF_TYPE, "object": B + "ontology#Municipality"},
    "? ? O (literal)": {"object": '"Växjö"@sv'},
    "? P ? (page 5)": {"predicate": LABEL, "page": "5"},
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _measure(session: requests.Session, url: str, repeat: int, **kwargs) -> list[float]:
    for _ in range(3):   # warm-up: caches, worker start
        session.get(url, **kwargs).raise_for_status()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        session.get(url, **kwargs).raise_for_status()
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--data", default="data")
    args = parser.parse_args()
    os.chdir(ROOT)
    from waitress.server import create_server

    from partnergraph.web.app import create_app
    app = create_app({"VALIDATE": False, "WORKERS": 2, "ACCESS_LOG": False, "DATA_DIRS": [args.data]})
    port = _free_port()
    server = create_server(app, host="127.0.0.1", port=port, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    base = f"http://127.0.0.1:{port}"
    session = requests.Session()
    print(f"{'pattern':18s} {'fragment median':>16s} {'p90':>8s} {'/sparql median':>15s}  (ms, {args.repeat} requests)")
    try:
        for name, params in SHAPES.items():
            url = f"{base}/fragments?{urlencode(params)}"
            times = _measure(session, url, args.repeat, headers={"Accept": "application/trig"})
            terms = [f"<{params[k]}>" if k in params and not params[k].startswith('"') else params.get(k) or f"?{k[0]}"
                     for k in ("subject", "predicate", "object")]
            query = f"SELECT * WHERE {{ {' '.join(terms)} }} LIMIT 100"
            sparql = _measure(session, f"{base}/sparql?{urlencode({'query': query})}", args.repeat,
                              headers={"Accept": "application/sparql-results+json"})
            p90 = sorted(times)[int(0.9 * (len(times) - 1))]
            print(f"{name:18s} {statistics.median(times):16.1f} {p90:8.1f} {statistics.median(sparql):15.1f}")
    finally:
        server.close()
        app.extensions["partnergraph"].close()


if __name__ == "__main__":
    main()
