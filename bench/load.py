"""Load times side by side: `partnergraph load --no-validate`, `partnergraph load` (validated, the
default engine), `oxigraph load` into the default graph and into a named graph (as partnergraph
keeps it), on the same generated file, interleaved (rep 1 of each, then
rep 2, ...), each a fresh process with its wall time and peak RSS. Up to 2M triples also the
unvalidated load with every rule run in rounds after the load (as before the per-triple rules
streamed), whose store must hold the same quads. partnergraph's runs go through
`validate_and_build`, the function behind `partnergraph load`, in a child process that also
reports the seconds of each stage (validation, files, rules, each rule run, compaction): the
profile of the load. Writes bench/results/load-{size}.json.

    python bench/load.py [--sizes 1m] [--reps 1] [--cap 1800]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from run import BIN, PY, RESULTS, ROOT, SIZES, WORK, machine, synth  # noqa: E402


def run_capped(cmd: list[str], cap: float) -> dict:
    """Wall time, peak RSS of the child (ru_maxrss by wait4), exit status and output; killed at
    the cap."""
    import subprocess
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=cap)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return {"seconds": None, "timeout": cap, "exit": None}
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "exit": proc.returncode, "stdout": out.decode("utf-8", "replace"),
            "stderr": err.decode("utf-8", "replace")[-2000:]}


def peak_rss_of(cmd: list[str], cap: float) -> dict:
    """run_capped under /usr/bin/time's %M where it exists (the child's own peak RSS)."""
    timer = Path("/usr/bin/time")
    if not timer.exists():
        return run_capped(cmd, cap)
    marker = "PEAK_RSS_KB="
    done = run_capped([str(timer), "-f", marker + "%M", *cmd], cap)
    if done.get("stderr") and marker in done["stderr"]:
        tail = done["stderr"].rsplit(marker, 1)[1].split()[0]
        done["max_rss"] = int(tail) * 1024
    return done


def child(data: str, store: str, validate: bool, rounds: bool = False) -> None:
    """The load as `partnergraph load` runs it, with the seconds of each stage on stdout."""
    sys.path.insert(0, str(ROOT / "src"))
    started = time.perf_counter()
    from partnergraph import graph
    stages: dict = {"imports": round(time.perf_counter() - started, 3)}
    if validate:
        check = graph.check_data
        timed: dict = {}

        def timed_check(paths, ontology_dir="ontology"):
            began = time.perf_counter()
            report = check(paths, ontology_dir)
            timed["validation"] = round(time.perf_counter() - began, 3)
            return report
        graph.check_data = timed_check
    _, summary = graph.validate_and_build([data], target=store, ontology_dir="ontology", validate=validate,
                                          stream_rules=not rounds)
    if validate:
        stages.update(timed)
    stages.update(summary.pop("stages", {}))
    print(json.dumps({"summary": summary, "stages": stages, "seconds": time.perf_counter() - started}))


def bench_size(size: str, reps: int, cap: float, reuse_validated: bool = False) -> dict:
    data = synth(size)
    triples = sum(1 for _ in open(data, "rb"))
    names = ["pg-no-validate", "pg-validated", "ox", "ox-named"] + (["pg-rounds"] if triples <= 2_000_000 else [])
    stores = {name: WORK / f"load-{name}-{size}" for name in names}
    runs: dict[str, list[dict]] = {name: [] for name in stores}
    commands = {
        "pg-no-validate": [PY, str(BENCH / "load.py"), "child", str(data), str(stores["pg-no-validate"])],
        "pg-validated": [PY, str(BENCH / "load.py"), "child", str(data), str(stores["pg-validated"]), "--validate"],
        "ox": [str(BIN / "oxigraph"), "load", "--location", str(stores["ox"]), "--file", str(data)],
        # partnergraph keeps each file in a named graph of its own, which Oxigraph indexes six ways
        # (three for the default graph): this peer does the same
        "ox-named": [str(BIN / "oxigraph"), "load", "--location", str(stores["ox-named"]), "--file", str(data),
                     "--graph", "https://w3id.org/partnergraph/graph/bench"],
    }
    if "pg-rounds" in stores:
        commands["pg-rounds"] = [PY, str(BENCH / "load.py"), "child", str(data), str(stores["pg-rounds"]), "--rounds"]
    previous = RESULTS / f"load-{size}.json"
    if reuse_validated and previous.exists():
        # the validated load (at 10M a quarter of an hour) taken from the last run, with its own date
        kept = json.loads(previous.read_text())
        runs["pg-validated"] = [{**entry, "date": entry.get("date", kept["date"]), "reused": True}
                                for entry in kept["runs"].get("pg-validated", [])]
        del commands["pg-validated"]
    for rep in range(reps):
        for name, cmd in commands.items():
            shutil.rmtree(stores[name], ignore_errors=True)
            done = peak_rss_of(cmd, cap)
            entry = {"seconds": done["seconds"], "max_rss": done.get("max_rss"), "exit": done["exit"],
                     "loadavg": os.getloadavg(), "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
            if done.get("timeout"):
                entry["timeout"] = done["timeout"]
            elif done["exit"] != 0:
                entry["error"] = done.get("stderr", "")[-800:]
            elif name.startswith("pg"):
                entry.update(json.loads(done["stdout"].strip().splitlines()[-1]))
                entry["seconds"] = done["seconds"]
            runs[name].append(entry)
            shown = f"{entry['seconds']:.1f} s" if entry["seconds"] else f"timeout ({cap:g} s)"
            print(f"[load {size}] rep {rep + 1} {name}: {shown}"
                  + (f", stages {entry.get('stages')}" if entry.get("stages") else "")
                  + (f"  error: {entry['error'][-300:]}" if entry.get("error") else ""), flush=True)
    same = same_store(stores["pg-no-validate"], stores["pg-validated"]) if triples <= 2_000_000 else None
    same_as_rounds = same_store(stores["pg-no-validate"], stores["pg-rounds"]) if "pg-rounds" in stores else None
    for path in stores.values():
        shutil.rmtree(path, ignore_errors=True)

    def median(name: str) -> float | None:
        values = [r["seconds"] for r in runs[name] if r["seconds"] and r["exit"] == 0]
        return statistics.median(values) if values else None
    row = {name: median(name) for name in stores}
    row["ratio_no_validate"] = row["pg-no-validate"] / row["ox"] if row["pg-no-validate"] and row["ox"] else None
    row["ratio_validated"] = row["pg-validated"] / row["ox"] if row["pg-validated"] and row["ox"] else None
    named = row.get("ox-named")
    row["ratio_no_validate_named"] = row["pg-no-validate"] / named if row["pg-no-validate"] and named else None
    if row.get("pg-rounds"):
        row["ratio_rounds"] = row["pg-rounds"] / row["ox"] if row["ox"] else None
    return {"size": size, "file_triples": triples, "reps": reps, "row": row, "runs": runs,
            "validated_and_unvalidated_same_quads": same, "streamed_and_rounds_same_quads": same_as_rounds,
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "machine": machine()}


def same_store(a: Path, b: Path) -> bool | None:
    """Whether two partnergraph stores hold the same quads (None if either is missing)."""
    import pyoxigraph
    if not (a / "CURRENT").exists() or not (b / "CURRENT").exists():
        return None
    sets = []
    for path in (a, b):
        store = pyoxigraph.Store.read_only(str(path))
        # blank nodes get new labels on every parse: compared by count, the rest quad by quad
        quads = [str(q) for q in store]
        sets.append((len(quads), {q for q in quads if "_:" not in q}))
        del store
    return sets[0] == sets[1]


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "child":
        child(sys.argv[2], sys.argv[3], "--validate" in sys.argv[4:], "--rounds" in sys.argv[4:])
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1m")
    ap.add_argument("--reps", type=int, default=1)
    ap.add_argument("--cap", type=float, default=1800, help="seconds a load may take before it is stopped")
    ap.add_argument("--reuse-validated", action="store_true",
                    help="keep the validated load of the last run (with its date) instead of running it again")
    args = ap.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    for size in args.sizes.split(","):
        if size not in SIZES:
            raise SystemExit(f"unknown size {size!r} (known: {', '.join(SIZES)})")
        result = bench_size(size, args.reps, args.cap, args.reuse_validated)
        (RESULTS / f"load-{size}.json").write_text(json.dumps(result, indent=1))
        row = result["row"]
        print(f"[load {size}] " + json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
