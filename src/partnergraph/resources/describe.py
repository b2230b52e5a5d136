"""What the graph says about one resource, in both directions, for every view. No Flask here.

    describe(graph, iri, lang)        -> Description (types, label, grouped properties, incoming links
                                         grouped by kind, numbered references, a partnership's timeline)

A page reads like a reference entry: each value once (the header's title and summary are not
repeated below; a link only the rules derive is dropped where the data states it, or shown beside
the stated property it comes from), incoming links named by the property's pg:inverseLabel (or
inverse-labels.json for standard terms), and each statement with the numbers of its source
documents (docs/modelling.md, "Sources of a statement"). Labels of everything a page shows come
from one query (rq/describe-labels.rq); property labels from the ontology, or for standard terms
from labels.json (labels.py). The parts of a description are in model.py, the references in
references.py, the resource's data as a whole in data.py.
"""
from __future__ import annotations

from dataclasses import dataclass

from .. import rq
from ..rdf import iris
from ..rdf.namespaces import DCT, FOAF, ORG, OWL, PG, PROV, RDF_TYPE, RDFS, SCHEMA, SDG, SKOS
from .labels import LABEL_PROPERTIES, Labels, inverse_label, inverse_labels, property_label, term_langs
from .literals import format_literal, format_number
from .model import Description, Group, Property, TimelineEntry, Value
from .references import References, Stated, derivations, external_identifier, neighbours, source_documents, statements, term_key
from .sdg import goal_number, sdg_goals, sdg_sort

# The order of groups and of properties within them.
IDENTITY = (RDF_TYPE, RDFS + "label", SKOS + "prefLabel", FOAF + "name", DCT + "title", SKOS + "altLabel",
            DCT + "description", SKOS + "definition", RDFS + "comment", SKOS + "notation", SCHEMA + "jobTitle",
            PG + "politicalParty", PG + "sdgNumber", PG + "colour", PG + "fileName")
RELATIONS = (PG + "partner", PG + "partnerIn", PG + "partnership", PG + "hasProject", PG + "country", PG + "region",
             PG + "partnerCountry", PG + "continent", PG + "programme", PG + "status", PG + "projectArea",
             PG + "sdg", PG + "addressesSdg", PG + "topic", PG + "targetGroup", PG + "participant",
             PG + "participantCategory", PG + "participatesIn", PG + "projectOwner", PG + "fundedBy",
             PG + "buildsOn", PG + "continuedBy", PG + "partOfNetwork", ORG + "member",
             ORG + "organization", PG + "role", PG + "representative", PG + "memberOfNetwork",
             PG + "affiliation", PG + "place", PG + "organiser", PG + "about")
TIME = (PG + "startYear", PG + "endYear", PG + "startDate", PG + "endDate", PG + "date", PG + "durationYears",
        DCT + "date", DCT + "created", DCT + "modified")
FIGURES = (PG + "count", PG + "numberOfActivities", PG + "numberOfParticipants")
NOTES = (SKOS + "editorialNote",)
PROVENANCE = (PROV + "wasDerivedFrom", DCT + "source")
IDENTIFIERS = (PG + "municipalityCode", OWL + "sameAs", SKOS + "exactMatch", SKOS + "closeMatch")
GROUPS = ("identity", "identifiers", "relations", "time", "figures", "notes", "provenance")
_GROUP_ORDER = {"identity": IDENTITY, "identifiers": IDENTIFIERS, "relations": RELATIONS, "time": TIME,
                "figures": FIGURES, "notes": NOTES, "provenance": PROVENANCE}

SUMMARY_PROPERTIES = (DCT + "description", SKOS + "definition", RDFS + "comment")
IDENTIFIER_PROPERTIES = frozenset(IDENTIFIERS)
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


def describe(graph, iri: str, lang: str = "en", goals: dict[str, dict] | None = None,
             inverses: dict[str, dict[str, str]] | None = None, exclude: set[str] | frozenset = frozenset(),
             documents: dict[str, dict] | None = None) -> Description:
    """Everything the graph says about iri, labelled for a reader of lang (en or sv): each value
    once, incoming links named from iri's side and grouped by what links here, every statement
    with the numbers of its references. exclude: IRIs the page lists elsewhere (an SDG page's
    projects), left out of the incoming links. goals, inverses and documents may be passed in
    from a cache (sdg_goals, inverse_labels, source_documents)."""
    page = _gather(graph, iri, lang, goals, documents)
    inverses = inverse_labels(graph) if inverses is None else inverses
    summary_prop = next((p for p in SUMMARY_PROPERTIES if page.objects.get(p)), None)
    summary_values = term_langs(page.objects.get(summary_prop, []), lang) if summary_prop else []
    grouped = _grouped(page, _outgoing_values(page, summary_prop))
    timeline = _timeline(page, grouped)
    groups = _ordered_groups(grouped)
    incoming_groups = _incoming_groups(page, exclude, inverses)
    summary = summary_values[0] if summary_values else None
    return Description(iri, lang, page.labels.get(iri), page.labels.all_langs(iri), _values(page, RDF_TYPE),
                       summary["value"] if summary else None, groups,
                       [prop for group in incoming_groups for prop in group.properties],
                       sorted(_values(page, PROV + "wasDerivedFrom"), key=lambda v: v.text.casefold()),
                       timeline, sorted(_values(page, PG + "sdg"), key=lambda v: sdg_sort(v.sdg)),
                       incoming_groups, page.refs.listed(), summary.get("xml:lang") if summary else None)


# -- the steps of describe() ----------------------------------------------------------------------

@dataclass
class _Page:
    """What describe() gathers about one resource before it builds the page."""
    graph: object
    iri: str
    lang: str
    labels: Labels
    objects: dict[str, list[dict]]                # outgoing: property -> values, each once
    blank: dict[str, dict[str, list[dict]]]       # a blank-node value -> its own statements
    incoming: list[dict]                          # rows of rq/describe-in.rq
    about: dict[str, dict]                        # the resource and its neighbours (references.neighbours)
    stated: Stated
    derivations: dict[tuple, list[str]]
    documents: dict[str, dict]
    refs: References
    goals: dict[str, dict] | None                 # fetched when a value first needs an SDG's colour


def _gather(graph, iri: str, lang: str, goals: dict[str, dict] | None, documents: dict[str, dict] | None) -> _Page:
    """The queries about the resource: its statements both ways, the labels of everything they
    name, its neighbours' documents and kinds, which statements the rules derive and from what."""
    binding = {"s": ("iri", iri)}
    out_rows = graph.select(rq.load("describe-out"), binding)
    in_rows = graph.select(rq.load("describe-in"), binding)
    labels = Labels(lang)
    for row in graph.select(rq.load("describe-labels"), binding):
        labels.add(row["x"]["value"], row["lp"]["value"], row["label"])
    about = neighbours(graph, binding)
    stated = statements(graph, binding)
    derived = derivations(graph, binding) if stated.inferred else {}
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
    labels.by_iri.setdefault(iri, {}).update(own_labels)
    own = about.setdefault(iri, {"isa": set()})
    own["doc"] = {v["value"] for v in objects.get(PROV + "wasDerivedFrom", []) if v["type"] == "uri"}
    own["source"] = {v["value"] for v in objects.get(DCT + "source", []) if v["type"] == "uri"}
    refs = References(iri, about, documents, labels, lang)
    return _Page(graph, iri, lang, labels, objects, blank, in_rows, about, stated, derived, documents, refs, goals)


def _outgoing_values(page: _Page, summary_prop: str | None) -> dict[str, list[Value]]:
    """The resource's own values by property, cited, each once; not what the header shows (the
    title, the label in the other language, the summary, a goal's number) nor the provenance."""
    title = page.labels.get(page.iri)
    other_lang = "sv" if page.lang == "en" else "en"
    in_header = {title.casefold(), page.labels.all_langs(page.iri).get(other_lang, title).casefold()}
    own_code = iris.sdg_code(page.iri)
    made_by_prop: dict[str, list[Value]] = {}
    for prop, values in page.objects.items():
        if prop == RDF_TYPE or prop == summary_prop or prop in PROVENANCE:
            continue
        values = term_langs(values, page.lang)
        if prop in LABEL_PROPERTIES or prop == SKOS + "altLabel":
            values = [v for v in values if v["type"] != "literal" or v["value"].casefold() not in in_header]
        if prop in (SKOS + "notation", PG + "sdgNumber") and own_code:   # a goal's number is in its title
            values = [v for v in values if v["value"] != own_code]
        made = [_cite(page, _value(page, v), "out", prop, v) for v in values]
        if made:
            made_by_prop[prop] = made
    _fold_duplicates(made_by_prop)
    return made_by_prop


def _grouped(page: _Page, made_by_prop: dict[str, list[Value]]) -> dict[str, list[Property]]:
    """The properties, sorted values and labels, in their groups; the provenance last of its kind."""
    grouped: dict[str, list[Property]] = {g: [] for g in GROUPS}
    for prop, made in made_by_prop.items():
        made.sort(key=lambda v: (v.sdg is None, sdg_sort(v.sdg), v.text.casefold()))
        group = _group_of(prop, any(v.kind != "literal" for v in made))
        grouped[group].append(Property(prop, property_label(prop, page.labels), made))
    for prop in PROVENANCE:
        if page.objects.get(prop):
            grouped["provenance"].append(Property(prop, property_label(prop, page.labels), _values(page, prop)))
    _attach_derived(grouped)
    return grouped


def _timeline(page: _Page, grouped: dict[str, list[Property]]) -> list[TimelineEntry]:
    """The projects of a partnership, on its timeline with their references (and then not again
    among its relations)."""
    timeline = []
    for row in page.graph.select(rq.load("partnership-projects"), {"s": ("iri", page.iri)}):
        start, end = _year(row.get("startYear")), _year(row.get("endYear"))
        project = _cite(page, _value(page, row["project"]), "in", PG + "partnership", row["project"])
        timeline.append(TimelineEntry(project, start, end))
    timeline.sort(key=lambda e: (e.start is None and e.end is None, e.start or e.end or 0, e.end or e.start or 0,
                                 e.project.text.casefold()))
    if timeline:
        on_timeline = {e.project.value for e in timeline}
        grouped["relations"] = [p for p in grouped["relations"]
                                if not (p.iri == PG + "hasProject" and {v.value for v in p.values} <= on_timeline)]
    return timeline


def _ordered_groups(grouped: dict[str, list[Property]]) -> list[Group]:
    groups = []
    for key in GROUPS:
        props = sorted(grouped[key], key=lambda p: (_order(p.iri, key), p.label.casefold()))
        if props:
            groups.append(Group(key, props))
    return groups


def _incoming_groups(page: _Page, exclude, inverses: dict[str, dict[str, str]]) -> list[Group]:
    """Incoming links, without those already shown as outgoing values (inverse links), named from
    this side and grouped by the kind of resource they come from."""
    shown = {v["value"] for prop, vs in page.objects.items() if prop not in PROVENANCE for v in vs
             if v["type"] == "uri"} | set(exclude)
    incoming_by: dict[str, list[Value]] = {}
    for row in page.incoming:
        subject = row["x"]["value"]
        if subject in shown or subject == page.iri:
            continue
        prop = row["p"]["value"]
        if all(v.value != subject for v in incoming_by.get(prop, [])):
            incoming_by.setdefault(prop, []).append(_cite(page, _value(page, row["x"]), "in", prop, row["x"]))
    by_kind: dict[str, dict[str, list[Value]]] = {}
    for prop, values in incoming_by.items():
        for value in values:
            kind = incoming_kind(page.about.get(value.value, {}).get("isa", set()))
            by_kind.setdefault(kind, {}).setdefault(prop, []).append(value)
    incoming_groups = []
    for kind in INCOMING_KINDS:
        if kind in by_kind:
            props = [Property(p, inverse_label(p, inverses, page.labels), sorted(vs, key=lambda v: v.text.casefold()))
                     for p, vs in by_kind[kind].items()]
            props.sort(key=lambda p: p.label.casefold())
            incoming_groups.append(Group(kind, props))
    return incoming_groups


# -- values -------------------------------------------------------------------------------------


def _values(page: _Page, prop: str) -> list[Value]:
    """The resource's values of prop, uncited (the header's types, sources and goals)."""
    return [_value(page, v) for v in page.objects.get(prop, [])]


def _value(page: _Page, term: dict) -> Value:
    """A term as the page shows it: an IRI with its label (an SDG with its colour, a place or an
    event with its kind and date, an external identifier with its register), a blank node with its
    statements, a literal formatted for the reader."""
    kind = term["type"]
    if kind == "uri":
        return _iri_value(page, term["value"])
    if kind == "bnode":
        return _blank_value(page, term["value"])
    return Value("literal", term["value"], format_literal(term["value"], term.get("datatype"), page.lang),
                 lang=term.get("xml:lang"), datatype=term.get("datatype"))


def _iri_value(page: _Page, iri: str) -> Value:
    code = iris.sdg_code(iri)
    value = Value("uri", iri, page.labels.get(iri), sdg=code, colour=_sdg_colour(page, code) if code else None)
    scheme = external_identifier(iri)
    if scheme:
        value.scheme, value.code = scheme
    facts = page.about.get(iri, {})
    if facts.get("isa", set()) & KIND_SHOWN:
        stated_types = sorted(facts.get("type", set()))
        if stated_types:
            value.kind_label = page.labels.get(stated_types[0])
        if facts.get("date"):
            day = facts["date"][0]
            value.when = format_literal(day["value"], day.get("datatype"), page.lang)
    return value


def _blank_value(page: _Page, node: str) -> Value:
    statements_of = page.blank.get(node, {})
    details, plain = [], {}
    for bprop, bvalues in statements_of.items():
        if bprop == RDF_TYPE:
            continue
        for bv in term_langs(bvalues, page.lang):
            text = page.labels.get(bv["value"]) if bv["type"] == "uri" else \
                format_literal(bv["value"], bv.get("datatype"), page.lang)
            details.append((property_label(bprop, page.labels), text))
            plain.setdefault(bprop, bv["value"])
    label_values = term_langs(statements_of.get(RDFS + "label", []), page.lang)
    text = label_values[0]["value"] if label_values else ", ".join(f"{k}: {v}" for k, v in details)
    return Value("bnode", node, text, details=details, figure=_figure(plain, page.lang))


def _sdg_colour(page: _Page, code: str) -> str | None:
    own = page.labels.extra.get(SDG + code, {}).get(PG + "colour")
    if own:
        return own
    if page.goals is None:
        page.goals = sdg_goals(page.graph)
    return page.goals.get(goal_number(code), {}).get("colour")


def _figure(details: dict[str, str], lang: str) -> str | None:
    """A pg:count node's number: "500", "at least 100", "10–20"."""
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


def _cite(page: _Page, value: Value, direction: str, prop: str, other: dict) -> Value:
    """Give value the references of its statement (iri prop other, or other prop iri)."""
    iri, refs = page.iri, page.refs
    key = (direction, prop, term_key(other))
    if prop in PROVENANCE and direction == "in":    # "X is derived from this document": the document
        value.refs = refs.of(iri) if iri not in page.documents else refs.of_document(iri)
    elif other["type"] == "bnode" or key in page.stated.asserted:
        speaker = iri if direction == "out" else other["value"]
        value.refs = refs.of(speaker, identifier=prop in IDENTIFIER_PROPERTIES)
    elif key in page.stated.inferred:
        value.derived = True
        value.refs = refs.of_all(page.derivations.get((direction, prop, other["value"]), ()))
    return value


# -- grouping and ordering ----------------------------------------------------------------------


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
    table = _GROUP_ORDER[group]
    return table.index(prop) if prop in table else len(table)


def incoming_kind(classes: set[str]) -> str:
    for cls, kind in _KIND_OF_CLASS:
        if cls in classes:
            return kind
    return "other"


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
