"""The assembled graph: files -> validate -> store -> runner. The web app, the CLI and the Python
API all build one of these; none of them talks to pyoxigraph directly."""
from __future__ import annotations

import json
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import named_queries as named
from . import rq
from .rdf import iris, namespaces, sources
from .sparql import formats
from .sparql.cache import ResultCache
from .sparql.executor import InlineRunner, QueryError, QueryJob, QueryOutcome, Runner, WorkerPool
from .sparql.guard import Checked, QueryRefused, check, looks_like_update, require_query
from .sparql.remote import RemoteRunner
from .store.embedded import EmbeddedStore, StoreUnavailable, build_store, load_plan

if TYPE_CHECKING:  # validation pulls in rdflib and pySHACL: imported only when data is validated
    from .store.validation import Report


class DataRejected(Exception):
    """The data did not validate; carries the report. Nothing was loaded."""

    def __init__(self, report: Report):
        super().__init__(report.to_text())
        self.report = report


def check_data(paths, ontology_dir: str | Path = "ontology") -> Report:
    """The validation report of data files against the ontology directory's shapes."""
    from .store.validation import validate_paths  # start-up: rdflib and pySHACL only when data is validated
    return validate_paths(list(paths), Path(ontology_dir) / "partnergraph.ttl", Path(ontology_dir) / "shapes.ttl")


def validate_and_build(paths, *, target: str | Path | None, ontology_dir: str | Path = "ontology",
                       vocab=(), base: str = iris.DEFAULT_BASE, validate: bool = True,
                       progress=None, stream_rules: bool = True) -> tuple[EmbeddedStore, dict]:
    """files -> validate -> plan -> build (with the rules): the one sequence behind `load`, the
    server's build and reload. Refused data raises DataRejected and leaves an existing store as
    it was; target None builds in memory, a directory atomically on disk. With pyshacl-turbo
    each file is parsed once, into the store being built, and validated there. stream_rules False
    runs every rule in rounds after the load (store/embedded.py fill), for comparing."""
    plan = load_plan(paths, ontology_dir, vocab or (), base)
    rules = Path(ontology_dir) / "rules"
    if validate and _validates_in_store(plan):
        shapes = Path(ontology_dir) / "shapes.ttl"
        ontology = (f"{base}graph/ontology", Path(ontology_dir) / "partnergraph.ttl")

        def check(store: EmbeddedStore, items) -> None:
            from .store.validation import validate_into  # start-up: rdflib and pySHACL only when data is validated
            data = [(item.graph, Path(item.source)) for item in items if item.kind == "data"]
            report = validate_into(store.store, ontology, data, shapes)
            if not report.conforms:
                raise DataRejected(report)
        return build_store(target, plan, rules, progress, base, check=check, stream_rules=stream_rules)
    if validate:
        report = check_data(paths, ontology_dir)
        if not report.conforms:
            raise DataRejected(report)
    return build_store(target, plan, rules, progress, base, stream_rules=stream_rules)


def _validates_in_store(plan) -> bool:
    """The one-parse path: pyshacl-turbo installed, and no data file a dataset (N-Quads, TriG),
    whose own graphs validation merges into one where the store keeps them apart."""
    from .store.validation import choose_engine  # start-up: rdflib and pySHACL only when data is validated
    return (choose_engine("auto") == "turbo"
            and not any(item.kind == "data" and item.format.supports_datasets for item in plan))


def is_store_dir(path: str | Path) -> bool:
    """A directory holding a pyoxigraph (RocksDB) store."""
    return Path(path, "CURRENT").is_file()


def is_url(text: str | None) -> bool:
    return bool(text) and str(text).startswith(("http://", "https://"))


def open_store(path: str, base: str = iris.DEFAULT_BASE) -> EmbeddedStore:
    """Open a prebuilt store read-only, with a message that says what to do when it cannot be."""
    if not is_store_dir(path):
        raise StoreUnavailable(f"{path}: no store here; build one with 'partnergraph load data --store {path}'")
    try:
        embedded = EmbeddedStore(path, read_only=True, base=base)
        embedded.store.query(rq.load("any-named-triple"))
    except (OSError, RuntimeError, ValueError) as err:
        detail = str(err).split("\n")[0]
        raise StoreUnavailable(f"{path}: the store could not be opened: {detail}. If it is damaged, "
                               f"rebuild it with 'partnergraph load data --store {path}'") from None
    return embedded


@dataclass
class Result:
    """A query result for Python users: rows, a DataFrame, or an rdflib Graph."""
    outcome: QueryOutcome

    @property
    def kind(self) -> str:
        return self.outcome.kind

    def _json(self) -> dict:
        return json.loads(self.outcome.body.decode("utf-8"))

    @property
    def variables(self) -> list[str]:
        return self._json()["head"].get("vars", []) if self.kind == "results" else []

    @property
    def boolean(self) -> bool:
        if self.kind != "boolean":
            raise TypeError("only ASK queries have a boolean answer")
        return bool(self._json()["boolean"])

    def __bool__(self) -> bool:
        return self.boolean if self.kind == "boolean" else bool(self.rows())

    def bindings(self) -> list[dict[str, dict]]:
        return self._json()["results"]["bindings"] if self.kind == "results" else []

    def rows(self) -> list[dict[str, Any]]:
        """Rows as dicts of plain Python values (IRIs and literals as strings, numbers as numbers)."""
        if self.kind == "graph":
            return [dict(zip(("subject", "predicate", "object"), (str(t) for t in triple), strict=True))
                    for triple in self.to_graph()]
        return [{k: _plain(v) for k, v in row.items()} for row in self.bindings()]

    def __iter__(self):
        return iter(self.rows())

    def __len__(self) -> int:
        return len(self.rows())

    def to_dataframe(self):
        try:
            import pandas
        except ImportError as err:  # pandas is an optional extra
            raise ImportError("to_dataframe needs pandas: pip install 'partnergraph[pandas]'") from err
        return pandas.DataFrame(self.rows(), columns=self.variables or None)

    def to_graph(self):
        import rdflib
        if self.kind != "graph":
            raise TypeError("only CONSTRUCT and DESCRIBE queries give a graph")
        graph = rdflib.Graph()
        graph.parse(data=self.outcome.body, format=formats.BY_NAME[self.outcome.format].rdflib)
        for prefix, ns in namespaces.PREFIXES.items():
            graph.bind(prefix, ns)
        return graph


_NUMERIC = {"integer", "decimal", "double", "float", "int", "long", "short", "nonNegativeInteger"}


def _plain(term: dict) -> Any:
    value = term.get("value")
    datatype = term.get("datatype", "")
    local = datatype.rsplit("#", 1)[-1]
    if term.get("type") == "literal" and local in _NUMERIC:
        try:
            return int(value) if local not in {"decimal", "double", "float"} else float(value)
        except ValueError:
            return value
    if term.get("type") == "literal" and local == "boolean":
        return value == "true"
    return value


@dataclass
class PartnerGraph:
    """A store with its runner and named queries."""
    runner: Runner
    queries: dict[str, named.NamedQuery]
    store: EmbeddedStore | None = None          # None for a remote endpoint
    endpoint: str | None = None
    base: str = iris.DEFAULT_BASE
    allowlist: tuple[str, ...] = ()
    load_summary: dict = field(default_factory=dict)
    _cleanup: Callable[[], None] | None = None
    build_args: dict = field(default_factory=dict, repr=False)   # what reload() rebuilds from
    generation: int = 1                                            # +1 on every successful reload
    _reload_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    sources: sources.Sources | None = None                         # where data, ontology and queries came from
    results: ResultCache = field(default_factory=lambda: ResultCache(0), repr=False)  # answers by generation
    # A graph beside the data that queries naming it are answered from (the release log's, built by the
    # entry points' side_graph factory; history/named_graphs.py): .named_in(text) and .run(job).
    history: Any = None

    # -- building ------------------------------------------------------------------------
    @classmethod
    def build(cls, *, store: str | None = None, data: list[str] | None = None, ontology_dir: str = "ontology",
              queries_dir: str = "queries", vocab: list[str] | None = None, validate: bool = True,
              workers: int = 0, timeout: float = 30.0, max_bytes: int = 50_000_000,
              base: str = iris.DEFAULT_BASE, allowlist: tuple[str, ...] = (),
              progress=None, result_cache_bytes: int = 64_000_000,
              side_graph: Callable[..., Any] | None = None) -> PartnerGraph:
        """store: a store directory or an endpoint URL; without one, build from data (./data).
        workers > 0 evaluates queries in killable worker processes (the server). Answers are
        kept in a result cache of result_cache_bytes (0: none); not for an external store,
        whose data may change without this process knowing. side_graph(data or None for a store, base,
        max_bytes, workers, timeout) gives the graph beside the data that queries naming it go to (the release log's,
        from history/named_graphs.py: the entry points pass it, so this layer knows nothing of it)."""
        args = dict(store=store, data=list(data) if data else None, ontology_dir=ontology_dir,
                    queries_dir=queries_dir, vocab=list(vocab or []), validate=validate, workers=workers,
                    timeout=timeout, max_bytes=max_bytes, base=base, allowlist=tuple(allowlist),
                    side_graph=side_graph)
        built = cls._build(progress=progress, **args)
        built.build_args = args
        built.results = ResultCache(0 if built.endpoint else result_cache_bytes)
        return built

    @classmethod
    def _build(cls, *, store, data, ontology_dir, queries_dir, vocab, validate, workers, timeout,
               max_bytes, base, allowlist, progress, side_graph=None, eager_pool: bool = False) -> PartnerGraph:
        if is_url(store):
            runner = RemoteRunner(store, timeout, max_bytes)
            # a partnergraph server lists its named queries: they run there, bound as it binds them
            served = named.from_listing(runner.named_queries())
            located = sources.locate(None, ontology_dir, queries_dir, need_data=False, need_ontology=False,
                                     need_queries=not served)
            # the release log lives beside the data of this checkout or package, wherever the current data is
            history = side_graph(None, base, max_bytes, workers, timeout) if side_graph else None
            return cls(runner, served or named.load_queries(located.queries), None, store, base, tuple(allowlist),
                       sources=located, history=history)
        located = sources.locate(data, ontology_dir, queries_dir, need_data=not store, need_ontology=not store)
        data, ontology_dir, queries_dir = located.data, located.ontology, located.queries
        query_set = named.load_queries(queries_dir)
        cleanup = None
        summary: dict = {}
        if store:
            embedded = open_store(store, base)
            path = store
        else:
            data = data or ["data"]
            target = None
            if workers > 0:   # the workers open the store read-only, so it goes on disk
                scratch = tempfile.mkdtemp(prefix="partnergraph-store-")
                cleanup = lambda p=scratch: shutil.rmtree(p, ignore_errors=True)  # noqa: E731
                target = path = str(Path(scratch) / "store")
            try:
                embedded, summary = validate_and_build(data, target=target, ontology_dir=ontology_dir, vocab=vocab,
                                                       base=base, validate=validate, progress=progress)
            except BaseException:
                if cleanup:
                    cleanup()
                raise
        runner = WorkerPool(path, workers, timeout, max_bytes, base, eager=eager_pool) if workers > 0 \
            else InlineRunner(embedded, max_bytes)
        history = side_graph(None if store else data, base, max_bytes, workers, timeout) if side_graph else None
        return cls(runner, query_set, embedded, None, base, tuple(allowlist), summary, cleanup, sources=located,
                   history=history)

    def close(self) -> None:
        self.runner.close()
        if self.history is not None:
            self.history.close()
        if self._cleanup:
            self._cleanup()

    def reload(self, progress=None) -> dict:
        """Rebuild from the same sources (data files, or the store directory that 'partnergraph
        load' rebuilt) and swap the new store in at once. The data is validated first; when it is
        refused (DataRejected, a syntax error, an unreadable file) this graph is left exactly as it
        was and keeps answering. Queries already running finish on the old store, which is closed
        after them. One reload at a time: ReloadBusy if one is under way."""
        if self.endpoint:
            raise ReloadRefused(f"the data is in the external store {self.endpoint}; publish to it instead")
        if not self._reload_lock.acquire(blocking=False):
            raise ReloadBusy("a reload is already under way")
        try:
            started = time.perf_counter()
            fresh = PartnerGraph._build(progress=progress, eager_pool=True, **self.build_args)
            if hasattr(fresh.runner, "wait_started"):  # the old pool serves until the new one is whole
                fresh.runner.wait_started()
            old_runner, old_cleanup, old_history = self.runner, self._cleanup, self.history
            # The swap: each attribute assignment is atomic, and a request holds the runner it
            # started with, so no request sees a half-built store or waits for the rebuild.
            self.runner, self.store, self.queries = fresh.runner, fresh.store, fresh.queries
            self.load_summary, self._cleanup, self.history = fresh.load_summary, fresh._cleanup, fresh.history
            self.generation += 1
            self.results.clear(self.generation)

            def retire():
                old_runner.retire()
                if old_history is not None and old_history is not self.history:
                    old_history.close()
                if old_cleanup:
                    old_cleanup()
            threading.Thread(target=retire, name="partnergraph-retire", daemon=True).start()
            return {"generation": self.generation, "seconds": round(time.perf_counter() - started, 3),
                    **{k: v for k, v in self.load_summary.items() if k != "seconds"}}
        finally:
            self._reload_lock.release()

    # -- querying ------------------------------------------------------------------------
    def guard(self, text: str) -> Checked:
        return check(text, self.allowlist)

    def run(self, text: str, *, results_format: str = "json", graph_format: str = "turtle",
            default_graphs: list[str] | None = None, named_graphs: list[str] | None = None,
            bindings: dict[str, tuple] | None = None, timeout: float | None = None,
            base_iri: str | None = None, cache: bool = True) -> QueryOutcome:
        """Guard, then evaluate, or answer from the result cache. Refusals come back as outcomes
        with their status, like errors. cache=False asks the engine itself (a health check)."""
        generation = self.generation  # read before the runner: a reload swaps the runner first
        # looked up before the guard: only answers (status 200) are kept, so a refused query is never found
        key = ResultCache.key(generation, text, results_format, graph_format, default_graphs or (), named_graphs or (),
                              bindings, base_iri) if cache else None
        if key is not None:
            started = time.perf_counter()
            kept = self.results.get(key)
            if kept is not None:
                return replace(kept, seconds=time.perf_counter() - started)
        try:
            checked = self.guard(text)
            # a query of the release log's graph goes to the history graph, whatever holds the current data
            to_history = self.history is not None and self.history.named_in(checked.text)
            if self.store is None and not to_history:
                require_query(checked.text)
        except QueryRefused as refusal:
            return QueryOutcome(refusal.status, "error", error=refusal.message, line=refusal.line, column=refusal.column)
        job = QueryJob(checked.text, results_format, graph_format, list(default_graphs or []),
                       list(named_graphs or []), dict(bindings or {}), base_iri)
        if to_history:
            outcome = self.history.run(job, timeout)   # history/named_graphs.py: under the same time limit
        else:
            outcome = self.runner.run(job, timeout)
        if key is not None and not checked.services:  # another endpoint's answer may change without a reload
            self.results.put(key, outcome)
        if outcome.status == 400 and outcome.error and outcome.error.startswith("Query syntax error") and looks_like_update(text):
            return QueryOutcome(403, "error", error="SPARQL Update is not accepted: this endpoint is read-only.")
        return outcome

    def query(self, text_or_name: str, _format: str | None = None, **params: Any) -> Result:
        """For notebooks: the name of a named query (with its parameters) or SPARQL text."""
        bindings = {}
        text = text_or_name
        if text_or_name in self.queries:
            nq = self.queries[text_or_name]
            text, bindings = nq.text, nq.bindings({k: v for k, v in params.items()})
            if nq.url:  # listed by a partnergraph server: run there, bound as the server binds
                outcome = self.runner.run_named(nq.url, params)
                if outcome.status != 200:
                    raise QueryError(outcome)
                return Result(outcome)
        elif named.looks_like_name(text_or_name):
            raise named.UnknownQuery.of(text_or_name, self.queries)
        elif params:
            raise named.ParameterError(
                f"keyword arguments ({', '.join(sorted(params))}) are the parameters of named queries, and the "
                f"first argument is SPARQL text here; the named queries are: {', '.join(sorted(self.queries)) or 'none'}")
        return Result(self.answer(text, results_format="json", graph_format="ntriples", bindings=bindings))

    def answer(self, text: str, **kwargs: Any) -> QueryOutcome:
        """run(), but an outcome that is not an answer raises QueryError (with its status)."""
        outcome = self.run(text, **kwargs)
        if outcome.status != 200:
            raise QueryError(outcome)
        return outcome

    def select(self, text: str, bindings: dict[str, tuple] | None = None) -> list[dict[str, dict]]:
        """Internal SELECTs of the views and the CLI: rows of SPARQL JSON terms."""
        data = json.loads(self.answer(text, bindings=bindings).body)
        return data["results"]["bindings"] if "results" in data else []

    def ask(self, text: str, bindings: dict[str, tuple] | None = None, timeout: float | None = None,
            cache: bool = True) -> bool:
        return bool(json.loads(self.answer(text, bindings=bindings, timeout=timeout, cache=cache).body)["boolean"])

    def construct(self, text: str, graph_format: str = "ntriples", bindings: dict[str, tuple] | None = None) -> bytes:
        """A CONSTRUCT or DESCRIBE serialised in a graph format of sparql/formats.py."""
        return self.answer(text, graph_format=graph_format, bindings=bindings).body

    def graph_sizes(self) -> dict[str, int]:
        rows = self.select(rq.load("graph-sizes"))
        return {r["g"]["value"]: int(r["n"]["value"]) for r in rows}


class ReloadRefused(Exception):
    """This graph cannot be reloaded (an external store)."""


class ReloadBusy(Exception):
    """Another reload is under way."""


def rows_to_table(variables: list[str], rows: list[dict[str, dict]], compact: Callable[[str], str] | None = None) -> str:
    """An aligned text table; widths by character count, so Swedish and Vietnamese names line up."""
    import unicodedata

    def width(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in text)

    def show(term: dict | None) -> str:
        if term is None:
            return ""
        value = term["value"]
        if term["type"] == "uri" and compact:
            return compact(value)
        return value.replace("\n", " ")

    cells = [[show(row.get(v)) for v in variables] for row in rows]
    widths = [max([width(v)] + [width(c[i]) for c in cells]) for i, v in enumerate(variables)]
    def line(values):
        return "  ".join(v + " " * (w - width(v)) for v, w in zip(values, widths, strict=True)).rstrip()
    out = [line(variables), "  ".join("─" * w for w in widths)]
    out.extend(line(c) for c in cells)
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)
