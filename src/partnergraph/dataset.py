"""The whole dataset: dumps serialised by pyoxigraph (through graph.run) and its VoID/DCAT description.

Dumps hold every named graph except the SHACL shapes (served at /shapes): the data files, the
ontology and the inferred graph. N-Quads keep the named graphs.
"""
from __future__ import annotations

import gzip
import threading
from dataclasses import dataclass

from . import iris, rq
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


def dump_graphs(graph, base: str) -> list[str]:
    shapes = f"{base}graph/shapes"
    return [g for g in graph.graph_sizes() if g != shapes]


def serialise_dump(graph, base: str, dump: DumpFormat) -> bytes:
    """One dump's bytes (gzipped where the format says so, with a fixed mtime so the bytes are stable)."""
    names = dump_graphs(graph, base)
    if dump.graph_format is None:
        lines = []
        for name in names:
            for line in named_graph(graph, name, "ntriples").decode("utf-8").splitlines():
                line = line.rstrip()
                if line.endswith(" ."):
                    lines.append(f"{line[:-2]} <{name}> .")
        body = ("\n".join(lines) + "\n").encode("utf-8")
    elif dump.graph_format == "ntriples":
        seen = dict.fromkeys(line for name in names
                             for line in named_graph(graph, name, "ntriples").decode("utf-8").splitlines() if line)
        body = ("\n".join(seen) + "\n").encode("utf-8")
    else:
        body = graph.construct(rq.load("union-of-graphs"), dump.graph_format, {"shapes": ("iri", f"{base}graph/shapes")})
    return gzip.compress(body, mtime=0) if dump.gzip else body


class Dumps:
    """Every dump, serialised once on first use and kept in memory (one per app)."""

    def __init__(self, graph, base: str):
        self.graph, self.base = graph, base
        self._bytes: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def get(self, filename: str) -> bytes:
        with self._lock:
            if filename not in self._bytes:
                self._bytes[filename] = serialise_dump(self.graph, self.base, BY_FILENAME[filename])
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
    names = dump_graphs(graph, base)
    sizes = graph.graph_sizes()
    g.add((ds, void.triples, rdflib.Literal(sum(sizes[n] for n in names), datatype=XSD.integer)))
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
    for name in names:
        sub = rdflib.BNode()
        g.add((ds, void.subset, sub))
        g.add((sub, RDF.type, void.Dataset))
        g.add((sub, void.triples, rdflib.Literal(sizes[name], datatype=XSD.integer)))
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
