"""Text search over labels, titles and descriptions, insensitive to case and diacritics.

The texts are fetched once (two queries) into a SearchIndex; queries and texts are folded in
Python by the one fold (rdf/text.py: case, diacritics, kinds of dash), so
"vaxjo" finds Växjö and "UKMERGE" Ukmergė.
Ranking: exact label > label prefix > label word > label substring > title/description; more
matched terms rank higher. Snippets come as segments (text, matched) for the template to mark up.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import rq
from ..rdf.namespaces import DCT, FOAF, RDFS, SKOS
from ..rdf.text import fold, fold_with_map
from ..resources.labels import pick_label

LABELS = (RDFS + "label", SKOS + "prefLabel", SKOS + "altLabel", FOAF + "name")
TEXTS = (DCT + "title", DCT + "description")
EXACT, PREFIX, WORD, SUBSTRING, TEXT = 50, 40, 30, 20, 10
MORE_TERMS = 12   # each further query term matched is worth more than one step of the ladder
_WORD = re.compile(r"\w+")


@dataclass
class Entry:
    prop: str
    text: str
    lang: str
    folded: str


@dataclass
class Hit:
    iri: str
    score: int
    matched: int
    entry: Entry
    label: str = ""
    types: list[str] = field(default_factory=list)
    snippet: list[tuple[str, bool]] = field(default_factory=list)


class SearchIndex:
    def __init__(self, entries: dict[str, list[Entry]], types: dict[str, list[str]]):
        self.entries = entries
        self.types = types

    @classmethod
    def build(cls, graph) -> SearchIndex:
        entries: dict[str, list[Entry]] = {}
        for row in graph.select(rq.load("search-literals")):
            text = row["text"]["value"]
            entries.setdefault(row["s"]["value"], []).append(
                Entry(row["p"]["value"], text, row["text"].get("xml:lang", ""), fold(text)))
        types: dict[str, list[str]] = {}
        for row in graph.select(rq.load("search-types")):
            types.setdefault(row["s"]["value"], []).append(row["type"]["value"])
        return cls(entries, types)

    def label(self, iri: str, lang: str) -> str:
        by_prop: dict[str, dict[str, str]] = {}
        for entry in self.entries.get(iri, []):
            by_prop.setdefault(entry.prop, {}).setdefault(entry.lang, entry.text)
        return pick_label(by_prop, lang) or iri

    def search(self, query: str, lang: str = "en", limit: int = 50) -> list[Hit]:
        folded_query = " ".join(fold(query).split())
        terms = [t for t in dict.fromkeys(_WORD.findall(folded_query))]
        if not terms:
            return []
        hits = []
        for iri, entries in self.entries.items():
            best: tuple[int, Entry] | None = None
            matched_terms: set[str] = set()
            for entry in entries:
                found = [t for t in terms if t in entry.folded]
                if not found:
                    continue
                matched_terms.update(found)
                score = _score(entry, folded_query, found)
                if best is None or score > best[0] or (score == best[0] and entry.lang == lang):
                    best = (score, entry)
            if best:
                score = best[0] + MORE_TERMS * (len(matched_terms) - 1)
                hits.append(Hit(iri, score, len(matched_terms), best[1]))
        for hit in hits:
            hit.label = self.label(hit.iri, lang)
            hit.types = self.types.get(hit.iri, [])
            hit.snippet = snippet(hit.entry.text, terms)
        hits.sort(key=lambda h: (-h.score, -h.matched, h.label.casefold(), h.iri))
        return hits[:limit]


def _score(entry: Entry, query: str, found: list[str]) -> int:
    if entry.prop not in LABELS:
        return TEXT + len(found)
    if entry.folded == query:
        return EXACT + len(found)
    if entry.folded.startswith(query):
        return PREFIX + len(found)
    words = _WORD.findall(entry.folded)
    if any(w.startswith(t) for t in found for w in words):
        return WORD + len(found)
    return SUBSTRING + len(found)


def snippet(text: str, terms: list[str], width: int = 160) -> list[tuple[str, bool]]:
    """Segments of text around the first match, (text, matched), matches found on folded text."""
    folded, where = fold_with_map(text)
    spans = []
    for term in terms:
        for match in re.finditer(re.escape(term), folded):
            start, end = where[match.start()], where[match.end() - 1] + 1
            spans.append((start, end))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    lo, hi = 0, len(text)
    if len(text) > width:
        first = merged[0][0] if merged else 0
        lo = max(0, first - width // 3)
        hi = min(len(text), lo + width)
    segments: list[tuple[str, bool]] = []
    if lo > 0:
        segments.append(("…", False))
    cursor = lo
    for start, end in merged:
        if end <= lo or start >= hi:
            continue
        start, end = max(start, lo), min(end, hi)
        if start > cursor:
            segments.append((text[cursor:start], False))
        segments.append((text[start:end], True))
        cursor = end
    if cursor < hi:
        segments.append((text[cursor:hi], False))
    if hi < len(text):
        segments.append(("…", False))
    return segments
