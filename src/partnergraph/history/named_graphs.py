"""The release log as a named graph for SPARQL, `{base}graph/history`: each release
(`{base}release/N`: dcat:version, dcterms:issued, adms:versionNotes, dcat:previousVersion) and each
version of a resource (`{base}version/N/{kind}/{slug}`: dcterms:isVersionOf the resource,
dcterms:isPartOf the release, prov:generatedAtTime, a as:Create, as:Update or as:Delete, its
labels at that release, and the statements it added and removed as RDF 1.2 triple terms,
pg:addedStatement <<( s p o )>> and pg:removedStatement).

The graph is a store of its own, built from releases/ on the first query that names it: the
store of the current data is as it was without a history, so its start-up and every query of it
cost what they did, and its default graph and GRAPH ?g answer as before. A query whose text names
the graph (its IRI, or a prefix ending in graph/history) is evaluated against this store alone."""
from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path

from ..rdf import iris
from ..rdf.namespaces import ADMS, AS, DCAT, DCT, PG, PROV, RDF_TYPE, XSD
from ..sparql.executor import QueryJob, QueryOutcome, WorkerPool, evaluate
from ..store.embedded import EmbeddedStore
from .releases import Log, Release, folder_beside

DCTERMS = DCT
GRAPH = "graph/history"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"


def release_iri(number: int, base: str = iris.DEFAULT_BASE) -> str:
    return f"{base}release/{number}"


def version_iri(resource: str, number: int, base: str = iris.DEFAULT_BASE) -> str:
    """{base}version/N/{kind}/{slug} for {base}id/{kind}/{slug}."""
    return f"{base}version/{number}/{resource[len(base + 'id/'):]}"


def history_graph(base: str = iris.DEFAULT_BASE) -> str:
    return base + GRAPH


def version_kind(before: bool, after: bool) -> str:
    return AS + ("Create" if not before else "Delete" if not after else "Update")


def date_time(text: str):
    import pyoxigraph as ox  # start-up: pyoxigraph only where the history is read or made
    return ox.Literal(text, datatype=ox.NamedNode(XSD + "dateTime"))


def release_triples(release: Release, base: str) -> list[tuple]:
    import pyoxigraph as ox  # start-up: pyoxigraph only where the history is read or made
    subject = ox.NamedNode(release_iri(release.number, base))
    triples = [(subject, ox.NamedNode(RDF_TYPE), ox.NamedNode(DCAT + "Dataset")),
               (subject, ox.NamedNode(DCAT + "version"), ox.Literal(str(release.number))),
               (subject, ox.NamedNode(DCTERMS + "issued"), date_time(release.timestamp)),
               (subject, ox.NamedNode(DCTERMS + "isVersionOf"), ox.NamedNode(base + "dataset"))]
    if release.notes:
        triples.append((subject, ox.NamedNode(ADMS + "versionNotes"), ox.Literal(release.notes, language="en")))
    if release.number > 1:
        triples.append((subject, ox.NamedNode(DCAT + "previousVersion"), ox.NamedNode(release_iri(release.number - 1, base))))
    return triples


def quads(log: Log, base: str = iris.DEFAULT_BASE) -> list:
    """Every quad of the history graphs."""
    import pyoxigraph as ox  # start-up: pyoxigraph only where the history is read or made
    meta = ox.NamedNode(history_graph(base))
    out = []
    for release, changes, before, after in log.states():
        out.extend(ox.Quad(*t, meta) for t in release_triples(release, base))
        when = date_time(release.timestamp)
        for resource in changes.resources:
            version = ox.NamedNode(version_iri(resource, release.number, base))
            out += [ox.Quad(version, ox.NamedNode(DCTERMS + "isVersionOf"), ox.NamedNode(resource), meta),
                    ox.Quad(version, ox.NamedNode(DCTERMS + "isPartOf"), ox.NamedNode(release_iri(release.number, base)), meta),
                    ox.Quad(version, ox.NamedNode(PROV + "generatedAtTime"), when, meta),
                    ox.Quad(version, ox.NamedNode(RDF_TYPE),
                            ox.NamedNode(version_kind(resource in before, resource in after)), meta)]
        for resource in changes.resources:   # the version's labels: the resource's at that release (or before it)
            version = ox.NamedNode(version_iri(resource, release.number, base))
            for line in after.get(resource) or before.get(resource, ()):
                if line.split(" ", 2)[1] == LABEL:
                    parsed = next(iter(ox.parse(line.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)))
                    out.append(ox.Quad(version, parsed.predicate, parsed.object, meta))
        for part, per_resource in (("added", changes.added), ("removed", changes.removed)):
            predicate = ox.NamedNode(f"{PG}{part}Statement")
            for resource, lines in per_resource.items():
                version = ox.NamedNode(version_iri(resource, release.number, base))
                for parsed in ox.parse("\n".join(lines).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES):
                    out.append(ox.Quad(version, predicate, parsed.triple, meta))
    return out


class HistoryGraph:
    """The release log of a folder as a store of its own, built on first use. Reading the log
    here verifies it: a damaged log (DamagedLog) stops the build, or the reload, that asks for it.
    With workers > 0 (the server) its queries run like every other: in a worker process that is
    killed at the time limit, over a copy of the store on disk; otherwise in process."""

    def __init__(self, folder: str | Path, base: str = iris.DEFAULT_BASE, max_bytes: int = 50_000_000,
                 workers: int = 0, timeout: float = 30.0):
        self.log = Log(folder)
        self.log.releases()
        self.base, self.max_bytes, self.workers, self.timeout = base, max_bytes, workers, timeout
        self._store: EmbeddedStore | None = None
        self._pool: WorkerPool | None = None
        self._scratch: str | None = None
        self._lock = threading.Lock()

    def named_in(self, text: str) -> bool:
        return GRAPH in text

    def store(self) -> EmbeddedStore:
        if self._store is None:
            with self._lock:
                if self._store is None:
                    path = None
                    if self.workers > 0:   # the workers open it read-only, so it goes on disk
                        self._scratch = tempfile.mkdtemp(prefix="partnergraph-history-")
                        path = Path(self._scratch) / "store"
                    built = EmbeddedStore(path, base=self.base)
                    built.store.extend(quads(self.log, self.base))
                    built.flush()
                    if path is not None:   # closed, then opened read-only beside the workers
                        del built
                        built = EmbeddedStore(path, read_only=True, base=self.base)
                    self._store = built
        return self._store

    def run(self, job: QueryJob, timeout: float | None = None) -> QueryOutcome:
        store = self.store()
        if self.workers <= 0:
            return evaluate(store, job, self.max_bytes)
        with self._lock:
            if self._pool is None:
                self._pool = WorkerPool(str(store.path), 1, self.timeout, self.max_bytes, self.base)
        return self._pool.run(job, timeout)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
        if self._scratch:
            shutil.rmtree(self._scratch, ignore_errors=True)


def beside(data: list[str] | None, base: str = iris.DEFAULT_BASE, max_bytes: int = 50_000_000, workers: int = 0,
           timeout: float = 30.0) -> HistoryGraph | None:
    """The history graph of the release log beside the data (releases/ beside data/), or None where
    no log describes it: the side_graph factory the entry points give PartnerGraph.build."""
    folder = folder_beside(data)
    return HistoryGraph(folder, base, max_bytes, workers, timeout) if folder is not None else None
