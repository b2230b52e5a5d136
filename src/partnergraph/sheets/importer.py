"""Importing a sheet: rows -> planned triples -> a diff against data/ -> SHACL validation of the
whole graph as it would be -> (unless a dry run) atomic writes.

Where imports write: each imported sheet becomes one Turtle file, data/imports/{source}.ttl (its
own named graph), next to a copy of its rows, data/imports/{source}.txt. {source} is the sheet's
file name plus a hash of its rows, so the same rows always give the same source and importing them
again changes nothing. The hand-written files in data/ are never rewritten: a value a sheet would
change or remove there is refused with a located message. Values written by earlier imports
(files in data/imports/) are replaced when a later sheet says otherwise.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from rdflib import DCTERMS, PROV, RDF, RDFS, XSD, Literal, URIRef

from ..rdf import iris, namespaces
from ..rdf.files import atomic_write
from ..store.validation import ValidationSetupError, check_syntax, parse_graph, rdf_files, validate_paths
from .mapping import Mapping, MappingError, load_mapping, plain_rule
from .planner import Planner, Problem, RowPlan, Statement, shorten
from .schema import PG, Schema, compact
from .tables import Sheet, SheetError, read_sheet

IMPORTS = "imports"
ID_PREFIXES = {
    "c": "concept", "src": "source", "mun": "municipality", "reg": "region", "country": "country",
    "orgn": "organisation", "person": "person", "ps": "partnership", "proj": "project", "net": "network",
    "mem": "membership", "ev": "event",
}
TURTLE_PREFIXES = ("pg", "rdfs", "xsd", "skos", "dcterms", "prov", "org", "schema", "sdg")
MEDIA_TYPES = {".csv": "text/csv", ".tsv": "text/tab-separated-values",
               ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.12"}


class ImportSetupError(Exception):
    """The import could not run at all (unreadable sheet or data, unknown kind): exit code 2."""


@dataclass
class ImportResult:
    sheet: Sheet | None
    mapping: Mapping | None
    source: URIRef | None = None
    problems: list[Problem] = field(default_factory=list)
    skipped: dict[int, list[Problem]] = field(default_factory=dict)
    rows: list[RowPlan] = field(default_factory=list)
    added: list[tuple] = field(default_factory=list)
    removed: list[tuple[tuple, str]] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    dry_run: bool = False
    target: Path | None = None                                   # data/imports/{source}.ttl
    pending: dict = field(default_factory=dict, repr=False)      # path -> graph, as it would be

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)

    def subjects_changed(self) -> set:
        return {t[0] for t in self.added} | {t[0] for t, _ in self.removed}

    def summary(self) -> str:
        if not self.ok:
            return (f"{len(self.problems)} problem(s) in {self.sheet.name if self.sheet else 'the sheet'}: "
                    "nothing was written.")
        changed = self.subjects_changed()
        new = [r for r in self.rows if r.new]
        updated = [r for r in self.rows if not r.new and r.subject in changed]
        same = len(self.rows) - len(new) - len(updated)
        text = (f"{len(self.rows)} row(s): {len(new)} new, {len(updated)} changed, {same} unchanged; "
                f"{len(self.added)} triple(s) to add, {len(self.removed)} to remove.")
        if self.skipped:
            text += f" Skipped {len(self.skipped)} invalid row(s): {', '.join(map(str, sorted(self.skipped)))}."
        if not self.changed:
            return text + " The graph already says all this: nothing to write."
        if self.dry_run:
            return text + " Dry run: nothing was written."
        return text + " Wrote " + ", ".join(self.written) + "."

    def report(self) -> str:
        lines = [str(p) for p in self.problems]
        for number in sorted(self.skipped):
            lines.extend(f"skipped: {p}" for p in self.skipped[number])
        return "\n".join(lines)

    def diff(self) -> str:
        """The change as triples grouped by resource: + added, - removed (with the file)."""
        rows = {r.subject: r for r in self.rows}
        added, removed = defaultdict(list), defaultdict(list)
        for triple in self.added:
            added[triple[0]].append(triple)
        for triple, path in self.removed:
            removed[triple[0]].append((triple, path))
        order = [r.subject for r in self.rows] + sorted(set(added) | set(removed), key=str)
        lines = []
        for subject in dict.fromkeys(order):
            if subject not in added and subject not in removed:
                continue
            plan = rows.get(subject)
            mark = "+" if plan and plan.new else ("+" if subject == self.source else "~")
            title = f"{mark} {show(subject)}"
            if plan:
                title += f"  \"{plan.label}\" (row {plan.number}{', new' if plan.new else ''})"
            elif subject == self.source:
                title += "  (the sheet, as a source)"
            lines.append(title)
            entries = [("-", t, f"  (from {p})") for t, p in removed[subject]] + [("+", t, "") for t in added[subject]]
            entries.sort(key=lambda e: (e[1][1] != RDF.type, show(e[1][1]), e[0] == "+", _natural(show(e[1][2]))))
            width = max(len(show(t[1])) for _, t, _ in entries)
            for sign, triple, where in entries:
                lines.append(f"    {sign} {show(triple[1]).ljust(width)}  {show(triple[2])}{where}")
        return "\n".join(lines)


def _natural(text: str) -> list:
    return [int(part) if part.isdigit() else part for part in re.split(r"([0-9]+)", text)]


def show(term) -> str:
    if isinstance(term, Literal) and term.datatype == XSD.integer:
        return str(term)
    if isinstance(term, Literal):
        return term.n3(namespace_manager=_NAMESPACES.namespace_manager)
    if isinstance(term, URIRef):
        text = str(term)
        for prefix, kind in ID_PREFIXES.items():
            ns = f"{iris.DEFAULT_BASE}id/{kind}/"
            if text.startswith(ns):
                return f"{prefix}:{text[len(ns):]}"
        if term == RDF.type:
            return "a"
        return compact(term)
    return str(term)


def _namespaces(base: str = iris.DEFAULT_BASE) -> rdflib.Graph:
    graph = rdflib.Graph(bind_namespaces="none")
    for prefix in TURTLE_PREFIXES:
        graph.bind(prefix, namespaces.PREFIXES[prefix])
    for prefix, kind in ID_PREFIXES.items():
        graph.bind(prefix, f"{base}id/{kind}/")
    return graph


_NAMESPACES = _namespaces()


# -- the data as it is ------------------------------------------------------------------------

@dataclass
class DataFiles:
    root: Path
    graphs: dict[Path, rdflib.Graph]

    @classmethod
    def load(cls, data_dir: Path | str) -> DataFiles:
        root = Path(data_dir)
        if not root.is_dir():
            raise ImportSetupError(f"{root}: no such data directory")
        graphs = {}
        try:
            files = rdf_files([root])
        except ValidationSetupError as err:
            raise ImportSetupError(str(err)) from err
        for path in files:
            problem = check_syntax(path)
            if problem:
                raise ImportSetupError(f"the data does not parse, so nothing can be imported: {problem}")
            graphs[path] = parse_graph(path)
        return cls(root, graphs)

    def union(self) -> rdflib.Graph:
        union = rdflib.Graph()
        for graph in self.graphs.values():
            union += graph
        return union

    def owned(self, path: Path) -> bool:
        """Files that imports write (and may rewrite): data/imports/*.ttl."""
        return path.parent == self.root / IMPORTS

    def holding(self, triple) -> list[Path]:
        return [path for path, graph in self.graphs.items() if triple in graph]


# -- the import -------------------------------------------------------------------------------

def source_slug(sheet: Sheet) -> str:
    digest = hashlib.sha256(sheet.to_csv().encode("utf-8")).hexdigest()[:16]
    stem = iris.slugify(Path(sheet.path).stem) or "sheet"
    return f"{shorten(stem)}_{digest}"


def source_triples(source: URIRef, sheet: Sheet, mapping: Mapping, slug: str, count: int,
                   publisher: URIRef | None, today: dt.date) -> list[tuple]:
    name = sheet.name
    where = f"data/{IMPORTS}/{slug}.txt"
    triples = [
        (source, RDF.type, PG.SourceDocument),
        (source, PG.fileName, Literal(f"{slug}.txt")),
        (source, DCTERMS.title, Literal(f"Spreadsheet {name}", lang="en")),
        (source, DCTERMS.title, Literal(f"Kalkylblad {name}", lang="sv")),
        (source, RDFS.label, Literal(f"Spreadsheet {name} ({mapping.title_en.lower()})", lang="en")),
        (source, RDFS.label, Literal(f"Kalkylblad {name} ({mapping.title_sv.lower()})", lang="sv")),
        (source, DCTERMS.description, Literal(
            f"The {mapping.sheet} sheet {name}, {count} row(s), imported into the graph; a copy of its rows is {where}.",
            lang="en")),
        (source, DCTERMS.description, Literal(
            f"Bladet {mapping.title_sv.lower()} i {name}, {count} rad(er), importerat till grafen; "
            f"en kopia av raderna finns i {where}.", lang="sv")),
        (source, DCTERMS.created, Literal(today.isoformat(), datatype=XSD.date)),
    ]
    media = MEDIA_TYPES.get(Path(sheet.path).suffix.lower())
    if media:
        triples.append((source, DCTERMS["format"], Literal(media)))
    if publisher is not None:
        triples.append((source, DCTERMS.publisher, publisher))
    return triples


def import_sheet(path: str | Path, kind: str, *, data_dir: str | Path = "data", ontology_dir: str | Path = "ontology",
                 dry_run: bool = False, skip_invalid: bool = False, publisher: str | None = None,
                 today: dt.date | None = None, base: str = iris.DEFAULT_BASE) -> ImportResult:
    """Import the rows of a sheet of the given kind into data_dir. Nothing is written unless
    every row (or, with skip_invalid, every row kept) gives data that validates together with
    everything already in data_dir; dry_run plans and validates but writes nothing."""
    data = DataFiles.load(data_dir)
    union = data.union()
    try:
        schema = Schema.from_dirs(ontology_dir, union)
        mapping = load_mapping(kind, schema)
    except (OSError, MappingError, KeyError) as err:
        raise ImportSetupError(str(err)) from err
    try:
        sheet = read_sheet(path, mapping)
    except SheetError as err:
        raise ImportSetupError(str(err)) from err
    result = ImportResult(sheet, mapping, dry_run=dry_run)
    probe = Planner(sheet, mapping, schema, union, base)
    header_problems = probe.header_problems()
    if header_problems:
        # Still read the rows, so that one run names every problem of the header.
        outcome = _attempt(sheet, mapping, schema, data, union, base, set(), None, today or dt.date.today(), True,
                           Path(ontology_dir), validate=False)
        result.problems = header_problems + [p for p in outcome.problems if p.row == 1]
        return result
    publisher_iri = None
    if publisher:
        found = probe.index.find(publisher, [URIRef(namespaces.PREFIXES["org"] + "Organization")])
        if len(found) != 1:
            how_many = "no" if not found else "more than one"
            raise ImportSetupError(f"--publisher {publisher!r}: {how_many} organisation has that name")
        publisher_iri = found[0]

    skipped: dict[int, list[Problem]] = {}
    while True:
        outcome = _attempt(sheet, mapping, schema, data, union, base, set(skipped), publisher_iri,
                           today or dt.date.today(), dry_run, Path(ontology_dir))
        located = defaultdict(list)
        fatal = []
        for problem in outcome.problems:
            (located[problem.row].append(problem) if problem.row and problem.row > 1 else fatal.append(problem))
        if not outcome.problems or not skip_invalid or fatal:
            outcome.skipped = skipped
            if outcome.ok and not dry_run and outcome.changed:
                outcome.written = _write(outcome, data, sheet, skipped)
            return outcome
        skipped.update(located)


def _attempt(sheet, mapping, schema, data: DataFiles, union, base, skip: set[int], publisher, today, dry_run,
             ontology_dir: Path, validate: bool = True) -> ImportResult:
    result = ImportResult(sheet, mapping, dry_run=dry_run)
    planner = Planner(sheet, mapping, schema, union, base)
    kept = [(n, cells) for n, cells in sheet.rows if n not in skip]
    for number, cells in kept:
        plan, problems = planner.plan(number, cells)
        result.problems.extend(problems)
        if plan is not None:
            result.rows.append(plan)
    result.problems.extend(planner.missing_columns(result.rows))
    if result.problems or not validate:
        return result

    slug = source_slug(Sheet(sheet.path, sheet.header, kept))
    source = URIRef(iris.resource_iri("source", slug, base))
    result.source = source
    target = data.root / IMPORTS / f"{slug}.ttl"
    added: list[tuple] = []
    removed: list[tuple[tuple, Path]] = []
    origin: dict[tuple, tuple[int, str | None]] = {}
    for plan in result.rows:
        subject_added = False
        for statement in plan.statements:
            existing = {o for o in union.objects(plan.subject, statement.predicate) if statement.selector(o)}
            wanted = set(statement.values)
            for value in statement.values:
                origin[(plan.subject, statement.predicate, value)] = (plan.number, statement.column)
                if value not in existing:
                    added.append((plan.subject, statement.predicate, value))
                    subject_added = True
            for value in sorted(existing - wanted, key=str):
                triple = (plan.subject, statement.predicate, value)
                holders = data.holding(triple)
                by_hand = [p for p in holders if not data.owned(p)]
                if by_hand:
                    shown = _words(value, planner)
                    advice = (f"keep {shown} in the list" if not _single(statement, mapping)
                              else f"write {shown} in the cell")
                    result.problems.append(Problem(sheet.name, plan.number, statement.column,
                        f"the graph has {shown} here, written by hand in {_relative(by_hand[0])}; a sheet cannot "
                        f"change or remove what is written by hand: {advice}, or leave the cell empty"))
                removed.extend((triple, p) for p in holders)
        if subject_added and (plan.subject, PROV.wasDerivedFrom, source) not in union:
            added.append((plan.subject, PROV.wasDerivedFrom, source))
    if result.problems:
        return result
    if added and (source, RDF.type, PG.SourceDocument) not in union:
        added = source_triples(source, sheet, mapping, slug, len(kept), publisher, today) + added
    result.added = added
    result.removed = [(t, _relative(p)) for t, p in removed]
    if not result.changed:
        return result

    result.pending = _new_state(data, target, added, removed)
    result.target = target
    result.problems = _validate(result.pending, data, result, origin, planner, ontology_dir)
    return result


def _single(statement: Statement, mapping: Mapping) -> bool:
    return statement.column is None or not mapping.column(statement.column).multiple


def _words(term, planner: Planner) -> str:
    if isinstance(term, Literal):
        return f"'{term}'"
    if isinstance(term, URIRef):
        label = planner.index.label(term, "en")
        return f"'{label}'"
    return str(term)


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _new_state(data: DataFiles, target: Path, added: list[tuple], removed: list[tuple[tuple, Path]]) -> dict[Path, rdflib.Graph]:
    """The files that change, as graphs: the import's own file and earlier imports' files."""
    files: dict[Path, rdflib.Graph] = {}
    for triple, path in removed:
        graph = files.setdefault(path, _copy(data.graphs[path]))
        graph.remove(triple)
    graph = files.setdefault(target, _copy(data.graphs[target]) if target in data.graphs else rdflib.Graph())
    for triple in added:
        graph.add(triple)
    return files


def _copy(graph: rdflib.Graph) -> rdflib.Graph:
    copy = rdflib.Graph()
    for triple in graph:
        copy.add(triple)
    return copy


def turtle(graph: rdflib.Graph, header: str) -> bytes:
    out = rdflib.Graph(bind_namespaces="none")
    for prefix, ns in _NAMESPACES.namespaces():
        out.bind(prefix, ns)
    for triple in graph:
        out.add(triple)
    body = out.serialize(format="turtle")
    return (header + "\n" + body).encode("utf-8")


def _header(sheet: Sheet, mapping: Mapping, path: Path, existing: Path | None = None) -> str:
    if existing is not None and existing.is_file():
        lines = []
        for line in existing.read_text(encoding="utf-8").splitlines():
            if not line.startswith("#"):
                break
            lines.append(line)
        if lines:
            return "\n".join(lines) + "\n"
    return (f"# Imported from the {mapping.sheet} sheet {sheet.name} (rows kept in {path.stem}.txt) by partnergraph import.\n"
            "# Later imports may rewrite this file: change these facts through a sheet\n"
            "# (partnergraph export-sheet, edit, partnergraph import), not here.\n")


def _validate(files: dict[Path, rdflib.Graph], data: DataFiles, result: ImportResult,
              origin: dict[tuple, tuple[int, str | None]], planner: Planner, ontology_dir: Path) -> list[Problem]:
    """SHACL over ontology + every data file as it would be after the import."""
    with tempfile.TemporaryDirectory(prefix="partnergraph-import-") as temp:
        paths = [p for p in data.graphs if p not in files]
        for number, (path, graph) in enumerate(sorted(files.items())):
            written = Path(temp) / f"{number}-{path.name}"
            written.write_bytes(turtle(graph, ""))
            paths.append(written)
        try:
            report = validate_paths(paths, ontology_dir / "partnergraph.ttl", ontology_dir / "shapes.ttl")
        except ValidationSetupError as err:
            raise ImportSetupError(str(err)) from err
    problems = [Problem(result.sheet.name, None, None, str(e)) for e in report.syntax_errors]
    for violation in report.violations:
        if violation.severity != "Violation":
            continue
        problems.append(_locate(violation, result, origin, planner))
    return problems


def _locate(violation, result: ImportResult, origin: dict, planner: Planner) -> Problem:
    """Put a SHACL result at the row and column that produced the triple it is about."""
    mapping = result.mapping
    focus = URIRef(violation.focus)
    path = URIRef(violation.path.strip("<>")) if violation.path and violation.path.startswith("<") else None
    message = plain_rule(violation.message, mapping, planner.schema)
    rows = {p.subject: p for p in result.rows}
    plan = rows.get(focus)
    if plan is None:
        # The focus may be something a row refers to (a value), not the row's own resource.
        for (_subject, _predicate, value), (number, column) in origin.items():
            if value == focus:
                return Problem(result.sheet.name, number, column, f"{message} ({_words(focus, planner)})")
        return Problem(result.sheet.name, None, None, f"{message} (about {show(focus)})")
    column = None
    if violation.value is not None:
        for (subject, predicate, value), (_number, col) in origin.items():
            if subject == focus and _n3(value) == violation.value and (path is None or predicate == path):
                column = col
                break
    if column is None and path is not None:
        candidates = mapping.columns_for(path)
        language = re.search(r"@(en|sv)\b", violation.message)
        if language:
            candidates = [c for c in candidates if c.language == language.group(1)] or candidates
        column = "/".join(c.name for c in candidates) or None
    return Problem(result.sheet.name, plan.number, column, message)


def _n3(term) -> str:
    return term.n3() if isinstance(term, Literal) else f"<{term}>"


def _write(result: ImportResult, data: DataFiles, sheet: Sheet, skipped: dict) -> list[str]:
    """The copy of the rows first, then the import's Turtle, then earlier imports' files; each
    replaced atomically (a temporary file renamed over the old one)."""
    files, target = result.pending, result.target
    written = []
    kept = Sheet(sheet.path, sheet.header, [(n, c) for n, c in sheet.rows if n not in skipped])
    archive = target.with_suffix(".txt")
    if not archive.exists():
        atomic_write(archive, kept.to_csv().encode("utf-8"))
        written.append(_relative(archive))
    for path in [target] + sorted(p for p in files if p != target):
        atomic_write(path, turtle(files[path], _header(sheet, result.mapping, path, path)))
        written.append(_relative(path))
    return written
