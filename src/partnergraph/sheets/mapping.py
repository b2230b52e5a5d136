"""The declarative mappings (mappings/{kind}.toml) and the column specifications built from them.

A mapping file names the sheet's columns in order and, for each, the property it fills; the
column's type, whether it is required, whether it takes several values, its allowed values and its
explanation are derived from the ontology and the shapes (see schema.py). A mapping only states
what the ontology cannot know: the column's name, the language of a text column, a fallback or
default, and words for columns whose property is not a pg: term.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from rdflib import OWL, RDF, RDFS, XSD, URIRef

from .schema import DATE_TYPES, PG, Schema, compact, expand, plain

MAPPINGS = resources.files(__package__) / "mappings"
SEPARATOR = ";"
TYPES = ("id", "text", "language", "class", "reference", "concept", "sdg", "year", "date", "integer", "code")
LANGUAGES = ("sv", "en")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


class MappingError(ValueError):
    """A mapping file that cannot be used (a defect in the project, not in a sheet)."""


@dataclass(frozen=True)
class Allowed:
    value: str          # what to write in the cell (the English label, or a number)
    label_en: str
    label_sv: str
    term: URIRef


@dataclass
class Column:
    name: str
    type: str
    prop: URIRef | None = None       # the property the column fills
    language: str | None = None
    language_column: str | None = None
    fallback: tuple[str, ...] = ()
    default: str | None = None
    by_count: dict | None = None
    refers_to: tuple[URIRef, ...] = ()
    scheme: URIRef | None = None
    datatypes: tuple[URIRef, ...] = ()
    minimum: int | None = None
    min_count: int = 0
    multiple: bool = False
    allowed: list[Allowed] = field(default_factory=list)
    example: str = ""
    what_en: str = ""
    what_sv: str = ""
    rules: list[str] = field(default_factory=list)

    @property
    def required(self) -> bool:
        return self.min_count > 0

    @property
    def needs_column(self) -> bool:
        """A new resource cannot do without this column (nothing fills it in)."""
        return self.required and not self.fallback and self.default is None and self.by_count is None

    def kind_text(self, lang: str = "en") -> str:
        """The type in words, for the column reference."""
        sv = lang == "sv"
        words = {
            "id": ("identifier (lower-case letters, digits, hyphens); empty for a new resource",
                   "identifierare (små bokstäver, siffror, bindestreck); tom för en ny resurs"),
            "text": (f"text in {'English' if self.language == 'en' else 'Swedish'}" if self.language else "text",
                     f"text på {'engelska' if self.language == 'en' else 'svenska'}" if self.language else "text"),
            "language": ("language code", "språkkod"),
            "class": ("one of the allowed values", "ett av de tillåtna värdena"),
            "concept": ("one of the allowed values (English or Swedish)", "ett av de tillåtna värdena (engelska eller svenska)"),
            "sdg": ("goal number 1-17, or a target such as 4.1", "målnummer 1-17, eller ett delmål som 4.1"),
            "year": ("year, four digits", "år, fyra siffror"),
            "date": ("date: " + ", ".join(_DATE_FORMS[d] for d in self.datatypes if d in _DATE_FORMS),
                     "datum: " + ", ".join(_DATE_FORMS[d] for d in self.datatypes if d in _DATE_FORMS)),
            "integer": ("whole number" + (f", at least {self.minimum}" if self.minimum is not None else ""),
                        "heltal" + (f", minst {self.minimum}" if self.minimum is not None else "")),
            "code": ("code, written as text (keep leading zeros)", "kod, skriven som text (behåll inledande nollor)"),
        }
        if self.type == "reference":
            return ("the name (or id) of " if not sv else "namnet (eller id) på ") + self.refers_text(lang)
        text = words[self.type][1 if sv else 0]
        return text

    def refers_text(self, lang: str) -> str:
        return self._refers_text.get(lang, "")

    _refers_text: dict = field(default_factory=dict, repr=False)


_DATE_FORMS = {XSD.date: "2019-05-10", XSD.gYearMonth: "2019-05", XSD.gMonthDay: "--05-10", XSD.gYear: "2019"}


@dataclass
class Mapping:
    kind: str
    sheet: str
    cls: URIRef
    title_en: str
    title_sv: str
    slug: str
    match: list[list[str]]
    columns: list[Column]
    source: str

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def columns_for(self, prop: URIRef) -> list[Column]:
        return [c for c in self.columns if c.prop == prop]

    def class_label(self, schema: Schema, lang: str = "en") -> str:
        return schema.label(self.cls, lang)


def mapping_files() -> dict[str, Path]:
    return {Path(str(p)).stem: Path(str(p)) for p in MAPPINGS.iterdir() if str(p).endswith(".toml")}


KIND_ORDER = ("country", "municipality", "partnership", "project", "membership", "event")


def kinds() -> list[str]:
    found = mapping_files()
    return [k for k in KIND_ORDER if k in found] + sorted(set(found) - set(KIND_ORDER))


def kind_name(text: str) -> str:
    """'projects', 'Project' or 'project' -> 'project'."""
    known = kinds()
    lowered = text.strip().lower()
    for kind in known:
        if lowered in (kind, load_raw(kind)["sheet"]):
            return kind
    raise KeyError(f"unknown kind {text!r}; the kinds are {', '.join(known)}")


def load_raw(kind: str) -> dict:
    path = mapping_files().get(kind)
    if path is None:
        raise KeyError(f"no mapping for {kind!r}")
    with open(path, "rb") as handle:
        return tomllib.load(handle)


def load_mapping(kind: str, schema: Schema) -> Mapping:
    raw = load_raw(kind)
    try:
        cls = expand(raw["class"])
        columns = [_column(entry, cls, schema) for entry in raw["columns"]]
        mapping = Mapping(kind=raw["kind"], sheet=raw["sheet"], cls=cls, title_en=raw["title_en"],
                          title_sv=raw["title_sv"], slug=raw["slug"], match=[list(g) for g in raw["match"]],
                          columns=columns, source=str(mapping_files()[kind]))
    except (KeyError, TypeError, ValueError) as err:
        raise MappingError(f"mapping {kind}: {err}") from err
    names = mapping.names
    if len(set(names)) != len(names):
        raise MappingError(f"mapping {kind}: a column name is used twice")
    referenced = set(_PLACEHOLDER.findall(mapping.slug)) | {n for g in mapping.match for n in g}
    for column in columns:
        referenced |= set(column.fallback) | ({column.language_column} - {None})
        referenced |= set(_PLACEHOLDER.findall(column.default or ""))
        if column.by_count:
            referenced.add(column.by_count["column"])
    if referenced - set(names):
        raise MappingError(f"mapping {kind}: refers to columns it does not have: {', '.join(sorted(referenced - set(names)))}")
    return mapping


def _column(entry: dict, cls: URIRef, schema: Schema) -> Column:
    column = Column(name=entry["name"], type=entry.get("type", ""),
                    prop=expand(entry["property"]) if "property" in entry else None,
                    language=entry.get("language"), language_column=entry.get("language_column"),
                    fallback=tuple(entry.get("fallback", ())), default=entry.get("default"),
                    by_count=entry.get("by_count"), example=str(entry.get("example", "")),
                    what_en=entry.get("help_en", ""), what_sv=entry.get("help_sv", ""))
    if column.type == "id":
        column.what_en = column.what_en or ("The resource's identifier, the last part of its IRI. Leave it empty for a new "
                                            "resource: it is made from the name. Give it to change a resource that is "
                                            "already in the graph.")
        column.what_sv = column.what_sv or ("Resursens identifierare, sista delen av dess IRI. Lämna tom för en ny resurs: "
                                            "den bildas av namnet. Ange den för att ändra en resurs som redan finns i grafen.")
        return column
    if column.type == "language":
        column.allowed = [Allowed(code, name_en, name_sv, URIRef(f"urn:lang:{code}"))
                          for code, name_en, name_sv in (("sv", "Swedish", "svenska"), ("en", "English", "engelska"))]
        return column
    if column.prop is None:
        raise ValueError(f"column {column.name} has no property")
    prop = column.prop
    found = schema.constraints(cls, prop)
    column.min_count = found.min_count
    if column.language and column.language in found.languages_required:
        column.min_count = max(column.min_count, 1)
    column.multiple = not (found.max_one or column.type in ("text", "class", "language"))
    column.datatypes = found.datatypes
    column.minimum = found.min_inclusive
    column.scheme = found.scheme
    declared = tuple(expand(c) for c in entry.get("refers_to", ()))
    column.refers_to = declared or found.classes
    if not column.refers_to and not column.scheme:
        rng = schema.range(prop)
        if rng is not None and not str(rng).startswith(str(XSD)) and rng not in (schema_rdfs_literal(),):
            column.refers_to = (rng,)
    if not column.type:
        column.type = _derive_type(column, found)
    if column.type not in TYPES:
        raise ValueError(f"column {column.name}: unknown type {column.type!r}")
    if column.type == "class":
        named = [column.default] if column.default else []
        named += [v for k, v in (column.by_count or {}).items() if k != "column"]
        column.allowed = _class_values(cls, schema, {expand(n) for n in named})
        column.min_count = 0  # always filled: from the cell, the default or the partner count
    elif column.type == "concept":
        column.allowed = [_allowed(t, schema) for t in schema.scheme_members(column.scheme)]
    elif column.type == "reference" and all(schema.is_concept_class(c) for c in column.refers_to):
        column.allowed = [_allowed(t, schema) for c in column.refers_to for t in schema.instances(c)]
    elif column.type == "sdg":
        goals = schema.sdg_goals()
        column.allowed = [Allowed(n, schema.label(goals[n], "en"), schema.label(goals[n], "sv"), goals[n])
                          for n in sorted(goals, key=int)]
    column._refers_text = {lang: _or_words([schema.label(c, lang) for c in column.refers_to], lang)
                           for lang in LANGUAGES}
    if str(prop).startswith(str(PG)):
        column.what_en = column.what_en or schema.comment(prop, "en") or ""
        column.what_sv = column.what_sv or schema.comment(prop, "sv") or ""
    other = {"en": "@sv", "sv": "@en"}.get(column.language or "", None)
    column.rules = [m for m in found.messages if not (other and other in m)]
    return column


def schema_rdfs_literal() -> URIRef:
    return RDFS.Literal


def _derive_type(column: Column, found) -> str:
    if column.scheme is not None:
        return "concept"
    if found.sdg:
        return "sdg"
    if column.refers_to:
        return "reference"
    types = set(column.datatypes)
    if types == {XSD.gYear}:
        return "year"
    if types and types <= set(DATE_TYPES):
        return "date"
    if types == {XSD.integer}:
        return "integer"
    if types == {XSD.string}:
        return "code"
    return "text"


def _allowed(term: URIRef, schema: Schema) -> Allowed:
    return Allowed(schema.label(term, "en"), schema.label(term, "en"), schema.label(term, "sv"), term)


def _class_values(cls: URIRef, schema: Schema, named: set[URIRef]) -> list[Allowed]:
    subclasses = schema.subclasses(cls)
    # An abstract base (no resource typed with it directly, like pg:LocalGovernment) is left out
    # unless the mapping names it as a default.
    direct = any(True for _ in schema.data.subjects(RDF.type, cls)) or cls in named
    chosen = subclasses if direct or subclasses == {cls} else subclasses - {cls}
    return sorted((_allowed(c, schema) for c in chosen), key=lambda a: (a.term != cls, a.label_en))


def _or_words(words: list[str], lang: str) -> str:
    words = list(dict.fromkeys(words))
    if lang == "en":
        words = [f"{'an' if w[:1].lower() in 'aeiou' else 'a'} {w}" for w in words]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + (" or " if lang == "en" else " eller ") + words[-1]


def rule_names(mapping: Mapping, schema: Schema | None = None) -> dict[str, str]:
    """Prefixed names -> words of the sheet, to put shape messages in plain words: a property
    held by one column becomes that column's name; one held by several (name_en, name_sv) the
    part their names share ('name'); a class its label."""
    names: dict[str, str] = {}
    held: dict[URIRef, list[str]] = {}
    for column in mapping.columns:
        if column.prop is not None and column.prop != RDF.type:
            held.setdefault(column.prop, []).append(column.name)
    for prop, columns in held.items():
        if len(columns) == 1:
            names[compact(prop)] = f"'{columns[0]}'"
        else:
            shared = columns[0].rsplit("_", 1)[0]
            names[compact(prop)] = shared if all(c.startswith(shared) for c in columns) else "value"
    if schema is not None:
        for cls in set(schema.ontology.subjects(RDF.type, OWL.Class)):
            if isinstance(cls, URIRef):
                names[compact(cls)] = schema.label(cls, "en")
    return names


def plain_rule(message: str, mapping: Mapping, schema: Schema | None = None) -> str:
    return plain(message, rule_names(mapping, schema))
