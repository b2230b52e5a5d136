"""The CONSTRUCT rules of ontology/rules/ and what each one reads, for semi-naive materialisation.

A rule's inputs are read from its WHERE clause (rdflib's SPARQL algebra): the predicates of its
triple patterns and property paths, and for `?x a C` the class C. A pattern whose predicate (or
class) is a variable reads any predicate (class), unless a pattern that must match in the same
solution binds that variable: then the variable's possible values are what that pattern gives on
the store at the time of asking (in `?p rdfs:subPropertyOf+ ?q . ?s ?p ?o`, only the properties
that have a super-property). A rule needs to run again only when triples with one of its inputs
appeared since it last ran; anything the analysis does not understand reads everything, so a
rule is never skipped wrongly, only run once more than needed.
"""
from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..rdf import sparql_parser
from ..rdf.namespaces import RDF

RDF_TYPE = f"<{RDF}type>"   # terms are kept in N-Triples form


@dataclass(frozen=True)
class Input:
    """One thing a rule reads: a predicate, or rdf:type with a class (IRIs in N-Triples form,
    `<...>`). None is any; `values`
    (a SELECT DISTINCT of one variable) narrows "any" to what it gives on the store."""
    predicate: str | None
    cls: str | None = None
    values: str | None = None   # for a variable predicate (or class): its possible values


@dataclass
class Change:
    """What a batch of new triples touched: its predicates and the classes of its rdf:type triples."""
    predicates: set[str] = field(default_factory=set)
    classes: set[str] = field(default_factory=set)

    def update(self, other: Change) -> None:
        self.predicates |= other.predicates
        self.classes |= other.classes

    def __bool__(self) -> bool:
        return bool(self.predicates)


_CLOSED = re.compile(r"^#\s*closed:", re.MULTILINE)
_PER_TRIPLE = re.compile(r"^#\s*per triple(, by object)?:", re.MULTILINE)


@dataclass
class Rule:
    """A CONSTRUCT rule. A rule whose text has a comment line starting `# closed:` declares that
    its own results never give it new ones (a closure written with `+` paths): they do not make it
    run again, only other rules' results do. A rule marked `# per triple:` (or `# per triple, by
    object:`) reads one triple and the ontology: it is applied while the files load
    (store/per_triple.py), not in rounds."""
    name: str
    text: str
    inputs: list[Input] | None = None   # None: not analysed, reads everything

    @property
    def closed(self) -> bool:
        return bool(_CLOSED.search(self.text))

    @property
    def per_triple(self) -> str | None:
        """'template' for a rule marked `# per triple:`, 'object' for `# per triple, by object:`."""
        found = _PER_TRIPLE.search(self.text)
        if found is None:
            return None
        return "object" if found.group(1) else "template"

    def analyse(self) -> None:
        if self.inputs is None:
            self.inputs = rule_inputs(self.text)

    def reads(self, change: Change, values_of: Callable[[str], set[str]]) -> bool:
        """Whether the change can give this rule new results; values_of runs an Input's query."""
        if not change:
            return False
        if self.inputs is None:
            return True
        for needed in self.inputs:
            if needed.predicate is None:           # a variable predicate
                if needed.values is None or values_of(needed.values) & change.predicates:
                    return True
            elif needed.predicate != RDF_TYPE or needed.cls is None and needed.values is None:
                if needed.predicate in change.predicates:
                    return True
            elif needed.cls is not None:
                if needed.cls in change.classes:
                    return True
            elif values_of(needed.values) & change.classes:   # rdf:type with a bound class variable
                return True
        return False


def analyse_all(rules: list[Rule]) -> None:
    """Read every rule's inputs, in a thread of its own: rdflib's parser keeps the frames of the
    alternatives it tried, and through them every caller's frame; a caller holding a store that
    is being built would keep it open after the build."""
    failed: list[ValueError] = []

    def work() -> None:
        for rule in rules:
            try:
                rule.analyse()
            except ValueError as err:
                failed.append(ValueError(f"{rule.name}: {err}"))
                return
    worker = threading.Thread(target=work, name="partnergraph-rule-inputs")
    worker.start()
    worker.join()
    if failed:
        raise failed[0]


def load_rules(rules_dir: str | Path) -> list[Rule]:
    """The rules in file-name order, not yet analysed (Rule.analyse)."""
    directory = Path(rules_dir)
    paths = sorted(directory.glob("*.rq")) if directory.is_dir() else []
    return [Rule(p.name, p.read_text(encoding="utf-8")) for p in paths]


# -- reading the algebra ----------------------------------------------------------------------

_ANY = [Input(None)]


def rule_inputs(text: str) -> list[Input]:
    """What the rule's WHERE clause reads (see the module docstring). Raises ValueError for
    text that is not a SPARQL query."""
    from pyparsing import ParseException

    try:
        algebra = sparql_parser.prepare_query(text).algebra
    except ParseException as err:
        raise ValueError(f"not a SPARQL query: {err}") from None
    found: list[Input] = []
    _walk(algebra["p"], [], found)
    return list(dict.fromkeys(found))   # unique, in order


def _walk(node, context: list[tuple], found: list[Input]) -> None:
    """Patterns under node; context: the triples that must also match in any solution."""
    from rdflib.plugins.sparql.parserutils import CompValue

    if not isinstance(node, CompValue):
        found.extend(_ANY)
        return
    name = node.name
    if name == "BGP":
        triples = list(node.triples)
        for i, triple in enumerate(triples):
            found.extend(_inputs_of(triple, context + triples[:i] + triples[i + 1:]))
    elif name == "Join":
        _walk(node.p1, context + _binding(node.p2), found)
        _walk(node.p2, context + _binding(node.p1), found)
    elif name in ("LeftJoin", "Minus"):
        _walk(node.p1, context, found)
        _walk(node.p2, context + _binding(node.p1), found)
        if name == "LeftJoin" and node.get("expr") is not None:
            _walk_expression(node.expr, context + _binding(node.p1), found)
    elif name == "Union":
        _walk(node.p1, context, found)
        _walk(node.p2, context, found)
    elif name == "Filter":
        _walk(node.p, context, found)
        _walk_expression(node.expr, context + _binding(node.p), found)
    elif name in ("Extend", "Distinct", "Reduced", "Slice", "OrderBy", "ToMultiSet", "Group", "AggregateJoin"):
        _walk(node.p, context, found)
    elif name == "Project":
        # a subquery: its variables are its own, so the outer context does not narrow them
        _walk(node.p, [], found)
    elif name == "Graph":
        _walk(node.p, context, found)
    elif name == "values":
        pass   # inline data reads nothing
    else:
        found.extend(_ANY)


def _walk_expression(expr, context: list[tuple], found: list[Input]) -> None:
    """Graph patterns inside an expression (EXISTS, NOT EXISTS) read the store too."""
    from rdflib.plugins.sparql.parserutils import CompValue, Expr

    if isinstance(expr, CompValue):
        if expr.name in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
            _walk(expr.graph, context, found)
            return
        for value in expr.values():
            _walk_expression(value, context, found)
    elif isinstance(expr, (list, tuple)):
        for value in expr:
            _walk_expression(value, context, found)
    elif isinstance(expr, Expr):   # pragma: no cover - Expr is a CompValue
        _walk_expression(dict(expr), context, found)


_fresh = itertools.count()


def _binding(node) -> list[tuple]:
    """Triples that match in every solution of node (used to narrow variables next to it)."""
    from rdflib import Variable
    from rdflib.plugins.sparql.parserutils import CompValue

    if not isinstance(node, CompValue):
        return []
    name = node.name
    if name == "BGP":
        return list(node.triples)
    if name == "Join":
        return _binding(node.p1) + _binding(node.p2)
    if name in ("LeftJoin", "Minus", "Filter", "Extend", "Distinct", "Reduced", "Slice", "OrderBy", "ToMultiSet"):
        return _binding(node.p1 if name in ("LeftJoin", "Minus") else node.p)
    if name == "Project":
        # only the projected variables are the outer ones: rename the others apart
        projected = set(node.PV)
        renamed = {}

        def term(t):
            if isinstance(t, Variable) and t not in projected:
                return renamed.setdefault(t, Variable(f"inner{next(_fresh)}_{t}"))
            return t
        return [tuple(term(t) for t in triple) for triple in _binding(node.p)]
    return []


def _inputs_of(triple: tuple, context: list[tuple]) -> list[Input]:
    from rdflib import URIRef, Variable
    from rdflib.paths import Path as RdfPath

    s, p, o = triple
    if isinstance(p, URIRef):
        if p.n3() == RDF_TYPE:
            if isinstance(o, URIRef):
                return [Input(RDF_TYPE, o.n3())]
            if isinstance(o, Variable):
                return [Input(RDF_TYPE, None, _values_query(o, context))]
            return [Input(RDF_TYPE)]
        return [Input(p.n3())]
    if isinstance(p, RdfPath):
        iris = _path_iris(p)
        return [Input(i) for i in iris] if iris is not None else _ANY
    if isinstance(p, Variable):
        return [Input(None, None, _values_query(p, context))]
    return _ANY


def _path_iris(path) -> list[str] | None:
    """The IRIs a property path can follow; None where it can follow any (a negated set)."""
    from rdflib import URIRef
    from rdflib.paths import AlternativePath, InvPath, MulPath, NegatedPath, SequencePath

    if isinstance(path, URIRef):
        return [path.n3()]
    if isinstance(path, (AlternativePath, SequencePath)):
        out: list[str] = []
        for part in path.args:
            iris = _path_iris(part)
            if iris is None:
                return None
            out.extend(iris)
        return out
    if isinstance(path, InvPath):
        return _path_iris(path.arg)
    if isinstance(path, MulPath):
        return _path_iris(path.path)
    if isinstance(path, NegatedPath):
        return None
    return None


def _values_query(variable, context: Iterable[tuple]) -> str | None:
    """A query for the values variable can take, from one context pattern that binds it with a
    fixed predicate (or path); None when no such pattern is there."""
    from rdflib import URIRef, Variable
    from rdflib.paths import Path as RdfPath

    for s, p, o in context:
        if variable in (s, o) and (isinstance(p, URIRef) or isinstance(p, RdfPath) and _path_iris(p) is not None):
            if not all(isinstance(t, (URIRef, Variable)) for t in (s, o)):
                continue
            return f"SELECT DISTINCT {variable.n3()} WHERE {{ {s.n3()} {p.n3()} {o.n3()} }}"
    return None
