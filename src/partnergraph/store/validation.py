"""Syntax and SHACL checks of data files, with reports that name the file, line, focus node.

Every file is parsed on its own first (pyoxigraph's parser reports line and column), then the
ontology and all data files are checked together: the ontology is part of the data graph so that
sh:targetClass reaches subclasses and SPARQL constraints see the declarations. Two engines give
the same report:

- ``turbo`` (pyshacl-turbo, used when it is installed): the ontology and each data file are
  loaded into their own named graph of one in-memory pyoxigraph store, which parses and checks
  the syntax in one pass, and pyshacl-turbo validates the union of those graphs.
- ``pyshacl``: the reference engine, pySHACL over an rdflib graph of ontology + data.

Known differences, each pinned by a test: the store keeps a number's value, not its spelling
("5.0"^^xsd:decimal is reported as "5"^^xsd:decimal), while rdflib rewrites some ill-typed
literals ("none"^^xsd:boolean becomes "false"); and pyshacl-turbo 0.6 over a store does not match
a plain string constant in the triple pattern of a SPARQL constraint (the shapes here have none).

Validation never writes to a data file.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph
import rdflib
from rdflib.namespace import SH, XSD

# Re-exported: these lived here before the store loader needed them without rdflib.
from .. import rq
from ..rdf.files import RDF_SUFFIXES, ValidationSetupError, rdf_files, rdf_format

__all__ = ["ENGINES", "RDF_SUFFIXES", "Report", "SyntaxProblem", "ValidationSetupError", "Violation",
           "check_syntax", "choose_engine", "parse_graph", "rdf_files", "rdf_format", "validate_into",
           "validate_paths", "violations_from"]

ENGINES = ("auto", "pyshacl", "turbo")


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
    engine: str = "pyshacl"

    @property
    def conforms(self) -> bool:
        return not self.syntax_errors and not [v for v in self.violations if v.severity == "Violation"]

    @property
    def exit_code(self) -> int:
        return 0 if self.conforms else 1

    def to_json(self) -> str:
        return json.dumps({
            "conforms": self.conforms,
            "engine": self.engine,
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
    """The file's triples; those of a dataset file (N-Quads, TriG) from all of its graphs."""
    fmt, oxigraph_format = rdf_format(path)
    if not oxigraph_format.supports_datasets:
        return rdflib.Graph().parse(str(path), format=fmt)
    dataset = rdflib.Dataset()
    dataset.parse(str(path), format=fmt)
    graph = rdflib.Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


def _term_text(term) -> str | None:
    if term is None:
        return None
    if isinstance(term, rdflib.Literal):
        if term.datatype == XSD.string:  # RDF 1.1: "x"^^xsd:string and "x" are the same literal
            return rdflib.Literal(str(term)).n3()
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


def choose_engine(engine: str = "auto") -> str:
    """The engine that will run: "auto" is pyshacl-turbo when it is installed, else pySHACL."""
    if engine not in ENGINES:
        raise ValidationSetupError(f"unknown validation engine {engine!r} (known: {', '.join(ENGINES)})")
    if engine == "pyshacl":
        return engine
    try:
        import pyshacl_turbo  # noqa: F401  (imported here: slow to import, only validation needs it)
    except ImportError:
        if engine == "turbo":
            raise ValidationSetupError("the turbo engine needs pyshacl-turbo, which is not installed "
                                       "(pip install pyshacl-turbo, or use --engine pyshacl)") from None
        return "pyshacl"
    return "turbo"


def validate_paths(data_paths: Iterable[Path | str], ontology: Path | str = "ontology/partnergraph.ttl",
                   shapes: Path | str = "ontology/shapes.ttl", engine: str = "auto") -> Report:
    """Check the syntax of every data file, then the SHACL shapes over ontology + data.

    engine: "auto" (pyshacl-turbo when installed, else pySHACL), "pyshacl" or "turbo"; both
    engines give the same report."""
    engine = choose_engine(engine)
    ontology, shapes = Path(ontology), Path(shapes)
    for required in (ontology, shapes):
        if not required.is_file():
            raise ValidationSetupError(f"{required}: not found")
    files = rdf_files(data_paths)
    report = Report(files=[str(f) for f in files], engine=engine)
    if engine == "turbo":
        _validate_with_turbo(report, files, ontology, shapes)
    else:
        _validate_with_pyshacl(report, files, ontology, shapes)
    return report


def _validate_with_pyshacl(report: Report, files: list[Path], ontology: Path, shapes: Path) -> None:
    import pyshacl  # imported here: it is slow to import and only validation needs it

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
        return  # shapes over a partial graph would report noise about missing resources
    shapes_graph = parse_graph(shapes)
    _, results, _ = pyshacl.validate(
        data_graph=combined, shacl_graph=shapes_graph, inference="none",
        advanced=True, allow_warnings=True, abort_on_first=False,
    )
    for node, where in object_files.items():
        subject_files.setdefault(node, where)
    report.violations = violations_from(_report_graph(results, shapes), subject_files)


def _validate_with_turbo(report: Report, files: list[Path], ontology: Path, shapes: Path) -> None:
    store = pyoxigraph.Store()  # in memory
    graphs = [(pyoxigraph.NamedNode(f"urn:partnergraph:validate:file:{number}"), path) for number, path in enumerate(files)]
    _turbo_over(store, report, (pyoxigraph.NamedNode("urn:partnergraph:validate:ontology"), ontology), graphs, shapes)


def validate_into(store: pyoxigraph.Store, ontology: tuple[str, Path], data: list[tuple[str, Path]],
                  shapes: Path) -> Report:
    """Parse the ontology and the data files into the named graphs given (graph IRI, file) of an
    empty store, and validate them there with pyshacl-turbo: one parse gives both the report and
    the quads of a store being built. Refused data leaves the store holding what it parsed."""
    engine = choose_engine("turbo")
    for required in (ontology[1], shapes):
        if not Path(required).is_file():
            raise ValidationSetupError(f"{required}: not found")
    report = Report(files=[str(path) for _, path in data], engine=engine)
    _turbo_over(store, report, (pyoxigraph.NamedNode(ontology[0]), Path(ontology[1])),
                [(pyoxigraph.NamedNode(graph), Path(path)) for graph, path in data], shapes)
    return report


def _turbo_over(store: pyoxigraph.Store, report: Report, ontology: tuple, graphs: list[tuple], shapes: Path) -> None:
    """pyshacl-turbo over the union of the store's graphs: the ontology and each data file, each
    parsed into its own named graph; the shapes in a store of their own."""
    import pyshacl_turbo

    problem = _load_into(store, ontology[1], ontology[0])
    if problem:
        raise ValidationSetupError(str(problem))
    program = _compiled_shapes(Path(shapes))
    loaded: list[tuple[pyoxigraph.NamedNode, str]] = []
    for graph, path in graphs:
        problem = _load_into(store, path, graph)
        if problem:
            report.syntax_errors.append(problem)
            continue
        loaded.append((graph, str(path)))
    report.triples = _distinct_triples(store)
    if report.syntax_errors:
        return  # shapes over a partial graph would report noise about missing resources
    # Core constraints and SPARQL constraints see the union of the named graphs.
    try:
        _, results, _ = program.validate(store, allow_warnings=True, abort_on_first=False)
    except pyshacl_turbo.ValidationFailure as failure:
        results = failure
    results = _report_graph(results, shapes)
    focus_nodes = set(results.objects(None, SH.focusNode))
    report.violations = violations_from(results, _files_in_store(store, loaded, focus_nodes))


_COMPILED: dict[tuple, object] = {}   # (shapes file, mtime, size) -> pyshacl-turbo's CompiledShapes


def _compiled_shapes(shapes: Path):
    """The shapes compiled once per version of their file: parsing and compiling them is 0.34 s of
    a 0.54 s validation of the shipped data, and a server validates the same shapes on every
    reload. CompiledShapes is immutable, so one program serves every caller."""
    import pyshacl_turbo

    stat = shapes.stat()
    key = (str(shapes.resolve()), stat.st_mtime_ns, stat.st_size)
    program = _COMPILED.get(key)
    if program is None:
        # The shapes go into a store of their own: given a store for the data and an rdflib graph
        # for the shapes, pyshacl-turbo (0.6) finds "x" in the data different from "x" in the shapes.
        shapes_store = pyoxigraph.Store()
        problem = _load_into(shapes_store, shapes, pyoxigraph.DefaultGraph())
        if problem:
            raise ValidationSetupError(str(problem))
        try:
            program = pyshacl_turbo.compile_shapes(shapes_store, advanced=True)
        except pyshacl_turbo.ValidationFailure as failure:
            raise ValidationSetupError(f"{shapes}: the shapes cannot be used: {failure}") from None
        if len(_COMPILED) >= 8:
            _COMPILED.clear()
        _COMPILED[key] = program
    return program


def _report_graph(results, shapes: Path) -> rdflib.Graph:
    """The engines return a failure instead of a report when the shapes cannot be used (a SPARQL
    constraint that is not allowed, for example): validation could not run."""
    if not isinstance(results, rdflib.Graph):
        raise ValidationSetupError(f"{shapes}: the shapes cannot be used: {results}")
    return results


def _load_into(store: pyoxigraph.Store, path: Path, graph) -> SyntaxProblem | None:
    """Parse path into the named graph (the parser reports line and column of a syntax error)."""
    _, fmt = rdf_format(path)
    base = path.resolve().as_uri()
    try:
        if fmt.supports_datasets:
            # A dataset file's own graphs are merged into its graph, as in the reference engine's
            # rdflib graph; blank nodes are renamed so that files do not share them.
            store.extend(pyoxigraph.Quad(q.subject, q.predicate, q.object, graph) for q in
                         pyoxigraph.parse(path=str(path), format=fmt, base_iri=base, rename_blank_nodes=True))
        else:
            store.bulk_load(path=str(path), format=fmt, base_iri=base, to_graph=graph)
    except SyntaxError as err:
        store.remove_graph(graph)  # a bulk load is not atomic: drop what came before the error
        return SyntaxProblem(str(path), err.lineno, err.offset, err.msg)
    except (OSError, ValueError) as err:
        store.remove_graph(graph)
        return SyntaxProblem(str(path), None, None, str(err))
    return None


def _distinct_triples(store: pyoxigraph.Store) -> int:
    """Triples in the union of the graphs: a triple stated in two files counts once."""
    rows = store.query(rq.load("distinct-triples"))
    return int(next(iter(rows))["n"].value)


def _any(quads) -> bool:
    return next(iter(quads), None) is not None


def _files_in_store(store: pyoxigraph.Store, graphs: list[tuple[pyoxigraph.NamedNode, str]], nodes) -> dict:
    """For each node, the data files that describe it (it is their subject), or failing that the
    files that refer to it (a dangling reference), as the reference engine's maps give them."""
    found: dict = {}
    for node in nodes:
        try:
            if isinstance(node, rdflib.URIRef):
                term = pyoxigraph.NamedNode(str(node))
            elif isinstance(node, rdflib.BNode):
                term = pyoxigraph.BlankNode(str(node))
            else:
                continue
        except ValueError:  # not a term of the store, so in no file
            continue
        files = [name for graph, name in graphs if _any(store.quads_for_pattern(term, None, None, graph))]
        if not files and isinstance(term, pyoxigraph.NamedNode):
            files = [name for graph, name in graphs
                     if _any(store.quads_for_pattern(None, None, term, graph))
                     or _any(store.quads_for_pattern(None, term, None, graph))]
        if files:
            found[node] = files
    return found
