"""The one name matcher: where a person's spelling of a name meets the graph (the reconciliation
service, spreadsheet import, search), names are folded and scored here.

Folding (rdf/text.py's fold, and here the dots of initials) ignores case, diacritics, the kind of
dash and spacing, so
"Vaxjo", "VÄXJÖ" and "Växjö" are one name, and so are "Kamianets–Podilskyi", "Kamianets-Podilskyi"
and "Kamianets Podilskyi". On top of that, a name may be written with or without a designator that
says what kind of local government it is ("Växjö kommun", "Vänersborgs kommun", "Municipality of
Växjö", "Chobe District Council", "An Giang Province", "Region Kronoberg"): such a match scores
below an exact one. Anything else is a fuzzy candidate (trigram similarity) that is never a match.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ..rdf.text import fold

EXACT = 100       # the folded name is a label or an alternative label
DESIGNATED = 90   # equal once a designator such as "kommun" is left out (on either side)
FUZZY = 80        # at most, for similar spellings: never a match
CLEAR_GAP = 10    # a match must beat the next candidate by this much

# Designators of local and regional governments, as the documents and people write them. Each is
# left out only at the start or the end of a name; after a Swedish one, a genitive -s may go too
# ("Vänersborgs kommun" is Vänersborg, "Helsingborgs stad" is Helsingborg).
_SWEDISH_SUFFIXES = ("kommun", "kommuns", "stad", "kommunen", "stads")
_SUFFIXES = ("local municipality", "municipality", "district council", "province", "city council",
             "city", "region", "county council", "landsting", "komuna") + _SWEDISH_SUFFIXES
_PREFIXES = ("municipality of", "city of", "region", "province of", "komuna e", "komuna")


_DROP = re.compile(r"[.'’‘`´]")
_NON_WORD = re.compile(r"[\W_]+")


def key(text: str) -> str:
    """The form names are compared in: folded, dots and apostrophes dropped ('J.B.' -> 'jb'), any
    other punctuation or dash a space. 'Skövde–Tbilisi' and 'Skovde - Tbilisi' -> 'skovde tbilisi'."""
    return " ".join(_NON_WORD.sub(" ", _DROP.sub("", fold(text))).split())


def core_keys(text: str) -> set[str]:
    """The keys of a name without its designator (empty when it has none)."""
    base = key(text)
    out: set[str] = set()
    for suffix in sorted(_SUFFIXES, key=len, reverse=True):
        if base.endswith(" " + suffix):
            rest = base[: -len(suffix) - 1].strip()
            out.add(rest)
            if suffix in _SWEDISH_SUFFIXES and rest.endswith("s") and len(rest) > 3:
                out.add(rest[:-1])
            break
    for prefix in sorted(_PREFIXES, key=len, reverse=True):
        if base.startswith(prefix + " "):
            out.add(base[len(prefix) + 1:].strip())
            break
    return {k for k in out if len(k) >= 2 and k != base}


def trigrams(text: str) -> set[str]:
    padded = f"  {text} "
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


def similarity(a: str, b: str) -> float:
    """Dice coefficient of the keys' trigrams (0..1)."""
    ta, tb = trigrams(a), trigrams(b)
    return 2 * len(ta & tb) / (len(ta) + len(tb)) if ta and tb else 0.0


@dataclass
class Name:
    text: str
    lang: str = ""
    kind: str = "label"    # label, alt (alternative label) or code


@dataclass
class Candidate:
    iri: str
    score: float
    name: Name
    how: str               # exact, designator or fuzzy
    match: bool = False
    features: dict = field(default_factory=dict)


class Matcher:
    """Names of resources, indexed by key, designator-free key and trigram."""

    def __init__(self) -> None:
        self.names: dict[str, list[Name]] = defaultdict(list)
        self._exact: dict[str, set[str]] = defaultdict(set)
        self._core: dict[str, set[str]] = defaultdict(set)
        self._grams: dict[str, set[tuple[str, str]]] = defaultdict(set)

    def add(self, iri: str, text: str, lang: str = "", kind: str = "label") -> None:
        k = key(text)
        if not k:
            return
        name = Name(text, lang, kind)
        self.names[iri].append(name)
        self._exact[k].add(iri)
        for core in core_keys(text):
            self._core[core].add(iri)
        if kind != "code":
            for gram in trigrams(k):
                self._grams[gram].add((iri, k))

    def add_all(self, rows: Iterable[tuple[str, str, str, str]]) -> Matcher:
        for iri, text, lang, kind in rows:
            self.add(iri, text, lang, kind)
        return self

    def exact(self, text: str) -> set[str]:
        """Resources with a name equal to the text once folded."""
        return set(self._exact.get(key(text), ()))

    def _best_name(self, iri: str, wanted: Callable[[str], bool]) -> Name:
        names = self.names[iri]
        return next((n for n in names if wanted(n.text)), names[0])

    def candidates(self, text: str, accept: Callable[[str], bool] | None = None,
                   limit: int = 10) -> list[Candidate]:
        """Candidates for a name, best first, each with a score out of 100; `match` is set on the
        first when it is clearly right: an exact or designator match that beats every other
        candidate by CLEAR_GAP. A name that is not in the graph gets only fuzzy candidates."""
        k = key(text)
        if not k:
            return []
        accept = accept or (lambda iri: True)
        found: dict[str, Candidate] = {}

        def offer(iri: str, score: float, how: str, name: Name) -> None:
            if not accept(iri):
                return
            if iri not in found or found[iri].score < score:
                found[iri] = Candidate(iri, round(score, 1), name, how)

        for iri in self._exact.get(k, ()):
            offer(iri, EXACT, "exact", self._best_name(iri, lambda t: key(t) == k))
        query_cores = core_keys(text)
        for variant in query_cores | {k}:
            for iri in self._exact.get(variant, ()) if variant != k else ():
                offer(iri, DESIGNATED, "designator", self._best_name(iri, lambda t, variant=variant: key(t) == variant))
            for iri in self._core.get(variant, ()):
                offer(iri, DESIGNATED, "designator", self._best_name(iri, lambda t, variant=variant: variant in core_keys(t)))
        grams = trigrams(k)
        shared: dict[tuple[str, str], int] = defaultdict(int)
        for gram in grams:
            for entry in self._grams.get(gram, ()):
                shared[entry] += 1
        for (iri, name_key), count in shared.items():
            score = FUZZY * 2 * count / (len(grams) + len(trigrams(name_key)))
            if score >= FUZZY * 0.4 and (iri not in found or found[iri].score < score):
                offer(iri, score, "fuzzy", self._best_name(iri, lambda t, name_key=name_key: key(t) == name_key))
        ranked = sorted(found.values(), key=lambda c: (-c.score, c.name.kind != "label", c.iri))[:max(limit, 1)]
        decide(ranked)
        return ranked

    def clear_match(self, text: str, accept: Callable[[str], bool] | None = None) -> str | None:
        """The one resource the text clearly names, or None."""
        ranked = self.candidates(text, accept, limit=2)
        return ranked[0].iri if ranked and ranked[0].match else None

    def prefixed(self, prefix: str, accept: Callable[[str], bool] | None = None) -> list[tuple[str, Name]]:
        """Resources with a name (or a word of one) starting with the prefix, for auto-completion:
        whole-name prefixes first, then word prefixes, each by name."""
        p = key(prefix)
        if not p:
            return []
        accept = accept or (lambda iri: True)
        ranked: dict[str, tuple[int, str, Name]] = {}
        for iri, names in self.names.items():
            for name in names:
                k = key(name.text)
                rank = 0 if k.startswith(p) else 1 if any(w.startswith(p) for w in (" " + k).split(" ")[1:]) else None
                if rank is None:
                    continue
                if (iri not in ranked or rank < ranked[iri][0]) and accept(iri):
                    ranked[iri] = (rank, k, name)
        order = sorted(ranked.items(), key=lambda item: (item[1][0], item[1][1], item[0]))
        return [(iri, entry[2]) for iri, entry in order]


def decide(ranked: list[Candidate]) -> None:
    """Mark the first candidate as the match when it is clearly right (see Matcher.candidates);
    a candidate whose features say a property disagrees is never a match."""
    for candidate in ranked:
        candidate.match = False
    if not ranked:
        return
    best = ranked[0]
    runner_up = ranked[1].score if len(ranked) > 1 else 0
    if best.how in ("exact", "designator") and best.score >= DESIGNATED and best.score - runner_up >= CLEAR_GAP \
            and best.features.get("properties_agree", True):
        best.match = True
