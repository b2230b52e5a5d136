"""The query builder's configuration (Sparnatural, /builder), derived from ontology/shapes.ttl.

The shapes file's section 4 describes, for each class a person asks about, the properties that
lead from it in both directions, with names and descriptions in English and Swedish, their order
and the widget each wants. Those shapes are sh:deactivated so that validation ignores them; the
builder reads them here with that flag removed, as the SHACL configuration Sparnatural (version 9
and later) takes, and nothing else of the shapes graph. No Flask."""
from __future__ import annotations

import rdflib
from rdflib.namespace import RDF, SH

from ..rdf.namespaces import DCT, GEO, ORG, PG, PROV, SKOS

BUILDER = rdflib.Namespace("https://w3id.org/partnergraph/shapes/builder#")
BUILDER_PREFIX = str(BUILDER)
PREFIXES = {"sh": str(SH), "dash": "http://datashapes.org/dash#", "pg": PG,
            "core": "http://data.sparna.fr/ontologies/sparnatural-config-core#", "pgb": str(BUILDER),
            "skos": SKOS, "dcterms": DCT, "org": ORG, "prov": PROV,
            "ds": "http://data.sparna.fr/ontologies/sparnatural-config-datasources#", "geo": GEO}


def builder_shapes(shapes: rdflib.Graph) -> rdflib.Graph:
    """The builder's shapes (pgb:...) with everything they reach through blank nodes,
    activated: the configuration Sparnatural reads."""
    out = rdflib.Graph()
    for prefix, ns in PREFIXES.items():
        out.bind(prefix, ns)
    todo = [s for s in set(shapes.subjects()) if isinstance(s, rdflib.URIRef) and str(s).startswith(BUILDER_PREFIX)]
    seen = set(todo)
    while todo:
        node = todo.pop()
        for p, o in shapes.predicate_objects(node):
            if p == SH.deactivated:
                continue
            out.add((node, p, o))
            if isinstance(o, rdflib.BNode) and o not in seen:
                seen.add(o)
                todo.append(o)
    return out


def column_titles(config: rdflib.Graph, variables: list[str], lang: str, name_word: str) -> dict[str, str]:
    """Titles for the answer's columns, which Sparnatural names after the shapes' local names
    (Partnership_1, Partnership_1_label): the class's name in the reader's language, the second
    of a class numbered, its label column marked with name_word."""
    names = {}
    for shape in config.subjects(RDF.type, SH.NodeShape):
        labels = {o.language: str(o) for o in config.objects(shape, rdflib.RDFS.label)}
        names[str(shape)[len(BUILDER_PREFIX):]] = labels.get(lang) or labels.get("en") or str(shape)
    titles, seen = {}, {}
    for var in variables:
        stem, _, rest = var.partition("_")
        number, _, label = rest.partition("_")
        if stem not in names or not number.isdigit() or label not in ("", "label"):
            continue
        order = seen.setdefault(stem, {}).setdefault(number, len(seen[stem]) + 1)
        title = names[stem] + (f" {order}" if order > 1 else "")
        titles[var] = f"{title} ({name_word})" if label else title
    return titles


def entities(config: rdflib.Graph) -> list[str]:
    """The classes (node shapes) a query can start from."""
    return sorted(str(s) for s in config.subjects(RDF.type, SH.NodeShape))


def config_turtle(shapes_ntriples: bytes) -> bytes:
    """The configuration as Turtle, from the shapes graph as N-Triples (as the store gives it)."""
    shapes = rdflib.Graph().parse(data=shapes_ntriples, format="nt")
    return builder_shapes(shapes).serialize(format="turtle", encoding="utf-8")


def parse_config(turtle: bytes) -> rdflib.Graph:
    """The configuration (config_turtle's bytes) as a graph, for the answers' column titles."""
    return rdflib.Graph().parse(data=turtle, format="turtle")
