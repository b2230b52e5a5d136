"""What the graph says about one resource, in both directions, for every view. No Flask here.

    describe(graph, iri, lang)        -> Description (types, label, grouped properties, incoming links,
                                         sources, a partnership's project timeline)
    resource_graph(graph, iri, fmt)   -> bytes of the resource's data, serialised by pyoxigraph

Labels of everything a page shows come from one query (rq/describe-labels.rq); property labels
from the ontology, or for standard terms from labels.json.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from . import iris, rq

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
            PG + "politicalParty", PG + "municipalityCode", PG + "sdgNumber", PG + "colour", PG + "fileName")
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
GROUPS = ("identity", "relations", "time", "figures", "notes", "provenance")

MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    "sv": ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
           "november", "december"),
}
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

    @property
    def is_iri(self) -> bool:
        return self.kind == "uri"


@dataclass
class Property:
    iri: str
    label: str
    values: list[Value]


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

    @property
    def exists(self) -> bool:
        return bool(self.types or self.groups or self.incoming)

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
    table = {"identity": IDENTITY, "relations": RELATIONS, "time": TIME, "figures": FIGURES,
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


def describe(graph, iri: str, lang: str = "en", goals: dict[str, dict] | None = None) -> Description:
    """Everything the graph says about iri, labelled for a reader of lang (en or sv)."""
    binding = {"s": ("iri", iri)}
    out_rows = graph.select(rq.load("describe-out"), binding)
    in_rows = graph.select(rq.load("describe-in"), binding)
    labels = Labels(lang)
    for row in graph.select(rq.load("describe-labels"), binding):
        labels.add(row["x"]["value"], row["lp"]["value"], row["label"])

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
            return Value("uri", term["value"], labels.get(term["value"]), sdg=code,
                         colour=sdg_colour(code) if code else None)
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

    grouped: dict[str, list[Property]] = {g: [] for g in GROUPS}
    for prop, values in objects.items():
        values = _term_langs(values, lang)
        made = [make_value(v) for v in values]
        made.sort(key=lambda v: (v.sdg is None, _sdg_sort(v.sdg), v.text.casefold()))
        group = _group_of(prop, any(v.kind != "literal" for v in made))
        grouped[group].append(Property(prop, property_label(prop, labels), made))
    groups = []
    for key in GROUPS:
        props = sorted(grouped[key], key=lambda p: (_order(p.iri, key), p.label.casefold()))
        if props:
            groups.append(Group(key, props))

    # Incoming links, without those already shown as outgoing values (inverse links).
    shown = {v["value"] for vs in objects.values() for v in vs if v["type"] == "uri"}
    incoming_by: dict[str, list[Value]] = {}
    for row in in_rows:
        subject = row["x"]["value"]
        if subject in shown or subject == iri:
            continue
        value = make_value(row["x"])
        if all(v.value != subject for v in incoming_by.get(row["p"]["value"], [])):
            incoming_by.setdefault(row["p"]["value"], []).append(value)
    incoming = [Property(p, property_label(p, labels), sorted(vs, key=lambda v: v.text.casefold()))
                for p, vs in incoming_by.items()]
    incoming.sort(key=lambda p: p.label.casefold())

    types = [make_value(t) for t in objects.get(RDF + "type", [])]
    summary_values = _term_langs(objects.get(DCT + "description", []) or objects.get(SKOS + "definition", [])
                                 or objects.get(RDFS + "comment", []), lang)
    sources = [make_value(v) for v in objects.get(PROV + "wasDerivedFrom", [])]
    sources.sort(key=lambda v: v.text.casefold())
    sdgs = [make_value(v) for v in objects.get(PG + "sdg", [])]
    sdgs.sort(key=lambda v: _sdg_sort(v.sdg))

    timeline = []
    for row in graph.select(rq.load("partnership-projects"), binding):
        start = _year(row.get("startYear"))
        end = _year(row.get("endYear"))
        timeline.append(TimelineEntry(make_value(row["project"]), start, end))
    timeline.sort(key=lambda e: (e.start is None and e.end is None, e.start or e.end or 0, e.end or e.start or 0,
                                 e.project.text.casefold()))

    return Description(iri, lang, labels.get(iri), labels.all_langs(iri), types,
                       summary_values[0]["value"] if summary_values else None, groups, incoming, sources,
                       timeline, sdgs)


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


def resource_graph(graph, iri: str, fmt: str = "turtle") -> bytes:
    """The resource's data (outgoing and incoming triples, blank-node values one level deep),
    serialised by pyoxigraph in fmt: turtle, jsonld, ntriples or rdfxml."""
    return graph.construct(rq.load("resource-graph"), fmt, {"s": ("iri", iri)})
