"""Profile partnergraph's endpoint under load with py-spy (the server and its query workers).

    python bench/profile.py --size 100k [--seconds 20] [--clients 4]

Starts `partnergraph serve` on the prebuilt store bench/work/pg-{size}, drives it with N clients
over the benchmark's query mix, records with `py-spy record --subprocesses --format raw`, and
writes bench/profile/{size}-flame.svg (a flame graph), {size}.txt (the collapsed stacks) and
{size}-summary.md (where the samples are, by process and by stage).
"""
from __future__ import annotations

import argparse
import collections
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402  (the benchmark's servers and query mix)

OUT = run.BENCH / "profile"

# stage: substrings of a frame ("function (file)") that put a sample in it, first match wins,
# from the leaf up
STAGES = [
    ("engine: pyoxigraph query evaluation", ["query (partnergraph/store/embedded.py",
                                             "evaluate (partnergraph/sparql/executor.py"]),
    ("guard: query checks (regex / rdflib parse)", ["partnergraph/sparql/guard.py"]),
    ("IPC: pickling and the worker pipe", ["multiprocessing/connection.py", "pickle", "multiprocessing/reduction.py"]),
    ("Flask / Werkzeug request and response", ["flask/", "werkzeug/", "jinja2/"]),
    ("waitress: HTTP parsing, channel, socket I/O", ["waitress/"]),
]


def classify(stack: list[str]) -> str:
    for name, needles in STAGES:
        for frame in reversed(stack):
            if any(n in frame for n in needles):
                return name
    return "other (interpreter, threads, idle waits)"


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="100k")
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--clients", type=int, default=4)
    args = ap.parse_args()
    OUT.mkdir(exist_ok=True)
    store = run.WORK / f"pg-{args.size}"
    if not store.exists():
        sys.exit(f"{store}: run the benchmark at {args.size} first (it builds the store)")
    srv = run.PartnergraphServer(run.free_port(), store)
    srv.start()
    try:
        _profile(args, srv)
    finally:  # stop the server also on Ctrl-C or a time limit
        srv.stop()


def _profile(args, srv) -> None:
    queries = run.query_set()
    texts = list(queries.values())
    for t in texts:  # warm up
        srv.query(t, 60)
    raw = OUT / f"{args.size}.txt"
    spy = subprocess.Popen([str(run.BIN / "py-spy"), "record", "--pid", str(srv.proc.pid), "--subprocesses",
                            "--format", "raw", "--rate", "200", "--duration", str(args.seconds), "--output", str(raw),
                            "--nonblocking"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    time.sleep(1.0)
    stop = threading.Event()
    count = [0]

    def load():
        import requests
        s = requests.Session()
        i = 0
        while not stop.is_set():
            t = texts[i % len(texts)]
            accept = "application/n-triples" if run.is_graph_query(t) else "application/sparql-results+json"
            s.post(srv.url, data={"query": t}, headers={"Accept": accept}, timeout=60)
            count[0] += 1
            i += 1
    threads = [threading.Thread(target=load) for _ in range(args.clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    out, _ = spy.communicate(timeout=args.seconds + 120)
    stop.set()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    if spy.returncode != 0 or not raw.exists():
        sys.exit(f"py-spy failed ({spy.returncode}): {out.decode(errors='replace')[-1500:]}")
    by_process: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    frames: collections.Counter = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack_text, _, n = line.rpartition(" ")
        if not n.isdigit():
            continue
        n = int(n)
        stack = stack_text.split(";")
        proc = "worker" if any("_worker_main" in f for f in stack) else "server"
        by_process[proc][classify(stack)] += n
        total += n
        frames[stack[-1]] += n
    lines = [f"# Profile of partnergraph serve at {args.size}, {args.clients} clients, {args.seconds} s\n",
             f"{count[0]} requests in {elapsed:.1f} s ({count[0] / elapsed:.1f} req/s while profiled; py-spy slows the "
             f"processes it samples). {total} samples at 200 Hz over the server process and its query workers "
             "(idle threads excluded).\n",
             "| process | stage | samples | share of that process |", "|---|---|---|---|"]
    for proc, counter in sorted(by_process.items()):
        ptotal = sum(counter.values())
        for stage, n in counter.most_common():
            lines.append(f"| {proc} | {stage} | {n} | {n / ptotal:.0%} |")
    lines += ["", "Hottest leaf frames:", "", "| frame | samples |", "|---|---|"]
    for f, n in frames.most_common(15):
        lines.append(f"| `{f[:120]}` | {n} |")
    (OUT / f"{args.size}-summary.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    # a flame graph from the same samples
    subprocess.run([str(run.BIN / "py-spy"), "--version"], capture_output=True)
    try:
        svg = flame(raw)
        (OUT / f"{args.size}-flame.svg").write_text(svg)
    except Exception as err:  # the summary is the main product
        print(f"(no flame graph: {err})")


def flame(raw: Path) -> str:
    """A minimal icicle chart of the collapsed stacks (root at the top), hand-rolled SVG."""
    tree: dict = {}
    total = 0
    for line in raw.read_text().splitlines():
        stack_text, _, n = line.rpartition(" ")
        if not n.isdigit():
            continue
        node = tree
        for f in stack_text.split(";"):
            node = node.setdefault(f, {"_n": 0, "_c": {}})
            node["_n"] += int(n)
            node = node["_c"]
        total += int(n)
    W, RH = 1400, 16
    rects = []
    depth_max = [0]

    def walk(children, x, depth):
        for name, node in sorted(children.items(), key=lambda kv: -kv[1]["_n"]):
            w = node["_n"] / total * W
            if w >= 1:
                rects.append((x, depth, w, name, node["_n"]))
                depth_max[0] = max(depth_max[0], depth)
                walk(node["_c"], x, depth + 1)
            x += w
    walk(tree, 0, 0)
    H = (depth_max[0] + 1) * RH + 10
    out = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{W}' height='{H}' font-family='monospace' font-size='10'>"]
    import html
    for x, d, w, name, n in rects:
        hue = 20 + (hash(name.split(" ")[0]) % 40)
        out.append(f"<g><title>{html.escape(name)} ({n} samples, {n / total:.1%})</title>"
                   f"<rect x='{x:.1f}' y='{d * RH}' width='{w:.1f}' height='{RH - 1}' fill='hsl({hue},80%,60%)'/>"
                   + (f"<text x='{x + 2:.1f}' y='{d * RH + 11}'>{html.escape(name[: int(w / 6)])}</text>" if w > 30 else "")
                   + "</g>")
    out.append("</svg>")
    return "\n".join(out)


if __name__ == "__main__":
    main()
