"""The whole dataset: its dumps and its VoID/DCAT description, both of exactly what the endpoint
serves: every named graph (the data files, the ontology, the shapes, the inferred graph, imported
vocabularies). N-Quads keep the named graphs; the other dumps are the default graph (the union).

A dump has the same bytes for the same graph: blank nodes get canonical labels (pyoxigraph's
canonicalisation, stable for a given pyoxigraph version) and lines and triples are sorted, so a
mirror can tell from the bytes (or the ETag) that nothing changed after a reload.
"""
from __future__ import annotations

import gzip
import threading
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph

from .. import rq
from ..history.catalog import add_to_void as add_feed_to_void
from ..history.releases import log_of
from ..rdf import namespaces, templates
from ..sparql import formats
from . import mappings
from .alignment import EXPORTS, export_bytes
from .ontology_docs import named_graph


@dataclass(frozen=True)
class DumpFormat:
    filename: str
    media_type: str
    graph_format: str | None   # the graph format of graph.run, None for N-Quads
    gzip: bool
    title: str


DUMP_FORMATS = (
    DumpFormat("partnergraph.ttl", "text/turtle", "turtle", False, "Turtle"),
    DumpFormat("partnergraph.nt.gz", "application/n-triples", "ntriples", True, "N-Triples (gzip)"),
    DumpFormat("partnergraph.jsonld", "application/ld+json", "jsonld", False, "JSON-LD"),
    DumpFormat("partnergraph.nq.gz", "application/n-quads", None, True, "N-Quads with named graphs (gzip)"),
)
BY_FILENAME = {d.filename: d for d in DUMP_FORMATS}


def dump_graphs(graph, base: str | None = None) -> list[str]:
    """Every named graph the endpoint serves, in IRI order."""
    return list(graph.graph_sizes())


def canonical_dataset(graph):
    """Every named graph as a pyoxigraph Dataset whose blank nodes carry canonical labels."""
    dataset = pyoxigraph.Dataset()
    for name in dump_graphs(graph):
        node = pyoxigraph.NamedNode(name)
        for triple in pyoxigraph.parse(named_graph(graph, name, "ntriples"), format=pyoxigraph.RdfFormat.N_TRIPLES):
            dataset.add(pyoxigraph.Quad(triple.subject, triple.predicate, triple.object, node))
    dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.UNSTABLE)
    return dataset


def _sorted_lines(body: bytes) -> bytes:
    lines = sorted(set(line for line in body.decode("utf-8").splitlines() if line.strip()))
    return ("\n".join(lines) + "\n").encode("utf-8")


def serialise_dump(graph, base: str, dump: DumpFormat, dataset=None) -> bytes:
    """One dump's bytes (gzipped where the format says so, with a fixed mtime so the bytes are stable)."""
    dataset = canonical_dataset(graph) if dataset is None else dataset
    if dump.graph_format is None:
        body = _sorted_lines(pyoxigraph.serialize(dataset, format=pyoxigraph.RdfFormat.N_QUADS))
    else:
        triples = sorted({pyoxigraph.Triple(q.subject, q.predicate, q.object) for q in dataset},
                         key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
        if dump.graph_format == "ntriples":
            body = _sorted_lines(pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES))
        else:
            fmt = formats.by_name(dump.graph_format, "graph").oxigraph
            prefixes = namespaces.PREFIXES if dump.graph_format == "turtle" else None
            body = pyoxigraph.serialize(triples, format=fmt, prefixes=prefixes) if prefixes \
                else pyoxigraph.serialize(triples, format=fmt)
    return gzip.compress(body, mtime=0) if dump.gzip else body


class Dumps:
    """Every dump, serialised once on first use and kept in memory (one per app)."""

    def __init__(self, graph, base: str):
        self.graph, self.base = graph, base
        self._bytes: dict[str, bytes] = {}
        self._dataset = None   # the canonical dataset, made once for all the dumps
        self._lock = threading.Lock()

    def get(self, filename: str) -> bytes:
        with self._lock:
            if filename not in self._bytes:
                if self._dataset is None:
                    self._dataset = canonical_dataset(self.graph)
                self._bytes[filename] = serialise_dump(self.graph, self.base, BY_FILENAME[filename], self._dataset)
            return self._bytes[filename]

    def sizes(self) -> dict[str, int]:
        return {d.filename: len(self.get(d.filename)) for d in DUMP_FORMATS}


# -- VoID and DCAT -------------------------------------------------------------------------------

def vocabularies(graph) -> list[str]:
    """Namespaces (from namespaces.PREFIXES) of the properties and classes the graph uses."""
    used = set()
    known = sorted(set(namespaces.PREFIXES.values()), key=len, reverse=True)
    for row in graph.select(rq.load("void-terms")):
        term = row["term"]["value"]
        for ns in known:
            if term.startswith(ns):
                used.add(ns)
                break
    return sorted(used)


def default_graph_triples(graph) -> int:
    """What the endpoint counts in its default graph: SELECT (COUNT(*) ...) WHERE { ?s ?p ?o }."""
    rows = graph.select(rq.load("default-graph-count"))
    return int(rows[0]["n"]["value"]) if rows else 0


def graph_stats(graph) -> list[dict]:
    """Per named graph: its IRI and its counts of triples, distinct subjects, properties, objects."""
    return [{"graph": r["g"]["value"], **{k: int(r[k]["value"]) for k in ("triples", "subjects", "properties", "objects")}}
            for r in graph.select(rq.load("void-graph-stats"))]


def _fragment(name: str, base: str) -> str:
    """A fragment for a graph's subset: its name under {base}graph/, or its IRI percent-encoded."""
    from urllib.parse import quote
    return name[len(base) + len("graph/"):] if name.startswith(base + "graph/") else quote(name, safe="")


VOID_TEMPLATE = Path(__file__).resolve().parent / "void.ttl"
BASE_PLACEHOLDER, SITE_PLACEHOLDER = "http://partnergraph.invalid/base/", "http://partnergraph.invalid/site/"


def void_graph(graph, base: str, site: str, dumps: Dumps, class_counts: dict[str, int]):
    """An rdflib Graph describing the dataset; site is the serving root URL (http://host/). The fixed
    part is void.ttl; what is counted (sizes, partitions, distributions) is added here."""
    import rdflib
    from rdflib.namespace import DCTERMS, RDF, XSD

    void, dcat = rdflib.Namespace(namespaces.VOID), rdflib.Namespace(namespaces.DCAT)
    site = site.rstrip("/") + "/"
    g = templates.fill(VOID_TEMPLATE, {BASE_PLACEHOLDER: base, SITE_PLACEHOLDER: site})
    for prefix, ns in namespaces.PREFIXES.items():
        g.bind(prefix, ns)
    ds = rdflib.URIRef(base + ".well-known/void#partnergraph")
    licence = next(g.objects(ds, DCTERMS.license))
    for ns in vocabularies(graph):
        g.add((ds, void.vocabulary, rdflib.URIRef(ns)))
    g.add((ds, void.triples, rdflib.Literal(default_graph_triples(graph), datatype=XSD.integer)))
    entities = graph.select(rq.load("void-entities"), {"prefix": ("literal", base + "id/", None, None)})
    g.add((ds, void.entities, rdflib.Literal(int(entities[0]["n"]["value"]) if entities else 0, datatype=XSD.integer)))
    stats = graph.select(rq.load("void-stats"))
    if stats:
        for key in ("subjects", "properties", "objects"):
            g.add((ds, void["distinct" + key.capitalize()] if key != "properties" else void.properties,
                   rdflib.Literal(int(stats[0][key]["value"]), datatype=XSD.integer)))
    for class_iri, count in sorted(class_counts.items()):
        if not class_iri.startswith(namespaces.PG):
            continue
        part = rdflib.BNode()
        g.add((ds, void.classPartition, part))
        g.add((part, void["class"], rdflib.URIRef(class_iri)))
        g.add((part, void.entities, rdflib.Literal(count, datatype=XSD.integer)))
    for row in graph_stats(graph):
        name = row["graph"]
        sub = rdflib.URIRef(f"{base}.well-known/void#graph-{_fragment(name, base)}")
        g.add((ds, void.subset, sub))
        g.add((sub, RDF.type, void.Dataset))
        for key, prop in (("triples", void.triples), ("subjects", void.distinctSubjects),
                          ("properties", void.properties), ("objects", void.distinctObjects)):
            g.add((sub, prop, rdflib.Literal(row[key], datatype=XSD.integer)))
        g.add((sub, rdflib.URIRef(namespaces.SD + "name"), rdflib.URIRef(name)))
    media = "https://www.iana.org/assignments/media-types/"

    def distribution(url: str, title: str, media_type: str, size: int, gzipped: bool = False):
        node = rdflib.URIRef(url + "#distribution")
        g.add((ds, dcat.distribution, node))
        g.add((node, RDF.type, dcat.Distribution))
        g.add((node, DCTERMS.title, rdflib.Literal(title, lang="en")))
        g.add((node, dcat.downloadURL, rdflib.URIRef(url)))
        g.add((node, dcat.mediaType, rdflib.URIRef(media + media_type)))
        if gzipped:
            g.add((node, dcat.compressFormat, rdflib.URIRef(media + "application/gzip")))
        g.add((node, dcat.byteSize, rdflib.Literal(size, datatype=XSD.nonNegativeInteger)))
        g.add((node, DCTERMS.license, licence))
    byte_sizes = dumps.sizes()
    for dump in DUMP_FORMATS:
        g.add((ds, void.dataDump, rdflib.URIRef(site + "dumps/" + dump.filename)))
        distribution(site + "dumps/" + dump.filename, dump.title, dump.media_type, byte_sizes[dump.filename], dump.gzip)
    for filename, (_, fmt, title) in EXPORTS.items():
        body, _ = export_bytes(graph, filename)
        distribution(site + "alignment/" + filename, title, "text/csv" if fmt == "csv" else "text/turtle", len(body))
    mappings.add_void_linksets(g, graph, base, ds)
    add_feed_to_void(g, log_of(graph), str(ds), site)
    return g
