"""How much of a named query's time is its label fallback, and what a per-resource fallback gains.

Every named query labels its resources with the reader's language and, failing that, with
`OPTIONAL { { SELECT ?x (MIN(STR(?l)) AS ?x_a) WHERE { ?x rdfs:label ?l } GROUP BY ?x } }`: a
subquery that aggregates the labels of every resource in the graph, whatever the answer's size.
This script runs each named query (defaults as VALUES, as in the benchmark) as shipped and with
that subquery replaced by a per-resource fallback to the English label,

    OPTIONAL { ?x rdfs:label ?x_f FILTER (LANGMATCHES(LANG(?x_f), "en")) } BIND (STR(?x_f) AS ?x_a)

(the shapes require an @en label on every resource under id/, so for them it gives the same
label), in process on pyoxigraph, interleaved, and checks that the answers are the same.

    python bench/label_fallback.py --size 100k [--reps 5]
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402

SUBQUERY = re.compile(
    r"OPTIONAL\s*\{\s*\{\s*SELECT\s+\?(\w+)\s+\(MIN\(STR\(\?(\w+)\)\)\s+AS\s+\?(\w+)\)\s+"
    r"WHERE\s*\{\s*\?\1\s+rdfs:label\s+\?\2\s*\}\s*GROUP BY\s+\?\1\s*\}\s*\}")


def rewrite(text: str) -> str:
    return SUBQUERY.sub(lambda m: (f'OPTIONAL {{ ?{m.group(1)} rdfs:label ?{m.group(1)}_f '
                                   f'FILTER (LANGMATCHES(LANG(?{m.group(1)}_f), "en")) }} '
                                   f'BIND (STR(?{m.group(1)}_f) AS ?{m.group(3)})'), text)


def main() -> None:
    import pyoxigraph
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="100k")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--before", default=str(run.RESULTS / "results.json"),
                    help="results.json whose query texts are the 'shipped' ones (default: the last run's)")
    args = ap.parse_args()
    store = pyoxigraph.Store.read_only(str(run.WORK / f"pg-{args.size}"))

    def execute(text):
        t = time.perf_counter()
        res = store.query(text, use_default_graph_as_union=True)
        out = res.serialize(format=pyoxigraph.QueryResultsFormat.CSV) if hasattr(res, "variables") else None
        return time.perf_counter() - t, out

    lines = [f"# Label fallback: shipped subquery against a per-resource fallback, {args.size}, pyoxigraph in process\n",
             f"Median of {args.reps} interleaved runs after a warm-up; \"same\" compares the CSV answers.\n",
             "| query | shipped ms | per-resource fallback ms | speed-up | same answer |", "|---|---|---|---|---|"]
    speedups = []
    import json
    before = {}
    if args.before and Path(args.before).exists():  # the texts the benchmark ran (queries/ may have changed since)
        before = json.loads(Path(args.before).read_text()).get("queries", {})
    for name, current in run.query_set().items():
        if name.startswith("std-"):
            continue
        text = before.get(name, current)
        new = rewrite(text)
        if new == text and SUBQUERY.search(current) is None and current != text:
            new = current  # queries/ already has a per-resource fallback: compare with it
        if new == text:
            continue
        _, a = execute(text)
        _, b = execute(new)
        ta, tb = [], []
        for _ in range(args.reps):
            ta.append(execute(text)[0])
            tb.append(execute(new)[0])
        ma, mb = statistics.median(ta), statistics.median(tb)
        speedups.append(ma / mb)
        lines.append(f"| {name} | {ma * 1000:.1f} | {mb * 1000:.1f} | {ma / mb:.1f}x | {'yes' if a == b else 'no'} |")
        print(lines[-1], flush=True)
    g = statistics.geometric_mean(speedups) if speedups else float("nan")
    lines.append(f"\nGeometric mean speed-up: {g:.1f}x over {len(speedups)} queries.")
    print(lines[-1])
    out = run.BENCH / "profile"
    out.mkdir(exist_ok=True)
    (out / f"label-fallback-{args.size}.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
