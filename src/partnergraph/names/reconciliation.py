"""The Reconciliation Service API 0.2 (W3C Entity Reconciliation Community Group), the version
OpenRefine speaks, over the graph: manifest, reconciliation queries, suggest, preview data and data
extension, as plain data. Names are matched by the one matcher (reconcile.py); the store is reached
only through the graph's query interface. web/reconcile_views.py serves it at /reconcile.

Identifiers are the resources' IRIs, types are classes, properties are predicates; all three may
also be written as prefixed names (pg:Municipality, pg:country)."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from pyoxigraph import NamedNode

from .. import rq
from ..rdf import iris, namespaces
from ..rdf.namespaces import DCT, FOAF, PG, RDFS, SKOS
from ..resources.labels import default_label, pick_label
from ..version import __version__
from .matcher import Candidate, Matcher, Name, decide, key

LABELS = {RDFS + "label": "label", SKOS + "prefLabel": "label", FOAF + "name": "label",
          DCT + "title": "label", SKOS + "altLabel": "alt"}
DESCRIPTION = DCT + "description"
# Types that make a resource part of the schema (classes, properties, shapes), not an entity.
SCHEMA_NAMESPACES = tuple(namespaces.PREFIXES[p] for p in ("rdf", "rdfs", "owl", "sh"))

# The manifest's default types: (name, class). "municipality" is every local government (cities,
# provinces and district councils abroad are municipalities in the IRI scheme too).
DEFAULT_TYPES = (
    ("municipality", PG + "LocalGovernment"), ("region", PG + "Region"), ("country", PG + "Country"),
    ("organisation", PG + "Organisation"), ("partnership", PG + "Partnership"), ("project", PG + "Project"),
    ("network", PG + "Network"), ("event", PG + "Event"), ("person", PG + "Person"),
)
DEFAULT_LIMIT = 10
MAX_LIMIT = 100
MAX_BATCH = 100          # queries in one request (OpenRefine sends 10 at a time)
MAX_EXTEND_IDS = 500
MAX_EXTEND_PROPERTIES = 50
MAX_QUERY_CHARS = 500
MAX_PROPERTIES = 10      # property constraints in one query
PREVIEW_SIZE = (400, 160)


class ReconcileError(ValueError):
    """A request the service cannot answer: the message says what is wrong and where."""


@dataclass
class Index:
    """What the service needs in memory, fetched once per graph generation: names (into the
    matcher), descriptions, types, and the labels of types and properties. Entities are the
    resources with a type outside RDF, RDFS, OWL and SHACL: classes, properties and shapes are
    the schema, offered by the type and property services instead."""
    matcher: Matcher
    labels: dict[str, dict[str, dict[str, str]]]     # iri -> property -> lang -> text
    descriptions: dict[str, dict[str, str]]
    types: dict[str, set[str]]
    classes: dict[str, dict[str, Any]]               # class iri -> {"n", "label": {lang: ..}, "comment": {..}}
    properties: dict[str, dict[str, Any]]

    @classmethod
    def build(cls, graph) -> Index:
        types: dict[str, set[str]] = {}
        for row in graph.select(rq.load("search-types")):
            types.setdefault(row["s"]["value"], set()).add(row["type"]["value"])
        entities = {iri for iri, own in types.items() if any(not t.startswith(SCHEMA_NAMESPACES) for t in own)}
        matcher = Matcher()
        labels: dict[str, dict[str, dict[str, str]]] = {}
        descriptions: dict[str, dict[str, str]] = {}
        for row in graph.select(rq.load("search-literals")):
            iri, prop, text = row["s"]["value"], row["p"]["value"], row["text"]["value"]
            if iri not in entities:
                continue
            lang = row["text"].get("xml:lang", "")
            if prop == DESCRIPTION:
                descriptions.setdefault(iri, {}).setdefault(lang, text)
                continue
            matcher.add(iri, text, lang, LABELS.get(prop, "label"))
            labels.setdefault(iri, {}).setdefault(prop, {}).setdefault(lang, text)
        return cls(matcher, labels, descriptions, types,
                   _vocabulary(graph.select(rq.load("reconcile-types")), "type"),
                   _vocabulary(graph.select(rq.load("reconcile-properties")), "p"))

    def name(self, iri: str, lang: str) -> str:
        return pick_label(self.labels.get(iri, {}), lang) or default_label(iri)

    def description(self, iri: str, lang: str) -> str | None:
        texts = self.descriptions.get(iri, {})
        return next((texts[want] for want in (lang, "en", "sv", "") if texts.get(want)), None)

    def term_name(self, iri: str, table: dict[str, dict[str, Any]], lang: str) -> str:
        labels = table.get(iri, {}).get("label", {})
        return next((labels[want] for want in (lang, "en", "sv", "") if labels.get(want)), None) or compact(iri)

    def term_comment(self, iri: str, table: dict[str, dict[str, Any]], lang: str) -> str | None:
        comments = table.get(iri, {}).get("comment", {})
        return next((comments[want] for want in (lang, "en", "sv", "") if comments.get(want)), None)

    def type_list(self, iri: str, lang: str) -> list[dict]:
        """The resource's classes in the ontology's namespace (the specific ones first)."""
        own = sorted((t for t in self.types.get(iri, ()) if t.startswith(PG)),
                     key=lambda t: (self.classes.get(t, {}).get("n", 0), t))
        return [{"id": t, "name": self.term_name(t, self.classes, lang)} for t in own]


def _vocabulary(rows: list[dict], var: str) -> dict[str, dict[str, Any]]:
    table: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = table.setdefault(row[var]["value"], {"n": 0, "label": {}, "comment": {}})
        if "n" in row:
            entry["n"] = int(row["n"]["value"])
        for field in ("label", "comment"):
            if field in row:
                entry[field].setdefault(row[field].get("xml:lang", ""), row[field]["value"])
    return table


def compact(iri: str) -> str:
    for prefix, ns in namespaces.PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def expand(name: str, what: str) -> str:
    """A full IRI from an IRI or a prefixed name; anything else is refused, naming `what`."""
    name = name.strip()
    if name.startswith(("http://", "https://", "urn:")):
        return iris.normalise_sdg_iri(name)
    prefix, colon, local = name.partition(":")
    if colon and prefix in namespaces.PREFIXES and re.fullmatch(r"[\w.\-]*", local):
        return namespaces.PREFIXES[prefix] + local
    raise ReconcileError(f"{what} {name!r} is neither an IRI nor a prefixed name "
                         f"(known prefixes: {', '.join(sorted(namespaces.PREFIXES))})")


# -- manifest -------------------------------------------------------------------------------------

def manifest(root: str, base: str, lang: str = "en") -> dict:
    """The service manifest; root is the server's own URL ending in '/'."""
    service = root.rstrip("/")
    return {
        "versions": ["0.2"],
        "name": "partnergraph: Swedish municipalities' international partnerships",
        "identifierSpace": base + "id/",
        "schemaSpace": PG,
        "serviceVersion": __version__,
        "defaultTypes": [{"id": iri, "name": name} for name, iri in DEFAULT_TYPES],
        "view": {"url": "{{id}}"},
        "preview": {"url": root + "reconcile/preview?id={{id}}", "width": PREVIEW_SIZE[0], "height": PREVIEW_SIZE[1]},
        "suggest": {
            "entity": {"service_url": service, "service_path": "/reconcile/suggest/entity"},
            "type": {"service_url": service, "service_path": "/reconcile/suggest/type"},
            "property": {"service_url": service, "service_path": "/reconcile/suggest/property"},
        },
        "extend": {
            "propose_properties": {"service_url": service, "service_path": "/reconcile/propose_properties"},
            "property_settings": [{
                "name": "limit", "label": "Limit", "type": "number", "default": 0,
                "help_text": "How many values to fetch per resource (0: all).",
            }],
        },
    }


# -- reconciliation queries -----------------------------------------------------------------------

def parse_json(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise ReconcileError(f"the {what} parameter is not JSON: {err.msg} at line {err.lineno}, "
                             f"column {err.colno}") from None


def _type_ids(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    if not all(isinstance(v, str) for v in values):
        raise ReconcileError(f"{where}: 'type' must be a type identifier or a list of them")
    defaults = dict(DEFAULT_TYPES)
    return [defaults.get(v.strip().lower()) or expand(v, f"{where}: type") for v in values if v.strip()]


def _limit(value: Any, where: str, default: int = DEFAULT_LIMIT) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ReconcileError(f"{where}: 'limit' must be a number")
    try:
        number = int(value)
    except ValueError:
        raise ReconcileError(f"{where}: 'limit' must be a whole number, not {value!r}") from None
    if number < 1:
        raise ReconcileError(f"{where}: 'limit' must be at least 1")
    return min(number, MAX_LIMIT)


def reconcile_batch(graph, index: Index, batch: Any, lang: str = "en") -> dict:
    """A query batch ({"q0": {"query": ..., "type": ..., "limit": ..., "properties": [...]}, ...})
    to a result batch ({"q0": {"result": [...]}, ...})."""
    if not isinstance(batch, dict):
        raise ReconcileError("queries must be a JSON object of queries by key, like "
                             '{"q0": {"query": "Växjö"}}')
    if len(batch) > MAX_BATCH:
        raise ReconcileError(f"{len(batch)} queries in one request; the limit is {MAX_BATCH}")
    return {qid: {"result": reconcile_one(graph, index, query, lang, f"query {qid!r}")} for qid, query in batch.items()}


_QUERY_FIELDS = {"query", "type", "limit", "properties", "type_strict"}


def reconcile_one(graph, index: Index, query: Any, lang: str = "en", where: str = "query") -> list[dict]:
    if isinstance(query, str):
        query = {"query": query}
    if not isinstance(query, dict):
        raise ReconcileError(f"{where}: a query is an object with 'query' (the name) and optionally "
                             "'type', 'limit', 'properties' and 'type_strict'")
    unknown = set(query) - _QUERY_FIELDS
    if unknown:
        raise ReconcileError(f"{where}: unknown field {', '.join(sorted(unknown))}; "
                             f"a query may have {', '.join(sorted(_QUERY_FIELDS))}")
    text = query.get("query")
    if text is not None and not isinstance(text, str):
        raise ReconcileError(f"{where}: 'query' must be a string")
    if text and len(text) > MAX_QUERY_CHARS:
        raise ReconcileError(f"{where}: 'query' is longer than {MAX_QUERY_CHARS} characters")
    strict = query.get("type_strict", "any")
    if strict not in ("any", "all", "should"):
        raise ReconcileError(f"{where}: 'type_strict' must be any, all or should, not {strict!r}")
    types = _type_ids(query.get("type"), where)
    limit = _limit(query.get("limit"), where)
    constraints = _constraints(query.get("properties"), where)
    if not (text and text.strip()) and not constraints:
        raise ReconcileError(f"{where}: give a name in 'query' or at least one property in 'properties'")

    def has_types(iri: str) -> bool:
        own = index.types.get(iri, set())
        if not types or strict == "should":
            return True
        return all(t in own for t in types) if strict == "all" else any(t in own for t in types)

    pool = limit + 10 if constraints else limit + 1   # the one after the last decides whether the first is clear
    if text and text.strip():
        ranked = index.matcher.candidates(text, has_types, pool)
    else:
        ranked = _by_properties(graph, index, constraints, has_types)
    if types and strict == "should":
        for candidate in ranked:
            if not any(t in index.types.get(candidate.iri, set()) for t in types):
                candidate.score = round(candidate.score * 0.8, 1)
    if constraints:
        subjects = [c.iri for c in ranked]
        values = {prop: values_of(graph, subjects, prop) for prop, _ in constraints}
        for candidate in ranked:
            _score_properties(candidate, index, constraints, values)
    ranked.sort(key=lambda c: (-c.score, c.iri))
    decide(ranked)
    return [_result(index, c, lang) for c in ranked[:limit]]


def _constraints(value: Any, where: str) -> list[tuple[str, list[Any]]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ReconcileError(f"{where}: 'properties' must be a list of {{\"pid\": ..., \"v\": ...}}")
    if len(value) > MAX_PROPERTIES:
        raise ReconcileError(f"{where}: {len(value)} properties; the limit is {MAX_PROPERTIES}")
    out = []
    for position, item in enumerate(value):
        here = f"{where}, property {position + 1}"
        if not isinstance(item, dict) or "pid" not in item or "v" not in item or not isinstance(item["pid"], str):
            raise ReconcileError(f"{here}: a property is an object with 'pid' (a property id) and 'v' (a value)")
        values = item["v"] if isinstance(item["v"], list) else [item["v"]]
        for v in values:
            if isinstance(v, dict) and not isinstance(v.get("id"), str):
                raise ReconcileError(f"{here}: an entity value needs an 'id'")
            if not isinstance(v, (str, int, float, bool, dict)):
                raise ReconcileError(f"{here}: a value is a string, a number, a boolean or {{\"id\": ...}}")
        out.append((expand(item["pid"], f"{here}: pid"), values))
    return out


def values_of(graph, subjects: list[str], prop: str) -> dict[str, list[dict]]:
    """The values of one property of many resources (SPARQL JSON terms by resource), in one
    query; a string that is not an IRI has none."""
    nodes = []
    for iri in dict.fromkeys(subjects):
        try:
            nodes.append(str(NamedNode(iri)))
        except ValueError:
            continue
    found: dict[str, list[dict]] = {iri: [] for iri in subjects}
    for start in range(0, len(nodes), 200):
        text = rq.load("reconcile-values").replace("$subjects", " ".join(nodes[start:start + 200]))
        for row in graph.select(text, {"p": ("iri", prop)}):
            found.setdefault(row["s"]["value"], []).append(row["o"])
    return found


def _agrees(index: Index, term: dict, wanted: Any) -> bool:
    if isinstance(wanted, dict):
        return term["type"] == "uri" and term["value"] == iris.normalise_sdg_iri(wanted["id"])
    if isinstance(wanted, bool):
        return term["type"] == "literal" and term["value"] == ("true" if wanted else "false")
    if isinstance(wanted, (int, float)):
        try:
            return term["type"] == "literal" and float(term["value"]) == float(wanted)
        except ValueError:
            return False
    if term["type"] == "uri":
        return term["value"] == wanted or term["value"] in index.matcher.exact(wanted)
    return key(term["value"]) == key(wanted)


def _score_properties(candidate: Candidate, index: Index, constraints, values: dict) -> None:
    agreed = 0
    for prop, wanted in constraints:
        terms = values[prop].get(candidate.iri, [])
        ok = any(_agrees(index, term, w) for term in terms for w in wanted)
        candidate.features[f"property:{compact(prop)}"] = ok
        agreed += ok
    candidate.features["properties_agree"] = agreed == len(constraints)
    if agreed < len(constraints):
        candidate.score = round(candidate.score * (0.5 + 0.5 * agreed / len(constraints)), 1)


def _by_properties(graph, index: Index, constraints, has_types) -> list[Candidate]:
    """Candidates of a query without a name: the resources with the first property's value."""
    prop, wanted = constraints[0]
    found: set[str] = set()
    for w in wanted:
        if isinstance(w, dict):
            objects = [("iri", iris.normalise_sdg_iri(w["id"]))]
        elif isinstance(w, str):
            objects = [("literal", w, None, None)] + [("iri", i) for i in sorted(index.matcher.exact(w))]
        else:
            objects = [("literal", json.dumps(w), None, None)]
        for obj in objects:
            rows = graph.select(rq.load("reconcile-subjects"), {"p": ("iri", prop), "o": obj})
            found |= {row["s"]["value"] for row in rows}
    return [Candidate(iri, 100.0, Name(index.name(iri, "en")), "exact") for iri in sorted(found) if has_types(iri)]


def _result(index: Index, candidate: Candidate, lang: str) -> dict:
    result = {"id": candidate.iri, "name": index.name(candidate.iri, lang), "score": candidate.score,
              "match": candidate.match, "type": index.type_list(candidate.iri, lang)}
    description = index.description(candidate.iri, lang)
    if description:
        result["description"] = description
    features = [{"id": "name_" + candidate.how, "value": candidate.score}]
    features += [{"id": k, "value": v} for k, v in candidate.features.items() if k.startswith("property:")]
    result["features"] = features
    return result


# -- suggest --------------------------------------------------------------------------------------

def _offset(value: Any) -> int:
    try:
        number = int(value or 0)
    except (TypeError, ValueError):
        raise ReconcileError(f"'cursor' must be a whole number, not {value!r}") from None
    if number < 0:
        raise ReconcileError("'cursor' cannot be negative")
    return number


def suggest_entities(index: Index, prefix: str, types: Any = None, cursor: Any = 0, limit: Any = None,
                     lang: str = "en") -> dict:
    wanted = _type_ids(types, "suggest")
    start, count = _offset(cursor), _limit(limit, "suggest")
    accept = (lambda iri: any(t in index.types.get(iri, ()) for t in wanted)) if wanted else None
    found = index.matcher.prefixed(prefix, accept)[start:start + count]
    result = []
    for iri, _ in found:
        entry = {"id": iri, "name": index.name(iri, lang), "notable": index.type_list(iri, lang)}
        description = index.description(iri, lang)
        if description:
            entry["description"] = description
        result.append(entry)
    return {"result": result}


def _suggest_terms(index: Index, table: dict, prefix: str, cursor: Any, limit: Any, lang: str) -> list[dict]:
    p = key(prefix)
    start, count = _offset(cursor), _limit(limit, "suggest")
    ranked = []
    for iri in table:
        name = index.term_name(iri, table, lang)
        keys = [key(name), key(compact(iri)), key(compact(iri).split(":", 1)[-1])]
        whole = any(k.startswith(p) for k in keys)
        word = any(w.startswith(p) for k in keys for w in k.split())
        if p and not (whole or word):
            continue
        ranked.append((0 if whole else 1, -table[iri].get("n", 0), name.casefold(), iri))
    ranked.sort()
    out = []
    for *_, iri in ranked[start:start + count]:
        entry = {"id": iri, "name": index.term_name(iri, table, lang)}
        comment = index.term_comment(iri, table, lang)
        if comment:
            entry["description"] = comment
        out.append(entry)
    return out


def suggest_types(index: Index, prefix: str, cursor: Any = 0, limit: Any = None, lang: str = "en") -> dict:
    return {"result": _suggest_terms(index, index.classes, prefix, cursor, limit, lang)}


def suggest_properties(index: Index, prefix: str, cursor: Any = 0, limit: Any = None, lang: str = "en") -> dict:
    return {"result": _suggest_terms(index, index.properties, prefix, cursor, limit, lang)}


# -- preview --------------------------------------------------------------------------------------

def preview(index: Index, iri: str, lang: str = "en") -> dict:
    """What the preview card shows; ReconcileError when the graph has no such resource."""
    iri = iris.normalise_sdg_iri(iri.strip())
    if iri not in index.types and iri not in index.labels:
        raise ReconcileError(f"the graph has no resource {iri}")
    return {"id": iri, "name": index.name(iri, lang), "types": [t["name"] for t in index.type_list(iri, lang)],
            "description": index.description(iri, lang)}


# -- data extension -------------------------------------------------------------------------------

def propose_properties(graph, index: Index, type_id: str, limit: Any = None, lang: str = "en") -> dict:
    if not type_id:
        raise ReconcileError("give the type whose properties to propose: ?type=...")
    type_iri = dict(DEFAULT_TYPES).get(type_id.strip().lower()) or expand(type_id, "type")
    count = _limit(limit, "propose_properties", default=MAX_LIMIT)
    rows = graph.select(rq.load("reconcile-type-properties"), {"type": ("iri", type_iri)})
    props = []
    for row in rows[:count]:
        iri = row["p"]["value"]
        entry = {"id": iri, "name": index.term_name(iri, index.properties, lang)}
        comment = index.term_comment(iri, index.properties, lang)
        if comment:
            entry["description"] = comment
        props.append(entry)
    return {"type": type_iri, "limit": count, "properties": props}


_INT = {"integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger", "gYear"}
_FLOAT = {"decimal", "double", "float"}


def _cell(index: Index, term: dict, lang: str) -> dict:
    if term["type"] == "uri":
        return {"id": term["value"], "name": index.name(term["value"], lang)}
    if term["type"] == "bnode":
        return {"str": "(a structured value; see the resource's page)"}
    local = term.get("datatype", "").rsplit("#", 1)[-1]
    value = term["value"]
    try:
        if local in _INT and re.fullmatch(r"[+-]?[0-9]+", value):
            return {"int": int(value)}
        if local in _FLOAT:
            return {"float": float(value)}
    except ValueError:
        pass
    if local == "date" and re.fullmatch(r"-?[0-9]{4,}-[0-9]{2}-[0-9]{2}", value):
        return {"date": value + "T00:00:00Z"}
    if local == "dateTime" and re.fullmatch(r"-?[0-9]{4,}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9:]+)?", value):
        return {"date": value}
    return {"str": value}


def extend(graph, index: Index, request: Any, lang: str = "en") -> dict:
    """{"ids": [...], "properties": [{"id": ..., "settings": {"limit": n}}]} to
    {"meta": [{"id", "name"}], "rows": {id: {pid: [values]}}}. Values are entities (with their
    labels) or strings, numbers and dates; in the reader's language where a text has several."""
    if not isinstance(request, dict) or not isinstance(request.get("ids"), list) \
            or not isinstance(request.get("properties"), list):
        raise ReconcileError('extend must be {"ids": [...], "properties": [{"id": ...}]}')
    ids, props = request["ids"], request["properties"]
    if len(ids) > MAX_EXTEND_IDS or len(props) > MAX_EXTEND_PROPERTIES:
        raise ReconcileError(f"at most {MAX_EXTEND_IDS} ids and {MAX_EXTEND_PROPERTIES} properties per request")
    if not all(isinstance(i, str) for i in ids):
        raise ReconcileError("extend: every id must be a string (an IRI)")
    wanted = []
    for position, prop in enumerate(props):
        if not isinstance(prop, dict) or not isinstance(prop.get("id"), str):
            raise ReconcileError(f"extend: property {position + 1} needs an 'id'")
        settings = prop.get("settings") or {}
        if not isinstance(settings, dict):
            raise ReconcileError(f"extend: the settings of property {prop['id']!r} must be an object")
        cap = settings.get("limit", 0)
        try:
            cap = int(cap or 0)
        except (TypeError, ValueError):
            raise ReconcileError(f"extend: the limit of property {prop['id']!r} must be a number") from None
        wanted.append((prop["id"], expand(prop["id"], "extend: property"), max(cap, 0)))
    meta = [{"id": given, "name": index.term_name(iri, index.properties, lang)} for given, iri, _ in wanted]
    subjects = {given_id: iris.normalise_sdg_iri(given_id.strip()) for given_id in ids}
    values = {prop: values_of(graph, list(subjects.values()), prop) for _, prop, _ in wanted}
    rows: dict[str, dict[str, list]] = {}
    for given_id, iri in subjects.items():
        row: dict[str, list] = {}
        for given, prop, cap in wanted:
            terms = _prefer_language(values[prop].get(iri, []), lang)
            cells = [_cell(index, t, lang) for t in terms]
            row[given] = cells[:cap] if cap else cells
        rows[given_id] = row
    return {"meta": meta, "rows": rows}


def _prefer_language(terms: list[dict], lang: str) -> list[dict]:
    """Of language-tagged texts, those in the reader's language (else English, else all)."""
    tagged = [t for t in terms if t.get("xml:lang")]
    if not tagged:
        return terms
    for want in (lang, "en"):
        chosen = [t for t in tagged if t["xml:lang"] == want]
        if chosen:
            return [t for t in terms if not t.get("xml:lang")] + chosen
    return terms
