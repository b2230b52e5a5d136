"""The release log: an append-only folder of releases beside data/ (releases/ in a checkout, the
packaged copy in a wheel). Release N is three files:

- `NNNN.json`: number, timestamp (xsd:dateTime with its zone), notes, the commit it was made
  from (if any), counts, the SHA-256 of its two change files and of its predecessor's header;
- `NNNN-added.nq`, `NNNN-removed.nq`: the statements added and removed, one N-Quads line each,
  sorted, the graph of each line being the resource it belongs to (a subject IRI under id/).

The state at release N is the replay of the changes of releases 1..N. A resource's statements
are the triples with it as subject in the data graphs, with the blank nodes they reach (labelled
by their content, so the same description gives the same lines every time).

A write is atomic (change files first, the header last, each through a rename) and one at a time
(a lock file beside the folder, .releases.lock); a header is the commit point, so change files without one are what an interrupted
write left and are written over. Reading checks the whole chain: a missing or altered file is
named, never skipped."""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ..rdf import iris
from ..rdf.files import atomic_write
from ..rdf.locks import Busy, writer_lock
from ..rdf.sources import packaged_root

FOLDER = "releases"
_HEADER = re.compile(r"^(\d{4,})\.json$")
_CHANGES = re.compile(r"^(\d{4,})-(added|removed)\.nq$")

State = dict[str, frozenset[str]]
"""resource IRI -> its statements as N-Triples lines"""


class HistoryError(ValueError):
    """A release that cannot be made, or a log that cannot be read."""


class NothingChanged(HistoryError):
    pass


class ReleaseBusy(HistoryError):
    pass


class DamagedLog(HistoryError):
    """The log is not whole: files missing, altered or out of sequence. Carries what was found."""

    def __init__(self, folder: Path, problems: list[str]):
        super().__init__(f"the release log in {folder} is damaged: " + "; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Release:
    number: int
    timestamp: str                  # ISO 8601 with its zone, e.g. 2026-12-01T10:00:00+00:00
    notes: str = ""
    previous: str | None = None     # SHA-256 of the predecessor's header file
    added_sha256: str = ""
    removed_sha256: str = ""
    commit: str | None = None       # the repository commit a release built from git history stands for
    counts: dict = field(default_factory=dict)   # resources added, changed, removed; statements added, removed

    @property
    def date(self) -> str:
        return self.timestamp[:10]

    def header_bytes(self) -> bytes:
        return (json.dumps(asdict(self), ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


@dataclass
class Changes:
    """What one release changed: resource -> statements added, statements removed."""
    added: dict[str, set[str]] = field(default_factory=dict)
    removed: dict[str, set[str]] = field(default_factory=dict)

    @property
    def resources(self) -> list[str]:
        return sorted(set(self.added) | set(self.removed))

    def __bool__(self) -> bool:
        return bool(self.added or self.removed)


# -- where the log is ----------------------------------------------------------------------------

def folder_beside(data: Iterable[str | Path] | None) -> Path | None:
    """releases/ beside the data: DIR/../releases for one data folder DIR (./releases for ./data);
    with no data named, ./releases when there is a ./data, else the packaged copy; None for data
    given as files or as several folders, which no one log describes."""
    paths = [Path(p) for p in (data or [])]
    if len(paths) == 1 and paths[0].is_dir():
        return paths[0].resolve().parent / FOLDER
    if not paths:
        root = packaged_root()
        return Path(FOLDER).resolve() if Path("data").exists() or root is None else root / FOLDER
    return None


# -- a resource's statements -----------------------------------------------------------------------

def snapshot(quads: Iterable, base: str = iris.DEFAULT_BASE) -> State:
    """The statements of every resource under base id/, from pyoxigraph quads (or triples) of the
    data graphs: its own triples, and the triples of the blank nodes they reach."""
    import pyoxigraph  # start-up: pyoxigraph only where the history is read or made
    prefix = base + "id/"
    by_subject: dict = {}
    for quad in quads:
        by_subject.setdefault(quad.subject, set()).add((quad.predicate, quad.object))
    labels: dict = {}

    def term(node, owner: str) -> str:
        if isinstance(node, pyoxigraph.BlankNode):
            return "_:" + label(node, owner)
        return str(node)

    def label(node, owner: str, seen: frozenset = frozenset()) -> str:
        key = (node, owner)
        if key not in labels:
            if node in seen:   # a cycle of blank nodes: labelled by position, not content
                return "c" + hashlib.sha1(f"{owner} {len(seen)}".encode()).hexdigest()[:16]
            parts = sorted(f"{p} {label(o, owner, seen | {node}) if isinstance(o, pyoxigraph.BlankNode) else o}"
                           for p, o in by_subject.get(node, ()))
            labels[key] = "b" + hashlib.sha1((owner + "\n" + "\n".join(parts)).encode("utf-8")).hexdigest()[:16]
        return labels[key]

    state: State = {}
    for subject in by_subject:
        if not isinstance(subject, pyoxigraph.NamedNode) or not subject.value.startswith(prefix):
            continue
        owner = subject.value
        lines: set[str] = set()
        todo, done = [subject], set()
        while todo:
            node = todo.pop()
            if node in done:
                continue
            done.add(node)
            for predicate, obj in by_subject.get(node, ()):
                lines.add(f"{term(node, owner)} {predicate} {term(obj, owner)} .")
                if isinstance(obj, pyoxigraph.BlankNode):
                    todo.append(obj)
        state[owner] = frozenset(lines)
    return state


def diff(old: State, new: State) -> Changes:
    changes = Changes()
    for resource in set(old) | set(new):
        before, after = old.get(resource, frozenset()), new.get(resource, frozenset())
        if before != after:
            if after - before:
                changes.added[resource] = set(after - before)
            if before - after:
                changes.removed[resource] = set(before - after)
    return changes


def apply(state: State, changes: Changes) -> State:
    """The state after a release's changes (a new dict; the given one is left as it was)."""
    result = dict(state)
    for resource in changes.resources:
        lines = (set(result.get(resource, ())) - changes.removed.get(resource, set())) | changes.added.get(resource, set())
        if lines:
            result[resource] = frozenset(lines)
        else:
            result.pop(resource, None)
    return result


def counts_of(old: State, changes: Changes) -> dict:
    added = changed = removed = 0
    for resource in changes.resources:
        existed = resource in old
        remains = bool((set(old.get(resource, ())) - changes.removed.get(resource, set())) | changes.added.get(resource, set()))
        if not existed:
            added += 1
        elif not remains:
            removed += 1
        else:
            changed += 1
    return {"added": added, "changed": changed, "removed": removed,
            "statements_added": sum(map(len, changes.added.values())),
            "statements_removed": sum(map(len, changes.removed.values()))}


# -- the files ------------------------------------------------------------------------------------

def _nquads(per_resource: dict[str, set[str]]) -> bytes:
    lines = []
    for resource, statements in per_resource.items():
        lines.extend(f"{line[:-2]} <{resource}> ." for line in statements)
    lines.sort()
    return ("\n".join(lines) + "\n" if lines else "").encode("utf-8")


_QUAD_END = re.compile(r" <([^>]*)> \.$")


def _read_nquads(data: bytes) -> dict[str, set[str]]:
    per_resource: dict[str, set[str]] = {}
    for line in data.decode("utf-8").splitlines():
        if not line.strip():
            continue
        match = _QUAD_END.search(line)
        if match is None:
            raise ValueError(f"not a release line: {line[:80]}")
        per_resource.setdefault(match.group(1), set()).add(line[:match.start()] + " .")
    return per_resource


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Log:
    """The release log in one folder. Reading verifies it whole (DamagedLog otherwise)."""

    def __init__(self, folder: str | Path | None):
        """folder None: no log (data that no log describes); it has no releases and takes none."""
        self.folder = Path(folder) if folder is not None else None
        self._releases: list[Release] | None = None
        self._changes: dict[int, Changes] = {}
        self._states: list | None = None

    def name(self, number: int, part: str) -> Path:
        return self.folder / (f"{number:04d}.json" if part == "header" else f"{number:04d}-{part}.nq")

    def releases(self) -> list[Release]:
        """Every release, oldest first, after checking the chain of hashes and the change files."""
        if self._releases is None:
            self._releases = self._verified()
        return self._releases

    def _verified(self) -> list[Release]:
        if self.folder is None or not self.folder.is_dir():
            return []
        names = {p.name for p in self.folder.iterdir() if not p.name.startswith(".")}
        numbers = sorted(int(m.group(1)) for n in names if (m := _HEADER.match(n)))
        problems: list[str] = []
        highest = numbers[-1] if numbers else 0   # change files past it: an interrupted write, written over next time
        releases: list[Release] = []
        previous_hash = None
        for number in range(1, highest + 1):
            header = self.name(number, "header")
            if not header.is_file():
                problems.append(f"{header.name} is missing")
                previous_hash = None
                continue
            raw = header.read_bytes()
            try:
                release = Release(**json.loads(raw))
            except (ValueError, TypeError) as err:
                problems.append(f"{header.name} cannot be read: {err}")
                previous_hash = None
                continue
            if release.number != number:
                problems.append(f"{header.name} says it is release {release.number}")
            if number > 1 and previous_hash is not None and release.previous != previous_hash:
                problems.append(f"{self.name(number - 1, 'header').name} was altered: release {number} "
                                "records another hash for it")
            for part, expected in (("added", release.added_sha256), ("removed", release.removed_sha256)):
                path = self.name(number, part)
                if not path.is_file():
                    problems.append(f"{path.name} is missing")
                elif _sha256(path.read_bytes()) != expected:
                    problems.append(f"{path.name} was altered: its hash is not the one {header.name} records")
            previous_hash = _sha256(raw)
            releases.append(release)
        if problems:
            raise DamagedLog(self.folder, problems)
        return releases

    @property
    def latest(self) -> Release | None:
        releases = self.releases()
        return releases[-1] if releases else None

    def release(self, number: int) -> Release | None:
        releases = self.releases()
        return releases[number - 1] if 1 <= number <= len(releases) else None

    def changes(self, number: int) -> Changes:
        if number not in self._changes:
            self._changes[number] = Changes(_read_nquads(self.name(number, "added").read_bytes()),
                                            _read_nquads(self.name(number, "removed").read_bytes()))
        return self._changes[number]

    def states(self) -> Iterator[tuple[Release, Changes, State, State]]:
        """(release, its changes, the state before it, the state at it), oldest first. Replayed
        once and kept (the states share the statements of the resources a release left alone)."""
        if self._states is None:
            replayed, state = [], {}
            for release in self.releases():
                changes = self.changes(release.number)
                after = apply(state, changes)
                replayed.append((release, changes, state, after))
                state = after
            self._states = replayed
        return iter(self._states)

    def state(self, number: int | None = None) -> State:
        """The state at release number (the latest when None; empty before the first)."""
        state: State = {}
        for release, _changes, _before, after in self.states():
            state = after
            if release.number == number:
                break
        return state

    def hash_of(self, number: int) -> str:
        return _sha256(self.name(number, "header").read_bytes())

    @contextmanager
    def writing(self) -> Iterator[None]:
        """One writer at a time: a second release while one is being written is refused."""
        if self.folder is None:
            raise HistoryError("no release folder: data given as files has none beside it; name one with --releases")
        self.folder.mkdir(parents=True, exist_ok=True)
        # beside the folder, not in it: the folder is what the wheel and the repository carry
        try:
            with writer_lock(self.folder):
                yield
        except Busy as busy:
            raise ReleaseBusy(f"a release is being written in {self.folder} ({busy}); wait for it to finish") from None

    def append(self, state: State, notes: str = "", timestamp: str | None = None, commit: str | None = None) -> Release:
        """Record state as the next release: NothingChanged when it is the latest one's, DamagedLog
        when the log is not whole, ReleaseBusy while another release is being written."""
        with self.writing():
            self._releases = self._states = None
            previous_state = self.state()
            latest = self.latest
            changes = diff(previous_state, state)
            if not changes:
                raise NothingChanged(f"nothing changed since release {latest.number}" if latest
                                     else "there is nothing to release: the data describes no resources")
            number = latest.number + 1 if latest else 1
            timestamp = later_than(timestamp or now(), latest.timestamp if latest else None)
            added, removed = _nquads(changes.added), _nquads(changes.removed)
            release = Release(number, timestamp, notes, self.hash_of(latest.number) if latest else None,
                              _sha256(added), _sha256(removed), commit, counts_of(previous_state, changes))
            atomic_write(self.name(number, "added"), added)
            atomic_write(self.name(number, "removed"), removed)
            atomic_write(self.name(number, "header"), release.header_bytes())
            self._releases = self._states = None
            self._changes.pop(number, None)
            return release


def now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def later_than(timestamp: str, previous: str | None) -> str:
    """timestamp, or a second after previous when it is not later: the stream's times only go forward."""
    if previous is None:
        return timestamp
    before = datetime.fromisoformat(previous)
    when = datetime.fromisoformat(timestamp)
    return timestamp if when > before else (before + timedelta(seconds=1)).isoformat()


def log_of(graph) -> Log:
    """The release log of the data a PartnerGraph serves (the one its history graph reads)."""
    if getattr(graph, "history", None) is not None:
        return graph.history.log
    return Log(folder_beside(graph.sources.data if getattr(graph, "sources", None) else None))
