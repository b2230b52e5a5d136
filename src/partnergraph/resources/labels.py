"""Labels for a reader: the properties that name a resource, the choice of language, the labels of
properties (the ontology's, or labels.json for standard terms), the inverse labels that name an
incoming link (pg:inverseLabel, or inverse-labels.json), and one label per IRI over the whole graph."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from .. import rq
from ..rdf import iris
from ..rdf.namespaces import DCT, FOAF, PG, RDFS, SKOS

# The languages a reader may choose, the first the default.
LANGS = ("en", "sv")
LABEL_PROPERTIES = (RDFS + "label", SKOS + "prefLabel", DCT + "title", FOAF + "name")


@lru_cache(maxsize=1)
def standard_labels() -> dict[str, dict[str, str]]:
    """English and Swedish labels of the standard (non-pg:) terms, from labels.json."""
    data = json.loads((Path(__file__).parent / "labels.json").read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


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


def term_langs(values: list[dict], lang: str) -> list[dict]:
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


def all_labels(graph, lang: str) -> dict[str, str]:
    """One label per IRI for a reader of lang, over the whole graph (one query)."""
    found: dict[str, dict[str, dict[str, str]]] = {}
    for row in graph.select(rq.load("all-labels")):
        by_prop = found.setdefault(row["x"]["value"], {}).setdefault(row["lp"]["value"], {})
        by_prop.setdefault(row["label"].get("xml:lang", ""), row["label"]["value"])
    return {iri: pick_label(props, lang) or iri for iri, props in found.items()}
