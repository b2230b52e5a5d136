"""What the graph says about one resource, in both directions, for every view. No Flask here.

    describe(graph, iri, lang)        -> Description (types, label, grouped properties, incoming links
                                         grouped by kind, numbered references, a partnership's timeline)
    resource_graph(graph, iri, fmt)   -> bytes of the resource's data with its citation, serialised by
                                         pyoxigraph

A page reads like a reference entry: each value once (the header's title and summary are not
repeated below; a link only the rules derive is dropped where the data states it, or shown beside
the stated property it comes from), incoming links named by the property's pg:inverseLabel (or
inverse-labels.json for standard terms), and each statement with the numbers of its source
documents (docs/modelling.md, "Sources of a statement"). Labels of everything a page shows come
from one query (rq/describe-labels.rq); property labels from the ontology, or for standard terms
from labels.json.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from .. import rq
from ..rdf import iris
from .citation import MONTHS, citation

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
FOAF = "http://xmlns.com/foaf/0.1/"
SCHEMA = "https://schema.org/"
PG = iris.ONTOLOGY_NS

LABEL_PROPERTIES = (RDFS + "label", SKOS + "prefLabel", DCT + "title", FOAF + "name")
LANGS = ("en", "sv")

# The order of groups and of properties within them.
IDENTITY = (RDF + "type", RDFS + "label", SKOS + "prefLabel", FOAF + "name", DCT + "title", SKOS + "altLabel",
            DCT + "description", SKOS + "definition", RDFS + "comment", SKOS + "notation", SCHEMA + "jobTitle",
            PG + "politicalParty", PG + "sdgNumber", PG + "colour", PG + "fileName")
RELATIONS = (PG + "partner", PG + "partnerIn", PG + "partnership", PG + "hasProject", PG + "country", PG + "region",
             PG + "partnerCountry", PG + "continent", PG + "programme", PG + "status", PG + "projectArea",
             PG + "sdg", PG + "addressesSdg", PG + "topic", PG + "targetGroup", PG + "participant",
             PG + "participantCategory", PG + "participatesIn", PG + "projectOwner", PG + "fundedBy",
             PG + "buildsOn", PG + "continuedBy", PG + "partOfNetwork", "http://www.w3.org/ns/org#member",
             "http://www.w3.org/ns/org#organization", PG + "role", PG + "representative", PG + "memberOfNetwork",
             PG + "affiliation", PG + "place", PG + "organiser", PG + "about")
TIME = (PG + "startYear", PG + "endYear", PG + "startDate", PG + "endDate", PG + "date", PG + "durationYears",
        DCT + "date", DCT + "created", DCT + "modified")
FIGURES = (PG + "count", PG + "numberOfActivities", PG + "numberOfParticipants")
NOTES = (SKOS + "editorialNote",)
PROVENANCE = (PROV + "wasDerivedFrom", DCT + "source")
IDENTIFIERS = (PG + "municipalityCode", "http://www.w3.org/2002/07/owl#sameAs", SKOS + "exactMatch",
               SKOS + "closeMatch")
GROUPS = ("identity", "identifiers", "relations", "time", "figures", "notes", "provenance")

_NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long", "short",
                              "nonNegativeInteger", "positiveInteger")}


@lru_cache(maxsize=1)
def standard_labels() -> dict[str, dict[str, str]]:
    """English and Swedish labels of the standard (non-pg:) terms, from labels.json."""
    data = json.loads((Path(__file__).parent / "labels.json").read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


# -- formatting literals for people ---------------------------------------------------------------

def format_number(value: int | float | str, lang: str = "en") -> str:
    """1500 -> '1,500' (en) or '1 500' (sv, with a no-break space)."""
    try:
        number = float(value) if isinstance(value, str) and not re.fullmatch(r"[+-]?\d+", value) else int(value)
    except (TypeError, ValueError):
        return str(value)
    text = f"{number:,}" if isinstance(number, int) else f"{number:,.2f}".rstrip("0").rstrip(".")
    if lang == "sv":
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text


def format_literal(value: str, datatype: str | None, lang: str = "en") -> str:
    """A literal as a person reads it: dates spelled out in the reader's language, numbers grouped."""
    lang = lang if lang in MONTHS else "en"
    months = MONTHS[lang]
    try:
        if datatype == XSD + "gYear":
            return str(int(value))
        if datatype == XSD + "date":
            day = date.fromisoformat(value[:10])
            return f"{day.day} {months[day.month - 1]} {day.year}"
        if datatype == XSD + "gYearMonth":
            year, month = value[:7].split("-")
            name = months[int(month) - 1]
            return f"{name} {int(year)}"
        if datatype == XSD + "gMonthDay":
            month, day_of_month = value.lstrip("-")[:5].split("-")
            return f"{int(day_of_month)} {months[int(month) - 1]}"
    except (ValueError, IndexError):
        return value
    if datatype in _NUMERIC:
        return format_number(value, lang)
    if datatype == XSD + "boolean":
        return {"en": {"true": "yes", "false": "no"}, "sv": {"true": "ja", "false": "nej"}}[lang].get(value, value)
    return value


# -- the description -----------------------------------------------------------------------------

@dataclass
class Value:
    kind: str                       # "uri", "literal" or "bnode"
    value: str
    text: str                       # what a person reads: a label, a formatted literal
    lang: str | None = None
    datatype: str | None = None
    colour: str | None = None       # an SDG's colour
    sdg: str | None = None          # an SDG code, 4 or 4.1
    figure: str | None = None       # a pg:count node's number: "500", "at least 100", "10-20"
    details: list[tuple[str, str]] = field(default_factory=list)  # a blank node's statements
    kind_label: str | None = None   # a place's or an event's type ("municipality", "visit")
    when: str | None = None         # an event's date, formatted
    scheme: str | None = None       # an external identifier's register ("Wikidata") ...
    code: str | None = None         # ... and its code there ("Q500217")
    refs: list[int] = field(default_factory=list)   # numbers of the references of its statement
    derived: bool = False           # only the rules state it (graph/inferred)

    @property
    def is_iri(self) -> bool:
        return self.kind == "uri"


@dataclass
class Property:
    iri: str
    label: str
    values: list[Value]
    also: Property | None = None  # a derived property's further values, shown beside this one


@dataclass
class Reference:
    """A numbered reference of a page: a source document, or the source of an identifier."""
    number: int
    iri: str
    title: str
    lang: str | None = None
    detail: str | None = None       # publisher and date, as the document gives them
    local: bool = True


@dataclass
class Group:
    key: str
    properties: list[Property]


@dataclass
class TimelineEntry:
    project: Value
    start: int | None
    end: int | None


@dataclass
class Description:
    iri: str
    lang: str
    label: str
    labels: dict[str, str]
    types: list[Value]
    summary: str | None
    groups: list[Group]
    incoming: list[Property]
    sources: list[Value]
    timeline: list[TimelineEntry]
    sdgs: list[Value]
    incoming_groups: list[Group] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    summary_lang: str | None = None

    @property
    def exists(self) -> bool:
        return bool(self.types or self.groups or self.incoming)

    def reference(self, number: int) -> Reference | None:
        return next((r for r in self.references if r.number == number), None)

    def property(self, iri: str) -> Property | None:
        for group in self.groups:
            for prop in group.properties:
                if prop.iri == iri:
                    return prop
        return None


class Labels:
    """Labels of IRIs in several languages, chosen for a reader."""

    def __init__(self, lang: str):
        self.lang = lang
        self.by_iri: dict[str, dict[str, dict[str, str]]] = {}   # iri -> property -> lang -> text
        self.extra: dict[str, dict[str, str]] = {}               # iri -> pg:colour / pg:sdgNumber

    def add(self, iri: str, prop: str, term: dict) -> None:
        if prop in LABEL_PROPERTIES:
            self.by_iri.setdefault(iri, {}).setdefault(prop, {}).setdefault(term.get("xml:lang", ""), term["value"])
        else:
            self.extra.setdefault(iri, {})[prop] = term["value"]

    def all_langs(self, iri: str) -> dict[str, str]:
        found: dict[str, str] = {}
        for prop in LABEL_PROPERTIES:
            for lang, text in self.by_iri.get(iri, {}).get(prop, {}).items():
                found.setdefault(lang, text)
        return found

    def get(self, iri: str, fallback: str | None = None) -> str:
        return pick_label(self.by_iri.get(iri, {}), self.lang) or fallback or default_label(iri)


def pick_label(by_prop: dict[str, dict[str, str]], lang: str) -> str | None:
    """The reader's language first, then English, Swedish, untagged, any."""
    for want in (lang, "en", "sv", ""):
        for prop in LABEL_PROPERTIES:
            text = by_prop.get(prop, {}).get(want)
            if text:
                return text
    for prop in LABEL_PROPERTIES:
        for text in by_prop.get(prop, {}).values():
            return text
    return None


def default_label(iri: str) -> str:
    code = iris.sdg_code(iri)
    if code:
        return f"SDG {code}"
    local = re.split(r"[#/]", iri.rstrip("/#"))[-1]
    return local or iri


def _term_langs(values: list[dict], lang: str) -> list[dict]:
    """Of language-tagged literals, those in the reader's language when there are any (then en)."""
    tagged = [v for v in values if v.get("type") == "literal" and v.get("xml:lang")]
    if len(tagged) < 2:
        return values
    for want in (lang, "en", "sv"):
        chosen = [v for v in tagged if v["xml:lang"].lower().startswith(want)]
        if chosen:
            return [v for v in values if v not in tagged] + chosen
    return values


def property_label(iri: str, labels: Labels) -> str:
    own = pick_label(labels.by_iri.get(iri, {}), labels.lang) if iri.startswith(PG) else None
    if own:
        return own
    standard = standard_labels().get(iri)
    if standard:
        return standard.get(labels.lang) or standard.get("en") or default_label(iri)
    return labels.get(iri)


def _group_of(prop: str, is_iri_valued: bool) -> str:
    if prop in IDENTIFIERS:
        return "identifiers"
    if prop in IDENTITY:
        return "identity"
    if prop in TIME:
        return "time"
    if prop in FIGURES:
        return "figures"
    if prop in NOTES:
        return "notes"
    if prop in PROVENANCE:
        return "provenance"
    return "relations" if is_iri_valued or prop in RELATIONS else "identity"


def _order(prop: str, group: str) -> int:
    table = {"identity": IDENTITY, "identifiers": IDENTIFIERS, "relations": RELATIONS, "time": TIME, "figures": FIGURES,
             "notes": NOTES, "provenance": PROVENANCE}[group]
    return table.index(prop) if prop in table else len(table)


def _figure(details: dict[str, str], lang: str) -> str | None:
    words = {"en": ("at least", "at most"), "sv": ("minst", "högst")}[lang if lang == "sv" else "en"]
    value, low, high = (details.get(SCHEMA + k) for k in ("value", "minValue", "maxValue"))
    if value is not None:
        return format_number(value, lang)
    if low is not None and high is not None:
        return f"{format_number(low, lang)}–{format_number(high, lang)}"
    if low is not None:
        return f"{words[0]} {format_number(low, lang)}"
    if high is not None:
        return f"{words[1]} {format_number(high, lang)}"
    return None


def sdg_goals(graph) -> dict[str, dict]:
    """The goals in the graph: {number: {"iri", "colour", "labels": {lang: text}}}."""
    goals: dict[str, dict] = {}
    for row in graph.select(rq.load("sdg-goals")):
        number = str(int(row["number"]["value"]))
        goal = goals.setdefault(number, {"iri": row["goal"]["value"], "number": int(number), "labels": {},
                                         "colour": row.get("colour", {}).get("value")})
        if "label" in row:
            goal["labels"].setdefault(row["label"].get("xml:lang", ""), row["label"]["value"])
    return goals


def goal_number(code: str) -> str:
    return code.split(".")[0]


def describe(graph, iri: str, lang: str = "en", goals: dict[str, dict] | None = None,
             inverses: dict[str, dict[str, str]] | None = None, exclude: set[str] | frozenset = frozenset(),
             documents: dict[str, dict] | None = None) -> Description:
    """Everything the graph says about iri, labelled for a reader of lang (en or sv): each value
    once, incoming links named from iri's side and grouped by what links here, every statement
    with the numbers of its references. exclude: IRIs the page lists elsewhere (an SDG page's
    projects), left out of the incoming links. goals, inverses and documents may be passed in
    from a cache (sdg_goals, inverse_labels, source_documents)."""
    binding = {"s": ("iri", iri)}
    out_rows = graph.select(rq.load("describe-out"), binding)
    in_rows = graph.select(rq.load("describe-in"), binding)
    labels = Labels(lang)
    for row in graph.select(rq.load("describe-labels"), binding):
        labels.add(row["x"]["value"], row["lp"]["value"], row["label"])
    about = _neighbours(graph, binding)
    stated = _statements(graph, binding)
    derivations = _derivations(graph, binding) if stated.inferred else {}
    inverses = inverse_labels(graph) if inverses is None else inverses
    documents = source_documents(graph) if documents is None else documents

    # Outgoing: predicate -> values; blank nodes collect their own statements.
    objects: dict[str, list[dict]] = {}
    blank: dict[str, dict[str, list[dict]]] = {}
    own_labels: dict[str, dict[str, str]] = {}
    for row in out_rows:
        prop, obj = row["p"]["value"], row["o"]
        if obj not in objects.setdefault(prop, []):
            objects[prop].append(obj)
        if prop in LABEL_PROPERTIES and obj["type"] == "literal":
            own_labels.setdefault(prop, {}).setdefault(obj.get("xml:lang", ""), obj["value"])
        if obj["type"] == "bnode" and "bp" in row:
            blank.setdefault(obj["value"], {}).setdefault(row["bp"]["value"], []).append(row["bo"])
    labels.by_iri.setdefault(iri, {}).update({k: v for k, v in own_labels.items()})
    own = about.setdefault(iri, {"isa": set()})
    own["doc"] = {v["value"] for v in objects.get(PROV + "wasDerivedFrom", []) if v["type"] == "uri"}
    own["source"] = {v["value"] for v in objects.get(DCT + "source", []) if v["type"] == "uri"}
    refs = _References(iri, about, documents, labels, lang)

    def sdg_colour(code: str) -> str | None:
        nonlocal goals
        own = labels.extra.get(iris.SDG_NS + code, {}).get(PG + "colour")
        if own:
            return own
        if goals is None:
            goals = sdg_goals(graph)
        return goals.get(goal_number(code), {}).get("colour")

    def make_value(term: dict) -> Value:
        kind = term["type"]
        if kind == "uri":
            code = iris.sdg_code(term["value"])
            value = Value("uri", term["value"], labels.get(term["value"]), sdg=code,
                          colour=sdg_colour(code) if code else None)
            scheme = external_identifier(term["value"])
            if scheme:
                value.scheme, value.code = scheme
            facts = about.get(term["value"], {})
            if facts.get("isa", set()) & KIND_SHOWN:
                stated_types = sorted(facts.get("type", set()))
                if stated_types:
                    value.kind_label = labels.get(stated_types[0])
                if facts.get("date"):
                    day = facts["date"][0]
                    value.when = format_literal(day["value"], day.get("datatype"), lang)
            return value
        if kind == "bnode":
            statements = blank.get(term["value"], {})
            details, plain = [], {}
            for bprop, bvalues in statements.items():
                if bprop == RDF + "type":
                    continue
                for bv in _term_langs(bvalues, lang):
                    text = labels.get(bv["value"]) if bv["type"] == "uri" else \
                        format_literal(bv["value"], bv.get("datatype"), lang)
                    details.append((property_label(bprop, labels), text))
                    plain.setdefault(bprop, bv["value"])
            label_values = _term_langs(statements.get(RDFS + "label", []), lang)
            text = label_values[0]["value"] if label_values else ", ".join(f"{k}: {v}" for k, v in details)
            return Value("bnode", term["value"], text, details=details, figure=_figure(plain, lang))
        return Value("literal", term["value"], format_literal(term["value"], term.get("datatype"), lang),
                     lang=term.get("xml:lang"), datatype=term.get("datatype"))

    def cite(value: Value, direction: str, prop: str, other: dict) -> Value:
        """Give value the references of its statement (iri prop other, or other prop iri)."""
        key = (direction, prop, _term_key(other))
        if prop in PROVENANCE and direction == "in":    # "X is derived from this document": the document
            value.refs = refs.of(iri) if iri not in documents else refs.of_document(iri)
        elif other["type"] == "bnode" or key in stated.asserted:
            speaker = iri if direction == "out" else other["value"]
            value.refs = refs.of(speaker, identifier=prop in IDENTIFIER_PROPERTIES)
        elif key in stated.inferred:
            value.derived = True
            value.refs = refs.of_all(derivations.get((direction, prop, other["value"]), ()))
        return value

    # The header shows the title, the label in the other language and the summary: not again below.
    title = labels.get(iri)
    other_lang = "sv" if lang == "en" else "en"
    in_header = {title.casefold(), labels.all_langs(iri).get(other_lang, title).casefold()}
    own_code = iris.sdg_code(iri)
    summary_prop = next((p for p in SUMMARY_PROPERTIES if objects.get(p)), None)
    summary_values = _term_langs(objects.get(summary_prop, []), lang) if summary_prop else []

    made_by_prop: dict[str, list[Value]] = {}
    for prop, values in objects.items():
        if prop == RDF + "type" or prop == summary_prop or prop in PROVENANCE:
            continue
        values = _term_langs(values, lang)
        if prop in LABEL_PROPERTIES or prop == SKOS + "altLabel":
            values = [v for v in values if v["type"] != "literal" or v["value"].casefold() not in in_header]
        if prop in (SKOS + "notation", PG + "sdgNumber") and own_code:   # a goal's number is in its title
            values = [v for v in values if v["value"] != own_code]
        made = [cite(make_value(v), "out", prop, v) for v in values]
        if made:
            made_by_prop[prop] = made
    _fold_duplicates(made_by_prop)

    grouped: dict[str, list[Property]] = {g: [] for g in GROUPS}
    for prop, made in made_by_prop.items():
        made.sort(key=lambda v: (v.sdg is None, _sdg_sort(v.sdg), v.text.casefold()))
        group = _group_of(prop, any(v.kind != "literal" for v in made))
        grouped[group].append(Property(prop, property_label(prop, labels), made))
    for prop in PROVENANCE:
        if objects.get(prop):
            grouped["provenance"].append(Property(prop, property_label(prop, labels),
                                                  [make_value(v) for v in objects[prop]]))
    _attach_derived(grouped)

    # The projects of a partnership are shown on its timeline, with their references.
    timeline = []
    for row in graph.select(rq.load("partnership-projects"), binding):
        start, end = _year(row.get("startYear")), _year(row.get("endYear"))
        project = cite(make_value(row["project"]), "in", PG + "partnership", row["project"])
        timeline.append(TimelineEntry(project, start, end))
    timeline.sort(key=lambda e: (e.start is None and e.end is None, e.start or e.end or 0, e.end or e.start or 0,
                                 e.project.text.casefold()))
    if timeline:
        on_timeline = {e.project.value for e in timeline}
        grouped["relations"] = [p for p in grouped["relations"]
                                if not (p.iri == PG + "hasProject" and {v.value for v in p.values} <= on_timeline)]

    groups = []
    for key in GROUPS:
        props = sorted(grouped[key], key=lambda p: (_order(p.iri, key), p.label.casefold()))
        if props:
            groups.append(Group(key, props))

    # Incoming links, without those already shown as outgoing values (inverse links), named from
    # this side and grouped by the kind of resource they come from.
    shown = {v["value"] for prop, vs in objects.items() if prop not in PROVENANCE for v in vs
             if v["type"] == "uri"} | set(exclude)
    incoming_by: dict[str, list[Value]] = {}
    for row in in_rows:
        subject = row["x"]["value"]
        if subject in shown or subject == iri:
            continue
        prop = row["p"]["value"]
        if all(v.value != subject for v in incoming_by.get(prop, [])):
            incoming_by.setdefault(prop, []).append(cite(make_value(row["x"]), "in", prop, row["x"]))
    by_kind: dict[str, dict[str, list[Value]]] = {}
    for prop, values in incoming_by.items():
        for value in values:
            kind = incoming_kind(about.get(value.value, {}).get("isa", set()))
            by_kind.setdefault(kind, {}).setdefault(prop, []).append(value)
    incoming_groups = []
    for kind in INCOMING_KINDS:
        if kind in by_kind:
            props = [Property(p, inverse_label(p, inverses, labels), sorted(vs, key=lambda v: v.text.casefold()))
                     for p, vs in by_kind[kind].items()]
            props.sort(key=lambda p: p.label.casefold())
            incoming_groups.append(Group(kind, props))
    incoming = [prop for group in incoming_groups for prop in group.properties]

    types = [make_value(t) for t in objects.get(RDF + "type", [])]
    sources = [make_value(v) for v in objects.get(PROV + "wasDerivedFrom", [])]
    sources.sort(key=lambda v: v.text.casefold())
    sdgs = [make_value(v) for v in objects.get(PG + "sdg", [])]
    sdgs.sort(key=lambda v: _sdg_sort(v.sdg))

    summary = summary_values[0] if summary_values else None
    return Description(iri, lang, title, labels.all_langs(iri), types,
                       summary["value"] if summary else None, groups, incoming, sources,
                       timeline, sdgs, incoming_groups, refs.listed(),
                       summary.get("xml:lang") if summary else None)


# -- what the page needs to know beside the statements ----------------------------------------

SUMMARY_PROPERTIES = (DCT + "description", SKOS + "definition", RDFS + "comment")
IDENTIFIER_PROPERTIES = frozenset({PG + "municipalityCode", "http://www.w3.org/2002/07/owl#sameAs",
                                   SKOS + "exactMatch", SKOS + "closeMatch"})
# A derived property whose values are shown beside the stated one they come from.
DERIVED_BESIDE = {PG + "addressesSdg": PG + "sdg"}
# Values of these kinds are shown with their type (and an event with its date).
KIND_SHOWN = frozenset({PG + "LocalGovernment", PG + "Region", PG + "Country", PG + "Event"})
# Incoming links grouped by the kind of resource they come from, in this order.
INCOMING_KINDS = ("people", "places", "organisations", "partnerships", "projects", "networks", "events",
                  "sources", "other")
_KIND_OF_CLASS = (
    (PG + "Person", "people"), (PG + "LocalGovernment", "places"), (PG + "Region", "places"),
    (PG + "Country", "places"), (PG + "Organisation", "organisations"), (PG + "Partnership", "partnerships"),
    (PG + "Project", "projects"), (PG + "Network", "networks"), (PG + "Membership", "networks"),
    (PG + "Event", "events"), (PG + "SourceDocument", "sources"),
)
EXTERNAL_REGISTERS = (
    (re.compile(r"^https?://www\.wikidata\.org/entity/(Q\d+)$"), "Wikidata"),
    (re.compile(r"^https?://(?:sws\.|www\.)?geonames\.org/(\d+)(?:/.*)?$"), "GeoNames"),
)


def external_identifier(value: str) -> tuple[str, str] | None:
    """(register, code) of an identifier in a register people know: Wikidata, GeoNames."""
    for pattern, name in EXTERNAL_REGISTERS:
        match = pattern.match(value)
        if match:
            return name, match.group(1)
    return None


def external_source_name(value: str) -> str:
    """A readable name for a source outside the graph: 'owner/repository (GitHub)' for a repository."""
    match = re.match(r"^https://github\.com/([^/]+/[^/#?]+)/?$", value)
    if match:
        return f"{match.group(1)} (GitHub)"
    return re.sub(r"^https?://", "", value).rstrip("/")


def incoming_kind(classes: set[str]) -> str:
    for cls, kind in _KIND_OF_CLASS:
        if cls in classes:
            return kind
    return "other"


@lru_cache(maxsize=1)
def standard_inverse_labels() -> dict[str, dict[str, str]]:
    """Inverse labels of the standard (non-pg:) properties, from inverse-labels.json."""
    data = json.loads((Path(__file__).parent / "inverse-labels.json").read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


def inverse_labels(graph) -> dict[str, dict[str, str]]:
    """{property: {lang: label}}: pg:inverseLabel from the ontology, then the standard terms' labels."""
    found: dict[str, dict[str, str]] = {k: dict(v) for k, v in standard_inverse_labels().items()}
    for row in graph.select(rq.load("inverse-labels")):
        found.setdefault(row["p"]["value"], {}).setdefault(row["label"].get("xml:lang", ""), row["label"]["value"])
    return found


def inverse_label(prop: str, inverses: dict[str, dict[str, str]], labels: Labels) -> str:
    """How a page names an incoming link of prop, from the side of the resource it points to."""
    own = inverses.get(prop, {})
    text = own.get(labels.lang) or own.get("en")
    if text:
        return text
    forward = property_label(prop, labels)
    return f"är ”{forward}” för" if labels.lang == "sv" else f"is “{forward}” of"


def source_documents(graph) -> dict[str, dict]:
    """{document IRI: {"title": {lang: text}, "label": {lang: text}, "date", "modified", "publisher", "file"}}."""
    docs: dict[str, dict] = {}
    for row in graph.select(rq.load("source-documents")):
        doc = docs.setdefault(row["doc"]["value"], {"title": {}, "label": {}, "publisher": {}})
        key, term = row["k"]["value"], row["v"]
        if key in ("title", "label", "publisher"):
            doc[key].setdefault(term.get("xml:lang", ""), term["value"])
        else:
            doc[key] = term
    return docs


def _true(term: dict | None) -> bool:
    """An xsd:boolean result as stores write it ("true", or 1 from some)."""
    return term is not None and term["value"] in ("true", "1")


def _term_key(term: dict) -> tuple:
    if term["type"] == "literal":
        return ("literal", term["value"], term.get("xml:lang", ""), term.get("datatype", ""))
    return (term["type"], term["value"])


@dataclass
class _Stated:
    asserted: set
    inferred: set


def _statements(graph, binding) -> _Stated:
    """Which statements about the resource the data states, and which only the rules derive."""
    stated = _Stated(set(), set())
    for row in graph.select(rq.load("describe-statements"), binding):
        key = (row["dir"]["value"], row["p"]["value"], _term_key(row["o"]))
        (stated.inferred if _true(row["inferred"]) else stated.asserted).add(key)
    stated.inferred -= stated.asserted
    return stated


def _neighbours(graph, binding) -> dict[str, dict]:
    """For the resource and each one it links with: docs, sources, stated types, all pg: classes, date."""
    found: dict[str, dict] = {}
    for row in graph.select(rq.load("describe-neighbours"), binding):
        facts = found.setdefault(row["y"]["value"], {})
        key, term = row["k"]["value"], row["v"]
        if key == "date":
            facts.setdefault("date", []).append(term)
        else:
            facts.setdefault(key, set()).add(term["value"])
    for facts in found.values():
        facts["isa"] = set(facts.get("isa", set())) | facts.get("type", set())
    return found


def _derivations(graph, binding) -> dict[tuple, list[str]]:
    """(direction, property, other end) of each derived link -> the resources whose documents state
    it, from the shortest chain of stated links that joins its two ends."""
    best: dict[tuple, tuple[int, list[str]]] = {}
    subject = binding["s"][1]
    for row in graph.select(rq.load("describe-derivations"), binding):
        key = (row["dir"]["value"], row["p"]["value"], row["o"]["value"])
        hops = int(row["hops"]["value"])
        if hops == 0:
            speakers = [row["o"]["value"] if _true(row["os"]) else subject]
        else:
            speakers = [row["w"]["value"]] + ([row["w2"]["value"]] if "w2" in row else [])
            if _true(row["os"]):
                speakers.append(row["o"]["value"])
            if _true(row["ss"]):
                speakers.append(subject)
        known = best.get(key)
        if known is None or hops < known[0]:
            best[key] = (hops, [])
        if best[key][0] == hops:
            bucket = best[key][1]
            bucket.extend(s for s in speakers if s not in bucket)
    return {key: speakers for key, (_, speakers) in best.items()}


class _References:
    """The page's numbered references: the resource's own documents first, then the others in the
    order the page cites them."""

    def __init__(self, iri: str, about: dict[str, dict], documents: dict[str, dict], labels: Labels, lang: str):
        self.about, self.documents, self.labels, self.lang = about, documents, labels, lang
        self.numbers: dict[str, int] = {}
        own = sorted(about.get(iri, {}).get("doc", set()), key=lambda d: self._title(d)[0].casefold())
        for doc in own:
            self._number(doc)

    def _number(self, doc: str) -> int:
        if doc not in self.numbers:
            self.numbers[doc] = len(self.numbers) + 1
        return self.numbers[doc]

    def _title(self, doc: str) -> tuple[str, str | None]:
        info = self.documents.get(doc)
        if not info:
            return (self.labels.get(doc, external_source_name(doc)) if doc in self.labels.by_iri
                    else external_source_name(doc)), None
        for key in ("title", "label"):
            for want in (self.lang, "en", "sv", ""):
                if info[key].get(want):
                    return info[key][want], want or None
        return info.get("file", {}).get("value", default_label(doc)), None

    def of(self, speaker: str, identifier: bool = False) -> list[int]:
        """The documents of what speaker states: its prov:wasDerivedFrom, or for an identifier its
        dcterms:source; failing the one, the other; a source document states its own facts."""
        facts = self.about.get(speaker, {})
        docs, sources = facts.get("doc", set()), facts.get("source", set())
        chosen = (sources or docs) if identifier else (docs or sources)
        if not chosen and speaker in self.documents:
            chosen = {speaker}
        return sorted(self._number(d) for d in sorted(chosen))

    def of_document(self, doc: str) -> list[int]:
        return [self._number(doc)]

    def of_all(self, speakers) -> list[int]:
        return sorted({n for s in speakers for n in self.of(s)})

    def listed(self) -> list[Reference]:
        out = []
        for doc, number in sorted(self.numbers.items(), key=lambda kv: kv[1]):
            title, lang = self._title(doc)
            info = self.documents.get(doc, {})
            parts = []
            publisher = info.get("publisher", {})
            if publisher:
                parts.append(publisher.get(self.lang) or publisher.get("en") or next(iter(publisher.values())))
            when = info.get("date") or info.get("modified")
            if when:
                parts.append(format_literal(when["value"], when.get("datatype"), self.lang))
            out.append(Reference(number, doc, title, lang, ", ".join(parts) or None, local=doc in self.documents))
        return out


def _fold_duplicates(made_by_prop: dict[str, list[Value]]) -> None:
    """Each value once: a value that only the rules derive is dropped where the data states it
    under another property; a literal already shown under an earlier property is not repeated."""
    stated_iris = {v.value for vs in made_by_prop.values() for v in vs if v.kind == "uri" and not v.derived}
    seen_text: set[str] = set()
    order = {p: (GROUPS.index(_group_of(p, False)), _order(p, _group_of(p, False))) for p in made_by_prop}
    for prop in sorted(made_by_prop, key=lambda p: order[p]):
        kept = []
        for value in made_by_prop[prop]:
            if value.kind == "uri" and value.derived and value.value in stated_iris:
                continue
            if value.kind == "literal":
                if value.text in seen_text:
                    continue
                seen_text.add(value.text)
            kept.append(value)
        made_by_prop[prop] = kept
    for prop in [p for p, vs in made_by_prop.items() if not vs]:
        del made_by_prop[prop]


def _attach_derived(grouped: dict[str, list[Property]]) -> None:
    """A derived property shown beside the stated one it comes from ("also: addresses goal")."""
    for derived, beside in DERIVED_BESIDE.items():
        for props in grouped.values():
            target = next((p for p in props if p.iri == beside), None)
            extra = next((p for p in props if p.iri == derived), None)
            if target and extra:
                target.also = extra
                props.remove(extra)


def _year(term: dict | None) -> int | None:
    if not term:
        return None
    try:
        return int(term["value"][:4])
    except ValueError:
        return None


def _sdg_sort(code: str | None) -> tuple:
    if not code:
        return (99, "")
    goal, _, target = code.partition(".")
    return (int(goal), target.zfill(3))


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
