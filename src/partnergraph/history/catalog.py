"""The releases as published data: each release's whole data as an N-Quads dump (and its size, for
the catalogue's distributions, which publishing/catalog.py writes), and VoID's links to the change
feed. The change feed is a dcat:DataService of publishing/catalog-services.ttl that conforms to the
LDES specification."""
from __future__ import annotations

from .feed import LDES, TREE, page_url, stream_iri
from .named_graphs import DCAT
from .releases import Log


def dump_bytes(log: Log, number: int) -> bytes:
    """Release number's whole data as N-Quads (the default graph): its statements, one sorted line each."""
    lines = sorted(line for lines in log.state(number).values() for line in lines)
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def dump_size(log: Log, number: int) -> int:
    return sum(len(line.encode("utf-8")) + 1 for lines in log.state(number).values() for line in lines)


def add_to_void(g, log: Log, dataset: str, site: str) -> None:
    """Point VoID's dataset at the change feed and the latest release."""
    import rdflib
    from rdflib.namespace import RDF, RDFS

    releases = log.releases()
    if not releases:
        return
    ds, stream = rdflib.URIRef(dataset), rdflib.URIRef(stream_iri(site))
    g.add((ds, RDFS.seeAlso, stream))
    g.add((ds, rdflib.URIRef(DCAT + "version"), rdflib.Literal(str(releases[-1].number))))
    g.add((stream, RDF.type, rdflib.URIRef(LDES + "EventStream")))
    g.add((stream, rdflib.URIRef(TREE + "view"), rdflib.URIRef(page_url(site))))
