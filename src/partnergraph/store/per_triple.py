"""The per-triple rules as a function from one triple to what it entails, applied while the files
stream into the store.

A rule marked `# per triple:` reads one data triple and the schema, the ontology and any
vocabularies (the class and property hierarchy, for instance), and what it derives from a triple depends on the triple's predicate
(and class, for rdf:type) alone: the subject and object are only copied. Running its SPARQL over
the whole store after the load (a round) costs a pass over the data per rule; here it runs once
per kind of triple instead, on a probe: a small in-memory store holding the schema and one
triple of stand-in terms. The answer is a template for every triple of that kind, with the
subject and object put in. A rule marked `# per triple, by object:` may also read the object's
value (the goal of an SDG target is read from the target's IRI): it is probed once per object.
The first triple of each kind is also probed as it is, and a rule marked per triple whose answer
differs there is refused by name (it reads the terms: mark it by object). What a derived triple
entails in turn is added, so each triple brings its whole closure under these rules.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph
from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, Triple

from ..rdf.namespaces import RDF_TYPE
from .rules import Rule, analyse_all

_TYPE = NamedNode(RDF_TYPE)
_SCHEMA = NamedNode("urn:x-partnergraph:probe:schema")
_PROBE = NamedNode("urn:x-partnergraph:probe:triple")
_DERIVED = NamedNode("urn:x-partnergraph:probe:derived")
_STAND_IN = {NamedNode: (NamedNode("urn:x-partnergraph:probe:s"), NamedNode("urn:x-partnergraph:probe:o")),
             BlankNode: (BlankNode("probesubject"), BlankNode("probeobject")),
             Literal: (None, Literal("probe"))}

# A template slot: the subject, the object, or a fixed term.
SUBJECT, OBJECT = 0, 1


class RuleReadsTerms(ValueError):
    """A rule marked per triple whose answer depends on the terms of the triple."""


class PerTripleRules:
    """Derives, for one triple at a time, what the per-triple rules entail (their closure).

    schema: the quads of the ontology and the vocabularies, the only other triples the rules read.
    predicates: every predicate derived so far (for dropping the derived triples a graph states).
    of_schema: what the rules derive from the schema itself."""

    def __init__(self, rules: list[Rule], schema: Iterable[Quad]):
        self.generic = [rule for rule in rules if rule.per_triple == "template"]
        self.by_object = [rule for rule in rules if rule.per_triple == "object"]
        self.rules = self.generic + self.by_object
        self.predicates: set[NamedNode] = set()
        self._probe = pyoxigraph.Store()
        self._probe.extend(Quad(q.subject, q.predicate, q.object, _SCHEMA) for q in schema)
        self.of_schema: set[Triple] = set()
        self._schema_closure()
        self._templates: dict = {}    # kind of triple -> the generic rules' templates
        self._of_object: dict = {}    # (kind, object) -> the by-object rules' templates
        self._object_predicates = self._read_by(self.by_object)   # None: any predicate
        self._quiet: set[NamedNode] = set()   # predicates from which nothing is derived, whatever the terms

    def __bool__(self) -> bool:
        return bool(self.rules)

    @staticmethod
    def _read_by(rules: list[Rule]) -> set[NamedNode] | None:
        """The predicates the by-object rules read (store/rules.py's analysis): only triples with
        one of them are probed per object."""
        if not rules:
            return set()
        analyse_all(rules)
        predicates: set[NamedNode] = set()
        for rule in rules:
            for needed in rule.inputs or [None]:
                if needed is None or needed.predicate is None:
                    return None
                predicates.add(NamedNode(needed.predicate[1:-1]))
        return predicates

    # -- probing ---------------------------------------------------------------------------------
    def _ask(self, rules: list[Rule], subject, predicate, object_) -> set[Triple]:
        """The rules' answers on the schema plus this one triple, less what the schema alone gives."""
        quad = Quad(subject, predicate, object_, _PROBE)
        self._probe.add(quad)
        try:
            found = {t for rule in rules for t in self._probe.query(rule.text, use_default_graph_as_union=True)}
        finally:
            self._probe.remove(quad)
        return found - self.of_schema

    def _schema_closure(self) -> None:
        """What the rules derive from the schema itself (to the fixpoint): those triples come from
        no data triple, and no probe should report them as its own."""
        while True:
            found = {t for rule in self.rules for t in self._probe.query(rule.text, use_default_graph_as_union=True)}
            new = found - self.of_schema
            if not new:
                return
            self.of_schema |= new
            self._probe.extend(Quad(t.subject, t.predicate, t.object, _DERIVED) for t in new)

    @staticmethod
    def _template(found: set[Triple], subject, object_) -> tuple:
        slot = {subject: SUBJECT, object_: OBJECT}
        return tuple(sorted(((slot.get(t.subject, t.subject), t.predicate, slot.get(t.object, t.object))
                             for t in found), key=str))

    def _generic_template(self, subject, predicate, object_) -> tuple | None:
        """The generic rules' template for this kind, from stand-in terms, checked on this triple."""
        stand_s = _STAND_IN.get(type(subject), (None,))[0]
        stand_o = object_ if predicate == _TYPE else _STAND_IN.get(type(object_), (None, None))[1]
        if stand_s is None or stand_o is None:   # a quoted triple: no stand-in, no template
            return None
        template = self._template(self._ask(self.generic, stand_s, predicate, stand_o), stand_s, stand_o)
        if subject != object_:
            own = self._template(self._ask(self.generic, subject, predicate, object_), subject, object_)
            if own != template:
                names = ", ".join(rule.name for rule in self.generic)
                raise RuleReadsTerms(
                    f"{names}: marked '# per triple:' but what they derive from {subject} {predicate} {object_} "
                    "depends on its terms; mark the rule that reads them '# per triple, by object:'")
        return template

    def derives_from(self, predicate: NamedNode, cls: NamedNode | None = None) -> bool:
        """Whether triples with this predicate (for rdf:type, of this class) may derive anything:
        where not, a graph's triples of that kind need not be read back (entail_graph)."""
        if self._object_predicates is None or predicate in self._object_predicates:
            return True
        objects = [cls] if predicate == _TYPE else [stand_in[1] for stand_in in _STAND_IN.values()]
        for subject in (_STAND_IN[NamedNode][0], _STAND_IN[BlankNode][0]):
            for object_ in objects:
                kind = (predicate, type(subject), object_ if predicate == _TYPE else type(object_))
                template = self._templates.get(kind)
                if template is None:
                    template = self._template(self._ask(self.generic, subject, predicate, object_), subject, object_)
                if template:
                    return True
        return False

    # -- deriving --------------------------------------------------------------------------------
    def direct(self, subject, predicate, object_) -> list[tuple]:
        """What the rules derive from this triple alone, as (subject, predicate, object)."""
        kind = (predicate, type(subject), object_ if predicate == _TYPE else type(object_))
        try:
            template = self._templates[kind]
        except KeyError:
            template = self._templates[kind] = self._generic_template(subject, predicate, object_)
            if template == () and predicate != _TYPE and not self.derives_from(predicate):
                self._quiet.add(predicate)   # checked on this triple: the others of the predicate are skipped
        if template is None:
            found = self._ask(self.rules, subject, predicate, object_)
            return [(t.subject, t.predicate, t.object) for t in found]
        if self._object_predicates is None or predicate in self._object_predicates:
            key = (kind, object_)
            extra = self._of_object.get(key)
            if extra is None:
                stand_s = _STAND_IN.get(type(subject), (None,))[0]
                extra = self._of_object[key] = self._template(
                    self._ask(self.by_object, stand_s, predicate, object_), stand_s, object_)
            if extra:
                template = template + extra
        if not template:
            return []
        terms = (subject, object_)
        return [(terms[s] if s.__class__ is int else s, p, terms[o] if o.__class__ is int else o) for s, p, o in template]

    def entailed(self, subject, predicate, object_) -> list[tuple]:
        """The closure: what this triple entails, and what that entails, without the triple itself."""
        first = list(self.direct(subject, predicate, object_))
        if not first:
            return first
        seen = {(subject, predicate, object_)}
        out: list[tuple] = []
        todo = first
        while todo:
            triple = todo.pop()
            if triple in seen:
                continue
            seen.add(triple)
            out.append(triple)
            self.predicates.add(triple[1])
            todo.extend(self.direct(*triple))
        return out

    def stream(self, quads: Iterable[Quad], inferred: NamedNode, graph=None, dataset: bool = False) -> Iterator[Quad]:
        """The quads (moved into graph, where one is given; of a dataset only those of its default
        graph, the others stay in their own), each followed by what it entails, in the inferred
        graph: what a bulk load consumes."""
        quiet = self._quiet
        for quad in quads:
            subject, predicate, object_ = quad.subject, quad.predicate, quad.object
            if graph is None or dataset and not isinstance(quad.graph_name, DefaultGraph):
                yield quad
            else:
                yield Quad(subject, predicate, object_, graph)
            if predicate in quiet:
                continue
            for s, p, o in self.entailed(subject, predicate, object_):
                yield Quad(s, p, o, inferred)
