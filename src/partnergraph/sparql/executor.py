"""Evaluating queries: in process (CLI, notebooks) or in worker processes that are killed at
their deadline (the server). Results are serialised by pyoxigraph into a buffer first, so the
HTTP status is known before the first byte of the body is sent."""
from __future__ import annotations

import multiprocessing
import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Protocol

import pyoxigraph

from ..rdf import iris, namespaces
from ..store.embedded import EmbeddedStore, StoreUnavailable
from . import formats
from .errors import explain
from .guard import has_dataset_clause


@dataclass
class QueryJob:
    text: str
    results_format: str | None = "json"   # used for SELECT and ASK; None: refuse them (406)
    graph_format: str | None = "turtle"   # used for CONSTRUCT and DESCRIBE; None: refuse them (406)
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    bindings: dict[str, tuple] = field(default_factory=dict)  # name -> ("iri", v) | ("literal", v, datatype, lang)
    base_iri: str | None = None           # for relative IRIs in the query: the service endpoint


@dataclass
class QueryOutcome:
    status: int
    kind: str                      # "results", "boolean", "graph" or "error"
    format: str | None = None
    body: bytes = b""
    error: str | None = None
    line: int | None = None
    column: int | None = None
    seconds: float = 0.0

    @property
    def content_type(self) -> str:
        return formats.BY_NAME[self.format].content_type if self.format else "application/json"


class Runner(Protocol):
    """What evaluates a graph's queries: in this process (InlineRunner), in killable worker
    processes (WorkerPool) or at a SPARQL endpoint (sparql.remote.RemoteRunner). Every failure
    is an outcome with its HTTP status, never an exception."""

    def run(self, job: QueryJob, timeout: float | None = None) -> QueryOutcome: ...

    def busy(self) -> int:
        """Queries being evaluated now."""
        ...

    def retire(self, grace: float | None = None) -> None:
        """Close once the queries already running have finished (after a reload's swap)."""
        ...

    def close(self) -> None: ...




def no_format_message(kind: str) -> str:
    """A 406 for a query whose result has no format among those asked for."""
    if kind == "graph":
        return ("This query gives a graph (CONSTRUCT or DESCRIBE), and the format asked for is one for "
                f"SELECT and ASK results; ask for one of {formats.known_formats('graph')}.")
    return ("This query gives results (SELECT or ASK), and the format asked for is one for graphs; "
            f"ask for one of {formats.known_formats('results')}.")




class QueryError(Exception):
    """A query that did not answer: carries the outcome, whose status is the HTTP status to give."""

    def __init__(self, outcome: QueryOutcome):
        where = f" (line {outcome.line}, column {outcome.column})" if outcome.line else ""
        super().__init__(f"{outcome.error}{where}")
        self.outcome = outcome

    @property
    def status(self) -> int:
        return self.outcome.status


class ResultTooLarge(Exception):
    pass


class _CappedBuffer:
    """A write target that refuses to grow past a limit, so a huge result fails early."""

    def __init__(self, limit: int):
        self.limit = limit
        self.data = bytearray()

    def write(self, data: bytes) -> int:
        if len(self.data) + len(data) > self.limit:
            raise ResultTooLarge(f"the result is larger than the limit of {self.limit:,} bytes")
        self.data += data
        return len(data)

    def flush(self) -> None:
        pass

    def getvalue(self) -> bytearray:
        return self.data  # bytes-like; the pipe and Flask take it without another copy


def term_from_binding(binding: tuple):
    if binding[0] == "iri":
        return pyoxigraph.NamedNode(binding[1])
    _, value, datatype, lang = binding
    if lang:
        return pyoxigraph.Literal(value, language=lang)
    if datatype:
        return pyoxigraph.Literal(value, datatype=pyoxigraph.NamedNode(datatype))
    return pyoxigraph.Literal(value)


PREFIXES = {k: v for k, v in namespaces.PREFIXES.items()}


def evaluate(store, job: QueryJob, max_bytes: int = 50_000_000) -> QueryOutcome:
    """Run one query on a store and serialise its result. Pure: no HTTP, no process handling."""
    started = time.perf_counter()
    try:
        substitutions = {pyoxigraph.Variable(name): term_from_binding(b) for name, b in job.bindings.items()} or None
        # the default graph is the union of the named graphs, unless FROM / FROM NAMED choose it
        result = store.query(job.text, default_graphs=job.default_graphs or None,
                             named_graphs=job.named_graphs or None, substitutions=substitutions,
                             base_iri=job.base_iri, union=not has_dataset_clause(job.text))
        buffer = _CappedBuffer(max_bytes)
        kind = "graph" if isinstance(result, pyoxigraph.QueryTriples) else "results"
        if (job.graph_format if kind == "graph" else job.results_format) is None:
            return QueryOutcome(406, "error", error=no_format_message(kind), seconds=time.perf_counter() - started)
        if kind == "graph":
            fmt = formats.by_name(job.graph_format, "graph")
            try:
                result.serialize(buffer, format=fmt.oxigraph, prefixes=PREFIXES) if fmt.name == "turtle" \
                    else result.serialize(buffer, format=fmt.oxigraph)
            except TypeError:
                result.serialize(buffer, format=fmt.oxigraph)
            kind = "graph"
        else:
            fmt = formats.by_name(job.results_format, "results")
            result.serialize(buffer, format=fmt.oxigraph)
            kind = "boolean" if isinstance(result, pyoxigraph.QueryBoolean) else "results"
        return QueryOutcome(200, kind, fmt.name, buffer.getvalue(), seconds=time.perf_counter() - started)
    except SyntaxError as err:
        plain = explain(job.text, err.msg or "", err.lineno, err.offset)
        return QueryOutcome(400, "error", error=plain.message, line=plain.line,
                            column=plain.column, seconds=time.perf_counter() - started)
    except ResultTooLarge as err:
        return QueryOutcome(507, "error", error=f"Result too large: {err}. Add a LIMIT or narrow the query.",
                            seconds=time.perf_counter() - started)
    except (OSError, ValueError, TypeError, RuntimeError) as err:
        return QueryOutcome(400, "error", error=f"Query could not be evaluated: {err}",
                            seconds=time.perf_counter() - started)


# -- worker processes ------------------------------------------------------------------------

# The pipe protocol: the job goes as a plain tuple; the outcome comes back as a small tuple (its
# fields without the body) followed by the body as raw bytes, so a large result is neither
# pickled nor copied into a pickle frame.

def _job_tuple(job: QueryJob) -> tuple:
    return (job.text, job.results_format, job.graph_format, job.default_graphs, job.named_graphs,
            job.bindings, job.base_iri)


def _worker_main(conn, store_path: str, base: str, max_bytes: int) -> None:
    store = EmbeddedStore(store_path, read_only=True, base=base)
    conn.send("ready")
    while True:
        try:
            message = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        if message is None:
            return
        outcome = evaluate(store, QueryJob(*message), max_bytes)
        conn.send((outcome.status, outcome.kind, outcome.format, outcome.error, outcome.line,
                   outcome.column, outcome.seconds))
        conn.send_bytes(outcome.body)


def _receive(conn) -> QueryOutcome:
    status, kind, fmt, error, line, column, seconds = conn.recv()
    return QueryOutcome(status, kind, fmt, conn.recv_bytes(), error, line, column, seconds)


class _Worker:
    def __init__(self, ctx, store_path: str, base: str, max_bytes: int):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, store_path, base, max_bytes), daemon=True)
        self.process.start()
        child.close()
        self.ready = False

    def wait_ready(self, timeout: float) -> bool:
        try:
            if not self.ready and self.conn.poll(timeout):
                self.ready = self.conn.recv() == "ready"
        except (EOFError, OSError):  # the worker exited before it was ready (store unreadable)
            return False
        return self.ready

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class WorkerPool:
    """N worker processes, each with the store open read-only. A query that passes its deadline
    has its worker killed; a worker started in reserve takes its place at once (a new reserve
    starts in the background), so the other clients never wait for a process to start."""

    def __init__(self, store_path: str, size: int = 2, timeout: float = 30.0,
                 max_bytes: int = 50_000_000, base: str = iris.DEFAULT_BASE, spares: int = 1,
                 eager: bool = False):
        self.store_path, self.size, self.timeout = str(store_path), size, timeout
        self.eager = eager  # start the other workers all at once (a reload's pool: nobody waits on it yet)
        self.max_bytes, self.base, self.spares = max_bytes, base, spares
        self._ctx = multiprocessing.get_context("spawn")
        # Last in, first out: the worker that just answered takes the next query, so a steady
        # client keeps hitting a process whose caches are warm (at 100k triples a named query
        # took 53 ms on a warm worker against 79 ms when the workers took turns).
        self._idle: queue.Queue[_Worker] = queue.LifoQueue()
        self._reserve: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.killed = 0
        # Serve as soon as one worker is ready; the others start after it, in the background, so
        # start-up costs one worker's start and they do not compete with it for the cores.
        first = self._spawn()
        if not first.wait_ready(60):
            self.close()
            raise StoreUnavailable(f"{self.store_path}: the query workers could not open the store; "
                                   "is it readable and complete?")
        self._idle.put(first)
        self._started = threading.Event()
        threading.Thread(target=self._start_rest, name="partnergraph-workers", daemon=True).start()

    def _start_rest(self) -> None:
        try:
            targets = [self._idle if index < self.size else self._reserve for index in range(1, self.size + self.spares)]
            if self.eager:  # the starts overlap: a reload in the soak took 12-18 s instead of 25-34 s
                starting = [(self._spawn(), target) for target in targets]
                for worker, target in starting:
                    self._join_when_ready(worker, target)
                return
            for target in targets:  # one after another: the first clients do not compete with them
                if self._closed:
                    return
                self._join_when_ready(self._spawn(), target)
        finally:
            self._started.set()

    def wait_started(self, timeout: float = 120) -> bool:
        """Wait until every worker and the reserve have started. A reload calls this before its
        swap: a pool with one worker in place of a full one made cheap queries queue for seconds
        behind expensive ones in the soak (bench/soak.py)."""
        return self._started.wait(timeout)

    def _spawn(self) -> _Worker:
        worker = _Worker(self._ctx, self.store_path, self.base, self.max_bytes)
        with self._lock:
            self._all.add(worker)
        return worker

    def _join_when_ready(self, worker: _Worker, target: queue.Queue, attempts: int = 3) -> None:
        """Put a starting worker into service once it is ready. One that dies while starting is
        started again (a few times: a store that has become unreadable does not loop forever)."""
        while True:
            if worker.wait_ready(60) and not self._closed:
                target.put(worker)
                return
            with self._lock:
                self._all.discard(worker)
            worker.kill()
            attempts -= 1
            if self._closed or attempts <= 0:
                return
            worker = self._spawn()

    def _replace(self, dead: _Worker) -> None:
        with self._lock:
            self._all.discard(dead)
        dead.kill()
        self.killed += 1
        if self._closed:
            return
        try:
            self._idle.put(self._reserve.get_nowait())   # the reserve steps in at once
            target = self._reserve                       # and a new reserve starts
        except queue.Empty:
            target = self._idle                          # no reserve ready: start a worker
        self._join_when_ready(self._spawn(), target)

    def run(self, job: QueryJob, timeout: float | None = None) -> QueryOutcome:
        timeout = self.timeout if timeout is None else timeout
        started = time.perf_counter()
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            return QueryOutcome(503, "error", error="All query workers are busy; try again shortly.",
                                seconds=time.perf_counter() - started)
        remaining = max(0.01, timeout - (time.perf_counter() - started))
        died = False
        try:
            worker.conn.send(_job_tuple(job))
            if worker.conn.poll(remaining):
                outcome = _receive(worker.conn)
                self._idle.put(worker)
                return outcome
        except (EOFError, OSError):
            died = True  # the engine aborted the worker process (pyoxigraph panics abort)
        # Past the deadline, or the worker died: stop it and put the reserve in its place.
        threading.Thread(target=self._replace, args=(worker,), daemon=True).start()
        seconds = time.perf_counter() - started
        if died:
            return QueryOutcome(400, "error", error="The query engine process stopped while evaluating this query, "
                                                    "so it has no answer; the process has been replaced. A known cause "
                                                    "is ORDER BY over a mix of IRIs, blank nodes and literals: order by "
                                                    "STR(...) instead.", seconds=seconds)
        return QueryOutcome(503, "error", error=f"The query did not finish within the time limit of {timeout:g} s "
                                                "and was stopped.", seconds=seconds)

    def busy(self) -> int:
        """How many workers are evaluating a query (or starting) now."""
        with self._lock:
            return max(0, len(self._all) - self._idle.qsize() - self._reserve.qsize())

    def pids(self) -> list[int]:
        """Every worker process, the reserve included."""
        with self._lock:
            return [w.process.pid for w in self._all if w.process.pid]

    def retire(self, grace: float | None = None) -> None:
        """Close once the queries in flight have finished (or after grace seconds): a pool that
        a reload replaced stops without cutting off the clients it was serving."""
        deadline = time.monotonic() + (self.timeout + 5 if grace is None else grace)
        while self.busy() and time.monotonic() < deadline:
            time.sleep(0.05)
        self.close()

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            try:
                worker.conn.send(None)
            except (OSError, BrokenPipeError):
                pass
        for worker in workers:
            worker.process.join(1)
            if worker.process.is_alive():
                worker.process.kill()


class InlineRunner:
    """Evaluate in this process (CLI, notebooks, tests of the pure core): no deadline."""

    def __init__(self, store, max_bytes: int = 50_000_000):
        self.store, self.max_bytes = store, max_bytes

    def run(self, job: QueryJob, timeout: float | None = None) -> QueryOutcome:
        outcome = evaluate(self.store, job, self.max_bytes)
        outcome.body = bytes(outcome.body)
        return outcome

    def busy(self) -> int:
        return 0

    def retire(self, grace: float | None = None) -> None:
        pass

    def close(self) -> None:
        pass

