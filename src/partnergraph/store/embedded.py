"""The embedded pyoxigraph store: building it from files (each into its own named graph),
materialising the rules, and opening it read-only for query workers."""
from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import pyoxigraph
from pyoxigraph import NamedNode

from .. import iris
from ..rdffiles import RDF_SUFFIXES, rdf_files, rdf_format


@dataclass(frozen=True)
class LoadItem:
    """One file (or URL) to load, and the named graph it goes into."""
    source: str
    graph: str
    format: pyoxigraph.RdfFormat
    kind: str  # data | ontology | shapes | vocab


def _format_for(name: str) -> pyoxigraph.RdfFormat:
    suffix = Path(name.split("?")[0]).suffix.lower()
    if suffix not in RDF_SUFFIXES:
        raise ValueError(f"{name}: unknown RDF format (known suffixes: {', '.join(sorted(RDF_SUFFIXES))})")
    return RDF_SUFFIXES[suffix][1]


def load_plan(data_paths: Iterable[str | Path], ontology_dir: str | Path = "ontology",
              vocab: Iterable[str] = (), base: str = iris.DEFAULT_BASE) -> list[LoadItem]:
    """What goes where: ontology and shapes into graph/ontology and graph/shapes, each data file
    into graph/{file stem}, each external vocabulary into graph/vocab/{stem}."""
    plan: list[LoadItem] = []
    ontology_dir = Path(ontology_dir)
    for name, graph, kind in (("partnergraph.ttl", "ontology", "ontology"), ("shapes.ttl", "shapes", "shapes")):
        path = ontology_dir / name
        if path.is_file():
            plan.append(LoadItem(str(path), f"{base}graph/{graph}", pyoxigraph.RdfFormat.TURTLE, kind))
    seen: dict[str, str] = {}
    for path in rdf_files(data_paths):
        graph = iris.graph_iri_for_file(path, base)
        if graph in seen:
            raise ValueError(f"{path} and {seen[graph]} would share the named graph {graph}; rename one")
        seen[graph] = str(path)
        plan.append(LoadItem(str(path), graph, rdf_format(path)[1], "data"))
    for source in vocab:
        stem = iris.slugify(Path(str(source).split("?")[0]).name.split(".")[0])
        plan.append(LoadItem(str(source), f"{base}graph/vocab/{stem}", _format_for(str(source)), "vocab"))
    return plan


def _read_source(item: LoadItem) -> bytes:
    if item.source.startswith(("http://", "https://")):
        import requests  # only an operator's --vocab URL is ever fetched, at load time
        response = requests.get(item.source, timeout=60, headers={"Accept": item.format.media_type})
        response.raise_for_status()
        return response.content
    return Path(item.source).read_bytes()


class StoreUnavailable(OSError):
    """A store directory that cannot be opened: missing, damaged, unreadable or being written."""


class EmbeddedStore:
    """A pyoxigraph store. Queries see the union of the named graphs by default."""

    def __init__(self, path: str | Path | None = None, read_only: bool = False,
                 base: str = iris.DEFAULT_BASE):
        self.path = Path(path) if path else None
        self.base = base
        if self.path is None:
            self.store = pyoxigraph.Store()
        elif read_only:
            self.store = pyoxigraph.Store.read_only(str(self.path))
        else:
            self.store = pyoxigraph.Store(str(self.path))

    # -- reading -----------------------------------------------------------------------
    def query(self, text: str, *, default_graphs: list[str] | None = None,
              named_graphs: list[str] | None = None, substitutions: dict | None = None,
              union: bool = True, base_iri: str | None = None):
        kwargs = {"base_iri": base_iri} if base_iri else {}
        if default_graphs:
            kwargs["default_graph"] = [NamedNode(g) for g in default_graphs]
        elif union:
            kwargs["use_default_graph_as_union"] = True
        if named_graphs:
            kwargs["named_graphs"] = [NamedNode(g) for g in named_graphs]
        if substitutions:
            kwargs["substitutions"] = substitutions
        return self.store.query(text, **kwargs)

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs() if isinstance(g, NamedNode))

    def graph_sizes(self) -> dict[str, int]:
        sizes = {}
        for row in self.store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"):
            sizes[row["g"].value] = int(row["n"].value)
        return dict(sorted(sizes.items()))

    def __len__(self) -> int:
        return len(self.store)

    # -- writing -----------------------------------------------------------------------
    def load(self, item: LoadItem) -> None:
        graph = NamedNode(item.graph)
        if self.store.contains_named_graph(graph):
            self.store.clear_graph(graph)
        if self.path is not None and not item.source.startswith(("http://", "https://")):
            # A store on disk is being built: stream the file without holding it in memory.
            # (A failed build is thrown away whole, so bulk_load's lack of a transaction is fine.)
            self.store.bulk_load(path=item.source, format=item.format, base_iri=_base_for(item), to_graph=graph)
        else:
            self.store.load(_read_source(item), format=item.format, base_iri=_base_for(item), to_graph=graph)

    def materialise(self, rules_dir: str | Path, max_rounds: int = 5) -> int:
        """Apply the CONSTRUCT rules until nothing new appears; results go to graph/inferred."""
        rules = sorted(Path(rules_dir).glob("*.rq")) if Path(rules_dir).is_dir() else []
        inferred = NamedNode(self.base + iris.INFERRED_GRAPH)
        self.store.clear_graph(inferred) if self.store.contains_named_graph(inferred) else None
        texts = [r.read_text(encoding="utf-8") for r in rules]
        total = 0
        for _ in range(max_rounds):
            new = []
            for text in texts:
                for triple in self.store.query(text, use_default_graph_as_union=True):
                    quad_in_union = next(self.store.quads_for_pattern(triple.subject, triple.predicate, triple.object), None)
                    if quad_in_union is None:
                        new.append(pyoxigraph.Quad(triple.subject, triple.predicate, triple.object, inferred))
            if not new:
                break
            self.store.extend(new)
            total += len(set(new))
        return total

    def flush(self) -> None:
        if self.path is not None:
            self.store.flush()

    def compact(self) -> None:
        """After a build: write the memory tables out and compact, so the store a server opens
        holds no write-ahead log to replay and no overlapping files to merge at query time."""
        if self.path is not None:
            self.store.flush()
            self.store.optimize()


def _base_for(item: LoadItem) -> str:
    if item.source.startswith(("http://", "https://")):
        return item.source
    return Path(item.source).resolve().as_uri()


ProgressFn = Callable[[LoadItem, int, int], None]


def fill(store: EmbeddedStore, plan: list[LoadItem], rules_dir: str | Path | None,
         progress: ProgressFn | None = None) -> dict:
    """Load every item, then the rules. Returns a summary for the one-line report."""
    started = time.perf_counter()
    for index, item in enumerate(plan):
        if progress:
            progress(item, index, len(plan))
        store.load(item)
    inferred = store.materialise(rules_dir) if rules_dir else 0
    store.flush()
    return {"files": len(plan), "triples": len(store), "inferred": inferred,
            "graphs": len(store.graphs()), "seconds": time.perf_counter() - started}


def build_store(target: str | Path | None, plan: list[LoadItem], rules_dir: str | Path | None,
                progress: ProgressFn | None = None, base: str = iris.DEFAULT_BASE) -> tuple[EmbeddedStore, dict]:
    """Build a store. With a target directory the build is atomic: it happens in a sibling
    directory that replaces the target only when everything loaded, so a failed load leaves an
    existing store as it was."""
    if target is None:
        store = EmbeddedStore(None, base=base)
        return store, fill(store, plan, rules_dir, progress)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _writer_lock(target):
        building = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
        try:
            store = EmbeddedStore(building, base=base)
            summary = fill(store, plan, rules_dir, progress)
            store.compact()
            del store  # close the database before moving it
            # Opening it once more lets the database delete the write-ahead log the build left
            # behind (at 100k triples 56 MB of a 103 MB store; at 1M 1.3 GB).
            reopened = pyoxigraph.Store(str(building))
            del reopened
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)
            raise
        old = None
        if target.exists():
            old = target.with_name(f".{target.name}.old-{os.getpid()}")
            target.rename(old)
        building.rename(target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    return EmbeddedStore(target, read_only=True, base=base), summary


@contextmanager
def _writer_lock(target: Path):
    """One writer per store directory: a second 'partnergraph load' into the same store stops
    with a message instead of racing the first to the final rename."""
    lock_path = target.with_name(f".{target.name}.lock")
    handle = open(lock_path, "a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise StoreUnavailable(f"{target}: another load is writing this store ({holder}); "
                                   "wait for it to finish") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        yield
    finally:
        handle.close()
