"""The embedded pyoxigraph store: building it from files (each into its own named graph),
materialising the rules, and opening it read-only for query workers."""
from __future__ import annotations

import os
import shutil
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph
from pyoxigraph import NamedNode

if TYPE_CHECKING:
    from .per_triple import PerTripleRules

from .. import rq
from ..rdf import iris
from ..rdf.files import RDF_SUFFIXES, rdf_files, rdf_format
from ..rdf.locks import Busy, writer_lock
from ..rdf.namespaces import RDF_TYPE


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


# A first pass of the rules that took longer than this pays for reading their algebra (~1 s).
ANALYSE_AFTER_SECONDS = 1.0
_RDF_TYPE = pyoxigraph.NamedNode(RDF_TYPE)


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
        for row in self.store.query(rq.load("graph-sizes")):
            sizes[row["g"].value] = int(row["n"].value)
        return dict(sorted(sizes.items()))

    def __len__(self) -> int:
        return len(self.store)

    # -- writing -----------------------------------------------------------------------
    def load(self, item: LoadItem, entail: PerTripleRules | None = None) -> None:
        """Load one item into its named graph. With entail, each triple is followed into the store
        by what the per-triple rules derive from it (into graph/inferred), as the file streams."""
        graph = NamedNode(item.graph)
        if self.store.contains_named_graph(graph):
            self.store.clear_graph(graph)
        remote = item.source.startswith(("http://", "https://"))
        if entail:
            # The parser's triples, each with what it entails, in one bulk load: the rules cost a
            # lookup per triple instead of a pass over the store per rule afterwards. A failed
            # build is thrown away whole, so bulk loading's lack of a transaction is fine. A
            # dataset file's named graphs stay its own, as a plain load keeps them.
            source = {"input": _read_source(item)} if remote else {"path": item.source}
            parsed = pyoxigraph.parse(**source, format=item.format, base_iri=_base_for(item))
            self.store.bulk_extend(entail.stream(parsed, self.inferred, graph, item.format.supports_datasets))
            return
        if self.path is not None and not remote:
            # A store on disk is being built: stream the file without holding it in memory.
            self.store.bulk_load(path=item.source, format=item.format, base_iri=_base_for(item), to_graph=graph)
        else:
            self.store.load(_read_source(item), format=item.format, base_iri=_base_for(item), to_graph=graph)

    def entail_graph(self, graph: NamedNode, entail: PerTripleRules) -> None:
        """What the per-triple rules derive from a graph already in the store (one that validation
        parsed), into graph/inferred. Reading quads back costs a lookup per term, so only the
        kinds of triple that derive something are read: the graph's predicates (and classes) are
        listed first, by the store."""
        bound = {pyoxigraph.Variable("g"): graph}
        patterns = []
        for row in self.store.query(rq.load("graph-predicates"), substitutions=bound):
            predicate = row["p"]
            if predicate == _RDF_TYPE:
                patterns += [(predicate, row["class"]) for row in self.store.query(rq.load("graph-classes"), substitutions=bound)
                             if entail.derives_from(predicate, row["class"])]
            elif entail.derives_from(predicate):
                patterns.append((predicate, None))
        derived = [quad for predicate, object_ in patterns
                   for quad in entail.stream(self.store.quads_for_pattern(None, predicate, object_, graph), self.inferred)
                   if quad.graph_name == self.inferred]
        self.store.bulk_extend(derived)

    @property
    def inferred(self) -> NamedNode:
        return NamedNode(self.base + iris.INFERRED_GRAPH)

    def per_triple_rules(self, rules_dir: str | Path | None, schema: Iterable[str]) -> PerTripleRules | None:
        """The per-triple rules of rules_dir over the schema graphs as loaded (the ontology and any
        vocabularies), with what they derive from the schema itself already in graph/inferred;
        None where there are none."""
        from .per_triple import PerTripleRules  # start-up: rdflib's algebra (a by-object rule's inputs) only when building
        from .rules import load_rules

        quads = [quad for graph in schema for quad in self.store.quads_for_pattern(None, None, None, NamedNode(graph))]
        entail = PerTripleRules(load_rules(rules_dir) if rules_dir else [], quads)
        if not entail:
            return None
        self.store.bulk_extend(pyoxigraph.Quad(t.subject, t.predicate, t.object, self.inferred) for t in entail.of_schema)
        return entail

    def materialise(self, rules_dir: str | Path, max_rounds: int = 5, timings: dict | None = None,
                    semi_naive: bool | None = None, entail: PerTripleRules | None = None,
                    stages: dict | None = None) -> int:
        """Apply the CONSTRUCT rules until nothing new appears; results go to graph/inferred,
        except triples some other graph states; returns the size of graph/inferred. With entail
        (the per-triple rules, applied as the files loaded) only the other rules run here, and
        what they derive brings its closure under the per-triple rules along; without it every
        rule runs here. Semi-naive: after its first run a rule runs again only when triples it
        reads (store/rules.py) appeared since it last ran; the rules of a round are evaluated
        together, on the store as the round found it. Reading the rules' algebra costs about
        a second (rdflib's SPARQL parser), so by default (semi_naive None) it is done only when
        the first pass took longer than that; without it every rule runs again after any change.
        The answers are the same either way. New triples are bulk-loaded: the store is being
        built, and a failed build is thrown away. timings (optional) collects the seconds of each
        rule run, stages (optional) those of the rounds and the steps after them, for profiling."""
        from .rules import Change, analyse_all, load_rules  # start-up: rdflib's algebra only when building

        rules = load_rules(rules_dir) if rules_dir else []
        if entail is not None:
            rules = [rule for rule in rules if not rule.per_triple]
        inferred = self.inferred
        if entail is None and self.store.contains_named_graph(inferred):
            self.store.remove_graph(inferred)
        derived_predicates: set = set(entail.predicates) if entail is not None else set()
        seen: set = set()     # every triple the rounds derived so far: a rule's repeats are not new
        since: list[Change | None] = [None] * len(rules)   # what appeared since each rule last ran
        values: dict[str, set[str]] = {}   # the values of a narrowed variable, until the next write

        def values_of(text: str) -> set[str]:
            if text not in values:
                values[text] = {str(row[0]) for row in self.store.query(text, use_default_graph_as_union=True)}
            return values[text]

        first_pass = time.perf_counter()
        for round_number in range(max_rounds):
            if round_number == 1 and (semi_naive or semi_naive is None and
                                      time.perf_counter() - first_pass >= ANALYSE_AFTER_SECONDS):
                analyse_all(rules)
            due = [index for index, rule in enumerate(rules) if since[index] is None or rule.reads(since[index], values_of)]
            if not due:
                break
            for index in due:   # what the round's rules write, none of them has seen: each needs it next
                since[index] = Change()
            new = []
            for index, (triples, seconds) in zip(due, self._evaluate([rules[index] for index in due]), strict=True):
                rule = rules[index]
                predicates, classes = set(), set()
                for triple in triples:
                    if triple not in seen:
                        seen.add(triple)
                        found = [(triple.subject, triple.predicate, triple.object)]
                        if entail is not None:
                            found += entail.entailed(*found[0])
                        for subject, predicate, object_ in found:
                            new.append(pyoxigraph.Quad(subject, predicate, object_, inferred))
                            predicates.add(predicate)
                            if predicate == _RDF_TYPE:
                                classes.add(object_)
                if predicates:
                    # terms are compared as text (N-Triples) once per distinct term, not per triple
                    change = Change({str(p) for p in predicates}, {str(c) for c in classes})
                    derived_predicates |= predicates
                    for other, pending in enumerate(since):
                        if pending is not None and not (other == index and rule.closed):
                            pending.update(change)
                if timings is not None:
                    timings.setdefault(rule.name, []).append(round(seconds, 3))
            if new:
                self.store.bulk_extend(new)   # once a round: each bulk load has a fixed cost
                values.clear()
        rounds_done = time.perf_counter()
        self._drop_stated(inferred, derived_predicates)
        dropped = time.perf_counter()
        count = self._count(inferred)
        if stages is not None:
            stages.update(rounds=round(rounds_done - first_pass, 3), stated_dropped=round(dropped - rounds_done, 3),
                          counted=round(time.perf_counter() - dropped, 3))
        return count

    def _evaluate(self, rules: list) -> list[tuple[list, float]]:
        """Each rule's CONSTRUCT triples and its seconds, the rules evaluated at once on the same
        state of the store (a round's), on as many threads as there are cores: the engine runs
        them in parallel."""
        def run(rule) -> tuple[list, float]:
            started = time.perf_counter()
            triples = list(self.store.query(rule.text, use_default_graph_as_union=True))
            return triples, time.perf_counter() - started
        if len(rules) == 1:
            return [run(rules[0])]
        from concurrent.futures import ThreadPoolExecutor
        with ThreadPoolExecutor(max_workers=min(len(rules), os.cpu_count() or 1),
                                thread_name_prefix="partnergraph-rule") as pool:
            return list(pool.map(run, rules))

    def _drop_stated(self, inferred: NamedNode, predicates: set) -> None:
        """Remove from graph/inferred the derived triples another graph states (the rules derive
        some of the data's own statements). Only the other graphs' triples with a derived
        predicate are looked at: a join over the whole inferred graph takes 39 s at 1M triples,
        this a few."""
        graphs = [g for g in self.store.named_graphs() if g != inferred] + [pyoxigraph.DefaultGraph()]
        stated = set()
        for predicate in predicates:
            for graph in graphs:
                for quad in self.store.quads_for_pattern(None, predicate, None, graph):
                    copy = pyoxigraph.Quad(quad.subject, quad.predicate, quad.object, inferred)
                    if copy in self.store:
                        stated.add(copy)
        for quad in stated:
            self.store.remove(quad)

    def _count(self, graph: NamedNode) -> int:
        rows = self.store.query(rq.load("graph-size"), substitutions={pyoxigraph.Variable("g"): graph})
        return sum(int(row["n"].value) for row in rows)

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
# Loads the ontology and data items into the (empty) store and validates them there, raising to
# refuse the data: one parse gives both the report and the store's quads.
CheckFn = Callable[["EmbeddedStore", list[LoadItem]], None]


def fill(store: EmbeddedStore, plan: list[LoadItem], rules_dir: str | Path | None,
         progress: ProgressFn | None = None, check: CheckFn | None = None, stream_rules: bool = True) -> dict:
    """Load every item, then the rules. With check, the ontology and data items are loaded and
    validated by it first, the others after it. The per-triple rules read the schema (the
    ontology and the vocabularies), so those load first; then the rules are applied to each
    file as it streams in (to the files check loaded, by reading them back). stream_rules False
    runs every rule in rounds after the load instead, as the rules read. Returns a summary for
    the one-line report, with the seconds of each stage ("stages") and of each rule run ("rules")."""
    started = time.perf_counter()
    stages: dict = {}
    streaming = bool(rules_dir) and stream_rules
    schema_kinds = ("ontology", "vocab")
    checked = [item for item in plan if check is not None and item.kind in ("ontology", "data")]
    rest = [item for item in plan if item not in checked]
    rest.sort(key=lambda item: item.kind not in schema_kinds)   # stable: the schema first
    if check is not None:
        if progress and checked:
            progress(checked[0], 0, len(plan))
        check(store, checked)
        stages["files_and_validation"] = round(time.perf_counter() - started, 3)
    entail = None
    for index, item in enumerate(rest, start=len(checked)):
        if streaming and entail is None and item.kind not in schema_kinds:
            entail = _schema_loaded(store, plan, rules_dir, checked, stages)
        if progress:
            progress(item, index, len(plan))
        store.load(item, entail)
    if streaming and entail is None:
        entail = _schema_loaded(store, plan, rules_dir, checked, stages)
    loaded = time.perf_counter()
    rule_times: dict = {}
    rule_stages: dict = {}
    inferred = store.materialise(rules_dir, timings=rule_times, entail=entail, stages=rule_stages) if rules_dir else 0
    ruled = time.perf_counter()
    store.flush()
    done = time.perf_counter()
    return {"files": len(plan), "triples": len(store), "inferred": inferred,
            "graphs": len(store.graphs()), "seconds": done - started,
            "stages": {**stages, "files": round(loaded - started - sum(stages.values()), 3),
                       "rules": round(ruled - loaded, 3), "flush": round(done - ruled, 3)},
            "rules": rule_times, "rule_stages": rule_stages}


def _schema_loaded(store: EmbeddedStore, plan: list[LoadItem], rules_dir, checked: list[LoadItem],
                   stages: dict) -> PerTripleRules | None:
    """Once the ontology and vocabularies are in: the per-triple rules over them, applied at once
    to the data files validation already loaded."""
    began = time.perf_counter()
    entail = store.per_triple_rules(rules_dir, [item.graph for item in plan if item.kind in ("ontology", "vocab")])
    if entail:
        for item in checked:
            if item.kind == "data":
                store.entail_graph(NamedNode(item.graph), entail)
    stages["per_triple_rules_set_up" if not checked else "per_triple_rules_on_validated_files"] = round(
        time.perf_counter() - began, 3)
    return entail


def build_store(target: str | Path | None, plan: list[LoadItem], rules_dir: str | Path | None,
                progress: ProgressFn | None = None, base: str = iris.DEFAULT_BASE,
                check: CheckFn | None = None, stream_rules: bool = True) -> tuple[EmbeddedStore, dict]:
    """Build a store. With a target directory the build is atomic: it happens in a sibling
    directory that replaces the target only when everything loaded (and check accepted the
    data), so a failed or refused load leaves an existing store as it was."""
    if target is None:
        store = EmbeddedStore(None, base=base)
        return store, fill(store, plan, rules_dir, progress, check, stream_rules)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _writer_lock(target):
        building = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
        store = None
        try:
            store = EmbeddedStore(building, base=base)
            summary = fill(store, plan, rules_dir, progress, check, stream_rules)
            compacting = time.perf_counter()
            store.compact()
            del store  # close the database before moving it
            # Opening it once more lets the database delete the write-ahead log the build left
            # behind (at 100k triples 56 MB of a 103 MB store; at 1M 1.3 GB).
            reopened = pyoxigraph.Store(str(building))
            del reopened
            summary["stages"]["compact"] = round(time.perf_counter() - compacting, 3)
            summary["seconds"] += summary["stages"]["compact"]
        except BaseException as err:
            # Close the database first: the frames of the traceback hold it, and a database
            # closed after its directory was removed writes its manifest into it again.
            store = None  # noqa: F841  (not unused: it drops the reference that keeps the database open)
            traceback.clear_frames(err.__traceback__)
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
    try:
        with writer_lock(target):
            yield
    except Busy as busy:
        raise StoreUnavailable(f"{target}: another load is writing this store ({busy}); wait for it to finish") from None
