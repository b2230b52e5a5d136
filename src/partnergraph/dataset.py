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

import pyoxigraph

from . import iris, rq
from .sparql import formats
from .alignment import EXPORTS, export_bytes
from .vocabulary import named_graph
from .describe import sdg_goals  # noqa: F401  (re-exported for views)


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
            prefixes = iris.PREFIXES if dump.graph_format == "turtle" else None
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

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"


def vocabularies(graph) -> list[str]:
    """Namespaces (from iris.PREFIXES) of the properties and classes the graph uses."""
    used = set()
    namespaces = sorted(set(iris.PREFIXES.values()), key=len, reverse=True)
    for row in graph.select(rq.load("void-terms")):
        term = row["term"]["value"]
        for ns in namespaces:
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


UN_SDG_CITATION = ("Amit Joshi, Luis Gonzalez Morales, Szymon Klarman, and Aaron Helton. 2019. A Knowledge "
                   "Organization System for the United Nations Sustainable Development Goals. New York, NY. "
                   "http://metadata.un.org/sdg")


def void_graph(graph, base: str, site: str, dumps: Dumps, class_counts: dict[str, int]):
    """An rdflib Graph describing the dataset; site is the serving root URL (http://host/)."""
    import rdflib
    from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, XSD

    void, dcat = rdflib.Namespace(VOID), rdflib.Namespace(DCAT)
    g = rdflib.Graph()
    for prefix, ns in iris.PREFIXES.items():
        g.bind(prefix, ns)
    g.bind("void", void)
    g.bind("dcat", dcat)
    g.bind("sd", "http://www.w3.org/ns/sparql-service-description#")
    site = site.rstrip("/") + "/"
    ds = rdflib.URIRef(base + ".well-known/void#partnergraph")
    g.add((ds, RDF.type, void.Dataset))
    g.add((ds, RDF.type, dcat.Dataset))
    g.add((ds, DCTERMS.title, rdflib.Literal("partnergraph: Swedish municipalities' international partnerships", lang="en")))
    g.add((ds, DCTERMS.title, rdflib.Literal("partnergraph: svenska kommuners internationella partnerskap", lang="sv")))
    g.add((ds, DCTERMS.description, rdflib.Literal(
        "A linked-open-data knowledge graph of Swedish municipalities' international partnerships: the "
        "municipalities and their partners abroad, the partnerships and their projects, the UN Sustainable "
        "Development Goals they address, the networks, and the events around them, each fact citing its "
        "source document.", lang="en")))
    g.add((ds, DCTERMS.description, rdflib.Literal(
        "Ett länkat öppet kunskapsnätverk om svenska kommuners internationella partnerskap: kommunerna och deras "
        "partner utomlands, partnerskapen och projekten, FN:s globala mål som de bidrar till, nätverken och "
        "händelserna runt dem, där varje uppgift hänvisar till sitt källdokument.", lang="sv")))
    licence = rdflib.URIRef("https://creativecommons.org/licenses/by/4.0/")
    g.add((ds, DCTERMS.license, licence))
    publisher = rdflib.URIRef(base)
    g.add((ds, DCTERMS.publisher, publisher))
    g.add((publisher, RDF.type, FOAF.Organization))
    g.add((publisher, FOAF.name, rdflib.Literal("The partnergraph project")))
    g.add((ds, FOAF.homepage, rdflib.URIRef(site)))
    g.add((ds, RDFS.seeAlso, rdflib.URIRef(site + "catalog")))   # the DCAT-AP catalogue for data portals
    g.add((ds, void.uriSpace, rdflib.Literal(base + "id/")))
    g.add((ds, void.sparqlEndpoint, rdflib.URIRef(site + "sparql")))
    g.add((ds, void.rootResource, rdflib.URIRef(base + "id/country/sweden")))
    g.add((ds, void.exampleResource, rdflib.URIRef(base + "id/municipality/vaxjo")))
    g.add((ds, void.exampleResource, rdflib.URIRef(base + "id/project/sekos-2")))
    g.add((ds, DCTERMS.conformsTo, rdflib.URIRef(iris.ONTOLOGY_NS.rstrip("#"))))
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
        if not class_iri.startswith(iris.ONTOLOGY_NS):
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
        g.add((sub, rdflib.URIRef("http://www.w3.org/ns/sparql-service-description#name"), rdflib.URIRef(name)))
    byte_sizes = dumps.sizes()
    for dump in DUMP_FORMATS:
        url = rdflib.URIRef(site + "dumps/" + dump.filename)
        g.add((ds, void.dataDump, url))
        dist = rdflib.URIRef(site + "dumps/" + dump.filename + "#distribution")
        g.add((ds, dcat.distribution, dist))
        g.add((dist, RDF.type, dcat.Distribution))
        g.add((dist, DCTERMS.title, rdflib.Literal(dump.title, lang="en")))
        g.add((dist, dcat.downloadURL, url))
        g.add((dist, dcat.mediaType, rdflib.URIRef("https://www.iana.org/assignments/media-types/" + dump.media_type)))
        if dump.gzip:
            g.add((dist, dcat.compressFormat, rdflib.URIRef("https://www.iana.org/assignments/media-types/application/gzip")))
        g.add((dist, dcat.byteSize, rdflib.Literal(byte_sizes[dump.filename], datatype=XSD.nonNegativeInteger)))
        g.add((dist, DCTERMS.license, licence))
    # The UN SDG KOS: the SDG IRIs and the goals' English titles come from it; cited as its
    # licence asks.
    un = rdflib.URIRef("http://metadata.un.org/sdg")
    g.add((ds, DCTERMS.source, un))
    g.add((un, DCTERMS.title, rdflib.Literal("A Knowledge Organization System for the United Nations Sustainable "
                                             "Development Goals", lang="en")))
    g.add((un, DCTERMS.bibliographicCitation, rdflib.Literal(UN_SDG_CITATION)))
    for filename, (_, fmt, title) in EXPORTS.items():
        body, _ = export_bytes(graph, filename)
        url = rdflib.URIRef(site + "alignment/" + filename)
        dist = rdflib.URIRef(site + "alignment/" + filename + "#distribution")
        g.add((ds, dcat.distribution, dist))
        g.add((dist, RDF.type, dcat.Distribution))
        g.add((dist, DCTERMS.title, rdflib.Literal(title, lang="en")))
        g.add((dist, dcat.downloadURL, url))
        g.add((dist, dcat.mediaType, rdflib.URIRef("https://www.iana.org/assignments/media-types/" +
                                                   ("text/csv" if fmt == "csv" else "text/turtle"))))
        g.add((dist, dcat.byteSize, rdflib.Literal(len(body), datatype=XSD.nonNegativeInteger)))
        g.add((dist, DCTERMS.license, licence))
    endpoint = rdflib.URIRef(site + "sparql#service")
    g.add((ds, dcat.distribution, endpoint))
    g.add((endpoint, RDF.type, dcat.DataService))
    g.add((endpoint, dcat.endpointURL, rdflib.URIRef(site + "sparql")))
    g.add((endpoint, dcat.servesDataset, ds))
    return g
