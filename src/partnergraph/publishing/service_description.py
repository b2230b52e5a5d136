"""The SPARQL 1.1 Service Description of the endpoint: its fixed part is data
(service-description.ttl); the endpoint's URL and the named graphs with their sizes are added."""
from __future__ import annotations

from pathlib import Path

from ..rdf import namespaces, templates
from ..sparql import formats

TEMPLATE = Path(__file__).resolve().parent / "service-description.ttl"
PLACEHOLDER = "http://partnergraph.invalid/sparql"


def description(graph, endpoint_url: str):
    """The service description (an rdflib Graph) of graph's endpoint at endpoint_url (http://host/sparql)."""
    import rdflib  # start-up: the server imports rdflib only when a client asks for this
    from rdflib.namespace import RDF, VOID
    SD = rdflib.Namespace(namespaces.SD)
    out = templates.fill(TEMPLATE, {PLACEHOLDER: endpoint_url})
    out.bind("void", VOID)
    service, dataset, default = (rdflib.URIRef(endpoint_url + suffix) for suffix in ("#service", "#dataset", "#default-graph"))
    if graph.allowlist:
        out.add((service, SD.feature, SD.BasicFederatedQuery))
    sizes = graph.graph_sizes()
    out.add((default, VOID.triples, rdflib.Literal(sum(sizes.values()))))
    for name, count in sizes.items():
        node, inner = rdflib.BNode(), rdflib.BNode()
        out.add((dataset, SD.namedGraph, node))
        out.add((node, RDF.type, SD.NamedGraph))
        out.add((node, SD.name, rdflib.URIRef(name)))
        out.add((node, SD.graph, inner))
        out.add((inner, RDF.type, SD.Graph))
        out.add((inner, VOID.triples, rdflib.Literal(count)))
    return out


def serialise(graph, endpoint_url: str, fmt: formats.Format) -> bytes:
    return description(graph, endpoint_url).serialize(format=fmt.rdflib, encoding="utf-8")
