"""Semi-naive materialisation gives exactly the quads of the naive fixpoint (every rule run again
each round until a round adds nothing), on the shipped data and on a generated graph; and it
skips the rules whose inputs did not change. A build that applies the per-triple rules while the
files stream in infers the same triples as the rules before that change, run as rounds."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyoxigraph
import pytest

from partnergraph.rdf import iris
from partnergraph.store.embedded import EmbeddedStore, fill, load_plan
from partnergraph.store.per_triple import PerTripleRules, RuleReadsTerms
from partnergraph.store.rules import RDF_TYPE, Change, Input, Rule, load_rules, rule_inputs

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "ontology" / "rules"
RULES_BEFORE = Path(__file__).resolve().parent / "rules_before_streaming"
INFERRED = pyoxigraph.NamedNode(iris.DEFAULT_BASE + iris.INFERRED_GRAPH)
PG = "https://w3id.org/partnergraph/ontology#"


def naive_fixpoint(store: pyoxigraph.Store, rules_dir: Path, max_rounds: int = 5) -> None:
    """The reference: each round runs every rule over the union and adds, to the inferred graph,
    the result triples no graph holds yet; it stops after a round that adds nothing."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(rules_dir.glob("*.rq"))]
    for _ in range(max_rounds):
        new = []
        for text in texts:
            for t in store.query(text, use_default_graph_as_union=True):
                if next(store.quads_for_pattern(t.subject, t.predicate, t.object), None) is None:
                    new.append(pyoxigraph.Quad(t.subject, t.predicate, t.object, INFERRED))
        if not new:
            return
        store.extend(new)


def base_quads(paths) -> list[pyoxigraph.Quad]:
    """The loaded files without the rules, once, so that both stores get the same blank nodes."""
    store = EmbeddedStore(None)
    for item in load_plan(paths, ROOT / "ontology"):
        store.load(item)
    return list(store.store)


def both_ways(quads, rules_dir: Path, **kwargs) -> tuple[set, set, int, dict]:
    semi = EmbeddedStore(None)
    semi.store.extend(quads)
    timings: dict = {}
    count = semi.materialise(rules_dir, timings=timings, **kwargs)
    reference = pyoxigraph.Store()
    reference.extend(quads)
    naive_fixpoint(reference, rules_dir)
    return set(semi.store), set(reference), count, timings


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("generated") / "3k.nt"
    subprocess.run([sys.executable, str(ROOT / "bench" / "synth.py"), "--triples", "3000", "--out", str(out),
                    "--seed", "3"], check=True, cwd=ROOT, capture_output=True)
    return out


@pytest.mark.parametrize("semi_naive", [True, False], ids=["analysed", "unanalysed"])
def test_shipped_data_same_quads_as_the_naive_fixpoint(semi_naive):
    quads = base_quads([ROOT / "data"])
    semi, reference, count, _ = both_ways(quads, RULES, semi_naive=semi_naive)
    assert semi == reference
    inferred = {q for q in semi if q.graph_name == INFERRED}
    assert count == len(inferred) > 0


def test_generated_graph_same_quads_as_the_naive_fixpoint(generated):
    quads = base_quads([generated])
    assert len(quads) > 3000
    semi, reference, count, timings = both_ways(quads, RULES, semi_naive=True)
    assert semi == reference
    assert count == sum(1 for q in semi if q.graph_name == INFERRED)
    # every rule ran once but the one that reads what others derive: a round's rules are evaluated
    # together, so 04-sdg-reach sees the inverses and goals of round 1 in round 2; the hierarchy is
    # closed under itself (its `+` paths), so its own results do not run it again
    assert {name: len(runs) for name, runs in timings.items()} == {name: 2 if name == "04-sdg-reach.rq" else 1
                                                                   for name in timings}
    assert len(timings) == len(list(RULES.glob("*.rq")))


def test_a_closed_rule_runs_again_only_for_other_rules_results(tmp_path):
    """A transitive closure written with a `+` path and marked `# closed:` is not run again for
    its own results; the same rule unmarked is (the analysis cannot see that the path closes)."""
    closure = (f"PREFIX pg: <{PG}>\nCONSTRUCT {{ ?x pg:above ?z }} WHERE {{ ?x pg:above+ ?z }}")
    node = [pyoxigraph.NamedNode(f"{iris.DEFAULT_BASE}id/test/n{i}") for i in range(5)]
    graph = pyoxigraph.NamedNode(iris.DEFAULT_BASE + "graph/test")
    above = pyoxigraph.NamedNode(PG + "above")
    quads = [pyoxigraph.Quad(node[i], above, node[i + 1], graph) for i in range(4)]
    runs = {}
    for marked in (False, True):
        rules = tmp_path / ("marked" if marked else "unmarked")
        rules.mkdir()
        (rules / "a.rq").write_text(("# closed: the + path follows the whole chain\n" if marked else "") + closure)
        semi, reference, count, timings = both_ways(quads, rules, semi_naive=True)
        assert semi == reference and count == 6   # n0-n2, n0-n3, n0-n4, n1-n3, n1-n4, n2-n4
        runs[marked] = len(timings["a.rq"])
    assert runs == {False: 2, True: 1}


def test_chained_rules_in_any_order(tmp_path):
    """Each rule reads what the rule after it (in file order) derives: several passes, each
    running only the rule the last one fed."""
    (tmp_path / "a.rq").write_text(f"PREFIX pg: <{PG}>\nCONSTRUCT {{ ?x pg:d ?y }} WHERE {{ ?x pg:c ?y }}")
    (tmp_path / "b.rq").write_text(f"PREFIX pg: <{PG}>\nCONSTRUCT {{ ?x pg:c ?y }} WHERE {{ ?x pg:b ?y }}")
    (tmp_path / "c.rq").write_text(f"PREFIX pg: <{PG}>\nCONSTRUCT {{ ?x pg:b ?y }} WHERE {{ ?y pg:a ?x }}")
    (tmp_path / "d.rq").write_text(f"PREFIX pg: <{PG}>\nCONSTRUCT {{ ?x pg:unrelated ?y }} WHERE {{ ?x pg:other ?y }}")
    graph = pyoxigraph.NamedNode(iris.DEFAULT_BASE + "graph/test")
    node = [pyoxigraph.NamedNode(f"{iris.DEFAULT_BASE}id/test/n{i}") for i in range(6)]
    a, b = pyoxigraph.NamedNode(PG + "a"), pyoxigraph.NamedNode(PG + "b")
    quads = [pyoxigraph.Quad(node[i], a, node[i + 1], graph) for i in range(5)]
    quads.append(pyoxigraph.Quad(node[0], pyoxigraph.NamedNode(PG + "other"), node[1], graph))
    # a triple the rules derive that the data already states stays out of the inferred graph
    quads.append(pyoxigraph.Quad(node[1], b, node[0], graph))
    semi, reference, count, timings = both_ways(quads, tmp_path, semi_naive=True)
    assert semi == reference
    assert count == sum(1 for q in semi if q.graph_name == INFERRED) == 5 * 3 + 1 - 1
    assert pyoxigraph.Quad(node[1], b, node[0], INFERRED) not in semi
    # pass 1 runs all four (b already finds the stated pg:b triple, c all the others); pass 2
    # runs a (fed by b) and b (fed by c); pass 3 runs a (fed by b's second run); c and d read
    # nothing that ever appeared
    assert {name: len(runs) for name, runs in timings.items()} == {"a.rq": 3, "b.rq": 2, "c.rq": 1, "d.rq": 1}


def test_inputs_of_the_shipped_rules():
    sub = "<http://www.w3.org/2000/01/rdf-schema#subPropertyOf>"
    inputs = rule_inputs((RULES / "00-hierarchy.rq").read_text())
    assert Input(sub) in inputs
    # `?s ?property ?o` next to `?property rdfs:subPropertyOf+ ?superProperty`: narrowed
    wildcard = [i for i in inputs if i.predicate is None]
    assert len(wildcard) == 1 and wildcard[0].values and f"{sub}+" in wildcard[0].values
    # `?s a ?class` with ?class from the subquery over rdfs:subClassOf+
    typed = [i for i in inputs if i.predicate == RDF_TYPE]
    assert len(typed) == 1 and typed[0].cls is None and "subClassOf>+" in typed[0].values
    assert set(rule_inputs((RULES / "02-involvement.rq").read_text())) == {
        Input(f"<{PG}partnership>"), Input(f"<{PG}partner>")}


@pytest.mark.parametrize("where, reads, skips", [
    ("?s ?p ?o", [("<urn:x>", "<urn:y>")], []),                                   # any predicate
    (f"?s a <{PG}Project>", [(RDF_TYPE, f"<{PG}Project>")], [(RDF_TYPE, f"<{PG}Event>"), (f"<{PG}sdg>", "<urn:y>")]),
    ("?s a ?c", [(RDF_TYPE, "<urn:anything>")], [(f"<{PG}sdg>", "<urn:y>")]),
    (f"?s <{PG}a>/<{PG}b>* ?o", [(f"<{PG}b>", "<urn:y>")], [(f"<{PG}c>", "<urn:y>")]),
    (f"?s <{PG}a> ?o FILTER NOT EXISTS {{ ?o <{PG}gone> ?x }}", [(f"<{PG}gone>", "<urn:y>")], [(f"<{PG}c>", "<urn:y>")]),
    (f"?s !<{PG}a> ?o", [(f"<{PG}c>", "<urn:y>")], []),                            # a negated path reads any
    (f"?s <{PG}a> ?o OPTIONAL {{ ?o ?p ?x }}", [(f"<{PG}c>", "<urn:y>")], []),      # not narrowed: any
])
def test_a_rule_reads_what_its_patterns_match(where, reads, skips):
    rule = Rule("r", f"CONSTRUCT {{ ?s <urn:out> ?s }} WHERE {{ {where} }}")
    rule.analyse()

    def change_of(predicate, obj):
        return Change({predicate}, {obj} if predicate == RDF_TYPE else set())
    for predicate, obj in reads:
        assert rule.reads(change_of(predicate, obj), lambda text: set())
    for predicate, obj in skips:
        assert not rule.reads(change_of(predicate, obj), lambda text: set())


def test_a_narrowed_variable_reads_only_its_values():
    rule = Rule("r", "CONSTRUCT { ?s ?q ?o } WHERE { ?p <urn:sub> ?q . ?s ?p ?o }")
    rule.analyse()
    change = Change({"<urn:p1>"})
    assert rule.reads(change, lambda text: {"<urn:p1>"})
    assert not rule.reads(change, lambda text: {"<urn:p2>"})


def test_a_rule_that_is_not_sparql_is_named():
    with pytest.raises(ValueError, match="not a SPARQL query"):
        rule_inputs("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ")


# -- the per-triple rules, applied while the files load ----------------------------------------

def rules_before(tmp_path: Path) -> Path:
    """The rules as they were before the per-triple ones streamed: the unchanged files of
    ontology/rules/ with the two that were split (tests/rules_before_streaming/)."""
    before = tmp_path / "rules-before"
    before.mkdir()
    for name in ("00-hierarchy.rq", "02-involvement.rq", "02-partner-countries.rq"):
        (before / name).write_text((RULES / name).read_text(encoding="utf-8"), encoding="utf-8")
    for path in RULES_BEFORE.glob("*.rq"):
        (before / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    return before


def inferred_of(store: pyoxigraph.Store) -> tuple[set[str], int]:
    """The inferred quads: those without blank nodes as text, the others counted (a blank node
    gets a new label at every parse)."""
    quads = [str(q) for q in store.quads_for_pattern(None, None, None, INFERRED)]
    return {q for q in quads if "_:" not in q}, sum(1 for q in quads if "_:" in q)


@pytest.mark.parametrize("which", ["shipped", "generated"])
def test_streamed_rules_infer_what_the_rules_before_inferred(which, generated, tmp_path):
    paths = [ROOT / "data"] if which == "shipped" else [generated]
    reference = pyoxigraph.Store()
    reference.extend(base_quads(paths))
    naive_fixpoint(reference, rules_before(tmp_path))
    streamed = EmbeddedStore(None)
    summary = fill(streamed, load_plan(paths, ROOT / "ontology"), RULES)
    expected, expected_blank = inferred_of(reference)
    assert len(expected) > (500 if which == "shipped" else 1000)
    assert inferred_of(streamed.store) == (expected, expected_blank)
    assert summary["inferred"] == len(expected) + expected_blank
    # only the joining rules ran as rounds
    per_triple = {rule.name for rule in load_rules(RULES) if rule.per_triple}
    assert {"00-hierarchy.rq", "01-inverses.rq", "03-sdg-goals.rq"} <= per_triple
    assert set(summary["rules"]) == {rule.name for rule in load_rules(RULES)} - per_triple


def test_streamed_and_round_builds_of_a_store_on_disk_agree(generated, tmp_path):
    """The same on disk, where the files are bulk-loaded, and for validated files (validation
    parses them into the store; the per-triple rules then read them back)."""
    from partnergraph.graph import validate_and_build
    from partnergraph.store.embedded import build_store
    plan = load_plan([generated], ROOT / "ontology")
    rounds = EmbeddedStore(None)
    fill(rounds, plan, RULES, stream_rules=False)
    expected = inferred_of(rounds.store)
    assert len(expected[0]) > 1000
    streamed, _ = build_store(tmp_path / "streamed", plan, RULES)
    assert inferred_of(streamed.store) == expected
    validated, summary = validate_and_build([generated], target=tmp_path / "validated", ontology_dir=ROOT / "ontology")
    assert "files_and_validation" in summary["stages"]
    assert inferred_of(validated.store) == expected


def test_a_rule_marked_per_triple_that_reads_the_terms_is_refused():
    """A per-triple rule is answered by a template per kind of triple; one whose answer depends on
    the object must say so (`# per triple, by object:`), or the build stops naming it."""
    reads_object = (f"PREFIX pg: <{PG}>\nCONSTRUCT {{ ?s pg:flag ?s }} WHERE {{ ?s pg:level ?o "
                    "FILTER (STRSTARTS(STR(?o), \"urn:high\")) }")
    level = pyoxigraph.NamedNode(PG + "level")
    s = pyoxigraph.NamedNode("urn:thing")
    for marker, expected in (("# per triple: no\n", None), ("# per triple, by object: yes\n", [(s, PG + "flag", s)])):
        entail = PerTripleRules([Rule("r.rq", marker + reads_object)], [])
        if expected is None:
            with pytest.raises(RuleReadsTerms, match="r.rq"):
                entail.entailed(s, level, pyoxigraph.NamedNode("urn:high:1"))
        else:
            assert [(a, b.value, c) for a, b, c in entail.entailed(s, level, pyoxigraph.NamedNode("urn:high:1"))] == expected
            assert entail.entailed(s, level, pyoxigraph.NamedNode("urn:low:1")) == []


def test_a_triple_brings_its_whole_closure():
    """An inverse whose property has a super-property: both come from the one triple, and what
    the ontology itself entails is derived once, not per triple."""
    onto = pyoxigraph.NamedNode(iris.DEFAULT_BASE + iris.ONTOLOGY_GRAPH)
    sub = pyoxigraph.NamedNode("http://www.w3.org/2000/01/rdf-schema#subPropertyOf")
    a, b, c = (pyoxigraph.NamedNode(PG + name) for name in ("a", "b", "c"))
    ontology = [pyoxigraph.Quad(b, sub, c, onto)]
    rules = [Rule("h.rq", "# per triple: h\n" + (RULES / "00-hierarchy.rq").read_text()),
             Rule("i.rq", f"# per triple: i\nPREFIX pg: <{PG}>\nCONSTRUCT {{ ?o pg:b ?s }} WHERE {{ ?s pg:a ?o }}")]
    entail = PerTripleRules(rules, ontology)
    x, y = pyoxigraph.NamedNode("urn:x"), pyoxigraph.NamedNode("urn:y")
    assert set(entail.entailed(x, a, y)) == {(y, b, x), (y, c, x)}
    assert entail.entailed(x, c, y) == []


def test_a_vocabularys_hierarchy_counts_as_the_ontologys(tmp_path):
    """The per-triple rules read the vocabularies loaded with --vocab as they read the ontology: a
    class a vocabulary puts under another gives its instances in the data the super-class."""
    vocab = tmp_path / "vocab.ttl"
    vocab.write_text("@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
                     "<urn:v:Goal> rdfs:subClassOf <urn:v:Concept> .\n"
                     "<urn:v:narrowerGoal> rdfs:subPropertyOf <urn:v:narrower> .\n"
                     "<urn:v:g1> a <urn:v:Goal> .\n")
    data = tmp_path / "data.ttl"
    data.write_text(f"<{iris.DEFAULT_BASE}id/test/x> a <urn:v:Goal> ; <urn:v:narrowerGoal> <urn:v:g1> .\n")
    plan = load_plan([data], ROOT / "ontology", vocab=[str(vocab)])
    found = {}
    for stream in (True, False):
        store = EmbeddedStore(None)
        fill(store, plan, RULES, stream_rules=stream)
        found[stream] = inferred_of(store.store)
    assert found[True] == found[False]
    assert f"<{iris.DEFAULT_BASE}id/test/x> <urn:v:narrower> <urn:v:g1> <{INFERRED.value}>" in found[True][0]
    assert f"<urn:v:g1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <urn:v:Concept> <{INFERRED.value}>" in found[True][0]


def test_a_dataset_files_named_graphs_are_streamed_too(tmp_path):
    """An N-Quads file keeps its own named graphs (its default graph's triples go to the file's
    graph): the per-triple rules see both, as the rounds do."""
    pg, ids = f"<{PG}", f"<{iris.DEFAULT_BASE}id/"
    rdf_type = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    data = tmp_path / "dataset.nq"
    data.write_text(f"{ids}partnership/x> {rdf_type} {pg}TrilateralPartnership> <http://example.org/g> .\n"
                    f"{ids}partnership/x> {pg}partner> {ids}municipality/a> <http://example.org/g> .\n"
                    f"{ids}partnership/y> {pg}partner> {ids}municipality/b> .\n")
    plan = load_plan([data], ROOT / "ontology")
    found = {}
    for stream in (True, False):
        store = EmbeddedStore(None)
        fill(store, plan, RULES, stream_rules=stream)
        found[stream] = inferred_of(store.store)
        assert pyoxigraph.NamedNode("http://example.org/g") in set(store.store.named_graphs())
    assert found[True] == found[False]
    assert f"{ids}municipality/a> {pg}partnerIn> {ids}partnership/x> <{INFERRED.value}>" in found[True][0]
    assert f"{ids}municipality/b> {pg}partnerIn> {ids}partnership/y> <{INFERRED.value}>" in found[True][0]
