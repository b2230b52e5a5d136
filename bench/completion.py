"""The query editor's completion round trip on a generated graph: `bench/synth.py` data loaded
into a store, `partnergraph serve` on loopback, then GET /sparql/complete as the editor sends it
(keep-alive, one client), timed from request to parsed JSON.

    .venv/bin/python bench/completion.py --triples 1000000      # writes bench/results/completion-1m.json

The first request starts building the index (once per graph generation; the route answers 503
until it is ready) and the time until it is ready is reported on its own; the
figure that matters is the round trip after it, which the issue's budget puts under 50 ms.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work"
RESULTS = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent
PG = "https://w3id.org/partnergraph/ontology#"
REQUESTS = [  # what the editor asks while a query is typed
    {"q": "pg:par", "ctx": "property", "cls": PG + "Partnership"},
    {"q": "pg:", "ctx": "property"},
    {"q": "pg:Pro", "ctx": "class"},
    {"q": "sk", "ctx": "any"},
    {"q": "vaxj", "ctx": "any"},
    {"q": "proj", "ctx": "resource"},
    {"q": "Municip", "ctx": "class"},
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def label(triples: int) -> str:
    return f"{triples // 1_000_000}m" if triples % 1_000_000 == 0 else f"{triples // 1000}k"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--triples", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=30, help="passes over the request set after the warm-up")
    args = ap.parse_args()
    size = label(args.triples)
    WORK.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    data = WORK / f"{size}.nt"
    if not data.exists():
        subprocess.run([sys.executable, str(Path(__file__).resolve().parent / "synth.py"), "--triples", str(args.triples),
                        "--out", str(data),
                        "--seed", "1"], check=True, cwd=ROOT)
    store = WORK / f"completion-store-{size}"
    if not store.exists():
        subprocess.run([str(BIN / "partnergraph"), "load", str(data), "--store", str(store), "--no-validate"],
                       check=True, cwd=ROOT)
    port = free_port()
    env = {**os.environ, "PARTNERGRAPH_ACCESS_LOG": "false", "PARTNERGRAPH_LINKS_DIR": str(WORK / "links")}
    server = subprocess.Popen([str(BIN / "partnergraph"), "serve", "--store", str(store), "--port", str(port)],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/sparql/complete"
    try:
        session = requests.Session()
        deadline = time.time() + 300
        while True:
            try:
                if session.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.time() > deadline:
                raise SystemExit("the server did not start")
            time.sleep(0.2)
        started = time.perf_counter()
        while True:  # 503 while the index is being built (in the background, once per generation)
            first = session.get(url, params=REQUESTS[0], timeout=600)
            if first.status_code != 503:
                break
            time.sleep(1)
        first.raise_for_status()
        build = time.perf_counter() - started
        times: list[float] = []
        server_ms: list[float] = []
        for _ in range(args.rounds):
            for params in REQUESTS:
                started = time.perf_counter()
                body = session.get(url, params=params, timeout=60).json()
                times.append((time.perf_counter() - started) * 1000)
                server_ms.append(body["ms"])
        times.sort()
        result = {"size": size, "triples": args.triples, "first_request_s": round(build, 3),
                  "requests": len(times), "median_ms": round(statistics.median(times), 2),
                  "p95_ms": round(times[int(len(times) * 0.95) - 1], 2), "max_ms": round(times[-1], 2),
                  "server_median_ms": round(statistics.median(server_ms), 3),
                  "answer_pg_par": [i["label"] for i in first.json()["items"][:5]]}
        (RESULTS / f"completion-{size}.json").write_text(json.dumps(result, indent=2) + "\n")
        print(json.dumps(result, indent=2))
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
