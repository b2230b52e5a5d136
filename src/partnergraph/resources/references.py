"""Where a page's statements come from: which statements the data states and which only the rules
derive (and from whose statements), the source documents, the numbered references of a page, and
the registers of external identifiers (Wikidata, GeoNames) people know."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .. import rq
from .labels import Labels, default_label
from .literals import format_literal
from .model import Reference

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


def term_key(term: dict) -> tuple:
    if term["type"] == "literal":
        return ("literal", term["value"], term.get("xml:lang", ""), term.get("datatype", ""))
    return (term["type"], term["value"])


@dataclass
class Stated:
    """Keys (direction, property, term_key(other end)) of the statements about a resource."""
    asserted: set
    inferred: set


def statements(graph, binding) -> Stated:
    """Which statements about the resource the data states, and which only the rules derive."""
    stated = Stated(set(), set())
    for row in graph.select(rq.load("describe-statements"), binding):
        key = (row["dir"]["value"], row["p"]["value"], term_key(row["o"]))
        (stated.inferred if _true(row["inferred"]) else stated.asserted).add(key)
    stated.inferred -= stated.asserted
    return stated


def neighbours(graph, binding) -> dict[str, dict]:
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


def derivations(graph, binding) -> dict[tuple, list[str]]:
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


class References:
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
