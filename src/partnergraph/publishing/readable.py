"""A graph written for machines, shown to a person (the /catalog page): its resources in the order
they are reached from the root, each with its types, a label and its properties, every value a
label, a link or text. Knows nothing of Flask: the view passes the reader's language."""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import rdflib
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS

from ..rdf import namespaces
from ..rdf.iris import compact_iri

VCARD = rdflib.Namespace(namespaces.VCARD)
LABELS = (SKOS.prefLabel, DCTERMS.title, FOAF.name, RDFS.label, VCARD.fn)


@dataclass(frozen=True)
class Value:
    kind: str                # "uri", "node" (described on the page, by anchor) or "literal"
    value: str               # the IRI, the anchor, or the literal's lexical form
    text: str                # what a reader sees
    lang: str | None = None
    datatype: str | None = None
    anchor: str | None = None    # where the page describes it


@dataclass
class Resource:
    anchor: str
    iri: str | None          # None for a blank node
    label: str
    types: list[Value] = field(default_factory=list)
    props: list[tuple[str, str, list[Value]]] = field(default_factory=list)   # (IRI, compact name, values)


def label_of(g: rdflib.Graph, node, lang: str) -> str | None:
    """The node's name in the reader's language, else in English, else any."""
    for prop in LABELS:
        found = list(g.objects(node, prop))
        if found:
            for wanted in (lang, "en", None):
                for literal in found:
                    if getattr(literal, "language", None) == wanted or wanted is None:
                        return str(literal)
    return None


def resources(g: rdflib.Graph, root, lang: str) -> list[Resource]:
    """Every subject of g, those reachable from root first (breadth first), then the rest by IRI."""
    order, seen, queue = [], {root}, deque([root])
    while queue:
        node = queue.popleft()
        order.append(node)
        for obj in sorted(set(g.objects(node, None)), key=str):
            if obj not in seen and isinstance(obj, (rdflib.URIRef, rdflib.BNode)) and (obj, None, None) in g:
                seen.add(obj)
                queue.append(obj)
    order += sorted((s for s in set(g.subjects()) if s not in seen), key=str)
    anchors = {node: f"r{i}" for i, node in enumerate(order, 1)}

    def value(node) -> Value:
        if isinstance(node, rdflib.Literal):
            return Value("literal", str(node), str(node), node.language, str(node.datatype) if node.datatype else None)
        if isinstance(node, rdflib.BNode):
            return Value("node", anchors.get(node, ""), label_of(g, node, lang) or "…")
        return Value("uri", str(node), label_of(g, node, lang) or compact_iri(str(node)), anchor=anchors.get(node))

    out = []
    for node in order:
        iri = str(node) if isinstance(node, rdflib.URIRef) else None
        found = Resource(anchors[node], iri, label_of(g, node, lang) or (compact_iri(iri) if iri else ""))
        found.types = [value(t) for t in sorted(g.objects(node, RDF.type), key=str)]
        for prop in sorted(set(g.predicates(node, None)) - {RDF.type}, key=compact_iri):
            values = sorted(g.objects(node, prop), key=lambda o: (getattr(o, "language", "") or "", str(o)))
            found.props.append((str(prop), compact_iri(str(prop)), [value(o) for o in values]))
        out.append(found)
    return out


def catalogue(turtle: bytes, lang: str) -> list[Resource]:
    """The DCAT catalogue (as Turtle) as a person reads it, from the catalogue down."""
    g = rdflib.Graph().parse(data=turtle, format="turtle")
    root = next(g.subjects(RDF.type, rdflib.URIRef(namespaces.DCAT + "Catalog")), None)
    return resources(g, root, lang)
