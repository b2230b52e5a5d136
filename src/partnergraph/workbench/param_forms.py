"""Value pickers for the named queries' forms: the choices for each parameter as (value, label)
pairs, from the graph. An IRI parameter offers the labelled resources of its default's classes
(the municipalities for a municipality), an SDG parameter the 17 goals by number and title, a
year the years the projects span, a language the site's languages."""
from __future__ import annotations

from .. import rq
from ..named_queries import NamedQuery, Parameter
from ..rdf import iris
from ..rdf.namespaces import PG
from ..resources.data import class_members
from ..resources.labels import all_labels
from ..resources.sdg import sdg_goals

LANGUAGES = (("en", "English"), ("sv", "Svenska"))


def _iri_choices(graph, param: Parameter, lang: str, labels: dict[str, str]) -> list[tuple[str, str]]:
    if not param.default:
        return []
    classes = [row["type"]["value"] for row in graph.select(rq.load("types-of"), {"x": ("iri", param.default)})
               if row["type"]["value"].startswith(PG)]
    seen: dict[str, str] = {}
    for class_iri in classes:
        for member in class_members(graph, class_iri, lang, labels):
            seen.setdefault(member.iri, member.label)
    return sorted(seen.items(), key=lambda kv: (kv[1].casefold(), kv[0]))


def _years(graph) -> list[tuple[str, str]]:
    years = set()
    for row in graph.select(rq.load("project-years")):
        for key in ("start", "end"):
            value = row.get(key, {}).get("value", "")
            if value[:4].isdigit():
                years.add(int(value[:4]))
    if not years:
        return []
    return [(str(y), str(y)) for y in range(min(years), max(years) + 1)]


def choices(graph, query: NamedQuery, lang: str, labels: dict[str, str] | None = None) -> dict[str, list[tuple[str, str]]]:
    """{parameter name: [(value, label), ...]} for the parameters that have a list to pick from."""
    labels = labels if labels is not None else all_labels(graph, lang)
    found: dict[str, list[tuple[str, str]]] = {}
    for param in query.parameters:
        if param.type == "iri":
            options = _iri_choices(graph, param, lang, labels)
        elif param.type == "sdg":
            goals = sdg_goals(graph)
            options = [(str(n), f"{n}. {g['labels'].get(lang) or g['labels'].get('en') or ''}".strip())
                       for n, g in sorted(((int(k), v) for k, v in goals.items()))]
        elif param.type == "year":
            options = _years(graph)
        elif param.type == "lang":
            options = list(LANGUAGES)
        else:
            options = []
        if options:
            found[param.name] = options
    return found


def with_value(options: list[tuple[str, str]], value: str, param: Parameter) -> list[tuple[str, str]]:
    """The options with the current value among them (a value given in the URL stays selectable)."""
    if not value or any(v == value for v, _ in options):
        return options
    if param.type == "sdg":
        code = value if iris.is_sdg_code(value) else iris.sdg_code(value)
        if code and any(v == code for v, _ in options):
            return options
    return [(value, value)] + options
