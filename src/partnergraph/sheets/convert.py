"""From cell text to RDF terms: the index of what the graph already holds (names, codes, ids),
and one parser per column type. A parser returns terms, or raises CellError with a message in
plain words that the importer locates at a file, row and column."""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable

import rdflib
from rdflib import DCTERMS, RDF, RDFS, SKOS, XSD, Literal, URIRef

from ..names import matcher
from ..rdf import iris, namespaces
from .mapping import SEPARATOR, Column
from .schema import PG, Schema, compact

NAME_PROPERTIES = (RDFS.label, SKOS.prefLabel, SKOS.altLabel, DCTERMS.title, SKOS.notation)
_NAME_KINDS = {SKOS.altLabel: "alt", SKOS.notation: "code", PG.municipalityCode: "code"}


class CellError(ValueError):
    """A cell whose text cannot become the value its column needs."""


def normalise(text: str) -> str:
    """For comparing names: the one matcher's key (case, diacritics, dashes and spacing ignored)."""
    return matcher.key(text)


def split_values(text: str, column: Column) -> list[str]:
    if not text:
        return []
    if not column.multiple:
        return [text.strip()]
    return [part.strip() for part in text.split(SEPARATOR) if part.strip()]


class Index:
    """Resources in the graph (and those the sheet is adding) by id, name and code."""

    def __init__(self, graph: rdflib.Graph, schema: Schema, base: str = iris.DEFAULT_BASE):
        self.schema = schema
        self.base = base
        self.types: dict[URIRef, set[URIRef]] = defaultdict(set)
        self.matcher = matcher.Matcher()
        self.display: dict[URIRef, dict[str, str]] = defaultdict(dict)
        self._closure: dict[URIRef, set[URIRef]] = {}
        for subject, cls in graph.subject_objects(RDF.type):
            if isinstance(subject, URIRef):
                self.types[subject] |= self._supers(cls)
        for prop in NAME_PROPERTIES + (PG.municipalityCode,):
            for subject, name in graph.subject_objects(prop):
                if isinstance(subject, URIRef) and isinstance(name, Literal):
                    self.matcher.add(str(subject), str(name), name.language or "", _NAME_KINDS.get(prop, "label"))
        for subject, label in graph.subject_objects(RDFS.label):
            if isinstance(subject, URIRef) and isinstance(label, Literal) and label.language:
                self.display[subject].setdefault(label.language, str(label))

    def _supers(self, cls: URIRef) -> set[URIRef]:
        if cls not in self._closure:
            self._closure[cls] = self.schema.superclasses(cls) | {cls}
        return self._closure[cls]

    def is_a(self, iri: URIRef, classes: Iterable[URIRef]) -> bool:
        return bool(self.types.get(iri, set()) & set(classes))

    def exists(self, iri: URIRef) -> bool:
        return iri in self.types

    def add(self, iri: URIRef, classes: Iterable[URIRef], names: Iterable[str], labels: dict[str, str]) -> None:
        """A resource a row of the sheet adds, so later rows can refer to it."""
        for cls in classes:
            self.types[iri] |= self._supers(cls)
        for name in names:
            if name:
                self.matcher.add(str(iri), name)
        for lang, label in labels.items():
            self.display[iri].setdefault(lang, label)

    def label(self, iri: URIRef, lang: str) -> str:
        labels = self.display.get(iri, {})
        return labels.get(lang) or labels.get("en") or labels.get("sv") or iri.rsplit("/", 1)[-1]

    def slug(self, iri: URIRef) -> str:
        return str(iri).rstrip("/").rsplit("/", 1)[-1]

    def find(self, text: str, classes: Iterable[URIRef]) -> list[URIRef]:
        """Resources of the classes that the text names: by IRI, by 'id/kind/slug', by id
        (slug), or by a name (label, title, alternative name, notation or municipality code) as
        the one matcher reads it: an exact name first, else the one resource it clearly names
        ("Vänersborgs kommun" is Vänersborg)."""
        classes = set(classes)
        text = text.strip()
        candidates: set[URIRef] = set()
        if text.startswith(("http://", "https://")):
            candidates = {URIRef(iris.normalise_sdg_iri(text))}
        elif text.startswith("id/"):
            candidates = {URIRef(self.base + text)}
        else:
            candidates = {URIRef(iri) for iri in self.matcher.exact(text)}
            if not candidates and iris.is_slug(text):
                candidates = {iri for iri in self.types if str(iri).startswith(self.base + "id/") and self.slug(iri) == text}
            if not any(self.is_a(c, classes) for c in candidates):
                clear = self.matcher.clear_match(text, lambda iri: self.is_a(URIRef(iri), classes))
                candidates = {URIRef(clear)} if clear else candidates
        return sorted((c for c in candidates if self.is_a(c, classes)), key=str)

    def with_objects(self, graph: rdflib.Graph, cls: URIRef, prop: URIRef, objects: set) -> list[URIRef]:
        """Resources of cls whose values of prop are exactly the given set (partners, member)."""
        found = []
        for subject in {s for s, t in self.types.items() if cls in t}:
            if set(graph.objects(subject, prop)) == objects:
                found.append(subject)
        return sorted(found, key=str)


# -- parsers ------------------------------------------------------------------------------

def parse_id(text: str) -> str:
    if not iris.is_slug(text):
        suggestion = iris.slugify(text)
        raise CellError(f"'{text}' is not an id: an id is lower-case letters (a-z), digits and single hyphens"
                        + (f", like {suggestion}" if suggestion else ""))
    return text


def parse_year(text: str, column: Column) -> Literal:
    if not re.fullmatch(r"[12][0-9]{3}", text):
        raise CellError(f"'{text}' is not a year: write the year with four digits, like 2019")
    return Literal(text, datatype=XSD.gYear)


_DATE_FORMS = (
    (XSD.date, r"[0-9]{4}-[0-9]{2}-[0-9]{2}", "2019-05-10", lambda t: dt.date.fromisoformat(t)),
    (XSD.gYearMonth, r"[0-9]{4}-[0-9]{2}", "2019-05", lambda t: dt.date.fromisoformat(t + "-01")),
    (XSD.gMonthDay, r"--[0-9]{2}-[0-9]{2}", "--05-10 (day and month without a year)",
     lambda t: dt.date.fromisoformat("2000" + t[1:])),
    (XSD.gYear, r"[12][0-9]{3}", "2019", lambda t: t),
)


def parse_date(text: str, column: Column) -> Literal:
    allowed = [form for form in _DATE_FORMS if form[0] in column.datatypes]
    for datatype, pattern, _, check in allowed:
        if re.fullmatch(pattern, text):
            try:
                check(text)
            except ValueError:
                raise CellError(f"'{text}' is not a real date (check the month and the day)") from None
            return Literal(text, datatype=datatype)
    forms = ", ".join(example for _, _, example, _ in allowed)
    raise CellError(f"'{text}' is not a date in a form the graph accepts: write {forms}")


def parse_integer(text: str, column: Column) -> Literal:
    if not re.fullmatch(r"[+-]?[0-9]+", text):
        raise CellError(f"'{text}' is not a whole number: write digits only, like 12")
    value = int(text)
    if column.minimum is not None and value < column.minimum:
        raise CellError(f"'{text}' is too small: the number cannot be less than {column.minimum}")
    return Literal(value)


def parse_code(text: str, column: Column) -> Literal:
    return Literal(text)


_SDG_TEXT = re.compile(r"^(?:sdg|goal|mål|mal|global goal|globalt mål)?\s*:?\s*([0-9]+(?:\.(?:[0-9]+|[a-z]))?)$", re.I)


def parse_sdg(text: str, column: Column) -> URIRef:
    goals = {a.value: a.term for a in column.allowed}
    code = None
    if text.startswith(("http://", "https://")):
        code = iris.sdg_code(text)
    else:
        match = _SDG_TEXT.match(text.strip())
        code = match.group(1).lower() if match else None
    number = code.split(".")[0] if code else None
    if code is None or number not in goals or not iris.is_sdg_code(code):
        low, high = min(map(int, goals)), max(map(int, goals))
        raise CellError(f"'{text}' is not a Sustainable Development Goal: the goals are numbered {low} to {high}, "
                        "and a target is written with its goal's number, like 4.1")
    return URIRef(namespaces.SDG + code)


def parse_choice(text: str, column: Column, what: str = "value") -> URIRef:
    """A value from the column's allowed list: its English or Swedish name, id or prefixed name."""
    wanted = normalise(text)
    for allowed in column.allowed:
        names = {allowed.value, allowed.label_en, allowed.label_sv, compact(allowed.term),
                 str(allowed.term), str(allowed.term).rsplit("/", 1)[-1].rsplit("#", 1)[-1]}
        if wanted in {normalise(n) for n in names}:
            return allowed.term
    shown = "; ".join(a.label_en for a in column.allowed)
    raise CellError(f"'{text}' is not one of the allowed values: {shown} (or their Swedish names)")


def parse_concept(text: str, column: Column, schema: Schema) -> URIRef:
    wanted = normalise(text)
    for allowed in column.allowed:
        if wanted in {normalise(n) for n in _concept_names(allowed.term, schema)}:
            return allowed.term
    return parse_choice(text, column)


def _concept_names(term: URIRef, schema: Schema) -> set[str]:
    names = {str(term), compact(term), str(term).rsplit("/", 1)[-1]}
    for prop in NAME_PROPERTIES:
        names |= {str(v) for v in schema.data.objects(term, prop)}
    return names


def parse_language(text: str, column: Column) -> str:
    wanted = normalise(text)
    for code, words in (("sv", {"sv", "swedish", "svenska"}), ("en", {"en", "english", "engelska"})):
        if wanted in words:
            return code
    raise CellError(f"'{text}' is not a language the graph uses: write sv (Swedish) or en (English)")

