"""The cost of the history: a release and --from-git on the shipped data, a release of a
1M-triple change (the generated graph), the change feed's page latency at that size, the growth
of releases/ per release, and the server's start-up and query latency with and without a log.

    python bench/history.py [--triples 1000000]

Each measurement runs in a process of its own (its peak memory is that process's maximum RSS)
and writes bench/results/history.json. The 1M graph is bench/work/history-1m/data/synth.nt
(bench/synth.py writes it when it is missing)."""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "history.json"
WORK = ROOT / "bench" / "work" / "history-1m"
QUERIES = {
    "count": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "labels": "SELECT ?s ?l WHERE { ?s a <https://w3id.org/partnergraph/ontology#Project> ; "
              "<http://www.w3.org/2000/01/rdf-schema#label> ?l } LIMIT 500",
    "one resource": "SELECT ?p ?o WHERE { <https://w3id.org/partnergraph/id/municipality/vaxjo> ?p ?o }",
}


def peak_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def folder_bytes(folder: Path) -> dict[int, int]:
    sizes: dict[int, int] = {}
    for path in folder.iterdir():
        if path.name[:4].isdigit():
            sizes[int(path.name[:4])] = sizes.get(int(path.name[:4]), 0) + path.stat().st_size
    return dict(sorted(sizes.items()))


# -- steps, each in its own process -----------------------------------------------------------------

def step_release(data: str, releases: str, notes: str) -> dict:
    """One release as the command makes it, then its parts: validation and build, snapshot, write."""
    from partnergraph.graph import validate_and_build
    from partnergraph.history.record import make_release, state_of_store
    from partnergraph.history.releases import Log
    started = time.perf_counter()
    made = make_release([data], ROOT / "ontology", releases, notes)
    total = time.perf_counter() - started
    started = time.perf_counter()
    store, _ = validate_and_build([data], target=None, ontology_dir=ROOT / "ontology", validate=True)
    built = time.perf_counter() - started
    started = time.perf_counter()
    state = state_of_store(store.store, [data], ROOT / "ontology")
    snapshot = time.perf_counter() - started
    started = time.perf_counter()
    replayed = Log(releases).state()
    replay = time.perf_counter() - started
    assert replayed == state
    return {"release": made.number, "seconds": round(total, 2), "validate_and_build_seconds": round(built, 2),
            "snapshot_seconds": round(snapshot, 2), "replay_seconds": round(replay, 2), "counts": made.counts,
            "release_bytes": folder_bytes(Path(releases))[made.number], "peak_mib": peak_mib()}


def step_from_git(releases: str) -> dict:
    from partnergraph.history.record import releases_from_git
    started = time.perf_counter()
    made = releases_from_git(ROOT, releases)
    return {"releases": len(made), "seconds": round(time.perf_counter() - started, 2), "peak_mib": peak_mib(),
            "bytes_per_release": folder_bytes(Path(releases))}


def step_serve(data: str, runs: int) -> dict:
    """Start-up (the build of the served graph) and query latency, and the feed's pages."""
    from partnergraph.web.app import create_app
    started = time.perf_counter()
    app = create_app({"DATA_DIRS": [data], "VALIDATE": False, "WORKERS": 0, "ACCESS_LOG": False,
                      "RESULT_CACHE_BYTES": 0})
    startup = time.perf_counter() - started
    graph = app.extensions["partnergraph"]
    latency = {}
    for name, text in QUERIES.items():
        times = []
        for _ in range(runs):
            began = time.perf_counter()
            graph.answer(text, cache=False)
            times.append(time.perf_counter() - began)
        latency[name] = round(statistics.median(times) * 1000, 2)
    client = app.test_client()
    pages = {}
    for url in ("/feed", "/feed/1", "/feed/2"):
        times, size = [], 0
        for _ in range(3):
            began = time.perf_counter()
            response = client.get(url, headers={"Accept": "text/turtle"})
            times.append(time.perf_counter() - began)
            size = len(response.data) if response.status_code == 200 else 0
        if size:
            pages[url] = {"median_ms": round(statistics.median(times) * 1000, 1), "bytes": size}
    began = time.perf_counter()
    client.get("/page/municipality/vaxjo", headers={"Accept": "text/html"})
    page_ms = round((time.perf_counter() - began) * 1000, 1)
    history = {}
    if graph.history is not None and graph.history.log.releases():
        for attempt in ("first", "again"):   # the first builds the history's own store
            began = time.perf_counter()
            rows = graph.query("changes-since", since=0).rows()
            history[attempt + "_ms"] = round((time.perf_counter() - began) * 1000, 1)
        history["rows"] = len(rows)
    graph.close()
    return {"startup_seconds": round(startup, 2), "query_median_ms": latency, "feed_pages": pages,
            "resource_page_first_ms": page_ms, "changes_since_query": history, "peak_mib": peak_mib()}


def run_step(*args: str) -> dict:
    done = subprocess.run([sys.executable, __file__, "--step", *args], capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def change_one_label(data: Path) -> None:
    """A small change: one more label on one municipality."""
    with open(data / "zz-bench-change.ttl", "w", encoding="utf-8") as out:
        out.write('<https://w3id.org/partnergraph/id/municipality/vaxjo> '
                  '<http://www.w3.org/2004/02/skos/core#altLabel> "Växjö (bench)"@sv .\n')


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--step", nargs="+")
    args = parser.parse_args(argv)
    if args.step:
        name, *rest = args.step
        result = {"release": lambda: step_release(*rest), "from-git": lambda: step_from_git(*rest),
                  "serve": lambda: step_serve(rest[0], int(rest[1]))}[name]()
        print(json.dumps(result))
        return 0

    results: dict = {"when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    with tempfile.TemporaryDirectory(prefix="partnergraph-bench-history-") as scratch:
        shipped = Path(scratch) / "shipped"
        shutil.copytree(ROOT / "data", shipped / "data")
        results["shipped_serve_without_log"] = run_step("serve", str(shipped / "data"), str(args.runs))
        results["shipped_first_release"] = run_step("release", str(shipped / "data"), str(shipped / "releases"), "first")
        change_one_label(shipped / "data")
        results["shipped_small_change"] = run_step("release", str(shipped / "data"), str(shipped / "releases"), "small")
        results["shipped_serve_with_log"] = run_step("serve", str(shipped / "data"), str(args.runs))
        results["from_git"] = run_step("from-git", str(Path(scratch) / "git-releases"))

    synth = WORK / "data" / "synth.nt"
    if not synth.is_file():
        subprocess.run([sys.executable, str(ROOT / "bench" / "synth.py"), "--triples", str(args.triples),
                        "--out", str(synth)], check=True, cwd=ROOT)
    shutil.rmtree(WORK / "releases", ignore_errors=True)
    (WORK / "data" / "zz-bench-change.ttl").unlink(missing_ok=True)
    results["1m_serve_without_log"] = run_step("serve", str(WORK / "data"), str(args.runs))
    results["1m_first_release"] = run_step("release", str(WORK / "data"), str(WORK / "releases"), "the whole graph")
    change_one_label(WORK / "data")
    results["1m_small_change"] = run_step("release", str(WORK / "data"), str(WORK / "releases"), "one label")
    results["1m_serve_with_log"] = run_step("serve", str(WORK / "data"), str(args.runs))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
