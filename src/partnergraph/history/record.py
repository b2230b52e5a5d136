"""Making releases: the validated working data as the next release, or the shipped history built
from the repository's own history of data/ (each commit that changed it, validated with the
ontology and shapes of that commit)."""
from __future__ import annotations

import itertools
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from io import BytesIO
from pathlib import Path

from ..graph import DataRejected, validate_and_build
from ..rdf import iris
from ..store.embedded import load_plan
from .releases import Changes, HistoryError, Log, Release, State, diff, snapshot


def working_state(data: list[str], ontology_dir: str | Path = "ontology", base: str = iris.DEFAULT_BASE) -> State:
    """The statements of every resource in the data, after validating it (DataRejected if it does not)."""
    store, _summary = validate_and_build(data, target=None, ontology_dir=ontology_dir, base=base, validate=True)
    return state_of_store(store.store, data, ontology_dir, base)


def state_of_store(store, data: list[str], ontology_dir: str | Path = "ontology", base: str = iris.DEFAULT_BASE) -> State:
    """The statements of every resource in the data graphs of a built pyoxigraph store."""
    import pyoxigraph  # start-up: pyoxigraph only where the history is read or made
    graphs = [pyoxigraph.NamedNode(item.graph) for item in load_plan(data, ontology_dir, (), base) if item.kind == "data"]
    return snapshot(itertools.chain.from_iterable(store.quads_for_pattern(None, None, None, g) for g in graphs), base)


def make_release(data: list[str], ontology_dir: str | Path, folder: str | Path, notes: str = "",
                 base: str = iris.DEFAULT_BASE) -> Release:
    """Validate the data and record it as the next release of the log in folder."""
    log = Log(folder)
    log.releases()   # a damaged log is reported before the data is validated
    return log.append(working_state(data, ontology_dir, base), notes)


def pending_changes(data: list[str], ontology_dir: str | Path, folder: str | Path,
                    base: str = iris.DEFAULT_BASE) -> tuple[Release | None, Changes]:
    """What a release of the working data would record: (the latest release, the changes since it)."""
    log = Log(folder)
    return log.latest, diff(log.state(), working_state(data, ontology_dir, base))


# -- the shipped history, from git ------------------------------------------------------------------

@dataclass(frozen=True)
class Commit:
    sha: str
    timestamp: str
    subject: str


def data_commits(repository: str | Path, data_path: str = "data") -> list[Commit]:
    """The commits that changed data/, oldest first."""
    out = _git(repository, "log", "--first-parent", "--reverse", "--format=%H%x09%cI%x09%s", "--", data_path).decode("utf-8")
    return [Commit(*line.split("\t", 2)) for line in out.splitlines() if line.strip()]


def _git(repository: str | Path, *args: str) -> bytes:
    try:
        return subprocess.run(["git", "-C", str(repository), *args], check=True, capture_output=True).stdout
    except FileNotFoundError:
        raise HistoryError("--from-git needs git, which is not installed") from None
    except subprocess.CalledProcessError as err:
        raise HistoryError(f"git {' '.join(args[:2])} failed: {err.stderr.decode('utf-8', 'replace').strip()}") from None


def _checkout(repository: Path, commit: str, into: Path, parts: tuple[str, ...]) -> None:
    archive = _git(repository, "archive", "--format=tar", commit, *parts)
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")


def releases_from_git(repository: str | Path, folder: str | Path, base: str = iris.DEFAULT_BASE,
                      progress=None) -> list[Release]:
    """Build the log in folder (which must hold no releases yet) from each commit that changed
    data/. A commit whose data does not validate with its own ontology and shapes is not released;
    the reason goes into the notes of the next release. A commit whose data describes the same
    resources as the last release (a merge, a change of layout only) is not released either."""
    repository = Path(repository).resolve()
    log = Log(folder)
    if log.releases():
        raise HistoryError(f"{log.folder} already holds {len(log.releases())} releases; --from-git builds the log "
                           "from the start, in an empty folder")
    made: list[Release] = []
    held_back: list[str] = []
    last_time: datetime | None = None
    for commit in data_commits(repository):
        with tempfile.TemporaryDirectory(prefix="partnergraph-release-") as scratch:
            root = Path(scratch)
            _checkout(repository, commit.sha, root, ("data", "ontology"))
            try:
                state = working_state([str(root / "data")], root / "ontology", base)
            except DataRejected as err:
                held_back.append(f"{commit.sha[:7]} ({commit.timestamp[:10]}, {commit.subject!r}) was not released: "
                                 f"its data does not validate with its own shapes: {_first_problem(err.report, root)}")
                if progress:
                    progress(commit, None)
                continue
        if state == log.state():
            if progress:
                progress(commit, None)
            continue
        when = datetime.fromisoformat(commit.timestamp)
        if last_time is not None and when <= last_time:   # the stream's times never go back
            when = last_time + timedelta(seconds=1)
        last_time = when
        notes = "\n".join([f"{commit.subject} (commit {commit.sha[:12]})", *held_back])
        release = log.append(state, notes, when.isoformat(), commit.sha)
        held_back = []
        made.append(release)
        if progress:
            progress(commit, release)
    return made


def _first_problem(report, root: Path) -> str:
    """The report's first problem in a stable order, with paths relative to the checked-out commit,
    so that building the log twice writes the same notes."""
    problems = sorted(str(p) for p in [*report.syntax_errors, *report.violations])
    if not problems:
        return "no report"
    first = problems[0].replace(str(root) + "/", "").strip().splitlines()
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return " / ".join(line.strip() for line in first[:3]) + more
