"""bench/results/*.json -> bench/REPORT.md and bench/latency.svg (hand-rolled SVG)."""
from __future__ import annotations

import json
import math
import os
from pathlib import Path

BENCH = Path(__file__).resolve().parent
RESULTS = Path(os.environ.get("BENCH_RESULTS", BENCH / "results"))  # another directory for trial runs
SYSTEMS = ["partnergraph", "oxigraph", "rdflib-endpoint", "rdflib"]
COLOURS = {"partnergraph": "#1f77b4", "oxigraph": "#2ca02c", "rdflib-endpoint": "#d62728", "rdflib": "#ff7f0e"}
ORDER = ["10k", "100k", "1m", "10m"]


def gmean(values):
    values = [v for v in values if v and v > 0]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else None


def fmt(v, digits=2, suffix=""):
    if v is None:
        return "–"
    return f"{v:.{digits}f}{suffix}"


def rps(v):
    return fmt(v, 0 if v is not None and v >= 10 else 2)


def r1(v):
    return fmt(v, 2 if v is not None and v < 1 else 1)


def ms(v):
    return "–" if v is None else (f"{v * 1000:.1f}" if v < 10 else f"{v:.1f} s")


def mib(v):
    return "–" if not v else f"{v / 2**20:.0f} MiB"


def med(size_res, q, s, key="median"):
    return (size_res["latency"][q].get(s) or {}).get(key)


def ratio(a, b):
    return a / b if a and b else None


HISTORY_GRAPH = "https://w3id.org/partnergraph/graph/history"


def summary_rows(res):
    rows = []
    for size in [s for s in ORDER if s in res["sizes"]]:
        r = res["sizes"][size]
        # a query of the release log's graph is answered from partnergraph's history, which the peers lack
        qs = [q for q in r["latency"] if HISTORY_GRAPH not in res.get("queries", {}).get(q, "")]
        po = [ratio(med(r, q, "partnergraph"), med(r, q, "oxigraph")) for q in qs]
        po95 = [ratio(med(r, q, "partnergraph", "p95"), med(r, q, "oxigraph", "p95")) for q in qs]
        cap = r.get("config", {}).get("cap", 30)

        def peer(q, s, r=r, cap=cap):  # a time-out (measured or predicted) counts as the cap: the ratio is a lower bound
            errs = r["latency"][q]["errors"]
            if s in errs and "timeout" in errs[s]:
                return cap
            return med(r, q, s)
        ep = [ratio(peer(q, "rdflib-endpoint"), med(r, q, "partnergraph")) for q in qs]
        rp = [ratio(peer(q, "rdflib"), med(r, q, "partnergraph")) for q in qs]
        tp = r.get("throughput", {})
        t1 = ratio(tp.get("partnergraph", {}).get("1"), tp.get("oxigraph", {}).get("1"))
        t4 = ratio(tp.get("partnergraph", {}).get("4"), tp.get("oxigraph", {}).get("4"))
        rows.append({"size": size, "triples": r.get("store_quads"), "po": gmean(po), "po_max": max([x for x in po if x] or [0]),
                     "po95": gmean(po95), "ep": gmean(ep), "ep_min": min([x for x in ep if x] or [0]) or None,
                     "rp": gmean(rp), "t1": t1, "t4": t4, "r": r, "qs": qs,
                     "ep_n": sum(1 for x in ep if x),
                     "ep_timeouts": sum(1 for q in qs if "rdflib-endpoint" in r["latency"][q]["errors"]),
                     "rp_timeouts": sum(1 for q in qs if "rdflib" in r["latency"][q]["errors"])})
    return rows


def svg_plot(res) -> str:
    """Geometric mean of the per-query median latencies against the store size, log-log."""
    W, H, L, R, T, B = 640, 400, 70, 170, 20, 50
    points = {s: [] for s in SYSTEMS}
    sizes = [s for s in ORDER if s in res["sizes"]]
    # one query set for every point: the queries every system answered at every size it ran at
    common = set(res["sizes"][sizes[0]]["latency"]) if sizes else set()
    for size in sizes:
        r = res["sizes"][size]
        for s in SYSTEMS:
            if s in r.get("skipped", {}):
                continue
            common &= {q for q in r["latency"] if med(r, q, s)}
    for size in sizes:
        r = res["sizes"][size]
        for s in SYSTEMS:
            vals = [med(r, q, s) for q in sorted(common)]
            if vals and all(vals):
                points[s].append((r["store_quads"], gmean(vals)))
    xs = [p[0] for v in points.values() for p in v]
    ys = [p[1] for v in points.values() for p in v]
    if not xs:
        return "<svg xmlns='http://www.w3.org/2000/svg'/>"
    x0, x1 = math.log10(min(xs)) - 0.2, math.log10(max(xs)) + 0.2
    y0, y1 = math.floor(math.log10(min(ys))), math.ceil(math.log10(max(ys)))
    if y1 == y0:
        y1 += 1
    X = lambda v: L + (math.log10(v) - x0) / (x1 - x0) * (W - L - R)  # noqa: E731
    Y = lambda v: T + (1 - (math.log10(v) - y0) / (y1 - y0)) * (H - T - B)  # noqa: E731
    out = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{W}' height='{H}' font-family='sans-serif' font-size='12'>",
           f"<rect width='{W}' height='{H}' fill='white'/>"]
    for e in range(y0, y1 + 1):
        y = Y(10 ** e)
        out.append(f"<line x1='{L}' x2='{W - R}' y1='{y:.1f}' y2='{y:.1f}' stroke='#ddd'/>")
        label = f"{10 ** e * 1000:g} ms"
        out.append(f"<text x='{L - 6}' y='{y + 4:.1f}' text-anchor='end'>{label}</text>")
    for e in range(math.ceil(x0), math.floor(x1) + 1):
        x = X(10 ** e)
        out.append(f"<line x1='{x:.1f}' x2='{x:.1f}' y1='{T}' y2='{H - B}' stroke='#ddd'/>")
        out.append(f"<text x='{x:.1f}' y='{H - B + 16}' text-anchor='middle'>{10 ** e:,.0f}</text>")
    out.append(f"<text x='{(L + W - R) / 2}' y='{H - 10}' text-anchor='middle'>triples in the store (log)</text>")
    out.append(f"<text x='14' y='{(T + H - B) / 2}' transform='rotate(-90 14 {(T + H - B) / 2})' text-anchor='middle'>"
               "geometric mean of median latency (log)</text>")
    for i, s in enumerate(SYSTEMS):
        pts = points[s]
        if not pts:
            continue
        c = COLOURS[s]
        out.append("<polyline fill='none' stroke='{}' stroke-width='2' points='{}'/>".format(
            c, " ".join(f"{X(x):.1f},{Y(y):.1f}" for x, y in pts)))
        for x, y in pts:
            out.append(f"<circle cx='{X(x):.1f}' cy='{Y(y):.1f}' r='3.5' fill='{c}'/>")
        ly = T + 20 + i * 20
        out.append(f"<line x1='{W - R + 12}' x2='{W - R + 32}' y1='{ly}' y2='{ly}' stroke='{c}' stroke-width='3'/>")
        out.append(f"<text x='{W - R + 38}' y='{ly + 4}'>{s}</text>")
    out.append(f"<text x='{L + 6}' y='{T + 12}' fill='#555'>{len(common)} queries answered by every system</text>")
    out.append("</svg>")
    return "\n".join(out)


def short_error(text: str) -> str:
    """An error as recorded, with a JSON error body reduced to its message."""
    import re
    found = re.search(r'"message":\s*"((?:[^"\\]|\\.)*)"', text)
    if not found:
        return text[:160]
    status = re.search(r"HTTP (\d{3})", text)
    head = text[:text.find("HTTP")] if "HTTP" in text else ""
    return f"{head}HTTP {status.group(1) if status else '?'}: {found.group(1)}"


def load_json(name: str):
    path = RESULTS / name
    return json.loads(path.read_text()) if path.exists() else None


def by_how_much(value, target, larger_is_better=False) -> str:
    """'met (x below the target)' or 'missed by y' for a ratio and its target."""
    if value is None:
        return "not measured"
    if larger_is_better:
        return f"met ({value / target:.2f}x the target)" if value >= target else f"missed by {(target - value) / target:.0%}"
    return f"met ({target / value:.2f}x inside the target)" if value <= target else f"missed: {value / target:.2f}x the target"


def load_average(entry: dict) -> str:
    """The 1-minute load average a result recorded, or a dash."""
    value = (entry or {}).get("loadavg")
    return f"{value[0]:.2f}" if value else "–"


def performance_targets(w, rows) -> None:
    """One row per target of the request-path, every-core, cold-latency and streamed-load work:
    the figure, the load average of the run it comes from, met or missed by how much, and the
    profile that explains it (the analysis is in bench/findings.md, "Performance targets")."""
    one_m = next((x for x in rows if x["size"] == "1m"), None)
    fixed = load_json("fixedcost-1m.json") or {}
    load1, load10 = load_json("load-1m.json"), load_json("load-10m.json")
    w("## Performance targets: the request path, every core, cold latency, loads that stream\n")
    w("Each figure is a ratio against Oxigraph in the same run, with the machine's load average (1 minute) when "
      "it was taken; why a target is missed is in \"Gaps and what explains them\" (Performance targets).\n")
    w("| target | measured | load average | met? | profile |")
    w("|---|---|---|---|---|")
    current = fixed.get("current") or next(iter(fixed.values()), None)
    if current:
        q = current["queries"].get("lookup (28 rows)", {})
        pg, ox = q.get("partnergraph", {}).get("cpu_ms"), q.get("oxigraph", {}).get("cpu_ms")
        others = "; ".join(f"{name}: {fmt(v.get('partnergraph', {}).get('cpu_ms'))} / "
                           f"{fmt(v.get('oxigraph', {}).get('cpu_ms'))} ms"
                           for name, v in current["queries"].items() if name != "lookup (28 rows)")
        w(f"| 1. fixed cost per small request at most 2x Oxigraph's (CPU) | lookup: {fmt(pg)} / {fmt(ox)} ms = "
          f"{fmt(ratio(pg, ox))}x ({others}; {current['date']}) | {load_average(current)} | "
          f"{by_how_much(ratio(pg, ox), 2.0)} | the web process's Python per request (Flask's routing and hooks, the "
          "guard, the cache key) and waitress's hand-offs between its threads; the query itself is a small share |")
    else:
        w("| 1. fixed cost per small request at most 2x Oxigraph's (CPU) | not measured | – | – | – |")
    if one_m:
        r = one_m["r"]
        la = load_average(r)
        w(f"| 2. 4-client throughput at least 1.0x Oxigraph's server | {fmt(one_m['t4'])}x (1 client {fmt(one_m['t1'])}x; "
          f"{r.get('date', '?')}) | {la} | {by_how_much(one_m['t4'], 1.0, larger_is_better=True)} | "
          "the mix is the named queries at 1M (seconds each): engine time in the workers, and the answers' bytes passing "
          "through the web process |")
        lat = one_m["qs"]
        worst = max(((ratio(med(r, q, "partnergraph"), med(r, q, "oxigraph")) or 0, q) for q in lat), default=(None, None))
        w(f"| 3a. cold latency at 1M: median at most 1.05x | {fmt(one_m['po'])}x (geometric mean of the medians over "
          f"{len(lat)} queries; the release log's are left out: the peer holds no history) | {la} | "
          f"{by_how_much(one_m['po'], 1.05)} | the fixed cost of row 1 on every query |")
        w(f"| 3b. cold latency at 1M: worst query at most 1.3x | {fmt(worst[0])}x ({worst[1]}) | {la} | "
          f"{by_how_much(worst[0], 1.3)} | the smallest queries, where the fixed cost is most of the time |")
    else:
        w("| 2, 3. throughput and cold latency at 1M | not run | – | – | – |")
    for load, target, label in ((load1, 2.0, "4a. load at most 2x `oxigraph load` at 1M (unvalidated)"),
                                (load10, 5.0, "4c. load at most 5x `oxigraph load` at 10M (unvalidated)")):
        if not load:
            w(f"| {label} | not measured | – | – | – |")
            continue
        row, runs = load["row"], load["runs"]
        first = runs["pg-no-validate"][0]
        stages = ", ".join(f"{k} {v:.1f} s" for k, v in first.get("stages", {}).items() if v >= 0.05)
        inside = first.get("summary", {}).get("rule_stages")
        if inside:
            stages += " (the rules: " + ", ".join(f"{k} {v:.1f} s" for k, v in inside.items()) + ")"
        rounds = (f"; every rule in rounds, as before: {fmt(row['pg-rounds'], 1)} s = {fmt(row.get('ratio_rounds'))}x"
                  if row.get("pg-rounds") else "")
        w(f"| {label} | {fmt(row['pg-no-validate'], 1)} s against {fmt(row['ox'], 1)} s = {fmt(row['ratio_no_validate'])}x "
          f"({fmt(row.get('ratio_no_validate_named'))}x `oxigraph load --graph`{rounds}; {load['date']}) | "
          f"{load_average(first)} | {by_how_much(row['ratio_no_validate'], target)} | {stages} |")
        validated = runs.get("pg-validated", [{}])[0]
        if load is load1:
            vstages = ", ".join(f"{k} {v:.1f} s" for k, v in validated.get("stages", {}).items() if v >= 0.05)
            w(f"| 4b. validated load of 1M under 2 minutes | {fmt(row['pg-validated'], 1)} s ({load['date']}) | "
              f"{load_average(validated)} | {by_how_much(row['pg-validated'], 120)} | {vstages} |")
        elif row.get("pg-validated"):
            vstages = ", ".join(f"{k} {v:.1f} s" for k, v in validated.get("stages", {}).items() if v >= 0.05)
            when = validated.get("date", load["date"])
            if validated.get("reused"):
                when += ", an earlier run than the row above"
            w(f"| 4d. validated load of 10M measured | {fmt(row['pg-validated'], 0)} s = {fmt(row['ratio_validated'])}x "
              f"`oxigraph load` ({when}) | {load_average(validated)} | measured | {vstages} |")
    same = load1.get("streamed_and_rounds_same_quads") if load1 else None
    w("| 4e. the inferred triples stay the same | `tests/test_materialise.py` compares a streamed build with the rules "
      "as they were, run as rounds, on the shipped data and on a generated graph (in memory, on disk, validated); "
      f"at 1M the streamed and the all-rounds stores hold the same quads: "
      f"{ {True: 'yes', False: 'no', None: 'not compared'}[same] } | – | "
      f"{'met' if same else 'tested (1M not compared)' if same is None else 'missed'} | – |")
    w("")


def endpoint_sections(w, rows) -> None:
    """The endpoint's targets at 1M, the fixed cost per request, the soak, the large store, and
    the sections of other result files (the result cache, the load) where they exist."""
    one_m = next((x for x in rows if x["size"] == "1m"), None)
    fixed = next((load_json(f"fixedcost-{s}.json") for s in reversed(ORDER) if load_json(f"fixedcost-{s}.json")), None)
    soak = load_json("soak.json")
    w("## Endpoint targets at 1M, and the load and 10M targets (latency without the result cache)\n")
    w("| target | measured | met |")
    w("|---|---|---|")
    if one_m:
        r = one_m["r"]
        w(f"| median latency at most 1.1x Oxigraph's server | {fmt(one_m['po'])}x (geometric mean over the queries; "
          f"run of {r.get('date', '?')}) | {'yes' if one_m['po'] and one_m['po'] <= 1.1 else 'no'} |")
        w(f"| worst query at most 1.5x | {fmt(one_m['po_max'])}x | "
          f"{'yes' if one_m['po_max'] and one_m['po_max'] <= 1.5 else 'no'} |")
        met = "yes" if one_m["t4"] and one_m["t4"] >= 1.0 else "no"
        w(f"| 4-client throughput at least 1.0x | {fmt(one_m['t4'])}x | {met} |")
    else:
        w("| latency and throughput at 1M | not run | – |")
    if fixed and len(fixed) >= 1:
        # the first configuration in the file is the reference; the best of the others is compared with it
        q = "lookup (28 rows)"
        # the server configurations compared in one run; "current" (the cold-request run of fixedcost.py) is
        # the performance targets' row
        cpu = {label: (v["queries"].get(q, {}).get("partnergraph", {}).get("cpu_ms"),
                       v["queries"].get(q, {}).get("oxigraph", {}).get("cpu_ms")) for label, v in fixed.items()
               if label != "current" or len(fixed) == 1}
        labels = list(cpu)
        a = cpu[labels[0]][0]
        best = min(labels[1:], key=lambda k: cpu[k][0] or float("inf")) if len(labels) > 1 else None
        b = cpu[best][0] if best else None
        met = ("yes" if a and b and b <= a / 2 else "no") if best else "–"
        w("| fixed cost per request halved | CPU per lookup request (partnergraph / Oxigraph's server, same run): "
          + "; ".join(f"{k}: {fmt(v[0])} / {fmt(v[1])} ms" for k, v in cpu.items()) + f" | {met} |")
    if soak:
        c = soak["classes"]["cheap"]
        w(f"| soak: zero errors, cheap-query p99 reported | {soak['error_count']} errors in {soak['requests']} requests; "
          f"cheap p99 {fmt(c['p99_ms'], 0)} ms | {'yes' if soak['error_count'] == 0 else 'no'} |")
    cached = load_json("cache-1m.json")
    if cached:
        ratio_ = cached["summary"]["median_ratio"]
        w(f"| repeated named queries answered faster than Oxigraph's server (result cache) | median "
          f"{fmt(ratio_, 3)}x, worst {fmt(cached['summary']['worst_ratio'], 3)}x | {'yes' if ratio_ < 1 else 'no'} |")
    load = load_json("load-1m.json")
    if load:
        row = load["row"]
        named = f"; {fmt(row['ratio_no_validate_named'])}x `oxigraph load --graph`" if row.get("ratio_no_validate_named") else ""
        w(f"| `partnergraph load --no-validate` within 3x of `oxigraph load` | {fmt(row['ratio_no_validate'])}x "
          f"({fmt(row['pg-no-validate'], 1)} s against {fmt(row['ox'], 1)} s{named}) | "
          f"{'yes' if row['ratio_no_validate'] and row['ratio_no_validate'] <= 3 else 'no'} |")
        w(f"| validated load of 1M under 2 minutes | {fmt(row['pg-validated'], 1)} s | "
          f"{'yes' if row['pg-validated'] and row['pg-validated'] < 120 else 'no'} |")
    ten, ten_load = load_json("scale-10m.json"), load_json("load-10m.json")
    if ten or ten_load:
        parts = []
        if ten_load:
            r10 = ten_load["row"]
            parts.append(f"`partnergraph load --no-validate` {fmt(r10['pg-no-validate'], 0)} s "
                         f"({fmt(r10['ratio_no_validate'])}x `oxigraph load`, {fmt(r10.get('ratio_no_validate_named'))}x "
                         f"with `--graph`), peak memory {mib(ten_load['runs']['pg-no-validate'][0].get('max_rss'))}; "
                         + (f"the validated load {fmt(r10['pg-validated'], 0)} s" if r10.get("pg-validated")
                            else "the validated load not run"))
        if ten:
            parts.append(f"serving a 10M store ({ten['date']}): start-up {fmt(ten['startup'].get('partnergraph'))} s, "
                         f"memory {mib(ten['memory'].get('partnergraph', {}).get('tree'))}, latency in its section")
        w(f"| 10M: load, latency, memory, start-up | {'; '.join(parts)} | partly (see the findings) |")
    w("")
    if fixed:
        w("### Fixed cost per request\n")
        w("`bench/fixedcost.py`: CPU time (user + system, from /proc) of the server process and its children per "
          "request, for small queries on the 1M store, and the wall-clock median beside it; sequential requests "
          "over one keep-alive connection, interleaved rounds, the median round. CPU time is what a request costs "
          "the machine whatever else runs on it; the wall-clock figures depend on the load average, given per run.\n")
        w("| server configuration | date, load average | query | pg CPU ms | ox CPU ms | pg/ox CPU | pg wall ms | ox wall ms |")
        w("|---|---|---|---|---|---|---|---|")
        for label, run_ in fixed.items():
            for q, v in run_["queries"].items():
                pg, ox = v.get("partnergraph", {}), v.get("oxigraph", {})
                w(f"| {label} | {run_['date']}, {run_['loadavg'][0]:.1f} | {q} | {fmt(pg.get('cpu_ms'))} | "
                  f"{fmt(ox.get('cpu_ms'))} | "
                  f"{fmt(ratio(pg.get('cpu_ms'), ox.get('cpu_ms')))} | {fmt(pg.get('wall_median_ms'))} | "
                  f"{fmt(ox.get('wall_median_ms'))} |")
        w("")
    if soak:
        cfg = soak["config"]
        w("### Soak\n")
        w(f"`bench/soak.py` at {soak['size']} on {soak['date']}: {cfg['clients']} clients for {cfg['seconds']:g} s, each "
          f"walking a cycle of 20 requests (15 cheap, 4 expensive, 1 runaway that never finishes), a reload (SIGHUP) every "
          f"{cfg['reload_every']:g} s, the server's time limit {cfg['time_limit']:g} s. An error is a cheap or expensive "
          "query without a complete 200 answer, a runaway query not stopped with the time-limit 503, a failed connection, "
          "or a reload signal the server's log does not answer. Load average at the end: "
          + ", ".join(f"{x:.1f}" for x in soak["loadavg_end"]) + ".\n")
        w("| class | requests | answered as expected | p50 ms | p95 ms | p99 ms | max ms |")
        w("|---|---|---|---|---|---|---|")
        for cls, v in soak["classes"].items():
            w(f"| {cls} | {v['requests']} | {v['ok']} | {fmt(v['p50_ms'], 0)} | {fmt(v['p95_ms'], 0)} | "
              f"{fmt(v['p99_ms'], 0)} | {fmt(v['max_ms'], 0)} |")
        rl = soak["reloads"]
        w("")
        w(f"Reloads: {rl['signalled']} signalled, {rl['confirmed']} done (median {fmt(rl['seconds_median'])} s, "
          f"longest {fmt(rl['seconds_max'])} s), {rl.get('busy', 0)} refused because one was under way, "
          f"{len(rl['refused'])} refused for their data. Errors: {soak['error_count']}"
          + (": " + "; ".join(short_error(e) for e in soak["errors"][:5]) if soak["errors"] else "") + ". Peak memory: "
          f"{mib(soak['memory']['tree'])} (server {mib(soak['memory']['process'])} + workers).\n")
    for size in ("10m",):
        sc = load_json(f"scale-{size}.json")
        if not sc:
            continue
        w(f"### Serving {size.upper()}\n")
        qs = [q for q in sc["latency"]]
        po = [ratio(sc["latency"][q]["partnergraph"]["median"], sc["latency"][q]["oxigraph"]["median"]) for q in qs]
        done = [x for x in po if x]
        w(f"`bench/scale.py --size {size}` on {sc['date']} (load average {sc['loadavg'][0]:.1f}): the store was built by "
          f"{sc['how']}; {sc['store_bytes'] / 2**30:.1f} GiB on disk; {sc['config']['reps']} runs per query after a warm-up, "
          f"cap {sc['config']['cap']:g} s.\n")
        w(f"- Start-up (process start to the first 200): partnergraph {fmt(sc['startup'].get('partnergraph'))} s, "
          f"Oxigraph's server {fmt(sc['startup'].get('oxigraph'))} s (median of "
          f"{len(sc['startup'].get('partnergraph_all', []))}).")
        mem = sc["memory"]
        w(f"- Peak memory after the queries: partnergraph {mib(mem.get('partnergraph', {}).get('tree'))} "
          f"(server {mib(mem.get('partnergraph', {}).get('process'))} + workers), Oxigraph's server "
          f"{mib(mem.get('oxigraph', {}).get('tree'))}.")
        w(f"- Latency pg/ox: {fmt(gmean(done))}x geometric mean over the {len(done)} queries both answered within the cap, "
          f"worst {fmt(max(done) if done else None)}x; "
          f"{sum(1 for q in qs if sc['latency'][q]['errors'])} queries timed out or failed on at least one.\n")
        w("| query | pg ms | ox ms | pg/ox | rows | errors |")
        w("|---|---|---|---|---|---|")
        for q in qs:
            v = sc["latency"][q]
            pg, ox = v["partnergraph"]["median"], v["oxigraph"]["median"]
            w(f"| {q} | {ms(pg)} | {ms(ox)} | {fmt(ratio(pg, ox))} | {sc['rows'].get(q, {}).get('partnergraph', '–')} | "
              f"{'; '.join(f'{k}: {short_error(e)}' for k, e in v['errors'].items()) or ''} |")
        w("")
    for size in ORDER:
        load = load_json(f"load-{size}.json")
        if load:
            load_section(w, load)


def load_section(w, load) -> None:
    """bench/load.py: partnergraph load with and without validation against oxigraph load, same file."""
    runs, row = load["runs"], load["row"]
    w(f"### Loads at {load['size'].upper()}\n")
    w(f"`bench/load.py` on {load['date']}: the same {load['file_triples']:,}-triple file loaded by `partnergraph load "
      f"--no-validate`, `partnergraph load` (validated) and `oxigraph load`, {load['reps']} run(s) each; peak memory is "
      f"the process's maximum resident set. The validated and unvalidated stores hold the same quads: "
      f"{ {True: 'yes', False: 'no', None: 'not compared'}[load.get('validated_and_unvalidated_same_quads')] }.\n")
    w("| load | seconds | ratio to oxigraph load | peak memory | load average at start | stages (s) |")
    w("|---|---|---|---|---|---|")
    for name, ratio_key in (("pg-no-validate", "ratio_no_validate"), ("pg-validated", "ratio_validated"), ("ox", None),
                            ("ox-named", "ox-named-ratio")):
        if name not in runs:
            continue
        first = runs[name][0]
        if ratio_key == "ox-named-ratio":
            row = {**row, ratio_key: row[name] / row["ox"] if row.get(name) and row.get("ox") else None}
        stages = ", ".join(f"{k} {v:.1f}" for k, v in first.get("stages", {}).items() if v >= 0.05) or "–"
        if first.get("not_run"):
            w(f"| {name} | not run | – | – | – | {first['not_run']} |")
            continue
        w(f"| {name} | {fmt(row[name])} | {fmt(row[ratio_key]) if ratio_key else '1'} | {mib(first['max_rss'])} | "
          f"{fmt(first['loadavg'][0], 1) if first.get('loadavg') else '–'} | {stages} |")
    if row.get("ratio_no_validate_named"):
        w("")
        w(f"Against `oxigraph load --graph` (the data in a named graph, indexed the six ways partnergraph's "
          f"graphs are), the unvalidated load is {fmt(row['ratio_no_validate_named'])}x.")
    rules = runs["pg-no-validate"][0].get("summary", {}).get("rules", {})
    if rules:
        w("")
        w("Rule runs of the unvalidated load (seconds per run; a rule runs again only when triples it reads appeared "
          "since its last run): " + "; ".join(f"{k} " + " + ".join(f"{t:.1f}" for t in v) for k, v in rules.items()) + ".")
    w("")


README_START, README_END = "<!-- bench:figures (bench/report.py writes this list) -->", "<!-- /bench:figures -->"


def readme_figures(rows) -> list[str]:
    """The headline figures of this report, for the README."""
    out = []
    one_m = next((x for x in rows if x["size"] == "1m"), None)
    if one_m:
        out.append(f"- At 1M triples ({one_m['r'].get('date', '?')}): median latency {fmt(one_m['po'])}x Oxigraph's "
                   f"server on the same store (worst query {fmt(one_m['po_max'])}x), 4-client throughput "
                   f"{fmt(one_m['t4'])}x, start-up {fmt(one_m['r']['startup'].get('partnergraph'))} s.")
    fixed = next((load_json(f"fixedcost-{s}.json") for s in reversed(ORDER) if load_json(f"fixedcost-{s}.json")), None)
    if fixed:  # the configuration make bench measured ("current"), else the reference (the first)
        last = fixed.get("current") or fixed[list(fixed)[0]]
        v = last["queries"].get("lookup (28 rows)", {})
        out.append(f"- Fixed cost of a small query ({last['date']}): {fmt(v.get('partnergraph', {}).get('cpu_ms'))} ms of "
                   f"CPU per request for partnergraph's server and workers, {fmt(v.get('oxigraph', {}).get('cpu_ms'))} ms "
                   "for Oxigraph's server.")
    for size in ORDER:
        load = load_json(f"load-{size}.json")
        if not load:
            continue
        row = load["row"]
        validated = (f", validated {fmt(row['pg-validated'])} s ({fmt(row['ratio_validated'])}x)"
                     if row.get("pg-validated") else "")
        out.append(f"- Loading {load['file_triples']:,} triples ({load['date']}): `partnergraph load --no-validate` "
                   f"{fmt(row['pg-no-validate'])} s ({fmt(row['ratio_no_validate'])}x `oxigraph load`, "
                   f"{fmt(row['ox'])} s){validated}.")
    soak = load_json("soak.json")
    if soak:
        c = soak["classes"]["cheap"]
        out.append(f"- Soak ({soak['date']}, {soak['size']}, {soak['config']['clients']} clients, "
                   f"{soak['config']['seconds']:g} s, a reload every {soak['config']['reload_every']:g} s): "
                   f"{soak['error_count']} errors in {soak['requests']} requests, cheap queries p99 "
                   f"{fmt(c['p99_ms'], 0)} ms.")
    sc = load_json("scale-10m.json")
    if sc:
        mem = sc["memory"]
        out.append(f"- Serving 10M ({sc['date']}): start-up {fmt(sc['startup'].get('partnergraph'))} s "
                   f"(Oxigraph's server {fmt(sc['startup'].get('oxigraph'))} s), peak memory "
                   f"{mib(mem.get('partnergraph', {}).get('tree'))} (Oxigraph's server "
                   f"{mib(mem.get('oxigraph', {}).get('tree'))}).")
    return out


def write_readme_figures(rows, readme: Path) -> None:
    """Replace the README's figures block (between its markers) with this report's figures."""
    if not readme.exists():
        return
    text = readme.read_text(encoding="utf-8")
    if README_START not in text or README_END not in text:
        return
    head, rest = text.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    block = "\n".join([README_START, *readme_figures(rows), README_END])
    readme.write_text(head + block + tail, encoding="utf-8")


def cache_section(w) -> None:
    """Repeated named queries with the result cache warm (bench/cache.py -> results/cache-SIZE.json)."""
    for size in ORDER:
        path = RESULTS / f"cache-{size}.json"
        if not path.exists():
            continue
        c = json.loads(path.read_text())
        s, rc = c["summary"], c["result_cache"]
        w(f"## Repeated queries with the result cache ({size})\n")
        w(f"`bench/cache.py` on {c['machine']['date']}: the {s['queries']} named queries, each asked once of both servers "
          f"(which fills partnergraph's result cache), then {c['reps']} more times, interleaved, of partnergraph "
          f"(`partnergraph serve --store {c['store']}`, `RESULT_CACHE_BYTES={c.get('result_cache_bytes', 64_000_000)}`) and "
          f"Oxigraph's server on the same store directory. "
          f"partnergraph / Oxigraph: median **{s['median_ratio']:.3f}x**, worst {s['worst_ratio']:.3f}x, geometric mean "
          f"{s['geometric_mean_ratio']:.3f}x (target: below 1). Result cache during the repeats: "
          f"{rc['hits_during_reps']} hits, {rc['misses_during_reps']} misses for {rc['requests_during_reps']} requests; "
          f"{rc['after_reps']['bytes'] / 2**20:.1f} MiB in {rc['after_reps']['entries']} entries.\n")
        w("| query | rows | first pg ms | first ox ms | repeat pg ms | repeat ox ms | pg/ox |")
        w("|---|---|---|---|---|---|---|")
        for name, q in c["queries"].items():
            w(f"| {name} | {q['rows']} | {ms(q['first']['partnergraph'])} | {ms(q['first']['oxigraph'])} | "
              f"{ms(q['median']['partnergraph'])} | {ms(q['median']['oxigraph'])} | {q['ratio']:.3f} |")
        for name, why in c.get("skipped", {}).items():
            w(f"| {name} | not compared: {why} | | | | | |")
        w("")
        if c.get("not_selected"):
            w(f"Not in this measurement (`--queries`): {', '.join(c['not_selected'])}.\n")


def main() -> None:
    res = json.loads((RESULTS / "results.json").read_text())
    # every size measured so far (a quick run does not erase the 1M figures of an earlier full run)
    res["sizes"] = {s: json.loads((RESULTS / f"size-{s}.json").read_text()) for s in ORDER
                    if (RESULTS / f"size-{s}.json").exists()}
    val = json.loads((RESULTS / "validation.json").read_text()) if (RESULTS / "validation.json").exists() else None
    m = res["machine"]
    rows = summary_rows(res)
    out_dir = BENCH if RESULTS == BENCH / "results" else RESULTS  # a trial run writes its report next to its results
    (out_dir / "latency.svg").write_text(svg_plot(res))
    L = []
    w = L.append
    w("# Benchmark report\n")
    import time as _time
    w(f"Written by `bench/report.py` (the last step of `make bench`) on {_time.strftime('%Y-%m-%d %H:%M UTC', _time.gmtime())}. "
      "Do not edit by hand: `bench/report.py` writes this file from `bench/results/*.json`; the analysis in "
      "\"Gaps and what explains them\" comes from `bench/findings.md`.\n")
    w("Every figure is a ratio against a peer measured in the same run on the same data: the systems are queried "
      "interleaved (one run of each system in turn), each query's median and p95 are over the runs after a warm-up "
      "(the number per size is in the Summary; fewer for the rdflib peers), and a query that passes the cap "
      "(5 s in quick mode, 30 s in full mode, 60 s in the 1M run of this report) is recorded as a time-out.\n")
    w("## Machine\n")
    w(f"- CPU: {m['cpu']}, {m['cores']} cores; memory {m['memory_bytes'] / 2**30:.1f} GiB; {m['platform']}")
    w(f"- Python {m['python']}; " + ", ".join(f"{k} {v}" for k, v in m["versions"].items() if v))
    w(f"- Load average at start {', '.join(f'{x:.2f}' for x in m['loadavg_start'])}"
      + (f", at end {', '.join(f'{x:.2f}' for x in m['loadavg_end'])}" if m.get("loadavg_end") else "")
      + " (a shared machine: other jobs ran at the same time)\n")
    w("## Summary\n")
    w("Ratios per size: geometric means over the queries (named queries with their defaults plus the standard shapes); "
      "for the rdflib peers a time-out (measured, or predicted from the smaller size) counts as the cap, so their ratios are "
      "lower bounds. "
      "`pg/ox` above 1 means partnergraph is slower than Oxigraph's server; `rdflib-endpoint/pg` and `rdflib/pg` "
      "above 1 mean the rdflib peer is slower than partnergraph.\n")
    w("Sizes measured: " + "; ".join(f"{k}: {v['date']}, {v['config']['mode']} mode, {v['config']['reps']} runs per query"
                                     for k, v in res["sizes"].items() if "config" in v) + ".\n")
    w("| size | quads in store | latency pg/ox (median) | worst query pg/ox | p95 pg/ox | rdflib-endpoint/pg | rdflib/pg | "
      "throughput pg/ox, 1 client | 4 clients |")
    w("|---|---|---|---|---|---|---|---|---|")
    for x in rows:
        ep = fmt(x["ep"], 1, "x") + (f" (min {x['ep_min']:.2f}x; {x['ep_timeouts']} time-outs)" if x["ep"] else "")
        rp = fmt(x["rp"], 1, "x") + (f" ({x['rp_timeouts']} time-outs)" if x["rp"] else "")
        w(f"| {x['size']} | {x['triples']:,} | {fmt(x['po'])} | {fmt(x['po_max'])} | {fmt(x['po95'])} | "
          f"{ep if x['ep'] else 'not run'} | "
          f"{rp if x['rp'] else 'not run'} | {fmt(x['t1'])} | {fmt(x['t4'])} |")
    w("")
    w("| size | load pg / ox (same file) | load s: pg (shipped rules / proposed rule), ox, rdflib parse | start-up s: pg, ox, "
      "rdflib-endpoint | peak RSS: pg (server + workers), ox, rdflib-endpoint, rdflib | throughput req/s (1 / 4 clients): pg, "
      "ox, rdflib-endpoint |")
    w("|---|---|---|---|---|---|")
    for x in rows:
        r = x["r"]
        ld, su, mem, tp = r["load"], r["startup"], r["memory"], r.get("throughput", {})
        pg_load = ld.get("partnergraph") or ld.get("partnergraph_fixed_rule")
        w(f"| {x['size']} | "
          f"{fmt(ratio(pg_load, ld.get('oxigraph')), 1, 'x')}{'' if ld.get('partnergraph') else ' (proposed rule)'} | "
          f"{fmt(ld.get('partnergraph')) if ld.get('partnergraph') else 'not run'} / {fmt(ld.get('partnergraph_fixed_rule'))}, "
          f"{fmt(ld.get('oxigraph'))}, {fmt(ld.get('rdflib'))} | "
          f"{fmt(su.get('partnergraph'))}, {fmt(su.get('oxigraph'))}, {fmt(su.get('rdflib-endpoint'))} | "
          f"{mib(mem.get('partnergraph', {}).get('tree'))} ({mib(mem.get('partnergraph', {}).get('process'))} + workers), "
          f"{mib(mem.get('oxigraph', {}).get('tree'))}, {mib(mem.get('rdflib-endpoint', {}).get('tree'))}, "
          f"{mib(mem.get('rdflib', {}).get('tree'))} | "
          + ", ".join(f"{rps(tp.get(s, {}).get('1'))} / {rps(tp.get(s, {}).get('4'))}" for s in ("partnergraph", "oxigraph",
                                                                                                 "rdflib-endpoint")) + " |")
    w("")
    skipped = {f"{x['size']}: {k}": v for x in rows for k, v in x["r"].get("skipped", {}).items()}
    if skipped:
        w("Not measured:\n")
        for k, v in skipped.items():
            w(f"- {k}: {v}")
        w("")
    missing = [s for s in ORDER if s not in res["sizes"]]
    if missing:
        w(f"Sizes not run in this run: {', '.join(missing)} (`python bench/run.py --sizes {','.join(missing)}` runs them; "
          "10M triples needs roughly an hour for the load, the dump for the peers and the named queries, "
          "more than this run had).\n")
    w("![median latency against size](latency.svg)\n")
    w("*Geometric mean of the per-query median latencies against the number of quads in the store, over one set of "
      "queries: those every system answered (within the cap) at every size it ran at; the rdflib peers only at the sizes "
      "where they ran. The set excludes the slow queries rdflib could not answer, so it flatters rdflib.*\n")

    performance_targets(w, rows)
    w("## Targets\n")
    big = next((x for x in reversed(rows)), None)
    one_m = next((x for x in rows if x["size"] == "1m"), None)
    w("| target | measured | met |")
    w("|---|---|---|")
    if one_m:
        w(f"| median latency at 1M within 1.2x of Oxigraph's server | {fmt(one_m['po'])}x (geometric mean), worst query "
          f"{fmt(one_m['po_max'])}x | {'yes' if one_m['po'] and one_m['po'] <= 1.2 else 'no'} |")
    else:
        w(f"| median latency at 1M within 1.2x of Oxigraph's server | not run at 1M; at {big['size']}: {fmt(big['po'])}x | – |")
    eps = [x for x in rows if x["ep"]]
    if eps:
        faster = "; ".join(f"{x['size']}: {fmt(x['ep'], 1)}x (min {fmt(x['ep_min'], 2)}x)" for x in eps)
        w(f"| at least 50x faster than rdflib-endpoint | {faster} | {'yes' if all(x['ep'] >= 50 for x in eps) else 'no'} |")
    w("| 4-client throughput at least 0.8x Oxigraph's | " + "; ".join(f"{x['size']}: {fmt(x['t4'])}x" for x in rows)
      + f" | {'yes' if all(x['t4'] and x['t4'] >= 0.8 for x in rows) else 'no'} |")
    sus = [(x["size"], x["r"]["startup"].get("partnergraph")) for x in rows]
    w("| start-up under 1 s on a prebuilt store | " + "; ".join(f"{s}: {fmt(v)} s" for s, v in sus)
      + f" | {'yes' if all(v and v < 1 for _, v in sus) else 'no'} |")
    if val:
        gen = [r for r in val["runs"] if r["name"] in ("1m", "1m+injected")]
        if gen and gen[0].get("turbo"):
            g = gen[0]
            fast = g.get("turbo_ox") if g.get("turbo_ox", {}).get("seconds") and not g["turbo_ox"].get("timeout") else g["turbo"]
            same = g.get("same_report_ox") if fast is g.get("turbo_ox") else g.get("same_report")
            sp = ratio(g["pyshacl"]["seconds"], fast["seconds"]) if not g["pyshacl"].get("timeout") else None
            lower = ratio(val["cap"], fast["seconds"]) if g["pyshacl"].get("timeout") else None
            w("| SHACL validation of 1M at least 10x faster than pySHACL, same report | "
              + (f"{fmt(sp, 1)}x (pyshacl-turbo on a pyoxigraph store; on the rdflib graph "
                 f"{fmt(ratio(g['pyshacl']['seconds'], g['turbo'].get('seconds')), 1)}x), same report: {same}" if sp
                 else f"pySHACL did not finish within the cap of {val['cap']:g} s: more than {fmt(lower, 1)}x") + " | "
              + ("yes" if (sp and sp >= 10 and same) or (lower and lower >= 10) else "no") + " |")
        else:
            w("| SHACL validation of 1M at least 10x faster than pySHACL, same report | not run at 1M in this run (see "
              "Validation) | – |")
    w("")

    endpoint_sections(w, rows)
    w("## Latency per query\n")
    w("Median latency in ms (HTTP round trip for the servers, `Graph.query` plus serialisation for rdflib), the ratios, "
      "and the number of result rows each system returned (they should agree; a difference is flagged).\n")
    for x in rows:
        r = x["r"]
        w(f"### {x['size']} ({x['triples']:,} quads)\n")
        w("| query | pg ms | ox ms | pg/ox | p95 pg/ox | rdflib-endpoint ms | rdflib-endpoint/pg | rdflib ms | rdflib/pg "
          "| rows |")
        w("|---|---|---|---|---|---|---|---|---|---|")
        for q in r["latency"]:
            pg, ox = med(r, q, "partnergraph"), med(r, q, "oxigraph")
            ep, rl = med(r, q, "rdflib-endpoint"), med(r, q, "rdflib")
            errs = r["latency"][q]["errors"]
            def cell(s, v, errs=errs):
                if s in errs:
                    if errs[s].startswith("timeout predicted"):
                        return "timeout (predicted)"
                    if errs[s].startswith("not run"):
                        return "not run"
                    return "timeout" if "timeout" in errs[s] else "error"
                return ms(v)
            rows_ = r["rows"].get(q, {})
            vals = {v for k, v in rows_.items() if v is not None and k not in errs}
            rtext = str(rows_.get("partnergraph")) if len(vals) <= 1 else "**differ: " + ", ".join(f"{k} {v}" for k,
                                                                                                   v in rows_.items()) + "**"
            w(f"| {q} | {cell('partnergraph', pg)} | {cell('oxigraph', ox)} | {fmt(ratio(pg, ox))} | "
              f"{fmt(ratio(med(r, q, 'partnergraph', 'p95'), med(r, q, 'oxigraph', 'p95')))} | "
              f"{cell('rdflib-endpoint', ep) if 'rdflib-endpoint' not in r['skipped'] else 'not run'} | {r1(ratio(ep, pg))} | "
              f"{cell('rdflib', rl) if 'rdflib' not in r['skipped'] else 'not run'} | {r1(ratio(rl, pg))} | {rtext} |")
        w("")
    cache_section(w)
    if val:
        w("## Validation at scale\n")
        w(f"`partnergraph validate FILE data/concepts.ttl data/sdg-goals.ttl data/sources.ttl` (pySHACL, the reference) and "
          f"pyshacl-turbo through the same harness (the ontology and the files in one rdflib graph, inference none, advanced "
          f"on), each a subprocess with a time cap (180 s in quick mode, 900 s in full mode; {val['cap']:g} s in the last "
          f"validation run); peak memory is the child's ru_maxrss. \"same report\" compares "
          "the sets of (focus node, path, value, constraint component, severity, message); blank nodes compare as equal. "
          "`+injected` adds eight known defects (start after end, a third partner in a bilateral partnership, SDG 18, an "
          "integer municipality code, a label without language, an undeclared pg: term, a bad IRI, a role outside the "
          "roles scheme).\n")
        w("| graph | triples | pySHACL s | pySHACL peak | violations | turbo s | turbo peak | turbo on a pyoxigraph store s | "
          "its peak | pySHACL / turbo | pySHACL / turbo on store | same report (turbo, on store) |")
        w("|---|---|---|---|---|---|---|---|---|---|---|---|")

        def secs(d):
            return "> cap" if d.get("timeout") else fmt(d.get("seconds"), 1)

        def speed(p, t):
            return fmt(ratio(p.get("seconds"), t.get("seconds")), 1,
                       "x") if t and not p.get("timeout") and not t.get("timeout") else "–"
        for e in val["runs"]:
            p, t, o = e["pyshacl"], e.get("turbo", {}), e.get("turbo_ox", {})
            w(f"| {e['name']} | {e.get('triples', '–')} | {secs(p)} | {mib(p.get('max_rss'))} | "
              f"{p.get('violations', p.get('error', '–'))} | "
              f"{secs(t)} | {mib(t.get('max_rss'))} | {secs(o) if o else '–'} | {mib(o.get('max_rss'))} | {speed(p, t)} | "
              f"{speed(p, o)} | "
              f"{e.get('same_report', '–')}, {e.get('same_report_ox', '–')} |")
        w("")
        w("The columns `turbo` run pyshacl-turbo on the same rdflib graph pySHACL gets (so they include rdflib's parse); "
          "`turbo on a pyoxigraph store` gives it the files bulk-loaded into a pyoxigraph store instead (Rust parsing). "
          "Both report the violations in the same normalised form; turbo's `validate_seconds` (the validation alone) are in "
          "`bench/results/validation.json`.\n")
        diffs = [e for e in val["runs"] if e.get("same_report") is False]
        for e in diffs:
            w(f"Differences on {e['name']}: only pySHACL: `{e.get('only_pyshacl')}`; only turbo: `{e.get('only_turbo')}`\n")
        w3 = val.get("w3c", {})
        if "skipped" in w3:
            w(f"W3C SHACL suite: skipped ({w3['skipped']}).\n")
        elif "error" in w3:
            w(f"W3C SHACL suite: could not compare ({w3['error']}).\n")
        else:
            w(f"W3C SHACL suite ({w3['tests']} test files, core and SPARQL): the two engines give the same results on "
              f"{w3['same']} of {w3['tests']} (pySHACL {w3['pyshacl_seconds']:.1f} s, turbo {w3['turbo_seconds']:.1f} s in all; "
              f"engine errors: pySHACL {w3['errors_pyshacl']}, turbo {w3['errors_turbo']}). "
              + (f"Different: {', '.join(w3['differ'])}." if w3["differ"] else "") + "\n")
    browse_section(w)
    builder_section(w)
    history_section(w)
    w("## What limits each figure\n")
    w("- **The machine is shared and has 2 cores.** The client (Python `requests`), the servers and other tenants' jobs "
      "compete for them; interleaving the systems spreads that noise over all of them, but single ratios of fast queries "
      "(a few ms) move by ±20% between runs. The geometric means are steadier than any one query.\n"
      "- **Latency** is the HTTP round trip from a Python client on the same host (keep-alive session, form POST): a "
      "fixed cost of about 1 ms of client time is in every figure, which flatters the slower system's ratio for fast "
      "queries. For rdflib it is `Graph.query` plus serialisation to SPARQL JSON (or N-Triples) in process, no HTTP.\n"
      "- **Throughput** is a fixed count of requests round-robin over the query mix (the queries partnergraph and "
      "Oxigraph both answer), in interleaved rounds (each system with 1 client, then each with 4, repeated), the median "
      "round per system; the mix is dominated by the slow named queries, so it measures the engine more than HTTP; with 4 "
      "clients on 2 cores the client threads take a share of the CPU, so the figure is "
      "a lower bound for every system.\n"
      "- **Parameters**: the protocol has no bindings, so every system gets the same text: the named query with its "
      "default parameters as an inline `VALUES` block at the start of the outermost `WHERE` group (`bench/run.py`, "
      "`with_values`). partnergraph's own named-query path binds by substitution instead. The work is the same, but not "
      "always the answer: inside a nested OPTIONAL the VALUES-bound `?lang` is out of scope (bottom-up evaluation), so some "
      "labels come from the fallback (e.g. `Medlem` instead of `Member`); the row counts are unaffected and every system "
      "got the same text.\n"
      "- **Same data**: partnergraph loads the generated file (plus its ontology, shapes and rule results, each in a "
      "named graph); the peers load a dump of that store as N-Quads (Oxigraph with `--union-default-graph`, rdflib as a "
      "`Dataset(default_union=True)`), so all of them answer over the same quads. Load times compare `partnergraph load` "
      "and `oxigraph load` of the same generated file (partnergraph's figure includes Python start-up, the ontology, "
      "shapes and the rules).\n"
      "- **Start-up** is process start to the first 200: `/healthz` for partnergraph (which runs a query through a "
      "worker), `ASK {}` for the others. rdflib-endpoint's start-up includes parsing the whole graph.\n"
      "- **Memory** is VmHWM (peak RSS) from `/proc`, summed over the server process and its children (partnergraph's "
      "query workers; shared pages are counted once per process, so the sum overstates).\n"
      "- **rdflib peers** only run up to the size given in the config; queries past the cap are time-outs and "
      "take no part in the means, which flatters rdflib.\n")
    findings = BENCH / "findings.md"
    if findings.exists():
        w(findings.read_text())
    (out_dir / "REPORT.md").write_text("\n".join(L) + "\n")
    if out_dir == BENCH:  # a trial run leaves the README alone
        write_readme_figures(rows, BENCH.parent / "README.md")
    print(f"wrote {out_dir / 'REPORT.md'} and {out_dir / 'latency.svg'}")


def browse_section(w) -> None:
    """Facet pages at scale, from bench/results/browse-*.json (bench/browse.py)."""
    for path in sorted(RESULTS.glob("browse-*.json")):
        b = json.loads(path.read_text())
        s = b["summary"]
        w(f"## Faceted browsing at {b['size']} triples\n")
        w(f"`bench/browse.py`: /browse/{{kind}} pages as HTML through the Flask test client of an app on the generated "
          f"store ({b['workers']} query workers, {b['query_timeout_s']:g} s query limit), each state requested "
          f"{b['rounds']} times (alternately in English and Swedish), the median and the slowest. {s['states']} states: "
          f"median {s['median_s']:.3f} s, slowest {s['slowest_s']:.3f} s (`{s['slowest']}`); "
          f"{'every answer 200' if s['all_200'] else 'NOT every answer 200'}.\n")
        w("Each kind's facet index is built once per version of the data, in the background, on the first request "
          "(until it is ready a page answers 503 with Retry-After): "
          + ", ".join(f"{k} {v:.0f} s" for k, v in b["index"].items()) + ".\n")
        w("| page | facets | items | first s | median s | max s | status |")
        w("|---|---|---|---|---|---|---|")
        for p in b["pages"]:
            w(f"| `{p['path']}` | {p['facets']} | {p['items'] if p['items'] is not None else '–'} | "
              f"{p.get('first_s', float('nan')):.3f} | {p['median_s']:.3f} | {p['max_s']:.3f} | "
              f"{', '.join(map(str, p['status']))} |")
        w("")


def builder_section(w) -> None:
    """The query builder's bundle and load time, from bench/results/builder.json (bench/builder.py)."""
    path = RESULTS / "builder.json"
    if not path.exists():
        return
    b = json.loads(path.read_text())
    sz = b["sizes"]
    w("## The query builder (/builder) at the shipped data\n")
    w(f"`bench/builder.py` ({b['when']}): Debian's headless chromium against the app on the shipped data, {b['rounds']} "
      "rounds after a warm-up, medians. The bundle carries Sparnatural's own browser build (with jQuery, select2 and its "
      "other libraries).\n")
    w("| file | bytes | gzip bytes |")
    w("|---|---|---|")
    for name, v in sz.items():
        w(f"| `{name}` | {v['bytes']:,} | {v['gzip_bytes']:,} |")
    w("")
    w(f"- page load event: {b['load_event_s']:.3f} s\n"
      f"- the builder drawn from its SHACL configuration (classes listed): {b['builder_drawn_s']:.3f} s "
      f"(slowest {b['builder_drawn_max_s']:.3f} s; the first, cold round {b['cold_builder_drawn_s']:.3f} s)\n"
      f"- from opening the page to the answer of a question built by three clicks: {b['first_answer_s']:.3f} s\n")


def history_section(w) -> None:
    """The cost of the history, from bench/results/history.json (bench/history.py)."""
    path = RESULTS / "history.json"
    if not path.exists():
        return
    h = json.loads(path.read_text())
    w(f"## The history: releases, the change feed, start-up and latency with a release log ({h['when']})\n")
    w("`bench/history.py`, each figure in a process of its own (peak memory is its maximum RSS). A release as "
      "`partnergraph release` makes it (validation, build with the rules, the resources' statements, the diff against "
      "the replayed log, the atomic write), and apart from it the validation and build alone, the snapshot of the "
      "resources' statements, and the replay of the log.\n")
    w("| release | resources added / changed / removed | statements + / - | s | validate and build s | snapshot s "
      "| replay s | file bytes | peak MiB |")
    w("|---|---|---|---|---|---|---|---|---|")
    for key, name in (("shipped_first_release", "shipped data, first release"),
                      ("shipped_small_change", "shipped data, one label"),
                      ("1m_first_release", "1M generated, first release (a 1M-triple change)"),
                      ("1m_small_change", "1M generated, one label")):
        r = h.get(key)
        if r:
            c = r["counts"]
            w(f"| {name} | {c['added']:,} / {c['changed']:,} / {c['removed']:,} | {c['statements_added']:,} / "
              f"{c['statements_removed']:,} | {r['seconds']:.2f} | {r['validate_and_build_seconds']:.2f} | "
              f"{r['snapshot_seconds']:.2f} | {r['replay_seconds']:.2f} | {r['release_bytes']:,} | {r['peak_mib']:.0f} |")
    g = h.get("from_git")
    if g:
        w(f"\n`release --from-git` on this repository: {g['releases']} releases in {g['seconds']:.1f} s, "
          f"peak {g['peak_mib']:.0f} MiB; "
          "bytes per release: " + ", ".join(f"{n}: {b:,}" for n, b in g["bytes_per_release"].items()) + ".\n")
    w("| served | start-up s | " + " | ".join(f"{q} ms" for q in h["shipped_serve_without_log"]["query_median_ms"])
      + " | /feed ms | newest page ms (bytes) | first page ms (bytes) | first resource page ms | peak MiB |")
    w("|---|---|" + "---|" * len(h["shipped_serve_without_log"]["query_median_ms"]) + "---|---|---|---|---|")
    for key, name in (("shipped_serve_without_log", "shipped, no log"), ("shipped_serve_with_log", "shipped, 2 releases"),
                      ("1m_serve_without_log", "1M, no log"), ("1m_serve_with_log", "1M, 2 releases")):
        r = h.get(key)
        if not r:
            continue
        shown = [f"{p['median_ms']:.1f} ({p['bytes']:,})" if (p := r["feed_pages"].get(url)) else "–"
                 for url in ("/feed", "/feed/2", "/feed/1")]
        w(f"| {name} | {r['startup_seconds']:.2f} | " + " | ".join(f"{v:.2f}" for v in r["query_median_ms"].values())
          + " | " + " | ".join(shown) + f" | {r['resource_page_first_ms']:.0f} | {r['peak_mib']:.0f} |")
    for key, name in (("shipped_serve_with_log", "shipped data"), ("1m_serve_with_log", "1M")):
        q = (h.get(key) or {}).get("changes_since_query")
        if q:
            w(f"\nThe named query `changes-since` (every version, {q['rows']:,} rows) at {name}: {q['first_ms']:,.0f} ms the "
              f"first time (the history's own store is built from releases/), {q['again_ms']:,.0f} ms after.")
    w("\nThe queries are the current data's (the default graph): the count of every triple, 500 labels of projects, "
      "one resource's statements; medians over repeated runs without the result cache. A page of the feed holds one "
      "release's members, so the first release of a 1M-triple graph is one large page (every resource's description); "
      "later pages hold what changed. The first resource page includes building the page caches and replaying the "
      "log once.\n")


if __name__ == "__main__":
    main()
