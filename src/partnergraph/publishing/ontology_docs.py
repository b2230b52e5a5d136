"""Documentation of the ontology and the SHACL shapes, generated from their named graphs.

The graphs are fetched through graph.run (CONSTRUCT, N-Triples) and read with rdflib; usage
counts come from SPARQL over the data (rq/class-counts.rq, rq/property-usage.rq)."""
from __future__ import annotations

from dataclasses import dataclass, field

from .. import rq
from ..rdf import namespaces
from ..rdf.iris import compact_iri
from ..rdf.namespaces import DCT, OWL, RDFS, SH
from ..resources.labels import standard_labels


def named_graph(graph, name: str, fmt: str = "ntriples") -> bytes:
    """One named graph's triples, serialised in a graph format of sparql/formats.py."""
    return graph.construct(rq.load("named-graph"), fmt, {"g": ("iri", name)})


def _rdflib(graph, name: str):
    import rdflib
    g = rdflib.Graph()
    g.parse(data=named_graph(graph, name), format="nt")
    return g


def _texts(g, subject, prop: str) -> dict[str, str]:
    import rdflib
    out = {}
    for value in g.objects(subject, rdflib.URIRef(prop)):
        out.setdefault(getattr(value, "language", None) or "", str(value))
    return out


def _pick(texts: dict[str, str], lang: str) -> str:
    for want in (lang, "en", "sv", ""):
        if texts.get(want):
            return texts[want]
    return next(iter(texts.values()), "")


@dataclass
class Ref:
    iri: str
    label: str


@dataclass
class Term:
    iri: str
    name: str                    # the local name, the anchor
    kinds: list[str]
    labels: dict[str, str]
    comments: dict[str, str]
    parents: list[Ref] = field(default_factory=list)
    domain: list[Ref] = field(default_factory=list)
    range: list[Ref] = field(default_factory=list)
    inverse: list[Ref] = field(default_factory=list)
    usage: int = 0
    inverse_labels: dict[str, str] = field(default_factory=dict)   # pg:inverseLabel, by language


@dataclass
class OntologyDoc:
    iri: str
    title: str
    description: str
    version: str
    licence: str | None
    classes: list[Term]
    properties: list[Term]


def _ref(g, node, lang: str) -> Ref:
    iri = str(node)
    if iri.startswith(namespaces.PG):
        label = _pick(_texts(g, node, RDFS + "label"), lang) or iri[len(namespaces.PG):]
        return Ref(iri, f"pg:{iri[len(namespaces.PG):]} ({label})")
    standard = standard_labels().get(iri, {})
    return Ref(iri, compact_iri(iri) + (f" ({standard.get(lang) or standard.get('en')})" if standard else ""))


def ontology_doc(graph, base: str, lang: str = "en", class_counts: dict[str, int] | None = None) -> OntologyDoc:
    import rdflib
    from rdflib.namespace import RDF as R
    name = f"{base}graph/ontology"
    g = _rdflib(graph, name)
    onto = next(iter(g.subjects(R.type, rdflib.OWL.Ontology)), None)
    counts = class_counts if class_counts is not None else {}
    usage = {r["p"]["value"]: int(r["n"]["value"]) for r in graph.select(
        rq.load("property-usage"), {"onto": ("iri", name), "shapes": ("iri", f"{base}graph/shapes")})}

    def term(subject, kinds) -> Term:
        iri = str(subject)
        t = Term(iri, iri[len(namespaces.PG):], kinds, _texts(g, subject, RDFS + "label"),
                 _texts(g, subject, RDFS + "comment"))
        t.inverse_labels = _texts(g, subject, namespaces.PG + "inverseLabel")
        for prop, target in ((RDFS + "subClassOf", t.parents), (RDFS + "subPropertyOf", t.parents),
                             (RDFS + "domain", t.domain), (RDFS + "range", t.range), (OWL + "inverseOf", t.inverse)):
            for value in g.objects(subject, rdflib.URIRef(prop)):
                if isinstance(value, rdflib.URIRef):
                    target.append(_ref(g, value, lang))
        return t

    classes, properties = [], []
    for subject in sorted(set(g.subjects(R.type, rdflib.OWL.Class)), key=str):
        if str(subject).startswith(namespaces.PG):
            t = term(subject, ["owl:Class"])
            t.usage = counts.get(t.iri, 0)
            classes.append(t)
    prop_kinds = (OWL + "ObjectProperty", OWL + "DatatypeProperty", OWL + "AnnotationProperty")
    seen = set()
    for kind in prop_kinds:
        for subject in g.subjects(R.type, rdflib.URIRef(kind)):
            if str(subject).startswith(namespaces.PG) and subject not in seen:
                seen.add(subject)
                kinds = ["owl:" + str(k)[len(OWL):] for k in g.objects(subject, R.type) if str(k).startswith(OWL)]
                t = term(subject, sorted(kinds))
                t.usage = usage.get(t.iri, 0)
                properties.append(t)
    properties.sort(key=lambda t: t.name.casefold())
    classes.sort(key=lambda t: t.name.casefold())
    title = _pick(_texts(g, onto, DCT + "title"), lang) if onto is not None else "Ontology"
    description = _pick(_texts(g, onto, DCT + "description"), lang) if onto is not None else ""
    version = str(next(iter(g.objects(onto, rdflib.OWL.versionInfo)), "")) if onto is not None else ""
    licence = next(iter(g.objects(onto, rdflib.DCTERMS.license)), None) if onto is not None else None
    return OntologyDoc(str(onto) if onto is not None else namespaces.PG, title, description, version,
                       str(licence) if licence else None, classes, properties)


# -- shapes ---------------------------------------------------------------------------------------

@dataclass
class Constraint:
    path: str
    rules: list[tuple[str, str]]
    messages: list[str]


@dataclass
class Shape:
    iri: str
    name: str
    label: str
    comment: str
    targets: list[tuple[str, str]]
    constraints: list[Constraint]
    messages: list[str]


def _show(g, node) -> str:
    """A node as compact text: IRIs compacted, literals as text, lists and paths spelled out."""
    import rdflib
    from rdflib.collection import Collection
    if isinstance(node, rdflib.URIRef):
        return compact_iri(str(node))
    if isinstance(node, rdflib.Literal):
        return str(node)
    if (node, rdflib.RDF.first, None) in g:
        return "(" + " ".join(_show(g, item) for item in Collection(g, node)) + ")"
    inverse = g.value(node, rdflib.URIRef(SH + "inversePath"))
    if inverse is not None:
        return "^" + _show(g, inverse)
    for kind, mark in (("zeroOrMorePath", "*"), ("oneOrMorePath", "+"), ("zeroOrOnePath", "?")):
        inner = g.value(node, rdflib.URIRef(SH + kind))
        if inner is not None:
            return _show(g, inner) + mark
    alternative = g.value(node, rdflib.URIRef(SH + "alternativePath"))
    if alternative is not None:
        return "|".join(_show(g, i) for i in Collection(g, alternative))
    pairs = [f"{_show(g, p)} {_show(g, o)}" for p, o in g.predicate_objects(node) if p != rdflib.RDF.type]
    return "[" + "; ".join(sorted(pairs)) + "]"


def shapes_doc(graph, base: str, lang: str = "en") -> list[Shape]:
    import rdflib
    g = _rdflib(graph, f"{base}graph/shapes")
    sh = rdflib.Namespace(SH)
    skip = {sh.path, sh.message, sh.name, sh.description, rdflib.RDF.type}
    shapes = []
    # the query builder's shapes are deactivated (they describe, they do not check): /builder/config.ttl shows them
    deactivated = set(g.subjects(sh.deactivated, rdflib.Literal(True)))
    for subject in sorted({s for s in g.subjects(rdflib.RDF.type, sh.NodeShape) if isinstance(s, rdflib.URIRef)}
                          - deactivated, key=str):
        iri = str(subject)
        targets = []
        for prop in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf"):
            for value in g.objects(subject, sh[prop]):
                targets.append((f"sh:{prop}", _show(g, value)))
        for value in g.objects(subject, sh.target):
            select = g.value(value, sh.select)
            targets.append(("sh:target", str(select).strip() if select is not None else _show(g, value)))
        constraints = []
        for prop_shape in g.objects(subject, sh.property):
            rules = sorted((_show(g, p), _show(g, o)) for p, o in g.predicate_objects(prop_shape) if p not in skip)
            messages = sorted(_texts(g, prop_shape, SH + "message").values())
            path = g.value(prop_shape, sh.path)
            constraints.append(Constraint(_show(g, path) if path is not None else "", rules, messages))
        constraints.sort(key=lambda c: c.path)
        messages = [_pick(_texts(g, subject, SH + "message"), lang)] if _texts(g, subject, SH + "message") else []
        for sparql in g.objects(subject, sh.sparql):
            text = _texts(g, sparql, SH + "message")
            if text:
                messages.append(_pick(text, lang))
        node_rules = sorted((_show(g, p), _show(g, o)) for p, o in g.predicate_objects(subject)
                            if str(p).startswith(SH) and p not in skip | {sh.property, sh.target, sh.sparql,
                                                                          sh.targetClass, sh.targetNode,
                                                                          sh.targetSubjectsOf, sh.targetObjectsOf,
                                                                          sh.declare, sh.prefixes})
        if node_rules:
            constraints.insert(0, Constraint("(focus node)", node_rules, []))
        name = iri.rsplit("#", 1)[-1] if "#" in iri else iri.rsplit("/", 1)[-1]
        shapes.append(Shape(iri, name, _pick(_texts(g, subject, RDFS + "label"), lang) or name,
                            _pick(_texts(g, subject, RDFS + "comment"), lang), targets, constraints, messages))
    return shapes
