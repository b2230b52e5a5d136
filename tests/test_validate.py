"""The shapes and `partnergraph validate`: every constraint has a bad-data fixture that yields
exactly its violation; the shipped data yields none; syntax errors name file, line, column."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from partnergraph.cli import main
from partnergraph.validate import validate_paths

ROOT = Path(__file__).resolve().parent.parent
INVALID = sorted((ROOT / "tests" / "fixtures" / "invalid").glob("*.ttl"))
EXPECT = re.compile(r"^# expect: focus=(\S+) path=(\S+) component=(\S+)\s*$")


def expectations(path: Path) -> list[tuple[str, str | None, str]]:
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = EXPECT.match(line)
        if match:
            focus, shape_path, component = match.groups()
            found.append((focus.strip("<>"), shape_path.strip("<>"), component))
    return found


@pytest.fixture(scope="module")
def shipped_report():
    return validate_paths(["data"])


def test_shipped_data_conforms(shipped_report):
    assert shipped_report.syntax_errors == []
    assert [str(v) for v in shipped_report.violations] == []
    assert shipped_report.conforms


def test_every_fixture_declares_its_violation():
    assert INVALID, "no bad-data fixtures found"
    for path in INVALID:
        assert expectations(path), f"{path.name} has no '# expect:' line"


@pytest.mark.parametrize("fixture", INVALID, ids=[p.stem for p in INVALID])
def test_fixture_yields_exactly_its_violation(fixture):
    report = validate_paths(["data", fixture])
    assert not report.syntax_errors
    got = sorted((v.focus, v.path.strip("<>") if v.path else "-", v.component) for v in report.violations)
    assert got == sorted(expectations(fixture))
    for violation in report.violations:
        assert violation.message and violation.message != "constraint not satisfied"
        assert violation.file == str(fixture) or str(fixture) in (violation.file or ""), \
            "a violation must name the file its focus node is described in"


def test_every_shape_constraint_has_a_fixture():
    """Each sh:message in the shapes belongs to a constraint; each constraint component family
    used by the shapes is exercised by at least one fixture."""
    import rdflib
    from rdflib.namespace import SH
    shapes = rdflib.Graph().parse(ROOT / "ontology" / "shapes.ttl")
    used = set()
    for parameter, component in ((SH.minCount, "MinCountConstraintComponent"), (SH.maxCount, "MaxCountConstraintComponent"),
                                 (SH.datatype, "DatatypeConstraintComponent"), (SH.pattern, "PatternConstraintComponent"),
                                 (SH["class"], "ClassConstraintComponent"), (SH.sparql, "SPARQLConstraintComponent"),
                                 (SH.qualifiedMinCount, "QualifiedMinCountConstraintComponent"), (SH["or"], "OrConstraintComponent"),
                                 (SH.languageIn, "LanguageInConstraintComponent"), (SH.minInclusive, "MinInclusiveConstraintComponent")):
        if (None, parameter, None) in shapes:
            used.add(component)
    covered = {component for path in INVALID for _, _, component in expectations(path)}
    assert used <= covered, f"constraint kinds without a fixture: {sorted(used - covered)}"


def test_syntax_error_names_file_line_and_column(runner, tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e ex:f ex:g .\n', encoding="utf-8")
    result = runner.invoke(main, ["validate", str(broken)])
    assert result.exit_code == 1
    assert f"{broken}:3:" in result.output
    report = validate_paths([broken])
    assert report.syntax_errors[0].line == 3 and report.syntax_errors[0].column


def test_broken_fixture_line(runner):
    broken = ROOT / "tests" / "fixtures" / "broken" / "syntax-error.ttl"
    line = int(re.search(r"expect-syntax-error: line=(\d+)", broken.read_text()).group(1))
    report = validate_paths([broken])
    assert [e.line for e in report.syntax_errors] == [line]


def test_cli_exit_codes_and_json(runner):
    ok = runner.invoke(main, ["validate"])
    assert ok.exit_code == 0, ok.output
    assert "conforms" in ok.output
    bad = runner.invoke(main, ["validate", "data", str(INVALID[0]), "--format", "json"])
    assert bad.exit_code == 1
    payload = json.loads(bad.output)
    assert payload["conforms"] is False and payload["violations"]
    assert {"file", "focus", "path", "value", "message"} <= set(payload["violations"][0])
    missing = runner.invoke(main, ["validate", "no-such-dir"])
    assert missing.exit_code == 2
    no_shapes = runner.invoke(main, ["validate", "--shapes", "nowhere.ttl"])
    assert no_shapes.exit_code == 2


def test_validate_never_writes(tmp_path, runner):
    before = {p: p.read_bytes() for p in (ROOT / "data").glob("*.ttl")}
    runner.invoke(main, ["validate"])
    assert before == {p: p.read_bytes() for p in (ROOT / "data").glob("*.ttl")}


def test_every_source_document_is_cited(graph):
    from tests.conftest import SEEDS
    names = ["000_3db2f6b1717fd080", "001_60f0cfa81e0e7641", "002_3b9055c6e4860be3",
             "003_da69f4b1448c70a0", "004_c8b3a4b9f6e514d7"]
    if SEEDS.is_dir():
        names = sorted(p.stem for p in SEEDS.glob("*.txt"))
    rows = graph.select("""SELECT DISTINCT ?src WHERE { ?s <http://www.w3.org/ns/prov#wasDerivedFrom> ?src }""")
    cited = {r["src"]["value"].rsplit("/", 1)[-1] for r in rows}
    assert set(names) <= cited


def test_provenance_on_every_partnership_project_membership_event(graph):
    rows = graph.select("""PREFIX pg: <https://w3id.org/partnergraph/ontology#>
        SELECT ?s WHERE { VALUES ?c { pg:Partnership pg:Project pg:Membership pg:Event }
          ?s a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* ?c .
          FILTER NOT EXISTS { ?s <http://www.w3.org/ns/prov#wasDerivedFrom> ?src } }""")
    assert rows == []


def test_rdflib_and_pyoxigraph_parse_the_same_triples():
    """Each data file gives the same triples in rdflib and in pyoxigraph (blank nodes aside)."""
    import pyoxigraph
    import rdflib
    for path in sorted((ROOT / "data").glob("*.ttl")) + [ROOT / "ontology" / "partnergraph.ttl", ROOT / "ontology" / "shapes.ttl"]:
        ours = rdflib.Graph().parse(path)
        lines = "\n".join(f"{t} ." for t in pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE))
        theirs = rdflib.Graph().parse(data=lines, format="nt")
        from rdflib.compare import isomorphic
        assert len(ours) == len(theirs), path.name
        assert isomorphic(ours, theirs), path.name
