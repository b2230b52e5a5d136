"""The dashboard's figures from SPARQL over the graph (queries in rq/), as plain numbers and labels.
No Flask here: the view turns these into charts with charts.py."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .. import rq
from ..publishing import mappings
from ..rdf import iris
from ..resources.describe import LABEL_PROPERTIES, PG, pick_label, sdg_goals

# The classes the dashboard counts, in the order shown (instances of subclasses included).
DASHBOARD_CLASSES = ("LocalGovernment", "Region", "Partnership", "Project", "Network", "Membership", "Event",
                     "Organisation", "Person", "Country", "SourceDocument")


def all_labels(graph, lang: str) -> dict[str, str]:
    """One label per IRI for a reader of lang, over the whole graph (one query)."""
    found: dict[str, dict[str, dict[str, str]]] = {}
    for row in graph.select(rq.load("all-labels")):
        by_prop = found.setdefault(row["x"]["value"], {}).setdefault(row["lp"]["value"], {})
        by_prop.setdefault(row["label"].get("xml:lang", ""), row["label"]["value"])
    return {iri: pick_label(props, lang) or iri for iri, props in found.items()}


def class_counts(graph) -> dict[str, int]:
    """Instances per class IRI, counting subclasses' instances too."""
    return {r["class"]["value"]: int(r["n"]["value"]) for r in graph.select(rq.load("class-counts"))}


@dataclass
class Member:
    iri: str
    label: str
    type_iri: str


def class_members(graph, class_iri: str, lang: str, labels: dict[str, str] | None = None) -> list[Member]:
    """Every resource of a class, sorted by label; type_iri is its most specific listed type."""
    labels = labels if labels is not None else all_labels(graph, lang)
    by_iri: dict[str, str] = {}
    for row in graph.select(rq.load("class-members"), {"class": ("iri", class_iri)}):
        iri, type_iri = row["s"]["value"], row["type"]["value"]
        if iri not in by_iri or by_iri[iri] == class_iri:
            by_iri[iri] = type_iri
    members = [Member(iri, labels.get(iri, iri), t) for iri, t in by_iri.items()]
    members.sort(key=lambda m: (m.label.casefold(), m.iri))
    return members


def projects_per_sdg(graph) -> dict[int, int]:
    """{goal number: projects}, for all 17 goals (0 where none)."""
    counts = {n: 0 for n in range(1, 18)}
    for row in graph.select(rq.load("projects-per-sdg")):
        code = iris.sdg_code(row["goal"]["value"])
        if code and code.isdigit():
            counts[int(code)] = int(row["n"]["value"])
    return counts


def partnerships_per_country(graph, base: str = iris.DEFAULT_BASE) -> dict[str, int]:
    """{country IRI: partnerships with a partner there}, Sweden left out."""
    home = iris.resource_iri("country", "sweden", base)
    rows = graph.select(rq.load("partnerships-per-country"), {"home": ("iri", home)})
    return {r["country"]["value"]: int(r["n"]["value"]) for r in rows}


def projects_per_year(graph) -> tuple[dict[int, int], int]:
    """({year: projects running that year}, projects without any year). A project counts in every
    year from its start to its end year; with only one of them, in that year."""
    counts: Counter[int] = Counter()
    undated = 0
    for row in graph.select(rq.load("project-years")):
        start = _year(row.get("start"))
        end = _year(row.get("end"))
        if start is None and end is None:
            undated += 1
            continue
        start, end = start or end, end or start
        for year in range(min(start, end), max(start, end) + 1):
            counts[year] += 1
    if counts:
        for year in range(min(counts), max(counts) + 1):
            counts.setdefault(year, 0)
    return dict(sorted(counts.items())), undated


def _year(term: dict | None) -> int | None:
    try:
        return int(term["value"][:4]) if term else None
    except ValueError:
        return None


@dataclass
class PartnerNetwork:
    home: list[str]                       # partner IRIs in Sweden
    abroad: list[str]                     # partner IRIs elsewhere
    edges: list[tuple[str, str, str]]     # (home partner, partner abroad, partnership IRI)


def partner_network(graph, base: str = iris.DEFAULT_BASE) -> PartnerNetwork:
    home_country = iris.resource_iri("country", "sweden", base)
    partners: dict[str, list[tuple[str, str | None]]] = {}
    for row in graph.select(rq.load("partner-network")):
        partners.setdefault(row["partnership"]["value"], []).append(
            (row["partner"]["value"], row.get("country", {}).get("value")))
    home, abroad, edges = set(), set(), set()
    for partnership, members in partners.items():
        here = [p for p, c in members if c == home_country]
        there = [p for p, c in members if c != home_country]
        home.update(here)
        abroad.update(there)
        edges.update((h, a, partnership) for h in here for a in there)
    return PartnerNetwork(sorted(home), sorted(abroad), sorted(edges))


def sdg_projects(graph, code: str) -> list[tuple[str, str]]:
    """(project IRI, the goal or target IRI it is tagged with) for a goal (with its targets) or a target."""
    rows = graph.select(rq.load("sdg-projects"), {"goal": ("iri", iris.SDG_NS + code)})
    return sorted({(r["project"]["value"], r["sdg"]["value"]) for r in rows})


__all__ = ["DASHBOARD_CLASSES", "all_labels", "class_counts", "class_members", "projects_per_sdg",
           "partnerships_per_country", "projects_per_year", "partner_network", "sdg_projects", "sdg_goals",
           "LABEL_PROPERTIES", "PG"]


def sdg_analytics(graph, lang: str) -> dict:
    """The SDG panels of the dashboard, from the named queries of the same name (so the CLI,
    the endpoint and the page give the same answers)."""
    def rows(name: str) -> list[dict]:
        return graph.query(name, lang=lang).rows() if name in graph.queries else []

    def grouped(name: str, key: str, label: str) -> list[dict]:
        groups: dict[str, dict] = {}
        for row in rows(name):
            entry = groups.setdefault(row[key], {"iri": row[key], "label": row.get(label) or row[key], "goals": []})
            entry["goals"].append({"number": int(row["number"]), "label": row.get("goalLabel", ""),
                                   "projects": int(row["projects"])})
        return sorted(groups.values(), key=lambda g: str(g["label"]).casefold())

    return {
        "by_municipality": grouped("sdg-coverage-by-municipality", "municipality", "municipalityLabel"),
        "by_country": grouped("sdg-coverage-by-country", "country", "countryLabel"),
        "by_year": grouped("sdg-coverage-by-year", "year", "year"),
        "pairs": [{"a": int(r["number1"]), "a_label": r["goal1Label"], "b": int(r["number2"]),
                   "b_label": r["goal2Label"], "projects": int(r["projects"])} for r in rows("sdg-co-occurrence")],
        "unaddressed": [{"number": int(r["number"]), "label": r["goalLabel"]} for r in rows("goals-without-projects")],
    }


def sdg_linked(graph, goal_iri: str) -> dict[str, list[str]]:
    """Partnerships and municipalities that address a goal through their projects."""
    linked: dict[str, list[str]] = {"partnership": [], "municipality": []}
    for row in graph.select(rq.load("sdg-linked"), {"goal": ("iri", goal_iri)}):
        bucket = linked[row["kind"]["value"]]
        if row["resource"]["value"] not in bucket:
            bucket.append(row["resource"]["value"])
    return linked


def sdg_targets(graph, goal_iri: str) -> list[dict]:
    """The UN's targets of a goal with their indicators (empty without the UN vocabulary)."""
    targets: dict[str, dict] = {}
    for row in graph.select(rq.load("sdg-targets"), {"goal": ("iri", goal_iri)}):
        code = row["targetCode"]["value"]
        target = targets.setdefault(code, {"iri": row["target"]["value"], "code": code,
                                           "label": row.get("targetLabel", {}).get("value", ""), "indicators": {}})
        if "indicator" in row:
            ind_code = row.get("indicatorCode", {}).get("value") or row["indicator"]["value"].rsplit("/", 1)[-1]
            target["indicators"][ind_code] = row.get("indicatorLabel", {}).get("value", "")

    def key(code: str):
        return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in code.split(".")]
    return [dict(t, indicators=sorted(t["indicators"].items(), key=lambda kv: key(kv[0])))
            for t in sorted(targets.values(), key=lambda t: key(t["code"]))]


def links_per_dataset(graph, base: str = iris.DEFAULT_BASE) -> dict[str, int]:
    """How many of the graph's links go to each outside dataset (Wikidata, GeoNames): the mapping sets' counts."""
    return mappings.links_per_target(mappings.build(graph, base, mappings.Agent(base, "")))
