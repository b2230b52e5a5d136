"""A resource's history in words: the releases in which it changed and what changed, with labels
for the IRIs (the labels of the release's own state), in English or Swedish."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..rdf import iris
from .releases import Changes, Log, Release, State

LABELS = ("<http://www.w3.org/2000/01/rdf-schema#label>", "<http://www.w3.org/2004/02/skos/core#prefLabel>")
WORDS = {
    "en": {"Create": "created", "Update": "changed", "Delete": "removed", "added": "added", "removed": "removed"},
    "sv": {"Create": "skapad", "Update": "ändrad", "Delete": "borttagen", "added": "tillagt", "removed": "borttaget"},
}


@dataclass
class Statement:
    sign: str          # + or -
    predicate: str     # a label or a compact IRI
    value: str         # a label, a compact IRI or the literal's text
    link: str | None = None   # the IRI the value links to, when it is one that has a page
    release: int | None = None   # the release whose state of it the link shows (None: the current page)


@dataclass
class Version:
    release: Release
    kind: str          # Create, Update or Delete
    word: str
    statements: list[Statement] = field(default_factory=list)


def labels_of(state: State, lang: str = "en", only: set[str] | None = None) -> dict[str, str]:
    """IRI -> label in lang (else any), from the labels the state itself states (of the IRIs in
    only, when given)."""
    import pyoxigraph  # start-up: pyoxigraph only where the history is read or made
    found: dict[str, tuple[int, str]] = {}
    for resource in (state if only is None else only & state.keys()):
        lines = state[resource]
        for line in lines:
            if line.split(" ", 2)[1] not in LABELS:
                continue
            triple = next(iter(pyoxigraph.parse(line.encode("utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)))
            rank = 0 if triple.object.language == lang else 1
            if resource not in found or rank < found[resource][0]:
                found[resource] = (rank, triple.object.value)
    return {iri: label for iri, (_rank, label) in found.items()}


def statements(changes: Changes, resource: str, labels: dict[str, str], base: str = iris.DEFAULT_BASE,
               states: dict[str, tuple[int, State]] | None = None) -> list[Statement]:
    """The changed statements of resource in words. states, by sign ('+', '-'), the release and its
    state in which a value of that sign held: a resource of the dataset is linked to its page as
    that release recorded it, or not at all when that release does not hold it (it may be gone)."""
    import pyoxigraph  # start-up: pyoxigraph only where the history is read or made
    prefix = base + "id/"

    def name(term, sign: str) -> tuple[str, str | None, int | None]:
        if isinstance(term, pyoxigraph.NamedNode):
            shown = labels.get(term.value) or iris.compact_iri(term.value, base)
            if not term.value.startswith(prefix) or states is None:
                return shown, term.value, None
            number, state = states.get(sign, (0, {}))
            return (shown, term.value, number) if number and term.value in state else (shown, None, None)
        if isinstance(term, pyoxigraph.Literal):
            return term.value + (f" @{term.language}" if term.language else ""), None, None
        return "[…]", None, None

    out = []
    for sign, lines in (("-", changes.removed.get(resource, ())), ("+", changes.added.get(resource, ()))):
        for line in lines:
            triple = next(iter(pyoxigraph.parse(line.encode("utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)))
            if isinstance(triple.subject, pyoxigraph.BlankNode):
                continue   # a blank node's own statements: its link from the resource says it changed
            value, link, number = name(triple.object, sign)
            out.append(Statement(sign, iris.compact_iri(triple.predicate.value, base), value, link, number))
    out.sort(key=lambda s: (s.predicate, s.sign == "+", s.value))
    return out


def iris_in(changes: Changes, resource: str) -> set[str]:
    """The IRIs a resource's changed statements name (their objects and predicates)."""
    lines = [*changes.added.get(resource, ()), *changes.removed.get(resource, ())]
    return {part[1:-1] for line in lines for part in line.split(" ")[1:3] if part.startswith("<")} | \
        {line.rsplit("<", 1)[-1].split(">")[0] for line in lines if line.endswith("> .")}


def history(log: Log, resource: str, lang: str = "en", base: str = iris.DEFAULT_BASE) -> list[Version]:
    """The versions of resource, oldest first."""
    words = WORDS.get(lang, WORDS["en"])
    versions = []
    for release, changes, before, after in log.states():
        if resource not in changes.added and resource not in changes.removed:
            continue
        kind = "Create" if resource not in before else "Delete" if resource not in after else "Update"
        named = {resource} | iris_in(changes, resource)
        labels = {**labels_of(before, lang, named), **labels_of(after, lang, named)}
        held = {"+": (release.number, after), "-": (release.number - 1, before)}
        versions.append(Version(release, kind, words[kind], statements(changes, resource, labels, base, held)))
    return versions


def text(changes: Changes, state: State, lang: str = "en", base: str = iris.DEFAULT_BASE, before: State | None = None) -> str:
    """The readable diff the spreadsheet import prints: resource by resource, + added, - removed."""
    labels = {**labels_of(before or {}, lang), **labels_of(state, lang)}
    lines = []
    for resource in changes.resources:
        mark = "+" if before is not None and resource not in before else "-" if resource not in state else "~"
        lines.append(f"{mark} {iris.compact_iri(resource, base)}  \"{labels.get(resource, '')}\"")
        found = statements(changes, resource, labels, base)
        width = max((len(s.predicate) for s in found), default=0)
        lines.extend(f"    {s.sign} {s.predicate.ljust(width)}  {s.value}" for s in found)
    return "\n".join(lines)
