"""The benchmark: partnergraph's endpoint side by side with Oxigraph's own server, rdflib-endpoint
and plain rdflib, on the same synthetic data and the same machine. Writes bench/results/*.json;
bench/report.py turns them into bench/REPORT.md.

    python bench/run.py [--quick] [--sizes 10k,100k,1m] [--skip-validation]

Every figure in the report is a ratio against a peer measured in the same run: the systems are
queried interleaved (rep 1 of every system, then rep 2, ...), so a noisy neighbour slows all of
them alike.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
WORK = BENCH / "work"           # data files and stores (gitignored)
RESULTS = Path(os.environ.get("BENCH_RESULTS", BENCH / "results"))  # another directory for trial runs
BIN = Path(sys.executable).parent
PY = sys.executable
sys.path.insert(0, str(ROOT / "src"))

SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000, "10m": 10_000_000}
PG_NS = "https://w3id.org/partnergraph/ontology#"
ID = "https://w3id.org/partnergraph/id/"
PREFIXES = f"""PREFIX pg: <{PG_NS}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
# The standard shapes, on resources that exist at every size (the generator makes them first).
STANDARD = {
    "std-lookup-by-iri": PREFIXES + f"SELECT ?p ?o WHERE {{ <{ID}project/sekos-2> ?p ?o }}",
    "std-join-3way": PREFIXES + f"""SELECT ?partnership ?project ?sdg WHERE {{
  ?partnership pg:partner <{ID}municipality/vaxjo> .
  ?project pg:partnership ?partnership ; pg:sdg ?sdg .
}}""",
    "std-aggregate-group-by": PREFIXES + """SELECT ?sdg (COUNT(DISTINCT ?project) AS ?projects) WHERE {
  ?project a pg:Project ; pg:sdg ?sdg .
} GROUP BY ?sdg""",
    "std-order-by-limit": PREFIXES + """SELECT ?project ?start WHERE {
  ?project a pg:Project ; pg:startYear ?start .
} ORDER BY DESC(?start) ?project LIMIT 10""",
    "std-text-contains": PREFIXES + """SELECT ?s ?label WHERE {
  ?s rdfs:label ?label .
  FILTER (LANG(?label) = "en" && CONTAINS(LCASE(STR(?label)), "water"))
} LIMIT 100""",
    "std-text-regex": PREFIXES + """SELECT ?s ?label WHERE {
  ?s rdfs:label ?label .
  FILTER (REGEX(STR(?label), "^v.xj", "i"))
}""",
    "std-describe": f"DESCRIBE <{ID}partnership/vaxjo-jb-marks>",
}


# -- queries -----------------------------------------------------------------------------------

def with_values(text: str, bindings: dict[str, tuple]) -> str:
    """The parameters written into the text the way partnergraph binds them for an external
    store (partnergraph.sparql.remote.substitute, the same answers as pyoxigraph's substitutions),
    so every system gets the same text (the HTTP protocol has no way to pass bindings)."""
    from partnergraph.sparql.remote import substitute
    return substitute(text, bindings) if bindings else text


HISTORY_GRAPH = "https://w3id.org/partnergraph/graph/history"


def query_set() -> dict[str, str]:
    from partnergraph.named_queries import load_queries
    out = {}
    for name, nq in load_queries(ROOT / "queries").items():
        if HISTORY_GRAPH in nq.text:
            continue   # the release log's graph: partnergraph answers from its history, the peers hold none
        out[name] = with_values(nq.text, nq.bindings({}))
    out.update(STANDARD)
    return out


def is_graph_query(text: str) -> bool:
    import re
    body = re.sub(r"(?im)^\s*(#.*|PREFIX\s+\S*\s*<[^>]*>)\s*$", "", text).lstrip().upper()
    return body.startswith(("DESCRIBE", "CONSTRUCT"))


# -- processes -----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_tree_hwm(pid: int) -> tuple[int, int]:
    """(VmHWM of the process, sum of VmHWM over it and its descendants), in bytes."""
    import psutil

    def hwm(p: int) -> int:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
        except OSError:
            pass
        return 0
    try:
        kids = [c.pid for c in psutil.Process(pid).children(recursive=True)]
    except psutil.Error:
        kids = []
    own = hwm(pid)
    return own, own + sum(hwm(k) for k in kids)


def stop(proc: subprocess.Popen) -> None:
    """Stop a process we started and its children (its own process group, by id)."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
    else:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # leftover children of a dead leader
        except ProcessLookupError:
            pass


_REQUESTS = itertools.count()


def cold(text: str) -> str:
    """The query with a comment no other request carries: every request is evaluated, none is
    answered from a result cache (partnergraph keeps one), on every system alike."""
    return f"{text}\n# request {next(_REQUESTS)}"


class Server:
    name = ""

    def __init__(self, port: int):
        self.port = port
        self.proc: subprocess.Popen | None = None
        self.session = requests.Session()
        self.log = None

    def command(self) -> list[str]:
        raise NotImplementedError

    @property
    def url(self) -> str:
        raise NotImplementedError

    def healthy(self) -> bool:
        try:
            r = self.session.post(self.url, data={"query": "ASK {}"},
                                  headers={"Accept": "application/sparql-results+json"}, timeout=2)
            return r.status_code == 200
        except requests.RequestException:
            return False

    def start(self, limit: float = 600) -> float:
        """Start and wait for the first 200; returns seconds from process start."""
        self.log = open(WORK / f"{self.name}-{self.port}.log", "wb")
        started = time.perf_counter()
        self.proc = subprocess.Popen(self.command(), cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        while time.perf_counter() - started < limit:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; see {self.log.name}")
            if self.healthy():
                return time.perf_counter() - started
            time.sleep(0.01)
        raise RuntimeError(f"{self.name} did not answer within {limit} s")

    def stop(self) -> None:
        if self.proc:
            stop(self.proc)
            self.proc = None
        self.session.close()
        self.session = requests.Session()
        if self.log:
            self.log.close()

    def query(self, text: str, timeout: float) -> tuple[int, int | None, str | None]:
        """(status, rows, error); the text made unique first (cold)."""
        accept = "application/n-triples" if is_graph_query(text) else "application/sparql-results+json"
        r = self.session.post(self.url, data={"query": cold(text)}, headers={"Accept": accept}, timeout=timeout)
        if r.status_code != 200:
            return r.status_code, None, r.text[:200]
        if accept == "application/n-triples":
            return 200, r.content.count(b"\n"), None
        data = r.json()
        return 200, len(data["results"]["bindings"]) if "results" in data else 1, None


class PartnergraphServer(Server):
    name = "partnergraph"

    def __init__(self, port: int, store: Path):
        super().__init__(port)
        self.store = store

    def command(self):
        return [str(BIN / "partnergraph"), "serve", "--store", str(self.store), "--port", str(self.port)]

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/sparql"

    def healthy(self) -> bool:
        try:
            return self.session.get(f"http://127.0.0.1:{self.port}/healthz", timeout=2).status_code == 200
        except requests.RequestException:
            return False


class OxigraphServer(Server):
    name = "oxigraph"

    def __init__(self, port: int, store: Path, timeout: float):
        super().__init__(port)
        self.store, self.timeout = store, timeout

    def command(self):
        return [str(BIN / "oxigraph"), "serve-read-only", "--location", str(self.store),
                "--bind", f"127.0.0.1:{self.port}", "--union-default-graph", "--timeout-s", str(int(self.timeout))]

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/query"


class RdflibEndpointServer(Server):
    name = "rdflib-endpoint"

    def __init__(self, port: int, nquads: Path):
        super().__init__(port)
        self.nquads = nquads

    def command(self):
        return [PY, str(BENCH / "rdflib_peers.py"), "server", str(self.nquads), str(self.port)]

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/sparql"


class RdflibRunner:
    """Plain rdflib Graph.query in a child process that can be killed at a deadline."""
    name = "rdflib"

    def __init__(self, nquads: Path):
        self.nquads = nquads
        self.proc = None
        self.load_seconds = None
        self.triples = None

    def start(self, limit: float = 1800) -> float:
        started = time.perf_counter()
        self.proc = subprocess.Popen([PY, str(BENCH / "rdflib_peers.py"), "runner", str(self.nquads)], cwd=ROOT,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, start_new_session=True)
        line = self._read(limit)
        if line is None:
            raise RuntimeError("rdflib did not load in time")
        info = json.loads(line)
        self.load_seconds, self.triples = info["load_seconds"], info["triples"]
        return time.perf_counter() - started

    def _read(self, timeout: float) -> str | None:
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        return self.proc.stdout.readline() if ready else None

    def run(self, text: str, n: int, timeout: float) -> dict:
        self.proc.stdin.write(json.dumps({"q": text, "n": n}) + "\n")
        self.proc.stdin.flush()
        line = self._read(timeout * n)
        if line is None:
            self.stop()
            self.start()
            return {"times": [], "rows": None, "error": f"timeout ({timeout:g} s per run)"}
        return json.loads(line)

    def hwm(self) -> int:
        return proc_tree_hwm(self.proc.pid)[0] if self.proc else 0

    def stop(self) -> None:
        if self.proc:
            stop(self.proc)
            self.proc = None


# -- one size ------------------------------------------------------------------------------------

def timed(cmd: list[str], **kw) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, **kw)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {done.stderr[-2000:]}")
    return time.perf_counter() - started, done


def fmt_s(v) -> str:
    return "not run" if v is None else f"{v:.2f} s"


# The shipped form of 02-involvement.rq that is quadratic: `?partner pg:country ?ownCountry` in a
# UNION branch of its own. Only that form is replaced (the rules were since split by others).
QUADRATIC_MARK = "?partner pg:country ?ownCountry"


def fixed_ontology() -> Path | None:
    """ontology/ with the rules of bench/rules-fixed/ in place of shipped ones of the same name that
    still have the quadratic form; None when no shipped rule needs it."""
    target = WORK / "ontology-fixed"
    shutil.rmtree(target, ignore_errors=True)
    replaced = False
    shutil.copytree(ROOT / "ontology", target)
    for rule in (BENCH / "rules-fixed").glob("*.rq"):
        shipped = ROOT / "ontology" / "rules" / rule.name
        if shipped.exists() and QUADRATIC_MARK in shipped.read_text() and "UNION" in shipped.read_text():
            shutil.copy(rule, target / "rules" / rule.name)
            replaced = True
    return target if replaced else None


def same_inferred(a: Path, b: Path) -> bool:
    import pyoxigraph

    from partnergraph.rdf import iris
    graph = pyoxigraph.NamedNode(iris.DEFAULT_BASE + iris.INFERRED_GRAPH)
    sets = []
    for d in (a, b):
        st = pyoxigraph.Store.read_only(str(d))
        sets.append({str(q) for q in st.quads_for_pattern(None, None, None, graph)})
        del st
    return sets[0] == sets[1] and len(sets[0]) > 0


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = max(0, min(len(s) - 1, round(q * (len(s) - 1) + 0.4999)))
    return s[k]


def synth(size: str) -> Path:
    out = WORK / f"{size}.nt"
    if not out.exists():
        print(f"[{size}] generating {out.name}", flush=True)
        timed([PY, str(ROOT / "bench" / "synth.py"), "--triples", str(SIZES[size]), "--out", str(out), "--seed", "1"])
    return out


def bench_size(size: str, cfg: dict, queries: dict[str, str], previous: dict | None = None) -> dict:
    cleanup: list = []
    try:
        return _bench_size(size, cfg, queries, previous, cleanup)
    finally:
        for srv in cleanup:  # also after an error or Ctrl-C: stop every process this size started
            srv.stop()


def predicted_timeout(previous: dict | None, size: str, qname: str, system: str, cap: float) -> str | None:
    """A query an rdflib peer needed more than cap / (size ratio) for at the previous size would
    pass the cap here (rdflib's cost grows at least linearly): skip it rather than wait for it."""
    if not previous:
        return None
    before = previous["latency"].get(qname, {})
    factor = SIZES[size] / SIZES[previous["size"]]
    if system in before.get("errors", {}):
        return f"not run: failed or timed out at {previous['size']}"
    m = (before.get(system) or {}).get("median")
    if m is not None and m * factor > cap:
        return f"timeout predicted: {m:.2f} s at {previous['size']} x {factor:g}"
    return None


def _bench_size(size: str, cfg: dict, queries: dict[str, str], previous: dict | None, cleanup: list) -> dict:
    res: dict = {"size": size, "requested_triples": SIZES[size], "load": {}, "startup": {}, "latency": {},
                 "throughput": {}, "memory": {}, "skipped": {}, "rows": {}}
    data = synth(size)
    res["file_triples"] = sum(1 for _ in open(data, "rb"))
    pg_store, ox_store, ox_tmp = WORK / f"pg-{size}", WORK / f"ox-{size}", WORK / f"ox-tmp-{size}"
    nquads = WORK / f"{size}-union.nq"

    # load times: the same input file for partnergraph and Oxigraph. partnergraph with the shipped
    # rules only up to shipped_rules_max (one rule is quadratic, see bench/rules-fixed/), and with
    # the proposed rule at every size; at larger sizes the served store is the one with the
    # proposed rule (the same triples: checked where both run).
    fixed_dir = fixed_ontology()
    pg_fixed = WORK / f"pg-fixed-{size}"
    shipped = SIZES[size] <= cfg["shipped_rules_max"] or fixed_dir is None
    reps = cfg["load_reps"] if SIZES[size] <= 100_000 else 1
    pg_times, fixed_times, ox_times = [], [], []
    for _ in range(reps):
        for d in (pg_store, pg_fixed, ox_tmp):
            shutil.rmtree(d, ignore_errors=True)
        if shipped:
            t, done = timed([str(BIN / "partnergraph"), "load", str(data), "--store", str(pg_store), "--no-validate"])
            pg_times.append(t)
            res["load"]["partnergraph_summary"] = done.stdout.strip()
        if fixed_dir is not None:
            t, done = timed([str(BIN / "partnergraph"), "load", str(data), "--store", str(pg_fixed), "--no-validate",
                             "--ontology-dir", str(fixed_dir)])
            fixed_times.append(t)
            res["load"]["partnergraph_fixed_summary"] = done.stdout.strip()
        t, _ = timed([str(BIN / "oxigraph"), "load", "--location", str(ox_tmp), "--file", str(data)])
        ox_times.append(t)
    shutil.rmtree(ox_tmp, ignore_errors=True)
    res["load"]["partnergraph"] = statistics.median(pg_times) if pg_times else None
    res["load"]["partnergraph_fixed_rule"] = statistics.median(fixed_times) if fixed_times else None
    res["load"]["oxigraph"] = statistics.median(ox_times)
    if fixed_dir is None:
        res["load"]["rules_note"] = "the shipped rules no longer have the quadratic form: loaded as shipped only"
    elif shipped:
        res["load"]["rules_same_triples"] = same_inferred(pg_store, pg_fixed)
        shutil.rmtree(pg_fixed, ignore_errors=True)
    else:
        shutil.rmtree(pg_store, ignore_errors=True)
        pg_fixed.rename(pg_store)
        res["load"]["served_store"] = "built with the proposed rule (bench/rules-fixed/)"
    print(f"[{size}] load: partnergraph {fmt_s(res['load']['partnergraph'])} (proposed rule "
          f"{fmt_s(res['load']['partnergraph_fixed_rule'])}), "
          f"oxigraph {res['load']['oxigraph']:.2f} s; "
          f"rules give the same triples: {res['load'].get('rules_same_triples', '-')}", flush=True)

    # the same quads for the peers: a dump of partnergraph's store (data, ontology, shapes, inferred)
    import pyoxigraph
    st = pyoxigraph.Store.read_only(str(pg_store))
    st.dump(str(nquads), format=pyoxigraph.RdfFormat.N_QUADS)
    res["store_quads"] = len(st)
    del st
    # Oxigraph's server serves partnergraph's own store directory (read-only opens share it), so
    # the comparison is of the servers alone, not of two store layouts.
    ox_store = pg_store

    use_rdflib = SIZES[size] <= cfg["rdflib_max"]
    if not use_rdflib:
        res["skipped"]["rdflib-endpoint"] = res["skipped"]["rdflib"] = (
            f"not run above {cfg['rdflib_max']:,} triples: rdflib parses the file into Python objects "
            "(minutes and several GB at this size) and most named queries would hit the time cap")

    servers = [PartnergraphServer(free_port(), pg_store), OxigraphServer(free_port(), ox_store, cfg["cap"])]
    if use_rdflib:
        servers.append(RdflibEndpointServer(free_port(), nquads))
    cleanup.extend(servers)
    # start-up on the prebuilt store: start, first 200, stop; the last start stays up
    for srv in servers:
        times = []
        for i in range(cfg["startup_reps"] if srv.name != "rdflib-endpoint" else 1):
            times.append(srv.start())
            if i < cfg["startup_reps"] - 1 and srv.name != "rdflib-endpoint":
                srv.stop()
        res["startup"][srv.name] = statistics.median(times)
        res["startup"][srv.name + "_all"] = times
        print(f"[{size}] start-up {srv.name}: {res['startup'][srv.name]:.2f} s", flush=True)
    runner = None
    if use_rdflib:
        runner = RdflibRunner(nquads)
        cleanup.append(runner)
        runner.start()
        res["load"]["rdflib"] = runner.load_seconds
        res["rdflib_triples"] = runner.triples
        print(f"[{size}] rdflib parse: {runner.load_seconds:.2f} s", flush=True)

    # latency: per query, a warm-up then `reps` runs, interleaved over the systems
    systems = [s.name for s in servers] + (["rdflib"] if runner else [])
    for qname, text in queries.items():
        lat = {s: [] for s in systems}
        rows, errors = {}, {}
        for peer in ("rdflib-endpoint", "rdflib"):
            why = predicted_timeout(previous, size, qname, peer, cfg["cap"]) if peer in systems else None
            if why:
                errors[peer] = why
        for srv in servers:
            if srv.name in errors:
                continue
            try:
                status, n, err = srv.query(text, cfg["cap"])
                rows[srv.name] = n
                if status != 200:
                    errors[srv.name] = f"HTTP {status}: {err}"
            except requests.Timeout:
                errors[srv.name] = f"timeout ({cfg['cap']:g} s)"
                if srv.name == "rdflib-endpoint":  # its worker thread keeps running: restart it
                    srv.stop()
                    srv.start()
        slow_reps = cfg["rdflib_reps"]
        for rep in range(cfg["reps"]):
            for srv in servers:
                if srv.name in errors or (srv.name == "rdflib-endpoint" and rep >= slow_reps):
                    continue
                started = time.perf_counter()
                try:
                    status, _, err = srv.query(text, cfg["cap"])
                except requests.Timeout:
                    errors[srv.name] = f"timeout ({cfg['cap']:g} s)"
                    if srv.name == "rdflib-endpoint":
                        srv.stop()
                        srv.start()
                    continue
                if status == 200:
                    lat[srv.name].append(time.perf_counter() - started)
                else:
                    errors[srv.name] = f"HTTP {status}: {err}"
        if runner and "rdflib" not in errors:
            out = runner.run(text, 1, cfg["cap"])  # the warm-up alone: a time-out costs one cap
            if not out["error"]:
                out = runner.run(text, slow_reps, cfg["cap"])
            if out["error"]:
                errors["rdflib"] = out["error"]
            lat["rdflib"] = out["times"]
            rows["rdflib"] = out["rows"]
        res["latency"][qname] = {s: {"median": statistics.median(v) if v else None, "p95": pct(v, 0.95) if v else None,
                                     "n": len(v)} for s, v in lat.items()}
        res["latency"][qname]["errors"] = errors
        res["rows"][qname] = rows
        med = {s: (f"{v['median'] * 1000:.1f}" if v["median"] else "-") for s,
               v in res["latency"][qname].items() if s != "errors"}
        print(f"[{size}] {qname}: " + ", ".join(f"{k} {v} ms" for k,
                                                v in med.items()) + (f"  errors: {errors}" if errors else ""), flush=True)

    # throughput: a fixed count of requests over the query mix, 1 and 4 clients
    ok = [q for q in queries if all(s in ("rdflib-endpoint", "rdflib") or s not in res["latency"][q]["errors"]
                                     for s in systems) and "partnergraph" not in res["latency"][q]["errors"]
          and "oxigraph" not in res["latency"][q]["errors"]]
    res["throughput_queries"] = ok
    # interleaved rounds (pg x1, ox x1, ..., pg x4, ox x4, ...), the median round per system
    count = cfg["tp_requests"]
    tp_servers = []
    for srv in servers:
        if srv.name == "rdflib-endpoint":
            meds = [res["latency"][q]["rdflib-endpoint"]["median"] for q in ok]
            if any(m is None for m in meds) or sum(meds) / len(meds) * count * cfg["tp_rounds"] * 2 > cfg["rdflib_tp_budget"]:
                res["skipped"]["rdflib-endpoint throughput"] = (
                    f"skipped: {cfg['tp_rounds']} rounds of {count} requests of the mix would take more than "
                    f"{cfg['rdflib_tp_budget']} s at its latencies" if all(m is not None for m in meds)
                    else "skipped: some queries of the mix fail or time out on it")
                continue
        tp_servers.append(srv)
    rounds: dict = {}
    for _ in range(cfg["tp_rounds"]):
        for clients in (1, 4):
            for srv in tp_servers:
                rounds.setdefault((srv.name, clients), []).append(
                    throughput(srv, [queries[q] for q in ok], clients, count, cfg["cap"]))
    for (name, clients), values in rounds.items():
        res["throughput"].setdefault(name, {})[str(clients)] = statistics.median(values)
        res["throughput"].setdefault(name + "_rounds", {})[str(clients)] = values
        print(f"[{size}] throughput {name} x{clients}: {statistics.median(values):.1f} req/s (rounds: "
              + ", ".join(f"{v:.1f}" for v in values) + ")", flush=True)

    for srv in servers:
        own, tree = proc_tree_hwm(srv.proc.pid)
        res["memory"][srv.name] = {"process": own, "tree": tree}
        srv.stop()
    if runner:
        res["memory"]["rdflib"] = {"process": runner.hwm(), "tree": runner.hwm()}
        runner.stop()
    nquads.unlink(missing_ok=True)
    return res


def throughput(srv: Server, texts: list[str], clients: int, count: int, cap: float) -> float:
    lock = threading.Lock()
    state = {"next": 0, "failed": 0}

    def client():
        session = requests.Session()
        accept = {}
        while True:
            with lock:
                i = state["next"]
                state["next"] += 1
            if i >= count:
                break
            text = texts[i % len(texts)]
            if text not in accept:
                accept[text] = "application/n-triples" if is_graph_query(text) else "application/sparql-results+json"
            try:
                r = session.post(srv.url, data={"query": cold(text)}, headers={"Accept": accept[text]}, timeout=cap)
                _ = r.content
                if r.status_code != 200:
                    state["failed"] += 1
            except requests.RequestException:
                state["failed"] += 1
        session.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    if state["failed"]:
        print(f"  ({srv.name}: {state['failed']} of {count} requests failed)", flush=True)
    return count / seconds


def machine() -> dict:
    from importlib.metadata import PackageNotFoundError, version
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next((int(line.split()[1]) * 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), 0)
    versions = {}
    for pkg in ("partnergraph", "pyoxigraph", "oxigraph", "rdflib", "rdflib-endpoint", "pyshacl", "pyshacl-turbo",
                "flask", "waitress", "requests", "uvicorn", "fastapi", "psutil"):
        try:
            versions[pkg] = version(pkg)
        except PackageNotFoundError:
            versions[pkg] = None
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_bytes": mem, "python": platform.python_version(),
            "platform": platform.platform(), "versions": versions, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "loadavg_start": os.getloadavg()}


def endpoint_runs(cfg: dict) -> None:
    """On the largest store this run built (up to 1M: the soak's mix is sized for it): the fixed
    cost per request (bench/fixedcost.py) and the soak (bench/soak.py; 5 minutes, 60 s in quick
    mode). Their results go to the report beside the sizes."""
    built = [s for s in cfg["sizes"] if SIZES[s] <= 1_000_000 and (WORK / f"pg-{s}").is_dir()]
    if not built:
        return
    size = max(built, key=SIZES.get)
    subprocess.run([PY, str(BENCH / "fixedcost.py"), "--size", size, "--label", "current",
                    "--requests", "100" if cfg["mode"] == "quick" else "400"], cwd=ROOT, check=True)
    subprocess.run([PY, str(BENCH / "soak.py"), "--size", size, "--seconds", "60" if cfg["mode"] == "quick" else "300"],
                   cwd=ROOT, check=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--sizes")
    ap.add_argument("--skip-validation", action="store_true")
    ap.add_argument("--skip-queries", action="store_true")
    ap.add_argument("--skip-load", action="store_true", help="skip bench/load.py (load times at 1M and above)")
    ap.add_argument("--reps", type=int, help="runs per query (after a warm-up)")
    ap.add_argument("--tp-requests", type=int, help="requests per throughput round")
    ap.add_argument("--tp-rounds", type=int, help="throughput rounds")
    ap.add_argument("--cap", type=float, help="seconds a query may take before it counts as a time-out")
    ap.add_argument("--skip-soak", action="store_true", help="no soak and no fixed-cost run after the sizes")
    args = ap.parse_args()
    cfg = {"shipped_rules_max": 100_000, "tp_rounds": 3, "reps": 11, "rdflib_reps": 3, "load_reps": 3, "startup_reps": 3,
           "tp_requests": 200, "cap": 30.0,
           "rdflib_max": 100_000, "rdflib_tp_budget": 120, "validate_cap": 900, "sizes": ["10k", "100k", "1m"]}
    if args.quick:
        cfg.update(reps=5, rdflib_reps=2, load_reps=1, startup_reps=3, tp_requests=40, cap=5.0,
                   rdflib_tp_budget=40, validate_cap=180, sizes=["10k", "100k"])
    if args.sizes:
        cfg["sizes"] = args.sizes.split(",")
    for key in ("reps", "tp_requests", "tp_rounds", "cap"):
        if getattr(args, key) is not None:
            cfg[key] = getattr(args, key)
    cfg["mode"] = "quick" if args.quick else "full"
    WORK.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = {"machine": machine(), "config": cfg, "sizes": {}}
    queries = query_set()
    out["queries"] = queries
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally blocks: stop the servers
    previous = None
    if not args.skip_queries:
        for size in cfg["sizes"]:
            one = bench_size(size, cfg, queries, previous)
            previous = one
            one["config"] = {k: cfg[k] for k in ("mode", "reps", "rdflib_reps", "tp_requests", "tp_rounds", "cap")}
            one["date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
            one["loadavg"] = os.getloadavg()
            (RESULTS / f"size-{size}.json").write_text(json.dumps(one, indent=1))
            out["sizes"][size] = one["date"]
            (RESULTS / "results.json").write_text(json.dumps(out, indent=1))
    out["machine"]["loadavg_end"] = os.getloadavg()
    if not args.skip_queries:
        (RESULTS / "results.json").write_text(json.dumps(out, indent=1))
    if not args.skip_queries and not args.skip_soak:
        endpoint_runs(cfg)
    load_sizes = [s for s in cfg["sizes"] if SIZES[s] >= 1_000_000]
    if load_sizes and not args.skip_load:  # the load row: pg with and without validation against oxigraph load
        subprocess.run([PY, str(BENCH / "load.py"), "--sizes", ",".join(load_sizes)], cwd=ROOT, check=True)
    if not args.skip_validation:
        subprocess.run([PY, str(BENCH / "validation.py"), "--sizes", ",".join(cfg["sizes"]),
                        "--cap", str(cfg["validate_cap"])], cwd=ROOT, check=True)
    subprocess.run([PY, str(BENCH / "report.py")], cwd=ROOT, check=True)


if __name__ == "__main__":
    main()
