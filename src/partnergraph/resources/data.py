"""A resource's data as a whole: whether the graph knows it, its titles, and its triples with its
citation, serialised (the /data/ documents and the content-negotiated resource IRIs); the members of
a class with their labels."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .. import rq
from .citation import citation
from .labels import LABEL_PROPERTIES, all_labels, default_label


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


@dataclass
class Member:
    iri: str
    label: str
    type_iri: str


def class_members(graph, class_iri: str, lang: str, labels: dict[str, str] | None = None) -> list[Member]:
    """Every resource of a class, sorted by label; type_iri is its most specific listed type."""
    labels = labels if labels is not None else all_labels(graph, lang)
    by_iri: dict[str, str] = {}
    for row in graph.select(rq.load("class-members"), {"class": ("iri", class_iri)}):
        iri, type_iri = row["s"]["value"], row["type"]["value"]
        if iri not in by_iri or by_iri[iri] == class_iri:
            by_iri[iri] = type_iri
    members = [Member(iri, labels.get(iri, iri), t) for iri, t in by_iri.items()]
    members.sort(key=lambda m: (m.label.casefold(), m.iri))
    return members
