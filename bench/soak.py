"""The soak: `partnergraph serve` on a prebuilt store under 4 clients for 5 minutes, mixing cheap,
expensive and runaway queries, with a reload (SIGHUP) every 30 s.

    python bench/soak.py [--size 1m] [--seconds 300] [--clients 4] [--reload-every 30] [--limit 15]

Each client walks the same cycle of 20 requests (15 cheap, 4 expensive, 1 runaway), starting at
its own offset. What counts as an error: a cheap or expensive query that does not answer 200 with a
complete result, a runaway query that is not stopped at the time limit with the server's 503, any
connection failure, and a reload signal that the server does not confirm in its log. The run is
bounded (its duration, plus one time limit for the requests under way) and only talks to the
server it started on loopback. Writes bench/results/soak.json; bench/report.py puts it in the
report.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import signal
import sys
import threading
import time
from pathlib import Path

import requests

signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally block: stop the server
sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402  (the benchmark's servers, query set and helpers)

CHEAP = ["std-lookup-by-iri", "std-describe", "std-join-3way", "networks-of-municipality",
         "partnership-timeline", "partnerships-of-municipality", "facts-about-resource"]
EXPENSIVE = ["std-aggregate-group-by", "std-text-regex", "goals-without-projects", "partner-countries"]
RUNAWAY = {"runaway-cross-product": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }"}
CYCLE = ["cheap"] * 15 + ["expensive"] * 4 + ["runaway"]
ORDER = [0, 1, 2, 3, 19, 4, 5, 6, 15, 7, 8, 9, 16, 10, 11, 12, 17, 13, 14, 18]  # spread the slow ones out


def plan() -> list[tuple[str, str, str]]:
    """The cycle as (class, query name, text)."""
    queries = run.query_set()
    queries.update(RUNAWAY)
    missing = [q for q in CHEAP + EXPENSIVE if q not in queries]
    if missing:
        sys.exit(f"queries missing from the benchmark's set: {', '.join(missing)}")
    picks = {"cheap": iter(CHEAP * 3), "expensive": iter(EXPENSIVE * 2), "runaway": iter(list(RUNAWAY) * 2)}
    cycle = [CYCLE[i] for i in ORDER]
    out = []
    for cls in cycle:
        name = next(picks[cls])
        out.append((cls, name, queries[name]))
    return out


def check(cls: str, response: requests.Response, graph_query: bool) -> str | None:
    """None when the answer is what this class of query should get, else what is wrong."""
    if cls == "runaway":
        if response.status_code == 503 and "time limit" in response.text:
            return None
        return f"runaway query: HTTP {response.status_code} {response.text[:160]!r}, not the time-limit 503"
    if response.status_code != 200:
        return f"HTTP {response.status_code}: {response.text[:200]!r}"
    if graph_query:
        return None if response.content.endswith(b"\n") or not response.content else "graph body cut short"
    try:
        data = response.json()
    except ValueError:
        return "the body is not complete JSON"
    return None if ("results" in data or "boolean" in data) else "JSON without results"


def answered(srv: run.PartnergraphServer, signals: int, limit: float) -> None:
    """Wait (at most limit seconds) until the server's log answers every reload signal."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        srv.log.flush()
        text = Path(srv.log.name).read_text(errors="replace")
        if len(re.findall(r"reloaded: generation|reload not started|reload refused", text)) >= signals:
            return
        time.sleep(0.2)


def percentile(values: list[float], q: float) -> float | None:
    return run.pct(values, q) if values else None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="1m")
    ap.add_argument("--seconds", type=float, default=300)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--reload-every", type=float, default=30)
    ap.add_argument("--limit", type=float, default=15, help="the server's query time limit (QUERY_TIMEOUT)")
    args = ap.parse_args()
    store = run.WORK / f"pg-{args.size}"
    if not store.is_dir():
        sys.exit(f"{store} is missing: run 'python bench/run.py --sizes {args.size}' first, or "
                 f"'partnergraph load bench/work/{args.size}.nt --store {store} --no-validate'")
    try:
        import psutil  # noqa: F401  (the memory figures at the end; checked before the 5 minutes, not after)
    except ImportError:
        sys.exit("bench/soak.py needs psutil: pip install -e '.[bench]' (make bench installs it)")
    cycle = plan()
    os.environ["PARTNERGRAPH_QUERY_TIMEOUT"] = str(args.limit)
    os.environ["PARTNERGRAPH_ACCESS_LOG"] = "0"
    srv = run.PartnergraphServer(run.free_port(), store)
    srv.start()
    try:
        result = soak(args, srv, cycle)
        answered(srv, result["signals"], 180)  # a reload signalled near the end finishes first
    finally:
        srv.stop()
    log_text = Path(srv.log.name).read_text(errors="replace")
    reloaded = [float(s) for s in re.findall(r"reloaded: generation \d+, [\d,]+ triples in ([\d.]+) s", log_text)]
    refused = re.findall(r"reload refused: (.*)", log_text)
    busy = len(re.findall(r"reload not started: a reload is already under way", log_text))
    result["reloads"] = {"signalled": result.pop("signals"), "confirmed": len(reloaded), "refused": refused,
                         "busy": busy,
                         "seconds_median": sorted(reloaded)[len(reloaded) // 2] if reloaded else None,
                         "seconds_max": max(reloaded) if reloaded else None}
    # a signal during a reload is refused as busy (and logged): only a signal with neither answer,
    # or a reload refused for its data, is an error
    if result["reloads"]["confirmed"] + busy != result["reloads"]["signalled"] or refused:
        result["errors"].append(f"{result['reloads']['signalled']} reloads signalled, "
                                f"{result['reloads']['confirmed']} confirmed and {busy} refused as busy "
                                f"in the server's log, {len(refused)} refused")
    result["error_count"] = len(result["errors"])
    result["errors"] = result["errors"][:50]
    result.update(size=args.size, date=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                  loadavg_end=os.getloadavg(),
                  config={"seconds": args.seconds, "clients": args.clients, "reload_every": args.reload_every,
                          "time_limit": args.limit, "cycle": [f"{c}:{n}" for c, n, _ in cycle]})
    run.RESULTS.mkdir(parents=True, exist_ok=True)
    (run.RESULTS / "soak.json").write_text(json.dumps(result, indent=1))
    cheap = result["classes"]["cheap"]
    print(f"soak: {result['requests']} requests, {result['error_count']} errors; cheap p50 {cheap['p50_ms']} ms, "
          f"p99 {cheap['p99_ms']} ms; reloads {result['reloads']['confirmed']}/{result['reloads']['signalled']}")


def soak(args, srv: run.PartnergraphServer, cycle: list[tuple[str, str, str]]) -> dict:
    lock = threading.Lock()
    times: dict[str, list[float]] = {"cheap": [], "expensive": [], "runaway": []}
    errors: list[str] = []
    counts = {"cheap": 0, "expensive": 0, "runaway": 0}
    started = time.monotonic()
    end = started + args.seconds
    done = threading.Event()

    def client(offset: int) -> None:
        session = requests.Session()
        i = offset
        while time.monotonic() < end:
            cls, name, text = cycle[i % len(cycle)]
            i += 1
            graph_query = run.is_graph_query(text)
            accept = "application/n-triples" if graph_query else "application/sparql-results+json"
            t = time.perf_counter()
            try:
                response = session.post(srv.url, data={"query": text}, headers={"Accept": accept},
                                        timeout=args.limit + 30)
                wrong = check(cls, response, graph_query)
            except requests.RequestException as err:
                wrong = f"request failed: {type(err).__name__}: {err}"
            took = time.perf_counter() - t
            with lock:
                counts[cls] += 1
                if wrong:
                    errors.append(f"{time.monotonic() - started:.1f} s, {cls} {name}: {wrong}")
                else:
                    times[cls].append(took)
        session.close()

    def reloader() -> None:
        while not done.wait(args.reload_every):
            if time.monotonic() >= end:
                return
            os.kill(srv.proc.pid, signal.SIGHUP)
            signals[0] += 1

    signals = [0]
    threads = [threading.Thread(target=client, args=(k * len(cycle) // args.clients,)) for k in range(args.clients)]
    reload_thread = threading.Thread(target=reloader, daemon=True)
    for t in threads:
        t.start()
    reload_thread.start()
    for t in threads:
        t.join()
    done.set()
    reload_thread.join()
    seconds = time.monotonic() - started
    classes = {}
    for cls, values in times.items():
        classes[cls] = {"requests": counts[cls], "ok": len(values),
                        **{f"p{int(q * 100)}_ms": (round(percentile(values, q) * 1000, 1) if values else None)
                           for q in (0.5, 0.95, 0.99)},
                        "max_ms": round(max(values) * 1000, 1) if values else None}
    own, tree = run.proc_tree_hwm(srv.proc.pid)
    return {"seconds": round(seconds, 1), "requests": sum(counts.values()), "classes": classes, "errors": errors,
            "signals": signals[0], "memory": {"process": own, "tree": tree}}


if __name__ == "__main__":
    main()
