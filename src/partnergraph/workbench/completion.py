"""The index behind the query editor's completion, built from this graph once per generation:
prefixes, the classes and properties of the ontology and of what the data uses (with English
and Swedish labels and usage counts), what the shapes and the ontology say a subject of a class
may have, and resources by label. Lookups are in memory (sorted word lists and bisection), so a
completion costs microseconds whatever the size of the graph; only building the index queries
the store."""
from __future__ import annotations

import bisect
import json
import re
import time
from dataclasses import dataclass, field

from .. import rq
from ..rdf import iris, namespaces
from ..rdf.text import fold
from ..resources.labels import pick_label
from ..sparql.executor import QueryError

_WORD = re.compile(r"[\w]+", re.UNICODE)
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
CONTEXTS = ("any", "class", "property", "resource")
BUILD_TIMEOUT = 600.0   # seconds each of the index's queries may take
ATTEMPTS, RETRY_SECONDS = 3, 10.0


def curie(iri: str) -> str | None:
    """pg:partner for the IRI, when a known prefix covers it and the local part is a plain name."""
    best = None
    for prefix, ns in namespaces.PREFIXES.items():
        if iri.startswith(ns) and (best is None or len(ns) > len(namespaces.PREFIXES[best])):
            best = prefix
    if best is None:
        return None
    local = iri[len(namespaces.PREFIXES[best]):]
    return f"{best}:{local}" if re.match(r"^[A-Za-z_][A-Za-z0-9_-]*$|^$|^[0-9]+$", local) else None


@dataclass
class Term:
    iri: str
    kind: str                                   # "class" or "property"
    labels: dict[str, str] = field(default_factory=dict)
    count: int = 0
    declared: bool = False                      # in the ontology (not only used by the data)

    @property
    def name(self) -> str:
        return curie(self.iri) or f"<{self.iri}>"


@dataclass(frozen=True)
class Resource:
    iri: str
    label: str
    labels: tuple[tuple[str, str], ...]         # (lang, text)


class CompletionIndex:
    def __init__(self, terms: dict[str, Term], model: dict[str, set[str]], class_usage: dict[str, dict[str, int]],
                 supers: dict[str, set[str]], resources: list[Resource]):
        self.terms = terms
        self.model = model                      # class -> properties the shapes or domains name
        self.class_usage = class_usage          # class -> {property: uses on its instances}
        self.supers = supers
        self.resources = resources
        self._term_words = self._word_index((i, t) for i, t in enumerate(self._term_list()))
        self._resource_words = self._word_index(
            (i, r) for i, r in enumerate(resources))

    def _term_list(self) -> list[Term]:
        if not hasattr(self, "_terms"):
            self._terms = sorted(self.terms.values(), key=lambda t: (-t.count, t.iri))
        return self._terms

    @staticmethod
    def _word_index(items) -> list[tuple[str, int]]:
        words: set[tuple[str, int]] = set()
        for index, item in items:
            texts = [text for _, text in item.labels] if isinstance(item, Resource) else list(item.labels.values())
            if isinstance(item, Term):
                local = item.name.split(":", 1)[-1]
                texts.append(_CAMEL.sub(" ", local))
                texts.append(local)
            for text in texts:
                for word in _WORD.findall(fold(text)):
                    words.add((word, index))
        return sorted(words)

    # -- building ---------------------------------------------------------------------------------

    @classmethod
    def build(cls, graph, base: str = iris.DEFAULT_BASE) -> CompletionIndex:
        graphs = {"onto": ("iri", f"{base}graph/ontology"), "shapes": ("iri", f"{base}graph/shapes")}

        def select(name: str) -> list[dict]:
            """Internal queries over the whole graph: longer than a reader's query may take at a
            million triples, so they get their own time limit rather than the endpoint's."""
            text = rq.load(name)
            outcome = graph.run(text, bindings={k: v for k, v in graphs.items() if f"?{k}" in text},
                                timeout=BUILD_TIMEOUT)
            if outcome.status != 200:
                raise QueryError(outcome)
            data = json.loads(outcome.body)
            return data["results"]["bindings"] if "results" in data else []

        terms: dict[str, Term] = {}
        for row in select("completion-terms"):
            term = terms.setdefault(row["term"]["value"], Term(row["term"]["value"], row["kind"]["value"],
                                                               declared=True))
            label = row.get("label")
            if label:
                term.labels.setdefault(label.get("xml:lang", ""), label["value"])
        for row in select("property-usage"):
            iri = row["p"]["value"]
            term = terms.setdefault(iri, Term(iri, "property"))
            term.count += int(row["n"]["value"])
        for row in select("completion-class-usage"):
            iri = row["class"]["value"]
            term = terms.setdefault(iri, Term(iri, "class"))
            term.count = int(row["n"]["value"])
        model: dict[str, set[str]] = {}
        supers: dict[str, set[str]] = {}
        for row in select("completion-class-model"):
            klass, what, other = row["class"]["value"], row["what"]["value"], row["other"]["value"]
            (supers if what == "super" else model).setdefault(klass, set()).add(other)
        class_usage: dict[str, dict[str, int]] = {}
        for row in select("completion-class-properties"):
            class_usage.setdefault(row["class"]["value"], {})[row["p"]["value"]] = int(row["n"]["value"])
        found: dict[str, dict[str, dict[str, str]]] = {}
        for row in select("all-labels"):
            by_prop = found.setdefault(row["x"]["value"], {}).setdefault(row["lp"]["value"], {})
            by_prop.setdefault(row["label"].get("xml:lang", ""), row["label"]["value"])
        resources = []
        for iri, props in found.items():
            if iri in terms:
                continue
            texts = sorted({(lang, text) for by_lang in props.values() for lang, text in by_lang.items()})
            resources.append(Resource(iri, pick_label(props, "en") or iri, tuple(texts)))
        resources.sort(key=lambda r: (fold(r.label), r.iri))
        return cls(terms, model, class_usage, supers, resources)

    # -- lookups ----------------------------------------------------------------------------------

    def properties_for(self, class_iri: str) -> set[str] | None:
        """What a subject of the class may have where the shapes, the ontology or the data say;
        None where nothing is known of the class."""
        classes = {class_iri} | self.supers.get(class_iri, set())
        allowed: set[str] = set()
        for klass in classes:
            allowed |= self.model.get(klass, set())
        allowed |= set(self.class_usage.get(class_iri, {}))
        return (allowed | {namespaces.RDF_TYPE}) if allowed else None

    def _matching(self, words: list[tuple[str, int]], needle: str, most: int | None = None) -> list[int]:
        """Indexes of items with a word starting with needle (folded), at most `most` of them."""
        start = bisect.bisect_left(words, (needle, -1))
        hits: list[int] = []
        seen: set[int] = set()
        for position in range(start, len(words)):
            word, index = words[position]
            if not word.startswith(needle):
                break
            if index not in seen:
                seen.add(index)
                hits.append(index)
                if most is not None and len(hits) >= most:
                    break
        return hits

    def complete(self, text: str, *, context: str = "any", subject_class: str | None = None, lang: str = "en",
                 limit: int = 30) -> list[dict]:
        """Completions of the token being typed. text is the token (such as 'pg:par', 'vaxj' or
        'sk'); context says where it stands (class after `a`, property in a predicate's place,
        resource, or any)."""
        text = text.strip()
        items: list[dict] = []
        prefix, colon, local = text.partition(":")
        if not colon:
            prefix, local = "", text
        needle = fold(local)
        if not colon and context in ("any", "property", "class"):
            for name, ns in namespaces.PREFIXES.items():
                if name.startswith(text.lower()):
                    items.append({"label": f"{name}:", "apply": f"{name}:", "kind": "prefix", "detail": ns,
                                  "prefixes": {name: ns}})
        allowed = self.properties_for(subject_class) if subject_class and context == "property" else None
        if context != "resource":
            terms = self._term_list()
            if needle:
                picked = [terms[i] for i in self._matching(self._term_words, needle)]
            else:
                picked = list(terms)
            ranked = []
            for term in picked:
                name = term.name
                if colon and not name.lower().startswith(prefix.lower() + ":"):
                    continue
                if context == "class" and term.kind != "class":
                    continue
                if context == "property" and term.kind != "property":
                    continue
                if allowed is not None and term.iri not in allowed:
                    continue
                starts = name.split(":", 1)[-1].lower().startswith(local.lower())
                used = self.class_usage.get(subject_class or "", {}).get(term.iri, 0)
                ranked.append((not starts, -used, -term.count, name, term))
            ranked.sort(key=lambda r: r[:4])
            for *_, term in ranked[:limit]:
                label = term.labels.get(lang) or term.labels.get("en") or term.labels.get("") or ""
                other = term.labels.get("sv" if lang == "en" else "en", "")
                pfx = term.name.split(":", 1)[0] if not term.name.startswith("<") else None
                items.append({"label": term.name, "apply": term.name, "kind": term.kind,
                              "detail": f"{label}" + (f" · {other}" if other and other != label else ""),
                              "count": term.count,
                              "prefixes": {pfx: namespaces.PREFIXES[pfx]} if pfx else {}})
        if context in ("resource", "any") and len(needle) >= 2 and not colon:
            hits = [self.resources[i] for i in self._matching(self._resource_words, needle, limit * 20)]
            hits.sort(key=lambda r: (not fold(r.label).startswith(needle), len(r.label), r.label))
            for resource in hits[:limit]:
                shown = dict(resource.labels).get(lang) or resource.label
                short = curie(resource.iri)
                items.append({"label": shown, "apply": short or f"<{resource.iri}>", "kind": "resource",
                              "detail": short or resource.iri, "iri": resource.iri,
                              "prefixes": {short.split(":", 1)[0]: namespaces.PREFIXES[short.split(":", 1)[0]]}
                              if short else {}})
        return items[: limit * 2]

    def stats(self) -> dict:
        return {"terms": len(self.terms), "resources": len(self.resources), "classes_with_model": len(self.model)}


class BackgroundIndex:
    """Builds a CompletionIndex in a thread, so that on a large graph (about a minute at a
    million triples) no request holds a lock or a worker while it is built; get() waits a
    little, then says it is not ready yet."""

    def __init__(self, build):
        import threading
        self.index: CompletionIndex | None = None
        self.error: str | None = None
        self._done = threading.Event()

        def run():
            try:
                for attempt in range(ATTEMPTS):  # the query workers may all be busy for a while
                    try:
                        self.index = build()
                        break
                    except (QueryError, ValueError, KeyError, OSError) as err:
                        self.error = str(err)
                        if attempt + 1 < ATTEMPTS:
                            time.sleep(RETRY_SECONDS)
                if self.index is not None:
                    self.error = None
            finally:
                if self.index is None and self.error is None:
                    self.error = "the build stopped"
                self._done.set()

        threading.Thread(target=run, name="completion-index", daemon=True).start()

    def get(self, wait: float = 5.0) -> CompletionIndex | None:
        self._done.wait(wait)
        return self.index
