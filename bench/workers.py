"""4-client throughput of partnergraph with 2 and with 4 query workers against Oxigraph's server,
all three serving the same store directory, in interleaved rounds of the benchmark's query mix.

    python bench/workers.py [--size 1m] [--rounds 2] [--requests 16]

Needs the store that `make bench` built (bench/work/pg-SIZE).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import run as B  # noqa: E402  (the benchmark's servers, query set and throughput client)


class Partnergraph(B.PartnergraphServer):
    def __init__(self, port: int, store: Path, workers: int):
        super().__init__(port, store)
        self.workers = workers
        self.name = f"partnergraph, {workers} workers"

    def start(self, limit: float = 600) -> float:
        os.environ["PARTNERGRAPH_WORKERS"] = str(self.workers)
        return super().start(limit)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="1m")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--requests", type=int, default=16)
    ap.add_argument("--cap", type=float, default=60)
    args = ap.parse_args()
    store = B.WORK / f"pg-{args.size}"
    if not store.is_dir():
        sys.exit(f"{store} is missing: run 'python bench/run.py --sizes {args.size}' first")
    queries = B.query_set()
    texts = [text for name, text in queries.items() if name != "sdg-skos-mapping"]
    servers = [Partnergraph(B.free_port(), store, 2), Partnergraph(B.free_port(), store, 4),
               B.OxigraphServer(B.free_port(), store, args.cap)]
    results: dict[str, list[float]] = {}
    try:
        for server in servers:
            server.start()
        for _ in range(args.rounds):
            for server in servers:
                results.setdefault(server.name, []).append(B.throughput(server, texts, 4, args.requests, args.cap))
    finally:
        for server in servers:
            server.stop()
    oxigraph = statistics.median(results["oxigraph"])
    for name, values in results.items():
        median = statistics.median(values)
        print(f"{name}: {median:.2f} req/s (rounds: {', '.join(f'{v:.2f}' for v in values)}), "
              f"{median / oxigraph:.2f}x Oxigraph's server")


if __name__ == "__main__":
    main()
