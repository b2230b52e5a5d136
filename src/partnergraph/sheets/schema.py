"""What the ontology and the shapes say about a column: its type, whether it is required, how many
values it takes, which classes or concept scheme its values come from, and the words that explain
it. Everything here is read from ontology/partnergraph.ttl, ontology/shapes.ttl and the concept
schemes in data/ when a template is made or a sheet is read, so the sheets cannot drift from them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from rdflib import OWL, RDF, RDFS, SKOS, XSD, Literal, URIRef
from rdflib.namespace import SH

from ..rdf import namespaces

PG = rdflib.Namespace(namespaces.PG)
DATE_TYPES = (XSD.date, XSD.gYearMonth, XSD.gMonthDay, XSD.gYear)
# Words for the classes of other vocabularies that the shapes name and the ontology reuses
# without labelling them itself.
EXTERNAL_LABELS = {
    URIRef(namespaces.ORG + "Organization"): {"en": "organisation (a municipality, region or other organisation)",
                                                      "sv": "organisation (en kommun, region eller annan organisation)"},
    URIRef(namespaces.PROV + "Agent"): {"en": "organisation or person", "sv": "organisation eller person"},
    SKOS.Concept: {"en": "concept", "sv": "begrepp"},
}
_CURIE = re.compile(r"^([a-z]+):([A-Za-z_][\w.-]*)$")


def expand(curie: str) -> URIRef:
    """'pg:Project' -> the full IRI, by the project's prefixes; full IRIs pass through."""
    match = _CURIE.match(curie)
    if match and match.group(1) in namespaces.PREFIXES:
        return URIRef(namespaces.PREFIXES[match.group(1)] + match.group(2))
    if curie.startswith(("http://", "https://")):
        return URIRef(curie)
    raise ValueError(f"not a known prefixed name or IRI: {curie!r}")


def compact(term) -> str:
    text = str(term)
    for prefix, ns in sorted(namespaces.PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if text.startswith(ns) and re.fullmatch(r"[A-Za-z0-9_.-]+", text[len(ns):] or "-"):
            return f"{prefix}:{text[len(ns):]}"
    return f"<{text}>"


def load_graph(*paths: Path | str) -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in paths:
        graph.parse(str(path), format="turtle")
    return graph


@dataclass
class Constraints:
    """What the shapes that apply to (class, property) require."""
    min_count: int = 0
    max_one: bool = False
    datatypes: tuple[URIRef, ...] = ()
    classes: tuple[URIRef, ...] = ()
    scheme: URIRef | None = None
    sdg: bool = False
    min_inclusive: int | None = None
    languages_required: frozenset[str] = frozenset()
    messages: list[str] = field(default_factory=list)


class Schema:
    """The ontology and the shapes, read for one purpose: describing and checking sheet columns."""

    def __init__(self, ontology: rdflib.Graph, shapes: rdflib.Graph, data: rdflib.Graph):
        self.ontology = ontology
        self.shapes = shapes
        self.data = data

    @classmethod
    def from_dirs(cls, ontology_dir: Path | str, data: rdflib.Graph) -> Schema:
        ontology_dir = Path(ontology_dir)
        return cls(load_graph(ontology_dir / "partnergraph.ttl"), load_graph(ontology_dir / "shapes.ttl"), data)

    # -- classes ------------------------------------------------------------------------
    def superclasses(self, cls: URIRef) -> set[URIRef]:
        return set(self.ontology.transitive_objects(cls, RDFS.subClassOf))

    def subclasses(self, cls: URIRef) -> set[URIRef]:
        return set(self.ontology.transitive_subjects(RDFS.subClassOf, cls))

    def is_concept_class(self, cls: URIRef) -> bool:
        return SKOS.Concept in self.superclasses(cls)

    # -- words --------------------------------------------------------------------------
    def text(self, term: URIRef, prop: URIRef, lang: str) -> str | None:
        for graph in (self.ontology, self.data):
            for value in graph.objects(term, prop):
                if isinstance(value, Literal) and value.language == lang:
                    return " ".join(str(value).split())
        return None

    def label(self, term: URIRef, lang: str) -> str:
        return (self.text(term, RDFS.label, lang) or self.text(term, SKOS.prefLabel, lang)
                or EXTERNAL_LABELS.get(term, {}).get(lang) or self.text(term, RDFS.label, "en") or compact(term))

    def comment(self, term: URIRef, lang: str) -> str | None:
        return self.text(term, RDFS.comment, lang)

    def is_functional(self, prop: URIRef) -> bool:
        return (prop, RDF.type, OWL.FunctionalProperty) in self.ontology

    def range(self, prop: URIRef) -> URIRef | None:
        return self.ontology.value(prop, RDFS.range)

    # -- shapes -------------------------------------------------------------------------
    def _node_shapes(self, cls: URIRef, prop: URIRef) -> list:
        """Node shapes that reach a resource of cls using prop: by its class (or a superclass),
        by the property it uses, or by a SPARQL target (which in these shapes selects resources
        of every kind)."""
        classes = self.superclasses(cls)
        found = []
        for shape in set(self.shapes.subjects(RDF.type, SH.NodeShape)):
            if set(self.shapes.objects(shape, SH.targetClass)) & classes:
                found.append(shape)
            elif prop in set(self.shapes.objects(shape, SH.targetSubjectsOf)):
                found.append(shape)
            elif any((t, RDF.type, SH.SPARQLTarget) in self.shapes for t in self.shapes.objects(shape, SH.target)):
                found.append(shape)
        return found

    def _property_shapes(self, cls: URIRef, prop: URIRef) -> list:
        shapes = []
        for node in self._node_shapes(cls, prop):
            for pshape in self.shapes.objects(node, SH.property):
                if self.shapes.value(pshape, SH.path) == prop:
                    shapes.append(pshape)
        return shapes

    def _list(self, head) -> list:
        return list(rdflib.collection.Collection(self.shapes, head)) if head is not None else []

    def constraints(self, cls: URIRef, prop: URIRef) -> Constraints:
        found = Constraints(max_one=self.is_functional(prop))
        datatypes: list[URIRef] = []
        classes: list[URIRef] = []
        languages: set[str] = set()
        for pshape in self._property_shapes(cls, prop):
            g = self.shapes
            for value in g.objects(pshape, SH.minCount):
                found.min_count = max(found.min_count, int(value))
            if any(int(v) <= 1 for v in g.objects(pshape, SH.maxCount)):
                found.max_one = True
            datatypes.extend(g.objects(pshape, SH.datatype))
            classes.extend(g.objects(pshape, SH["class"]))
            for head in g.objects(pshape, SH["or"]):
                for member in self._list(head):
                    datatypes.extend(g.objects(member, SH.datatype))
                    classes.extend(g.objects(member, SH["class"]))
            for head in g.objects(pshape, SH["and"]):
                for member in self._list(head):
                    classes.extend(g.objects(member, SH["class"]))
                    for inner in g.objects(member, SH.property):
                        if g.value(inner, SH.path) == SKOS.inScheme and g.value(inner, SH.hasValue) is not None:
                            found.scheme = g.value(inner, SH.hasValue)
            for pattern in g.objects(pshape, SH.pattern):
                if "metadata" in str(pattern) and "sdg" in str(pattern):
                    found.sdg = True
            for value in g.objects(pshape, SH.minInclusive):
                found.min_inclusive = int(value)
            qualified = g.value(pshape, SH.qualifiedValueShape)
            if qualified is not None and int(g.value(pshape, SH.qualifiedMinCount) or 0) >= 1:
                for head in g.objects(qualified, SH.languageIn):
                    languages.update(str(v) for v in self._list(head))
            message = g.value(pshape, SH.message)
            if message is not None and str(message) not in found.messages and self._beyond_columns(pshape):
                found.messages.append(str(message))
        found.datatypes = tuple(dict.fromkeys(datatypes))
        found.classes = tuple(c for c in dict.fromkeys(classes) if c != SKOS.Concept or found.scheme is None)
        found.languages_required = frozenset(languages)
        return found

    _COVERED = {SH.path, SH.message, SH.minCount, SH.maxCount, SH.datatype, SH["class"], SH["or"], SH["and"],
                SH.pattern, SH.nodeKind, SH.minInclusive, SH.maxInclusive, SH.languageIn, SH.qualifiedMinCount,
                SH.qualifiedValueShape, SH.uniqueLang, RDF.type, RDFS.label, RDFS.comment}

    def _beyond_columns(self, pshape) -> bool:
        """Whether a property shape states a rule that a column's type, count and allowed values
        do not already say (such as 'at least one partner in Sweden')."""
        predicates = set(self.shapes.predicates(pshape))
        qualified = self.shapes.value(pshape, SH.qualifiedValueShape)
        if qualified is not None and self.shapes.value(qualified, SH.path) is not None:
            return True
        return bool(predicates - self._COVERED)

    # -- values -------------------------------------------------------------------------
    def scheme_members(self, scheme: URIRef) -> list[URIRef]:
        return sorted(set(self.data.subjects(SKOS.inScheme, scheme)), key=str)

    def instances(self, cls: URIRef) -> list[URIRef]:
        classes = self.subclasses(cls)
        return sorted({s for c in classes for s in self.data.subjects(RDF.type, c) if isinstance(s, URIRef)}, key=str)

    def sdg_goals(self) -> dict[str, URIRef]:
        """The goals described in data/ (number -> the UN's IRI)."""
        return {str(int(n)): s for s, n in self.data.subject_objects(PG.sdgNumber) if isinstance(s, URIRef)}


def plain(message: str, names: dict[str, str] | None = None) -> str:
    """A shape's message in plain words: RDF asides in parentheses dropped, prefixed names
    replaced by the words given (column names, class labels)."""
    def aside(match: re.Match) -> str:
        inner = match.group(0)
        return "" if re.search(r"[a-z]+:[A-Za-z]|<http|@[a-z]{2}\b|\^\^", inner) else inner
    text = re.sub(r"\s*\([^()]*\)", aside, message)
    for curie, words in sorted((names or {}).items(), key=lambda kv: -len(kv[0])):
        text = re.sub(rf"(?<![\w:]){re.escape(curie)}(?![\w])", words, text)
    text = re.sub(r"\b([Aa])n? (?=['\w])(['\s]*)(\w)",
                  lambda m: f"{m.group(1)}{'n' if m.group(3).lower() in 'aeiou' else ''} {m.group(2)}{m.group(3)}", text)
    return re.sub(r"\s+([.,;])", r"\1", text).strip()

