"""Syntax and SHACL checks of data files, with reports that name the file, line, focus node.

Every file is parsed on its own first (pyoxigraph's parser reports line and column), then the
ontology and all data files are checked together with pySHACL: the ontology is part of the data
graph so that sh:targetClass reaches subclasses and SPARQL constraints see the declarations.
Validation never writes to a data file.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable

import pyoxigraph
import rdflib
from rdflib.namespace import SH

RDF_SUFFIXES = {
    ".ttl": ("turtle", pyoxigraph.RdfFormat.TURTLE),
    ".nt": ("nt", pyoxigraph.RdfFormat.N_TRIPLES),
    ".nq": ("nquads", pyoxigraph.RdfFormat.N_QUADS),
    ".trig": ("trig", pyoxigraph.RdfFormat.TRIG),
    ".rdf": ("xml", pyoxigraph.RdfFormat.RDF_XML),
    ".owl": ("xml", pyoxigraph.RdfFormat.RDF_XML),
    ".xml": ("xml", pyoxigraph.RdfFormat.RDF_XML),
    ".jsonld": ("json-ld", pyoxigraph.RdfFormat.JSON_LD),
    ".json": ("json-ld", pyoxigraph.RdfFormat.JSON_LD),
}


class ValidationSetupError(Exception):
    """Validation could not run at all (missing shapes, unreadable path): exit code 2."""


@dataclass
class SyntaxProblem:
    file: str
    line: int | None
    column: int | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: syntax error: {self.message}"


@dataclass
class Violation:
    file: str | None
    focus: str
    path: str | None
    value: str | None
    message: str
    severity: str
    component: str
    shape: str | None

    def __str__(self) -> str:
        parts = [f"{self.file or '(no file)'}: {self.severity.lower()}: {self.message}",
                 f"  focus: <{self.focus}>"]
        if self.path:
            parts.append(f"  path:  {self.path}")
        if self.value is not None:
            parts.append(f"  value: {self.value}")
        parts.append(f"  constraint: {self.component}")
        return "\n".join(parts)


@dataclass
class Report:
    files: list[str] = field(default_factory=list)
    syntax_errors: list[SyntaxProblem] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    triples: int = 0

    @property
    def conforms(self) -> bool:
        return not self.syntax_errors and not [v for v in self.violations if v.severity == "Violation"]

    @property
    def exit_code(self) -> int:
        return 0 if self.conforms else 1

    def to_json(self) -> str:
        return json.dumps({
            "conforms": self.conforms,
            "files": self.files,
            "triples": self.triples,
            "syntax_errors": [asdict(e) for e in self.syntax_errors],
            "violations": [asdict(v) for v in self.violations],
        }, indent=2, ensure_ascii=False)

    def to_text(self) -> str:
        lines = [str(e) for e in self.syntax_errors] + [str(v) for v in self.violations]
        status = "conforms" if self.conforms else (
            f"does not conform: {len(self.syntax_errors)} syntax error(s), "
            f"{sum(v.severity == 'Violation' for v in self.violations)} violation(s)")
        lines.append(f"{len(self.files)} file(s), {self.triples} triples: {status}")
        return "\n".join(lines)


def rdf_files(paths: Iterable[Path | str]) -> list[Path]:
    """The RDF files named or contained (recursively) in paths, sorted for stable reports."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in RDF_SUFFIXES))
        elif path.is_file():
            if path.suffix.lower() not in RDF_SUFFIXES:
                raise ValidationSetupError(f"{path}: not an RDF file (known suffixes: {', '.join(sorted(RDF_SUFFIXES))})")
            found.append(path)
        else:
            raise ValidationSetupError(f"{path}: no such file or directory")
    return found


def rdf_format(path: Path) -> tuple[str, pyoxigraph.RdfFormat]:
    return RDF_SUFFIXES[path.suffix.lower()]


def check_syntax(path: Path) -> SyntaxProblem | None:
    """Parse with pyoxigraph, whose errors carry line and column."""
    _, fmt = rdf_format(path)
    try:
        for _ in pyoxigraph.parse(path=str(path), format=fmt, base_iri=path.resolve().as_uri()):
            pass
    except SyntaxError as err:
        return SyntaxProblem(str(path), err.lineno, err.offset, err.msg)
    except (OSError, ValueError) as err:
        return SyntaxProblem(str(path), None, None, str(err))
    return None


def parse_graph(path: Path) -> rdflib.Graph:
    fmt, _ = rdf_format(path)
    graph = rdflib.Graph()
    graph.parse(str(path), format=fmt)
    return graph


def _term_text(term) -> str | None:
    if term is None:
        return None
    if isinstance(term, rdflib.Literal):
        return term.n3()
    if isinstance(term, rdflib.URIRef):
        return f"<{term}>"
    return str(term)


def _path_text(graph: rdflib.Graph, path) -> str | None:
    if path is None:
        return None
    if isinstance(path, rdflib.URIRef):
        return f"<{path}>"
    # A complex path (sequence, inverse, ...): show its Turtle form.
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return f"^<{inverse}>"
    return str(path)


def violations_from(results: rdflib.Graph, subject_files: dict) -> list[Violation]:
    found = []
    # Only the report's own results: nested results under sh:detail explain a result, they are
    # not further violations.
    for result in results.objects(None, SH.result):
        focus = results.value(result, SH.focusNode)
        component = results.value(result, SH.sourceConstraintComponent)
        severity = results.value(result, SH.resultSeverity)
        messages = [str(m) for m in results.objects(result, SH.resultMessage)]
        english = [m for m in results.objects(result, SH.resultMessage) if getattr(m, "language", None) in (None, "en")]
        files = subject_files.get(focus, [])
        found.append(Violation(
            file=", ".join(files) if files else None,
            focus=str(focus),
            path=_path_text(results, results.value(result, SH.resultPath)),
            value=_term_text(results.value(result, SH.value)),
            message=str(english[0]) if english else (messages[0] if messages else "constraint not satisfied"),
            severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            component=str(component).rsplit("#", 1)[-1] if component else "",
            shape=str(results.value(result, SH.sourceShape)) if results.value(result, SH.sourceShape) else None,
        ))
    found.sort(key=lambda v: (v.file or "", v.focus, v.path or "", v.component))
    return found


def validate_paths(data_paths: Iterable[Path | str], ontology: Path | str = "ontology/partnergraph.ttl",
                   shapes: Path | str = "ontology/shapes.ttl") -> Report:
    """Check the syntax of every data file, then the SHACL shapes over ontology + data."""
    import pyshacl  # imported here: it is slow to import and only validation needs it

    ontology, shapes = Path(ontology), Path(shapes)
    for required in (ontology, shapes):
        if not required.is_file():
            raise ValidationSetupError(f"{required}: not found (run from the project directory, or pass --ontology/--shapes)")
    files = rdf_files(data_paths)
    report = Report(files=[str(f) for f in files])
    for problem in (check_syntax(ontology), check_syntax(shapes)):
        if problem:
            raise ValidationSetupError(str(problem))
    combined = parse_graph(ontology)
    subject_files: dict = {}
    object_files: dict = {}  # where a resource is only referred to (a dangling reference)
    for path in files:
        problem = check_syntax(path)
        if problem:
            report.syntax_errors.append(problem)
            continue
        graph = parse_graph(path)
        for subject in set(graph.subjects()):
            subject_files.setdefault(subject, []).append(str(path))
        for term in set(graph.objects()) | set(graph.predicates()):
            if isinstance(term, rdflib.URIRef):
                object_files.setdefault(term, []).append(str(path))
        combined += graph
    report.triples = len(combined)
    if report.syntax_errors:
        return report  # shapes over a partial graph would report noise about missing resources
    shapes_graph = parse_graph(shapes)
    _, results, _ = pyshacl.validate(
        data_graph=combined, shacl_graph=shapes_graph, inference="none",
        advanced=True, allow_warnings=True, abort_on_first=False,
    )
    for node, where in object_files.items():
        subject_files.setdefault(node, where)
    report.violations = violations_from(results, subject_files)
    return report
