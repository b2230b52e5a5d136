"""bench/results/*.json -> bench/REPORT.md and bench/latency.svg (hand-rolled SVG)."""
from __future__ import annotations

import json
import os
import math
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


def summary_rows(res):
    rows = []
    for size in [s for s in ORDER if s in res["sizes"]]:
        r = res["sizes"][size]
        qs = list(r["latency"])
        po = [ratio(med(r, q, "partnergraph"), med(r, q, "oxigraph")) for q in qs]
        po95 = [ratio(med(r, q, "partnergraph", "p95"), med(r, q, "oxigraph", "p95")) for q in qs]
        cap = r.get("config", {}).get("cap", 30)

        def peer(q, s):  # a time-out (measured or predicted) counts as the cap: the ratio is then a lower bound
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
                     "rp": gmean(rp), "t1": t1, "t4": t4, "r": r,
                     "ep_n": sum(1 for x in ep if x), "ep_timeouts": sum(1 for q in qs if "rdflib-endpoint" in r["latency"][q]["errors"]),
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


def main() -> None:
    res = json.loads((RESULTS / "results.json").read_text())
    # every size measured so far (a quick run does not erase the 1M figures of an earlier full run)
    res["sizes"] = {s: json.loads((RESULTS / f"size-{s}.json").read_text()) for s in ORDER
                    if (RESULTS / f"size-{s}.json").exists()}
    val = json.loads((RESULTS / "validation.json").read_text()) if (RESULTS / "validation.json").exists() else None
    m, cfg = res["machine"], res["config"]
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
      "for the rdflib peers a time-out (measured, or predicted from the smaller size) counts as the cap, so their ratios are lower bounds. "
      "`pg/ox` above 1 means partnergraph is slower than Oxigraph's server; `rdflib-endpoint/pg` and `rdflib/pg` "
      "above 1 mean the rdflib peer is slower than partnergraph.\n")
    w("Sizes measured: " + "; ".join(f"{k}: {v['date']}, {v['config']['mode']} mode, {v['config']['reps']} runs per query"
                                     for k, v in res["sizes"].items() if "config" in v) + ".\n")
    w("| size | quads in store | latency pg/ox (median) | worst query pg/ox | p95 pg/ox | rdflib-endpoint/pg | rdflib/pg | throughput pg/ox, 1 client | 4 clients |")
    w("|---|---|---|---|---|---|---|---|---|")
    for x in rows:
        ep = fmt(x["ep"], 1, "x") + (f" (min {x['ep_min']:.2f}x; {x['ep_timeouts']} time-outs)" if x["ep"] else "")
        rp = fmt(x["rp"], 1, "x") + (f" ({x['rp_timeouts']} time-outs)" if x["rp"] else "")
        w(f"| {x['size']} | {x['triples']:,} | {fmt(x['po'])} | {fmt(x['po_max'])} | {fmt(x['po95'])} | {ep if x['ep'] else 'not run'} | "
          f"{rp if x['rp'] else 'not run'} | {fmt(x['t1'])} | {fmt(x['t4'])} |")
    w("")
    w("| size | load pg / ox (same file) | load s: pg (shipped rules / proposed rule), ox, rdflib parse | start-up s: pg, ox, rdflib-endpoint | peak RSS: pg (server + workers), ox, rdflib-endpoint, rdflib | throughput req/s (1 / 4 clients): pg, ox, rdflib-endpoint |")
    w("|---|---|---|---|---|---|")
    for x in rows:
        r = x["r"]
        ld, su, mem, tp = r["load"], r["startup"], r["memory"], r.get("throughput", {})
        pg_load = ld.get("partnergraph") or ld.get("partnergraph_fixed_rule")
        w(f"| {x['size']} | {fmt(ratio(pg_load, ld.get('oxigraph')), 1, 'x')}{'' if ld.get('partnergraph') else ' (proposed rule)'} | "
          f"{fmt(ld.get('partnergraph')) if ld.get('partnergraph') else 'not run'} / {fmt(ld.get('partnergraph_fixed_rule'))}, "
          f"{fmt(ld.get('oxigraph'))}, {fmt(ld.get('rdflib'))} | "
          f"{fmt(su.get('partnergraph'))}, {fmt(su.get('oxigraph'))}, {fmt(su.get('rdflib-endpoint'))} | "
          f"{mib(mem.get('partnergraph', {}).get('tree'))} ({mib(mem.get('partnergraph', {}).get('process'))} + workers), "
          f"{mib(mem.get('oxigraph', {}).get('tree'))}, {mib(mem.get('rdflib-endpoint', {}).get('tree'))}, {mib(mem.get('rdflib', {}).get('tree'))} | "
          + ", ".join(f"{rps(tp.get(s, {}).get('1'))} / {rps(tp.get(s, {}).get('4'))}" for s in ("partnergraph", "oxigraph", "rdflib-endpoint")) + " |")
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
          "10M triples needs roughly an hour for the load, the dump for the peers and the named queries, more than this run had).\n")
    w("![median latency against size](latency.svg)\n")
    w("*Geometric mean of the per-query median latencies against the number of quads in the store, over one set of "
      "queries: those every system answered (within the cap) at every size it ran at; the rdflib peers only at the sizes "
      "where they ran. The set excludes the slow queries rdflib could not answer, so it flatters rdflib.*\n")

    w("## Targets\n")
    big = next((x for x in reversed(rows)), None)
    one_m = next((x for x in rows if x["size"] == "1m"), None)
    w("| target | measured | met |")
    w("|---|---|---|")
    if one_m:
        w(f"| median latency at 1M within 1.2x of Oxigraph's server | {fmt(one_m['po'])}x (geometric mean), worst query {fmt(one_m['po_max'])}x | {'yes' if one_m['po'] and one_m['po'] <= 1.2 else 'no'} |")
    else:
        w(f"| median latency at 1M within 1.2x of Oxigraph's server | not run at 1M; at {big['size']}: {fmt(big['po'])}x | – |")
    eps = [x for x in rows if x["ep"]]
    if eps:
        w("| at least 50x faster than rdflib-endpoint | " + "; ".join(f"{x['size']}: {fmt(x['ep'], 1)}x (min {fmt(x['ep_min'], 2)}x)" for x in eps)
          + f" | {'yes' if all(x['ep'] >= 50 for x in eps) else 'no'} |")
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
            w(f"| SHACL validation of 1M at least 10x faster than pySHACL, same report | "
              + (f"{fmt(sp, 1)}x (pyshacl-turbo on a pyoxigraph store; on the rdflib graph "
                 f"{fmt(ratio(g['pyshacl']['seconds'], g['turbo'].get('seconds')), 1)}x), same report: {same}" if sp
                 else f"pySHACL did not finish within the cap of {val['cap']:g} s: more than {fmt(lower, 1)}x") + " | "
              + ("yes" if (sp and sp >= 10 and same) or (lower and lower >= 10) else "no") + " |")
        else:
            w("| SHACL validation of 1M at least 10x faster than pySHACL, same report | not run at 1M in this run (see Validation) | – |")
    w("")

    w("## Latency per query\n")
    w("Median latency in ms (HTTP round trip for the servers, `Graph.query` plus serialisation for rdflib), the ratios, "
      "and the number of result rows each system returned (they should agree; a difference is flagged).\n")
    for x in rows:
        r = x["r"]
        w(f"### {x['size']} ({x['triples']:,} quads)\n")
        w("| query | pg ms | ox ms | pg/ox | p95 pg/ox | rdflib-endpoint ms | rdflib-endpoint/pg | rdflib ms | rdflib/pg | rows |")
        w("|---|---|---|---|---|---|---|---|---|---|")
        for q in r["latency"]:
            pg, ox = med(r, q, "partnergraph"), med(r, q, "oxigraph")
            ep, rl = med(r, q, "rdflib-endpoint"), med(r, q, "rdflib")
            errs = r["latency"][q]["errors"]
            def cell(s, v):
                if s in errs:
                    if errs[s].startswith("timeout predicted"):
                        return "timeout (predicted)"
                    if errs[s].startswith("not run"):
                        return "not run"
                    return "timeout" if "timeout" in errs[s] else "error"
                return ms(v)
            rows_ = r["rows"].get(q, {})
            vals = {v for k, v in rows_.items() if v is not None and k not in errs}
            rtext = str(rows_.get("partnergraph")) if len(vals) <= 1 else "**differ: " + ", ".join(f"{k} {v}" for k, v in rows_.items()) + "**"
            w(f"| {q} | {cell('partnergraph', pg)} | {cell('oxigraph', ox)} | {fmt(ratio(pg, ox))} | "
              f"{fmt(ratio(med(r, q, 'partnergraph', 'p95'), med(r, q, 'oxigraph', 'p95')))} | "
              f"{cell('rdflib-endpoint', ep) if 'rdflib-endpoint' not in r['skipped'] else 'not run'} | {r1(ratio(ep, pg))} | "
              f"{cell('rdflib', rl) if 'rdflib' not in r['skipped'] else 'not run'} | {r1(ratio(rl, pg))} | {rtext} |")
        w("")
    if val:
        w("## Validation at scale\n")
        w(f"`partnergraph validate FILE data/concepts.ttl data/sdg-goals.ttl data/sources.ttl` (pySHACL, the reference) and "
          f"pyshacl-turbo through the same harness (the ontology and the files in one rdflib graph, inference none, advanced "
          f"on), each a subprocess with a time cap (180 s in quick mode, 900 s in full mode; {val['cap']:g} s in the last validation run); peak memory is the child's ru_maxrss. \"same report\" compares "
          "the sets of (focus node, path, value, constraint component, severity, message); blank nodes compare as equal. "
          "`+injected` adds eight known defects (start after end, a third partner in a bilateral partnership, SDG 18, an "
          "integer municipality code, a label without language, an undeclared pg: term, a bad IRI, a role outside the "
          "roles scheme).\n")
        w("| graph | triples | pySHACL s | pySHACL peak | violations | turbo s | turbo peak | turbo on a pyoxigraph store s | its peak | pySHACL / turbo | pySHACL / turbo on store | same report (turbo, on store) |")
        w("|---|---|---|---|---|---|---|---|---|---|---|---|")

        def secs(d):
            return "> cap" if d.get("timeout") else fmt(d.get("seconds"), 1)

        def speed(p, t):
            return fmt(ratio(p.get("seconds"), t.get("seconds")), 1, "x") if t and not p.get("timeout") and not t.get("timeout") else "–"
        for e in val["runs"]:
            p, t, o = e["pyshacl"], e.get("turbo", {}), e.get("turbo_ox", {})
            w(f"| {e['name']} | {e.get('triples', '–')} | {secs(p)} | {mib(p.get('max_rss'))} | {p.get('violations', p.get('error', '–'))} | "
              f"{secs(t)} | {mib(t.get('max_rss'))} | {secs(o) if o else '–'} | {mib(o.get('max_rss'))} | {speed(p, t)} | {speed(p, o)} | "
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
    w("## What limits each figure\n")
    w("- **The machine is shared and has 2 cores.** The client (Python `requests`), the servers and other tenants' jobs "
      "compete for them; interleaving the systems spreads that noise over all of them, but single ratios of fast queries "
      "(a few ms) move by ±20% between runs. The geometric means are steadier than any one query.\n"
      "- **Latency** is the HTTP round trip from a Python client on the same host (keep-alive session, form POST): a "
      "fixed cost of about 1 ms of client time is in every figure, which flatters the slower system's ratio for fast "
      "queries. For rdflib it is `Graph.query` plus serialisation to SPARQL JSON (or N-Triples) in process, no HTTP.\n"
      "- **Throughput** is a fixed count of requests round-robin over the query mix (the queries partnergraph and "
      "Oxigraph both answer), in interleaved rounds (each system with 1 client, then each with 4, repeated), the median "
      "round per system; the mix is dominated by the slow named queries, so it measures the engine more than HTTP; with 4 clients on 2 cores the client threads take a share of the CPU, so the figure is "
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
              f"{p.get('first_s', float('nan')):.3f} | {p['median_s']:.3f} | {p['max_s']:.3f} | {', '.join(map(str, p['status']))} |")
        w("")


if __name__ == "__main__":
    main()
