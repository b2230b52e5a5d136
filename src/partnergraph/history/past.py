"""A resource as it was at a release: its statements then, as RDF or in words."""
from __future__ import annotations

from dataclasses import dataclass

from ..rdf import iris, namespaces
from .releases import Changes, Log, Release
from .resource_history import LABELS, Statement, iris_in, labels_of, statements


@dataclass
class PastState:
    release: Release
    iri: str
    lines: frozenset[str]
    label: str
    statements: list[Statement]


def past_state(log: Log, iri: str, number: int, lang: str = "en", base: str = iris.DEFAULT_BASE) -> PastState | None:
    """The resource at release number; None when there is no such release. A resource the release
    does not hold has no statements."""
    release = log.release(number)
    if release is None:
        return None
    state = log.state(number)
    lines = state.get(iri, frozenset())
    changes = Changes(added={iri: set(lines)})   # the statements, as an addition to nothing
    labels = labels_of(state, lang, {iri} | iris_in(changes, iri))
    shown = statements(changes, iri, labels, base, {"+": (number, state)})
    for statement in shown:
        statement.sign = ""
    return PastState(release, iri, lines, labels.get(iri, iris.compact_iri(iri, base)),
                     sorted(shown, key=lambda s: (s.predicate not in LABELS, s.predicate, s.value)))


def serialise(lines: frozenset[str], fmt) -> bytes:
    import pyoxigraph as ox  # start-up: pyoxigraph only where the history is read or made
    triples = list(ox.parse("\n".join(sorted(lines)).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)) if lines else []
    if fmt.name == "turtle":
        return ox.serialize(triples, format=fmt.oxigraph, prefixes=dict(namespaces.PREFIXES))
    return ox.serialize(triples, format=fmt.oxigraph)


def removal(log: Log, iri: str) -> tuple[int, Release] | None:
    """(the last release that held the resource, the release that removed it) when the log's
    latest release no longer holds it; None when it holds it or never did."""
    held, removed = 0, None
    for release, _changes, before, after in log.states():
        if iri in after:
            held, removed = release.number, None
        elif iri in before:
            removed = release
    return (held, removed) if held and removed is not None else None


def ever_held(log: Log, iri: str) -> bool:
    return any(iri in after for _release, _changes, _before, after in log.states())
