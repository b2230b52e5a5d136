"""Validation at scale: time and peak memory of `partnergraph validate --engine pyshacl` at each
size, pyshacl-turbo on an rdflib graph of the same files (bench/shacl_engine.py) and
`partnergraph validate --engine turbo` (pyshacl-turbo over a pyoxigraph store), and a check that
they report exactly the same violations: on
the shipped data, on the generated sizes with a few known violations injected, and on the W3C
SHACL test suite. Every run is a subprocess with a time cap. Writes bench/results/validation.json.

    python bench/validation.py --sizes 10k,100k --cap 180
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
WORK = BENCH / "work"
RESULTS = Path(os.environ.get("BENCH_RESULTS", BENCH / "results"))  # another directory for trial runs
BIN = Path(sys.executable).parent
PY = sys.executable
CONCEPTS = ["data/concepts.ttl", "data/sdg-goals.ttl", "data/sources.ttl"]
W3C = Path("/work/shared/w3c-tests/shacl-core-sparql/data-shapes-test-suite/tests")
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000, "10m": 10_000_000}

# Known defects, one per kind of shape, on resources the generator makes at every size.
ID = "https://w3id.org/partnergraph/id/"
PG = "https://w3id.org/partnergraph/ontology#"
INJECTED = f"""<{ID}project/pr1-1> <{PG}endYear> "1990"^^<http://www.w3.org/2001/XMLSchema#gYear> .
<{ID}partnership/p1-0> <{PG}partner> <{ID}municipality/vushtrri> .
<{ID}project/pr1-2> <{PG}sdg> <http://metadata.un.org/sdg/18> .
<{ID}municipality/vaxjo> <{PG}municipalityCode> "780"^^<http://www.w3.org/2001/XMLSchema#integer> .
<{ID}event/e1-0> <http://www.w3.org/2000/01/rdf-schema#label> "no language" .
<{ID}project/pr1-3> <{PG}undeclaredTerm> "x" .
<{ID}Bad_Iri/x> <http://www.w3.org/2000/01/rdf-schema#label> "bad"@en .
<{ID}membership/m1> <{PG}role> <{ID}concept/status-active> .
"""


def run_capped(cmd: list[str], cap: float) -> dict:
    """Wall time, peak RSS (ru_maxrss of the child, by wait4) and exit status; killed at the cap."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = started + cap
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            seconds = time.perf_counter() - started
            out = proc.stdout.read().decode("utf-8", "replace")
            err = proc.stderr.read().decode("utf-8", "replace")
            return {"seconds": seconds, "max_rss": usage.ru_maxrss * 1024, "exit": os.waitstatus_to_exitcode(status),
                    "stdout": out, "stderr": err[-1500:], "timeout": False}
        if time.perf_counter() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            _, _, usage = os.wait4(proc.pid, 0)
            return {"seconds": cap, "max_rss": usage.ru_maxrss * 1024, "exit": None, "timeout": True,
                    "stdout": "", "stderr": ""}
        time.sleep(0.05)


def normalise_cli(report: dict) -> list[list]:
    sys.path.insert(0, str(BENCH))
    from shacl_engine import normalise
    return normalise(report["violations"])


ENGINES = ("pyshacl", "turbo", "turbo_ox")


def previous_entry(name: str) -> dict:
    path = RESULTS / "validation.json"
    if path.exists():
        for r in json.loads(path.read_text()).get("runs", []):
            if r["name"] == name:
                return r
    return {}


def compare(name: str, files: list[str], cap: float, turbo: bool, engines=ENGINES) -> dict:
    entry: dict = {"name": name, "files": files}
    kept = WORK / f"pyshacl-{name}.json"  # pySHACL's normalised report, for runs of the other engines alone
    pyshacl_set = None
    if "pyshacl" in engines:
        cli = run_capped([str(BIN / "partnergraph"), "validate", *files, "--format", "json", "--engine", "pyshacl"], cap)
        entry["pyshacl"] = {k: cli[k] for k in ("seconds", "max_rss", "exit", "timeout")}
        if not cli["timeout"] and cli["exit"] in (0, 1):
            report = json.loads(cli["stdout"])
            pyshacl_set = normalise_cli(report)
            entry["pyshacl"]["violations"] = len(pyshacl_set)
            entry["triples"] = report["triples"]
            kept.write_text(json.dumps(pyshacl_set))
        elif not cli["timeout"]:
            entry["pyshacl"]["error"] = cli["stderr"][-500:]
    else:
        entry = dict(previous_entry(name), **entry)
        turbo_out = WORK / f"turbo-{name}.json"
        if kept.exists():
            pyshacl_set = json.loads(kept.read_text())
        elif entry.get("same_report") is True and turbo_out.exists():
            # that run found turbo's report identical to pySHACL's: it stands for pySHACL's here
            pyshacl_set = json.loads(turbo_out.read_text())["violations"]
    # turbo: pyshacl-turbo on the same rdflib graph; turbo-ox: the command's own turbo engine
    # (pyshacl-turbo over a pyoxigraph store of the same files)
    if turbo and "turbo_ox" in engines:
        cli = run_capped([str(BIN / "partnergraph"), "validate", *files, "--format", "json", "--engine", "turbo"], cap)
        entry["turbo_ox"] = {k: cli[k] for k in ("seconds", "max_rss", "exit", "timeout")}
        if not cli["timeout"] and cli["exit"] in (0, 1):
            found = normalise_cli(json.loads(cli["stdout"]))
            entry["turbo_ox"]["violations"] = len(found)
            (WORK / f"turbo-ox-{name}.json").write_text(json.dumps({"violations": found}))
            if pyshacl_set is not None:
                entry["same_report_ox"] = pyshacl_set == found
                if not entry["same_report_ox"]:
                    a, b = {json.dumps(v) for v in pyshacl_set}, {json.dumps(v) for v in found}
                    entry["only_pyshacl_vs_turbo_ox"], entry["only_turbo_ox"] = sorted(a - b)[:10], sorted(b - a)[:10]
        elif not cli["timeout"]:
            entry["turbo_ox"]["error"] = cli["stderr"][-500:]
    for key, engine in [("turbo", "turbo")] if turbo and "turbo" in engines else ():
        out = WORK / f"{engine}-{name}.json"
        t = run_capped([PY, str(BENCH / "shacl_engine.py"), engine, str(out), *files], cap)
        entry[key] = {k: t[k] for k in ("seconds", "max_rss", "exit", "timeout")}
        if not t["timeout"] and t["exit"] == 0:
            res = json.loads(out.read_text())
            entry[key].update(violations=len(res["violations"]), validate_seconds=res["validate_seconds"],
                              parse_seconds=res["parse_seconds"])
            if pyshacl_set is not None:
                same = pyshacl_set == res["violations"]
                entry["same_report" if key == "turbo" else "same_report_ox"] = same
                if not same:
                    a = {json.dumps(v) for v in pyshacl_set}
                    b = {json.dumps(v) for v in res["violations"]}
                    entry[f"only_pyshacl_vs_{key}"] = sorted(a - b)[:10]
                    entry[f"only_{key}"] = sorted(b - a)[:10]
        elif not t["timeout"]:
            entry[key]["error"] = t["stderr"][-500:]
    shown = ("pyshacl", "turbo", "turbo_ox", "same_report", "same_report_ox")
    print(f"[validate] {name}: " + json.dumps({k: v for k, v in entry.items() if k in shown}), flush=True)
    return entry


def w3c_suite(cap: float) -> dict:
    if not W3C.is_dir():
        return {"skipped": f"{W3C} is absent"}
    tests = sorted(str(p) for p in W3C.rglob("*.ttl") if p.name != "manifest.ttl")
    runs = {}
    for which in ("pyshacl", "turbo"):
        out = WORK / f"w3c-{which}.json"
        r = run_capped([PY, str(BENCH / "shacl_engine.py"), "--w3c", which, str(out), *tests], cap)
        runs[which] = {"seconds": r["seconds"], "timeout": r["timeout"], "exit": r["exit"],
                       "results": json.loads(out.read_text()) if out.exists() and r["exit"] == 0 else None}
        if r["exit"] not in (0, None):
            runs[which]["error"] = r["stderr"][-500:]
    summary = {"tests": len(tests), "pyshacl_seconds": runs["pyshacl"]["seconds"], "turbo_seconds": runs["turbo"]["seconds"]}
    a, b = runs["pyshacl"]["results"], runs["turbo"]["results"]
    if a is None or b is None:
        summary["error"] = {k: v.get("error") or ("timeout" if v["timeout"] else None) for k, v in runs.items()}
        return summary
    differ = [t for t in tests if a.get(t) != b.get(t)]
    summary["same"] = len(tests) - len(differ)
    summary["differ"] = [str(Path(t).relative_to(W3C)) for t in differ]
    summary["errors_pyshacl"] = sum(1 for t in tests if "error" in a.get(t, {}))
    summary["errors_turbo"] = sum(1 for t in tests if "error" in b.get(t, {}))
    print(f"[validate] W3C suite: {summary['same']} of {len(tests)} test files give the same report", flush=True)
    return summary


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10k,100k")
    ap.add_argument("--cap", type=float, default=600)
    ap.add_argument("--no-w3c", action="store_true")
    ap.add_argument("--no-shipped", action="store_true")
    ap.add_argument("--engines", default=",".join(ENGINES), help="which of pyshacl,turbo,turbo_ox to run")
    args = ap.parse_args()
    try:
        import pyshacl_turbo  # noqa: F401
        turbo = True
    except ImportError:
        turbo = False
    WORK.mkdir(parents=True, exist_ok=True)
    inject = WORK / "inject.nt"
    inject.write_text(INJECTED)
    out = {"cap": args.cap, "turbo_available": turbo, "runs": []}
    if not args.no_shipped:
        out["runs"].append(compare("shipped-data", ["data"], args.cap, turbo, args.engines.split(",")))
    for size in args.sizes.split(","):
        data = WORK / f"{size}.nt"
        if not data.exists():
            subprocess.run([PY, str(ROOT / "bench" / "synth.py"), "--triples", str(SIZES[size]), "--out", str(data)], cwd=ROOT,
                           check=True)
        if SIZES[size] < 1_000_000:  # from 1M on only the injected copy: it gives the time and the comparison
            out["runs"].append(compare(size, [str(data), *CONCEPTS], args.cap, turbo, args.engines.split(",")))
        out["runs"].append(compare(size + "+injected", [str(data), *CONCEPTS, str(inject)], args.cap, turbo,
                                   args.engines.split(",")))
        save(out)
    if not args.no_w3c:
        out["w3c"] = w3c_suite(args.cap) if turbo else {"skipped": "pyshacl-turbo is not installed"}
    save(out)


def save(out: dict) -> None:
    """Merge into bench/results/validation.json: a run at one size keeps the others' results."""
    path = RESULTS / "validation.json"
    old = json.loads(path.read_text()) if path.exists() else {"runs": []}
    names = {r["name"] for r in out["runs"]}
    merged = dict(old, **{k: v for k, v in out.items() if k != "runs"})
    merged["runs"] = [r for r in old.get("runs", []) if r["name"] not in names] + out["runs"]
    order = {"shipped-data": 0, "10k": 1, "100k": 2, "1m": 3, "10m": 4}
    merged["runs"].sort(key=lambda r: (order.get(r["name"].split("+")[0], 9), r["name"]))
    RESULTS.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(merged, indent=1))


if __name__ == "__main__":
    main()
