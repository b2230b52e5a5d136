"""Faceted browsing at scale: /browse/{kind} pages on the benchmark's generated graph, through the
Flask test client of an app served from a store as `partnergraph serve` builds it (query workers,
the 30 s query limit), timed from request to the whole HTML page.

    .venv/bin/python bench/browse.py --triples 1000000      # writes bench/results/browse-1m.json

The data (bench/synth.py) and a store are made in bench/work/ when missing. The first request of
each kind waits for that kind's facet index (built once per version of the data, in the
background): its time is reported on its own, as "index"; the figures that matter are the pages
after it, each state requested --rounds times (alternately in English and Swedish): the first
request of a state sorted by a column computes that order for the language (kept afterwards).
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work"
RESULTS = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent

# Each kind with no facet, one, two and three facets, sorted by a column, and page 5. Values are
# those bench/synth.py generates (its countries, continents, SDG goals, statuses and years).
STATES = {
    "projects": ["", "sdg=4", "sdg=4&country=kosovo", "sdg=4&country=kosovo&year=2020", "continent=continent-africa",
                 "_sort=municipality", "sdg=4&_sort=-year", "_page=5"],
    "partnerships": ["", "country=kosovo", "country=kosovo&status=status-active",
                     "continent=continent-africa&status=status-active&since=2015", "_sort=since", "_page=5"],
    "municipalities": ["", "country=sweden", "country=sweden&sdg=4", "country=sweden&sdg=4&network=local-democracy-forum-3",
                       "_sort=country", "_page=5"],
    "networks": ["", "country=sweden", "country=sweden&continent=continent-europe", "_page=2"],
    "events": ["", "year=2019", "year=2019&country=kosovo", "year=2019&country=kosovo&continent=continent-europe",
               "_sort=year", "_page=5"],
}


def label(triples: int) -> str:
    return f"{triples // 1_000_000}m" if triples % 1_000_000 == 0 else f"{triples // 1000}k"


def ensure_store(size: str, triples: int) -> Path:
    WORK.mkdir(parents=True, exist_ok=True)
    data = WORK / f"{size}.nt"
    if not data.exists():
        subprocess.run([sys.executable, str(ROOT / "bench" / "synth.py"), "--triples", str(triples), "--out", str(data),
                        "--seed", "1"], check=True, cwd=ROOT)
    store = WORK / f"browse-store-{size}"
    if not store.exists():
        subprocess.run([str(BIN / "partnergraph"), "load", str(data), "--store", str(store), "--no-validate"],
                       check=True, cwd=ROOT)
    return store


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--triples", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=4, help="requests per state after the index is built")
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--kinds", default="", help="only these kinds (comma-separated), replacing theirs in the results")
    args = ap.parse_args()
    size = label(args.triples)
    store = ensure_store(size, args.triples)
    sys.path.insert(0, str(ROOT / "src"))
    from partnergraph.web.app import create_app
    app = create_app({"STORE": str(store), "VALIDATE": False, "WORKERS": args.workers, "ACCESS_LOG": False,
                      "LINKS_DIR": str(WORK / "links")})
    client = app.test_client()
    result: dict = {"size": size, "triples": args.triples, "workers": args.workers,
                    "query_timeout_s": app.config["QUERY_TIMEOUT"], "rounds": args.rounds, "index": {}, "pages": []}
    try:
        chosen = [k for k in args.kinds.split(",") if k] or list(STATES)
        for kind, states in ((k, STATES[k]) for k in chosen):
            started = time.perf_counter()
            while True:  # 503 with Retry-After while the kind's index is being built
                first = client.get(f"/browse/{kind}?lang=en")
                if first.status_code != 503 or "being built" not in first.get_data(as_text=True):
                    break
            if first.status_code != 200:
                raise SystemExit(f"/browse/{kind}: {first.status_code} {first.get_data(as_text=True)[:500]}")
            result["index"][kind] = round(time.perf_counter() - started, 2)
            print(f"{kind}: index ready after {result['index'][kind]} s", flush=True)
            for state in states:
                path = f"/browse/{kind}?{state}" if state else f"/browse/{kind}"
                times, statuses = [], set()
                for round_ in range(args.rounds):
                    lang = "sv" if round_ % 2 else "en"
                    t = time.perf_counter()
                    response = client.get(path + ("&" if state else "?") + f"lang={lang}")
                    times.append(time.perf_counter() - t)
                    statuses.add(response.status_code)
                body = response.get_data(as_text=True)
                total = body.split('data-total="', 1)[1].split('"', 1)[0] if 'data-total="' in body else None
                facets = sum(1 for part in state.split("&") if part and not part.startswith("_"))
                row = {"path": path, "facets": facets, "status": sorted(statuses), "items": int(total) if total else None,
                       "first_s": round(times[0], 3), "median_s": round(statistics.median(times), 3),
                       "max_s": round(max(times), 3)}
                result["pages"].append(row)
                print(f"  {path}: {row['median_s']} s (max {row['max_s']}), {row['items']} items, {row['status']}",
                      flush=True)
    finally:
        app.extensions["partnergraph"].close()
    out = RESULTS / f"browse-{size}.json"
    if args.kinds and out.exists():      # the other kinds' figures stay as measured before
        before = json.loads(out.read_text())
        keep = [p for p in before["pages"] if p["path"].split("?")[0].rsplit("/", 1)[-1] not in chosen]
        result["index"] = {**{k: v for k, v in before["index"].items() if k not in chosen}, **result["index"]}
        result["pages"] = keep + result["pages"]
    pages = [p["median_s"] for p in result["pages"]]
    result["summary"] = {"states": len(pages), "median_s": round(statistics.median(pages), 3),
                         "slowest_s": max(pages), "slowest": max(result["pages"], key=lambda p: p["median_s"])["path"],
                         "all_200": all(p["status"] == [200] for p in result["pages"])}
    RESULTS.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(result["summary"], indent=2))


if __name__ == "__main__":
    main()
