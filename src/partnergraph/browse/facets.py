"""Faceted browsing over SPARQL: the kinds and facets of browse.toml, one query per facet, each
value with its count and the URL that toggles it. No Flask: views render a Browse as HTML, JSON
or CSV, and class pages are the same tables.

Facets combine with AND, values within a facet with OR. A facet's counts are taken over the items
the other facets select (not its own), so that each value's count says how many items choosing it
would add: the usual multi-select faceting. Selections live in the URL (?sdg=4&country=kosovo;
several values by repeating the parameter or with commas), built in one place, url().
"""
from __future__ import annotations

import json
import re
import threading
import time
import tomllib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

from .. import rq
from ..rdf import iris, namespaces
from ..resources.labels import default_label, pick_label
from .index import FacetData, KindIndex

DEFINITIONS = Path(__file__).with_name("browse.toml")
CONTROL = ("_sort", "_page", "_size", "lang", "format")    # parameters that are not facets
PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
FACET_SIZE = 30              # values listed per facet (the most frequent; chosen values always)
FACET_PARALLEL = 4           # facet queries evaluated at once (the store answers them concurrently)
INDEX_TIMEOUT = 300.0        # seconds per index query (once per data version, in the background)
INDEX_WAIT = 20.0            # seconds a request waits for an index being built, then a 503 with Retry-After
CACHED_KINDS = 32            # indexes kept per Browser (the kinds, and the class pages' own)
RETRY_FAILED = 60.0          # seconds before the facets whose query failed are tried again
LABEL_BATCH = 500            # IRIs per labels query
# the label properties as a FILTER on a pattern whose subject is bound: Oxigraph reads each
# subject's triples (0.4 s for 500 IRIs at a million triples); with VALUES ?lp it scans (40 s)
_LABEL_FILTER = "FILTER (?lp IN (rdfs:label, skos:prefLabel, dcterms:title, foaf:name))"
_VAR = re.compile(r"[?$]([A-Za-z_][A-Za-z0-9_]*)")
_PREFIXED = re.compile(r"^([a-z]+):(\w+)$")


class BrowseError(Exception):
    """A request that browsing cannot answer: an unknown kind, facet or value (status 404 or 400)."""

    def __init__(self, status: int, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = {"Retry-After": str(retry_after)} if retry_after else {}


@dataclass(frozen=True)
class FacetDef:
    name: str
    labels: Mapping[str, str]
    value: str                        # "iri", "sdg" or "period"
    patterns: Mapping[str, str]       # kind name (or "*") -> SPARQL group pattern

    def pattern(self, kind: str) -> str | None:
        return self.patterns.get(kind, self.patterns.get("*"))

    def label(self, lang: str) -> str:
        return self.labels.get(lang) or self.labels.get("en") or self.name


@dataclass(frozen=True)
class Kind:
    name: str
    classes: tuple[str, ...]          # full IRIs
    labels: Mapping[str, str]
    facets: tuple[str, ...]
    columns: tuple[str, ...]

    def label(self, lang: str) -> str:
        return self.labels.get(lang) or self.labels.get("en") or self.name


@dataclass(frozen=True)
class Definitions:
    kinds: Mapping[str, Kind]
    facets: Mapping[str, FacetDef]

    def kind(self, name: str) -> Kind:
        if name not in self.kinds:
            raise BrowseError(404, f"There is no browsable kind {name!r}; known: {', '.join(self.kinds)}.")
        return self.kinds[name]

    def for_class(self, class_iri: str, superclasses: set[str], label: Mapping[str, str]) -> Kind:
        """The kind a class page shows: a listed kind narrowed to the class (if the class is, or is
        a subclass of, one of its classes), else a kind of its own with the facets that fit anything."""
        for kind in self.kinds.values():
            if set(kind.classes) & (superclasses | {class_iri}):
                return Kind(kind.name, (class_iri,), label, kind.facets, kind.columns)
        generic = tuple(n for n, f in self.facets.items() if "*" in f.patterns and f.value == "iri")
        return Kind("class", (class_iri,), label, generic, tuple(c for c in ("country", "status") if c in generic))


def _expand(term: str) -> str:
    match = _PREFIXED.match(term)
    if not match or match.group(1) not in namespaces.PREFIXES:
        raise ValueError(f"browse.toml: {term!r} is not a known prefixed name")
    return namespaces.PREFIXES[match.group(1)] + match.group(2)


@lru_cache(maxsize=4)
def load(path: Path = DEFINITIONS) -> Definitions:
    """browse.toml, checked: every kind's facets and columns defined, every facet usable by its kinds."""
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise ValueError(f"{path}: {err}") from err
    facets = {}
    for name, spec in raw.get("facets", {}).items():
        if spec.get("value") not in ("iri", "sdg", "period"):
            raise ValueError(f"{path}: facet {name!r} has value {spec.get('value')!r}; expected iri, sdg or period")
        facets[name] = FacetDef(name, dict(spec.get("label", {})), spec["value"], dict(spec.get("patterns", {})))
    kinds = {}
    for name, spec in raw.get("kinds", {}).items():
        listed = tuple(spec.get("facets", ()))
        for facet in listed + tuple(spec.get("columns", ())):
            if facet not in facets:
                raise ValueError(f"{path}: kind {name!r} names the undefined facet {facet!r}")
            if facets[facet].pattern(name) is None:
                raise ValueError(f"{path}: facet {facet!r} has no pattern for kind {name!r}")
        kinds[name] = Kind(name, tuple(_expand(c) for c in spec["classes"]), dict(spec.get("label", {})),
                           listed, tuple(spec.get("columns", ())))
    return Definitions(kinds, facets)


# --- SPARQL --------------------------------------------------------------------------------------

def _prefixes() -> str:
    return "\n".join(f"PREFIX {p}: <{ns}>" for p, ns in namespaces.PREFIXES.items()) + "\n"


def _private(pattern: str, suffix: str, keep: tuple[str, ...] = ("item",)) -> str:
    """The pattern with its variables renamed ?x -> ?x_suffix, except those in keep."""
    return _VAR.sub(lambda m: m.group(0) if m.group(1) in keep else f"?{m.group(1)}_{suffix}", pattern)


def _iri(value: str) -> str:
    if any(c in value for c in '<>"{}|^`\\ \n'):
        raise BrowseError(400, f"not an IRI: {value!r}")
    return f"<{value}>"


def _value_pattern(facet: FacetDef, kind: str, suffix: str | None) -> str:
    """The facet's pattern binding ?value (for sdg, the goal a goal or target belongs to)."""
    pattern = facet.pattern(kind) or ""
    if facet.value == "sdg":
        pattern += (f' BIND (IRI(CONCAT("{namespaces.SDG}", REPLACE(STRAFTER(STR(?sdg), "{namespaces.SDG}"), '
                    f'"[.].*$", ""))) AS ?value)')
    if suffix is None:
        keep = ("item", "value", "start", "end")
        return _private(pattern, "f", keep)
    return _private(pattern, suffix)


def _condition(facet: FacetDef, kind: str, values: list) -> str:
    """A subquery selecting the items with one of the values (OR within the facet), joined on ?item:
    faster than FILTER EXISTS at scale, and its variables stay inside it."""
    name = facet.name
    body = _value_pattern(facet, kind, name)
    if facet.value == "period":
        years = " ".join(str(int(v)) for v in values)
        return (f"  {{ SELECT DISTINCT ?item WHERE {{ {body}\n    VALUES ?year_{name} {{ {years} }}\n"
                f"    FILTER (?year_{name} >= ?start_{name} && ?year_{name} <= ?end_{name}) }} }}\n")
    listed = f"VALUES ?value_{name} {{ {' '.join(_iri(v) for v in values)} }}"
    if facet.value == "sdg":        # the pattern BINDs ?value: the values can only come after it
        return f"  {{ SELECT DISTINCT ?item WHERE {{ {body}\n    {listed} }} }}\n"
    return f"  {{ SELECT DISTINCT ?item WHERE {{ {listed}\n    {body} }} }}\n"


def _items_where(kind: Kind, chosen: Mapping[str, list], defs: Definitions, types: list[str],
                 leave_out: str | None = None) -> str:
    where = f"  VALUES ?type {{ {' '.join(_iri(t) for t in types)} }}\n  ?item a ?type .\n"
    for name, values in chosen.items():
        if values and name != leave_out:
            where += _condition(defs.facets[name], kind.name, values)
    return where


# --- results -------------------------------------------------------------------------------------

@dataclass
class FacetValue:
    key: str                  # as in the URL: a slug, an SDG number or a year
    value: str | int          # IRI, or the year
    label: str
    count: int
    selected: bool
    toggle: str               # the URL with this value added or removed


@dataclass
class Facet:
    name: str
    label: str
    values: list[FacetValue] = field(default_factory=list)
    error: str | None = None
    truncated: bool = False           # more values than FACET_SIZE: the most frequent are listed

    @property
    def selected(self) -> list[FacetValue]:
        return [v for v in self.values if v.selected]


@dataclass
class Item:
    iri: str
    label: str
    columns: dict[str, list[str]] = field(default_factory=dict)     # facet name -> value labels


@dataclass
class Browse:
    kind: Kind
    lang: str
    path: str
    facets: list[Facet]
    items: list[Item]                  # the page shown
    total: int
    page: int
    size: int
    sort: str
    selections: dict[str, list[str]]   # facet -> URL keys
    sparql: str                        # the items' query, runnable in the workbench
    columns: list[tuple[str, str]]     # (facet name, label)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    def url(self, *, suffix: str = "", **changes) -> str:
        return url(self.path + suffix, self.selections, {"_sort": self.sort if self.sort != "label" else None,
                                                         "_size": self.size if self.size != PAGE_SIZE else None,
                                                         "lang": None, **changes})

    def to_json(self) -> dict:
        return {"kind": self.kind.name, "label": self.kind.label(self.lang), "total": self.total,
                "page": self.page, "pages": self.pages, "size": self.size, "sort": self.sort,
                "selected": self.selections, "sparql": self.sparql,
                "items": [{"iri": i.iri, "label": i.label, **({"columns": i.columns} if i.columns else {})}
                          for i in self.items],
                "facets": [{"name": f.name, "label": f.label, **({"error": f.error} if f.error else {}),
                            **({"truncated": True} if f.truncated else {}),
                            "values": [{"key": v.key, "value": v.value, "label": v.label, "count": v.count,
                                        "selected": v.selected, "toggle": v.toggle} for v in f.values]}
                           for f in self.facets]}

    def csv_rows(self) -> list[list[str]]:
        head = ["iri", "label"] + [name for name, _ in self.columns]
        return [head] + [[i.iri, i.label] + ["; ".join(i.columns.get(name, [])) for name, _ in self.columns]
                         for i in self.items]


def url(path: str, selections: Mapping[str, list[str]], extra: Mapping | None = None) -> str:
    """The one place browse URLs are built: facet values repeated in a fixed order, then controls."""
    pairs = [(name, key) for name in sorted(selections) for key in selections[name]]
    pairs += [(k, v) for k, v in (extra or {}).items() if v not in (None, "")]
    return path + ("?" + urlencode(pairs) if pairs else "")


def parse_selections(args: list[tuple[str, str]], kind: Kind, defs: Definitions) -> dict[str, list[str]]:
    """URL parameters to {facet: [keys]}; a parameter that is no facet of the kind is an error."""
    chosen: dict[str, list[str]] = {}
    for name, raw in args:
        if name in CONTROL:
            continue
        if name not in kind.facets:
            raise BrowseError(400, f"{name!r} is not a facet of {kind.name}; its facets are: {', '.join(kind.facets)}.")
        for key in (k.strip() for k in raw.split(",")):
            if key and key not in chosen.setdefault(name, []):
                chosen[name].append(key)
    return {k: v for k, v in chosen.items() if v}


def _key(facet: FacetDef, value: str | int) -> str:
    if facet.value == "period":
        return str(value)
    if facet.value == "sdg":
        return iris.sdg_code(str(value)) or str(value)
    return str(value).rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _run(graph, text: str, timeout: float | None) -> list[dict]:
    outcome = graph.run(text, results_format="json", timeout=timeout)
    if outcome.status != 200:
        raise _FacetFailed(outcome.error or f"status {outcome.status}")
    return json.loads(outcome.body)["results"]["bindings"]


class _FacetFailed(Exception):
    pass


class Browser:
    """Browsing over one graph. Build one per graph generation and keep it: it holds a facet index
    per kind (facetindex.py), built in the background on first use, and the labels it has read."""

    def __init__(self, graph, defs: Definitions | None = None, *, index_timeout: float | None = INDEX_TIMEOUT,
                 parallel: int = FACET_PARALLEL, wait: float = INDEX_WAIT):
        self.graph = graph
        self.defs = defs or load()
        self.index_timeout = index_timeout
        self.parallel = max(1, parallel)
        self.wait = wait
        self._lock = threading.Lock()
        self._types: dict[tuple[str, ...], list[str]] = {}
        self._builds: OrderedDict[tuple, _Build] = OrderedDict()
        self._labels: dict[str, dict[str, dict[str, str]]] = {}      # IRI -> property -> language -> text

    # -- plumbing
    def types(self, kind: Kind) -> list[str]:
        """The kind's classes with all their subclasses (from the ontology in the store)."""
        if kind.classes not in self._types:
            # one path per class with its end given: Virtuoso refuses a path whose ends are both
            # variables ("transitive start not given"), even when VALUES binds one
            paths = " UNION ".join(f"{{ ?c rdfs:subClassOf* {_iri(c)} }}" for c in kind.classes)
            rows = _run(self.graph, _prefixes() + f"SELECT DISTINCT ?c WHERE {{ {paths} }}", None)
            self._types[kind.classes] = sorted({r["c"]["value"] for r in rows} | set(kind.classes))
        return self._types[kind.classes]

    def superclasses(self, class_iri: str) -> set[str]:
        rows = _run(self.graph, rq.load("superclasses").replace("$class", _iri(class_iri)), None)
        return {r["c"]["value"] for r in rows}

    def items_query(self, kind: Kind, chosen: Mapping[str, list], lang: str | None = None) -> str:
        """The state's items as one SPARQL query (the "show as SPARQL" link)."""
        where = _items_where(kind, chosen, self.defs, self.types(kind))
        if lang is None:
            return _prefixes() + f"SELECT DISTINCT ?item WHERE {{\n{where}}}"
        label = (f'  OPTIONAL {{ ?item rdfs:label ?label FILTER (LANGMATCHES(LANG(?label), "{lang}")) }}\n'
                 f'  OPTIONAL {{ ?item rdfs:label ?anyLabel }}\n')
        return _prefixes() + (f"SELECT ?item (SAMPLE(COALESCE(?label, ?anyLabel)) AS ?itemLabel) WHERE {{\n"
                              f"{where}{label}}}\nGROUP BY ?item\nORDER BY ?itemLabel")

    # -- the index
    def pairs_query(self, kind: Kind, facet: FacetDef) -> str:
        """Every (item, value) of a facet over the kind: the one query the index runs per facet."""
        head = f"  VALUES ?type {{ {' '.join(_iri(t) for t in self.types(kind))} }}\n  ?item a ?type .\n"
        pattern = _value_pattern(facet, kind.name, None)
        if facet.value == "period":
            return _prefixes() + f"SELECT DISTINCT ?item ?start ?end WHERE {{\n{head}  {pattern}\n}}"
        return _prefixes() + f"SELECT DISTINCT ?item ?value WHERE {{\n{head}  {pattern}\n  FILTER (isIRI(?value))\n}}"

    def index(self, kind: Kind) -> KindIndex:
        """The kind's facet index: built in the background on first use (and again after a failed
        build, or to retry failed facets); a request waits for it up to self.wait seconds."""
        key = (kind.name, kind.classes)
        with self._lock:
            build = self._builds.get(key)
            if build is None or (build.done.is_set() and build.index is None):
                build = self._start(kind, key)
            elif build.stale() and build.retry is None:
                build.retry = self._start(kind, None, replaces=build)
            self._builds.move_to_end(key)
            while len(self._builds) > CACHED_KINDS:
                self._builds.popitem(last=False)
        if not build.done.wait(self.wait):
            waited = time.monotonic() - build.started
            raise BrowseError(503, f"The index of the {kind.name} for browsing is being built (once for each version "
                                   f"of the data; started {waited:.0f} s ago). Try again in a moment.",
                              retry_after=10)
        if build.index is None:
            raise BrowseError(503, f"The matching {kind.name} could not be listed: {build.error}")
        return build.index

    def _start(self, kind: Kind, key: tuple | None, replaces: _Build | None = None) -> _Build:
        build = _Build()
        if key is not None:
            self._builds[key] = build

        def run():
            try:
                build.index = self._build(kind)
            except _FacetFailed as err:
                build.error = str(err)
            finally:
                build.finished = time.monotonic()
                build.done.set()
                if replaces is not None and build.index is not None:
                    with self._lock:       # the retry replaces the index it retried, if it is still kept
                        for k, v in self._builds.items():
                            if v is replaces:
                                self._builds[k] = build
        threading.Thread(target=run, name=f"browse-index-{kind.name}", daemon=True).start()
        return build

    def _build(self, kind: Kind) -> KindIndex:
        started = time.perf_counter()
        head = f"  VALUES ?type {{ {' '.join(_iri(t) for t in self.types(kind))} }}\n  ?item a ?type .\n"
        rows = _run(self.graph, _prefixes() + f"SELECT DISTINCT ?item WHERE {{\n{head}}}", self.index_timeout)
        items = sorted({r["item"]["value"] for r in rows})
        number = {iri: i for i, iri in enumerate(items)}
        names = list(dict.fromkeys(kind.facets + kind.columns))

        def facet(name: str) -> FacetData:
            spec = self.defs.facets[name]
            try:
                rows = _run(self.graph, self.pairs_query(kind, spec), self.index_timeout)
            except _FacetFailed as err:
                return FacetData.failed(name, str(err))
            pairs, shown = [], ({} if name in kind.columns else None)
            for r in rows:
                item = number.get(r["item"]["value"])
                if item is None:
                    continue
                if spec.value == "period":
                    try:
                        start, end = int(r["start"]["value"]), int(r["end"]["value"])
                    except (KeyError, ValueError):
                        continue
                    pairs.extend((item, year) for year in range(min(start, end), max(start, end) + 1))
                    text = str(start) if start == end else f"{start}–{end}"
                else:
                    pairs.append((item, r["value"]["value"]))
                    text = r["value"]["value"]
                if shown is not None:
                    shown.setdefault(item, set()).add(text)
            return FacetData.from_pairs(name, pairs, shown)

        def labels() -> None:
            text = _prefixes() + f"SELECT ?item ?lp ?label WHERE {{\n{head}  ?item ?lp ?label {_LABEL_FILTER}\n}}"
            self._remember_labels(_run(self.graph, text, self.index_timeout), "item")
        with ThreadPoolExecutor(max_workers=self.parallel) as pool:
            item_labels = pool.submit(labels)
            facets = dict(zip(names, pool.map(facet, names), strict=True))
            item_labels.result()
        return KindIndex(items, facets, time.perf_counter() - started)

    # -- labels
    def _remember_labels(self, rows: list[dict], var: str) -> None:
        with self._lock:
            for r in rows:
                if r["label"]["type"] == "literal":
                    by_prop = self._labels.setdefault(r[var]["value"], {}).setdefault(r["lp"]["value"], {})
                    by_prop.setdefault(r["label"].get("xml:lang", ""), r["label"]["value"])

    def read_labels(self, iris_: Iterable[str]) -> None:
        """Read the labels of the IRIs not read yet (in batches: a VALUES list per query)."""
        missing = sorted({i for i in iris_ if i not in self._labels})
        for start in range(0, len(missing), LABEL_BATCH):
            batch = missing[start:start + LABEL_BATCH]
            text = _prefixes() + (f"SELECT ?x ?lp ?label WHERE {{ VALUES ?x {{ {' '.join(_iri(i) for i in batch)} }}\n"
                                  f"  ?x ?lp ?label {_LABEL_FILTER}\n}}")
            try:
                rows = _run(self.graph, text, self.index_timeout)
            except _FacetFailed:
                rows = []               # shown by their IRI's last segment; the next page tries again
            self._remember_labels(rows, "x")
            with self._lock:
                for iri in batch:
                    self._labels.setdefault(iri, {})

    def label(self, iri: str, lang: str) -> str:
        """The label a reader of lang sees (their language, then English, Swedish, any)."""
        if iri not in self._labels:
            self.read_labels([iri])
        return pick_label(self._labels.get(iri, {}), lang) or default_label(iri)

    def resolve(self, kind: Kind, selections: Mapping[str, list[str]], index: KindIndex | None = None) -> dict[str, list]:
        """URL keys to the values the index holds (IRIs, years); an unknown key is an error."""
        index = index or self.index(kind)
        chosen = {}
        for name, keys in selections.items():
            facet = self.defs.facets[name]
            if facet.value == "period":
                bad = [k for k in keys if not re.fullmatch(r"-?\d{1,4}", k)]
                if bad:
                    raise BrowseError(400, f"{name}={bad[0]!r}: a year is a number such as 2020.")
                chosen[name] = [int(k) for k in keys]
                continue
            known = index.facets[name].keys(lambda v, f=facet: _key(f, v))
            missing = [k for k in keys if k not in known]
            if missing:
                if index.facets[name].error:
                    raise BrowseError(503, f"The facet {name} of {kind.name} is unavailable: {index.facets[name].error}")
                sample = ", ".join(sorted(known)[:12])
                raise BrowseError(400, f"{name}={missing[0]!r} is not a value of the facet {name} of {kind.name}"
                                       f"{'; values include: ' + sample if sample else ''}.")
            chosen[name] = [known[k] for k in keys]
        return chosen

    # -- the one entry point
    def browse(self, kind: Kind, args: list[tuple[str, str]], *, lang: str, path: str,
               label_of: Callable[[FacetDef, str | int], str | None] | None = None,
               all_items: bool = False) -> Browse:
        """The state a URL describes: its facets with counts and toggle URLs, and the matching items.
        label_of: a facet value's label (None: the graph's).
        all_items: every matching item (for CSV and JSON), not one page."""
        selections = parse_selections(args, kind, self.defs)
        controls = dict(args)
        size = _int(controls.get("_size"), PAGE_SIZE, "_size", 1, MAX_PAGE_SIZE)
        page = _int(controls.get("_page"), 1, "_page", 1, None)
        columns = [(name, self.defs.facets[name].label(lang)) for name in kind.columns]
        sort = controls.get("_sort") or "label"
        if sort.lstrip("-") not in ("label", *kind.columns):
            raise BrowseError(400, f"_sort={sort!r}: sort by label or by one of {', '.join(kind.columns) or 'none'}"
                                   " (a leading - reverses).")
        index = self.index(kind)
        chosen = self.resolve(kind, selections, index)
        def value_label(facet: FacetDef, value) -> str:
            text = label_of(facet, value) if label_of else None
            if text is None:
                text = str(value) if facet.value == "period" else self.label(str(value), lang)
            return text

        selected = {name: index.facets[name].selecting(values) for name, values in chosen.items()}
        facets, listed = [], []
        for name in kind.facets:
            facet, data = self.defs.facets[name], index.facets[name]
            result = Facet(name, facet.label(lang), error=data.error)
            counts = data.counts(index.matching(selected, leave_out=name)) if not data.error else {}
            if facet.value != "period" and len(counts) > FACET_SIZE:
                result.truncated = True
                counts = dict(sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))[:FACET_SIZE])
            picked = set(selections.get(name, []))
            entries = {_key(facet, v): (v, n) for v, n in counts.items()}
            known = data.keys(lambda v, f=facet: _key(f, v))
            for key in picked - set(entries):       # a chosen value stays listed (to unselect it)
                entries[key] = (known.get(key, key) if facet.value != "period" else int(key), 0)
            facets.append((facet, result, picked, entries))
            listed += [str(v) for v, _ in entries.values() if facet.value != "period"]

        matching = index.matching(selected)
        order = self._order(index, lang, sort, value_label)     # every item in the sort's order
        if matching is not None:
            order = [n for n in order if n in matching]
        shown_numbers = order if all_items else order[(page - 1) * size: page * size]
        shown = [Item(index.items[n], self._item_label(index, n, lang)) for n in shown_numbers]
        self._fill_columns(index, kind, shown, dict(zip([i.iri for i in shown], shown_numbers, strict=True)), lang, value_label,
                           listed)

        for facet, result, picked, entries in facets:
            for key, (value, count) in entries.items():
                toggled = {**selections, result.name: [k for k in selections.get(result.name, []) if k != key]
                           if key in picked else selections.get(result.name, []) + [key]}
                result.values.append(FacetValue(key, value, value_label(facet, value), count, key in picked,
                                                url(path, {k: v for k, v in toggled.items() if v},
                                                    {"_sort": sort if sort != "label" else None})))
            result.values.sort(key=_order(facet))
        return Browse(kind, lang, path, [r for _, r, _, _ in facets], shown, len(order), page,
                      max(1, len(order)) if all_items else size, sort, selections,
                      self.items_query(kind, chosen, lang), columns)

    def _item_label(self, index: KindIndex, number: int, lang: str) -> str:
        return pick_label(self._labels.get(index.items[number], {}), lang) or default_label(index.items[number])

    def _order(self, index: KindIndex, lang: str, sort: str, value_label) -> list[int]:
        """Every item's number in the order of a sort (label, or a column then label; a leading -
        reverses, ties staying by label) for a reader of lang: computed once per index."""
        key = ("order", lang, sort)
        if key in index.cache:
            return index.cache[key]
        column = sort.lstrip("-")
        if column == "label":
            labels = [self._item_label(index, n, lang).casefold() for n in range(len(index.items))]
            order = sorted(range(len(index.items)), key=lambda n: (labels[n], index.items[n]),
                           reverse=sort.startswith("-"))
        else:
            facet, shown = self.defs.facets[column], index.facets[column].shown or {}
            if facet.value == "iri":
                self.read_labels(v for values in shown.values() for v in values)
            text_of = {v: v if facet.value == "period" else value_label(facet, v).casefold()
                       for v in {v for values in shown.values() for v in values}}
            keys = {}
            for n in range(len(index.items)):       # items without a value last
                texts = sorted({text_of[v] for v in shown.get(n, ())})
                keys[n] = (not texts, texts)
            order = sorted(self._order(index, lang, "label", value_label), key=keys.__getitem__,
                           reverse=sort.startswith("-"))
        index.cache[key] = order
        return order

    def _fill_columns(self, index: KindIndex, kind: Kind, items: list[Item], number_of: dict[str, int], lang: str,
                      value_label, more_labels: list[str]) -> None:
        """Each item's values of the kind's column facets, from the index; their labels read at once
        (with more_labels, the facet values the page lists)."""
        wanted = list(more_labels)
        for name in kind.columns:
            data = index.facets[name]
            if data.shown is not None and self.defs.facets[name].value == "iri":
                wanted += [v for i in items for v in data.shown.get(number_of[i.iri], ())]
        self.read_labels(wanted)
        for name in kind.columns:
            facet, data = self.defs.facets[name], index.facets[name]
            if data.shown is None:
                continue            # the facet's query failed: the column stays empty, the table is still right
            for item in items:
                values = data.shown.get(number_of[item.iri])
                if values:
                    texts = {v if facet.value == "period" else value_label(facet, v) for v in values}
                    item.columns[name] = sorted(texts, key=str.casefold)


@dataclass
class _Build:
    """One build of a kind's index: done when it has an index or an error."""
    done: threading.Event = field(default_factory=threading.Event)
    index: KindIndex | None = None
    error: str | None = None
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None
    retry: _Build | None = None

    def stale(self) -> bool:
        """An index with failed facets, old enough to try them again."""
        return bool(self.index and self.index.failed and self.finished
                    and time.monotonic() - self.finished > RETRY_FAILED)


def _int(raw: str | None, default: int, name: str, low: int, high: int | None) -> int:
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BrowseError(400, f"{name}={raw!r} is not a whole number.") from None
    if value < low or (high is not None and value > high):
        raise BrowseError(400, f"{name}={value} is out of range ({low}..{high if high else 'any'}).")
    return value


def _order(facet: FacetDef):
    if facet.value == "period":
        return lambda v: int(v.key)
    if facet.value == "sdg":
        return lambda v: int(v.key) if v.key.isdigit() else 99
    return lambda v: (-v.count, v.label.casefold(), v.key)


def counts_by_key(result: Browse) -> dict[str, dict[str, int]]:
    """{facet: {URL key: count}}, for tests and the command line."""
    return {f.name: {v.key: v.count for v in f.values} for f in result.facets}


__all__ = ["Browse", "BrowseError", "Browser", "Definitions", "Facet", "FacetValue", "Item", "Kind", "load", "url",
           "parse_selections", "counts_by_key"]
