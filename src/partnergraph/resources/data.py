"""A resource's data as a whole: whether the graph knows it, its titles, and its triples with its
citation, serialised (the /data/ documents and the content-negotiated resource IRIs)."""
from __future__ import annotations

from datetime import date

from .. import rq
from .citation import citation
from .labels import LABEL_PROPERTIES, default_label


def exists(graph, iri: str) -> bool:
    """True when iri is the subject or object of a triple."""
    return graph.ask(rq.load("exists"), {"s": ("iri", iri)})


def resource_titles(graph, iri: str) -> dict[str, str]:
    """The resource's name in each language (label, preferred label, title, name, in that order)."""
    by_prop: dict[str, dict[str, str]] = {}
    for row in graph.select(rq.load("resource-titles"), {"s": ("iri", iri)}):
        by_prop.setdefault(row["lp"]["value"], {}).setdefault(row["label"].get("xml:lang", ""), row["label"]["value"])
    found: dict[str, str] = {}
    for prop in LABEL_PROPERTIES:
        for lang, text in by_prop.get(prop, {}).items():
            found.setdefault(lang, text)
    return found or {"": default_label(iri)}


def resource_graph(graph, iri: str, fmt: str = "turtle", retrieved: date | None = None) -> bytes:
    """The resource's data (outgoing and incoming triples, blank-node values one level deep) with
    its citation in English and Swedish (dcterms:bibliographicCitation, retrieved today unless
    told), serialised by pyoxigraph in fmt: turtle, jsonld, ntriples or rdfxml."""
    cite = citation(iri, resource_titles(graph, iri), retrieved)
    bindings = {"s": ("iri", iri), "citationEn": ("literal", cite.text("en"), None, "en"),
                "citationSv": ("literal", cite.text("sv"), None, "sv")}
    return graph.construct(rq.load("resource-graph"), fmt, bindings)
