"""The shapes and `partnergraph validate`: every constraint has a bad-data fixture that yields
exactly its violation; the shipped data yields none; syntax errors name file, line, column. Both
SHACL engines (pySHACL, the reference, and pyshacl-turbo) give the same report on the shipped data
and on every fixture, and each gives the W3C SHACL test suite's expected results, except for the
deviations named here."""
from __future__ import annotations

import functools
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from partnergraph.cli import main
from partnergraph.store.validation import (
    Report,
    ValidationSetupError,
    Violation,
    choose_engine,
    validate_paths,
    violations_from,
)

ROOT = Path(__file__).resolve().parent.parent
INVALID = sorted((ROOT / "tests" / "fixtures" / "invalid").glob("*.ttl"))
BROKEN = ROOT / "tests" / "fixtures" / "broken"
EXPECT = re.compile(r"^# expect: focus=(\S+) path=(\S+) component=(\S+)\s*$")
ENGINES = ["pyshacl", "turbo"]   # pyshacl-turbo is a dependency of the package

XSD = "http://www.w3.org/2001/XMLSchema#"
# The store keeps a number's value, not its spelling: the fixture's 5.0 comes back as 5.
KNOWN_FIXTURE_VALUES = {"sdg-number-not-integer": (f'"5.0"^^<{XSD}decimal>', f'"5"^^<{XSD}decimal>')}


def expectations(path: Path) -> list[tuple[str, str | None, str]]:
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = EXPECT.match(line)
        if match:
            focus, shape_path, component = match.groups()
            found.append((focus.strip("<>"), shape_path.strip("<>"), component))
    return found


def _term(text: str | None) -> str | None:
    """Blank nodes have no stable names across engines (nor across runs): compare them as _:b.
    A report prints an IRI focus bare and other terms in N-Triples form, so a blank node is the
    text that is neither a literal, nor an IRI in <>, nor contains a scheme's colon."""
    if text is None or text.startswith(('"', "<", "^")) or ":" in text:
        return text
    return "_:b"


def normalised(report: Report, messages: bool = True) -> list[tuple]:
    """A report's violations with blank nodes made comparable. pySHACL and pyshacl-turbo word
    their default messages differently, so messages=False leaves them out (the project's shapes
    set every message with sh:message, so for them the messages are compared)."""
    return sorted(((v.file, _term(v.focus), _term(v.path), _term(v.value), v.severity, v.component,
                    _term(v.shape), v.message if messages else None) for v in report.violations), key=repr)


SOURCE_IRIS = "https://w3id.org/partnergraph/id/source/"   # a source's IRI must match its file name
RENAMABLE = ("https://w3id.org/partnergraph/id/", "https://example.org/")


def renamable(iri: str) -> bool:
    """Resources a fixture makes up; terms (pg:, SDG IRIs) and sources keep their names."""
    return iri.startswith(RENAMABLE) and not iri.startswith(SOURCE_IRIS)
SUFFIX = re.compile(r"-zz\d{3}(?![0-9])")


def shipped_terms() -> set[str]:
    import rdflib  # the tests' own reading of the files, independent of the validator
    graph = rdflib.Graph()
    for path in [*sorted((ROOT / "data").glob("*.ttl")), ROOT / "ontology" / "partnergraph.ttl"]:
        graph.parse(path)
    return {str(t) for triple in graph for t in triple if isinstance(t, rdflib.URIRef)}


def minted(path: Path, shipped: set[str]) -> set[str]:
    """The IRIs a fixture introduces (not in the shipped data or the ontology)."""
    import rdflib
    graph = rdflib.Graph().parse(path)
    return {str(t) for triple in graph for t in triple if isinstance(t, rdflib.URIRef)} - shipped


def focus_candidates(path: Path) -> set[str]:
    """The terms of a fixture that a shape can take as focus node: its subjects, and pg: terms
    (the shape of undeclared terms targets them); a made-up SDG target used as an object is not."""
    import rdflib
    graph = rdflib.Graph().parse(path)
    return {str(t) for t in graph.subjects()} | {str(t) for triple in graph for t in triple
                                                 if str(t).startswith("https://w3id.org/partnergraph/ontology")}


def fixture_batches(shipped: set[str] | None = None) -> list[list[Path]]:
    """The fixtures in groups that can be validated together with the data: within a group each
    fixture's own resources get a suffix of its own (renamed_copies), so no two share one; the
    terms and sources a fixture makes up keep their names (a source's IRI must match its file
    name, a term's name is what is checked), and so do the shipped resources a fixture adds to:
    fixtures that share one go to different groups. A test below checks that a fixture reports the same alone
    and in its group."""
    shipped = shipped_terms() if shipped is None else shipped
    batches: list[tuple[list[Path], set[str]]] = []
    for fixture in INVALID:
        candidates = focus_candidates(fixture)
        # terms that keep their names, and shipped resources the fixture adds to, are shared keys
        added_to = {t for t in candidates & shipped if not t.startswith("https://w3id.org/partnergraph/ontology")}
        fixed = ({t for t in minted(fixture, shipped) if not renamable(t)} & candidates) | added_to
        for members, used in batches:
            if not fixed & used:
                members.append(fixture)
                used |= fixed
                break
        else:
            batches.append(([fixture], set(fixed)))
    return [members for members, _ in batches]


def renamed_copies(members: list[Path], out: Path, shipped: set[str]) -> dict[Path, Path]:
    """Each fixture of a group as a Turtle copy whose own IRIs end in -zzNNN (N: the fixture's
    number); copy -> fixture."""
    import rdflib
    copies = {}
    for fixture in members:
        number = INVALID.index(fixture)
        own = {t for t in minted(fixture, shipped) if renamable(t)}
        graph = rdflib.Graph()
        for triple in rdflib.Graph().parse(fixture):
            graph.add(tuple(rdflib.URIRef(f"{t}-zz{number:03d}") if isinstance(t, rdflib.URIRef) and str(t) in own
                            else t for t in triple))
        copy = out / fixture.name
        graph.serialize(copy, format="turtle")
        copies[copy] = fixture
    return copies


def _validate_with_data(paths: list[Path], engine: str) -> Report:
    return validate_paths(["data", *paths], engine=engine)


def by_fixture(report: Report, copies: dict[Path, Path]) -> dict[Path, Report]:
    """A group's report split into one report per fixture, by the file each violation names,
    with the fixture's own names and file put back."""
    split: dict[Path, list[Violation]] = {f: [] for f in copies.values()}
    for violation in report.violations:
        owner = [c for c in copies if violation.file and str(c) in violation.file]
        assert len(owner) == 1, f"a violation outside the group's fixtures: {violation}"
        fixture = copies[owner[0]]

        def back(text):
            return SUFFIX.sub("", text) if text else text
        split[fixture].append(Violation(violation.file.replace(str(owner[0]), str(fixture)), back(violation.focus),
                                        back(violation.path), back(violation.value), back(violation.message),
                                        violation.severity, violation.component, back(violation.shape)))
    return {f: Report(violations=vs, syntax_errors=report.syntax_errors, triples=report.triples, engine=report.engine)
            for f, vs in split.items()}


@pytest.fixture(scope="module")
def fixture_reports(tmp_path_factory):
    """Every fixture validated with the shipped data: alone with pyshacl-turbo, and in groups
    (fixture_batches, renamed_copies) with both engines; pySHACL's groups run on two processes."""
    from concurrent.futures import ProcessPoolExecutor
    from functools import partial
    shipped = shipped_terms()
    batches = fixture_batches(shipped)
    copies = [renamed_copies(b, tmp_path_factory.mktemp(f"group{i}"), shipped) for i, b in enumerate(batches)]
    reports: dict = {"batches": batches}
    engines = ["pyshacl", "turbo"]
    with ProcessPoolExecutor(max_workers=2) as pool:
        pending = pool.map(partial(_validate_with_data, engine="pyshacl"), [list(c) for c in copies])
        reports["turbo", "alone"] = {f: _validate_with_data([f], "turbo") for f in INVALID}
        reports["turbo", "batch"] = [_validate_with_data(list(c), "turbo") for c in copies]
        reports["pyshacl", "batch"] = list(pending)
    for engine in engines:
        split: dict[Path, Report] = {}
        for group, report in zip(copies, reports[engine, "batch"], strict=True):
            split.update(by_fixture(report, group))
        reports[engine, "fixture"] = split
    return reports


@functools.cache
def shipped(engine: str) -> Report:
    """The shipped data's report from one engine, computed once for the tests that read it."""
    return validate_paths(["data"], engine=engine)


@pytest.fixture(scope="module", params=ENGINES)
def shipped_report(request):
    return shipped(request.param)


def test_shipped_data_conforms(shipped_report):
    assert shipped_report.syntax_errors == []
    assert [str(v) for v in shipped_report.violations] == []
    assert shipped_report.conforms


def test_engines_agree_on_shipped_data():
    reference, turbo = (shipped(e) for e in ("pyshacl", "turbo"))
    assert (reference.engine, turbo.engine) == ("pyshacl", "turbo")
    assert json.loads(turbo.to_json()) == dict(json.loads(reference.to_json()), engine="turbo")
    assert turbo.triples == reference.triples > 0


def test_every_fixture_declares_its_violation():
    assert INVALID, "no bad-data fixtures found"
    for path in INVALID:
        assert expectations(path), f"{path.name} has no '# expect:' line"


def test_fixtures_are_grouped_without_shared_terms(fixture_reports):
    batches = fixture_reports["batches"]
    assert sorted(f for b in batches for f in b) == INVALID
    assert len(batches) <= len(INVALID) // 10, "the groups should save most of the validations"


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("fixture", INVALID, ids=[p.stem for p in INVALID])
def test_fixture_yields_exactly_its_violation(fixture, engine, fixture_reports):
    report = fixture_reports[engine, "fixture"][fixture]
    assert report.engine == engine
    assert not report.syntax_errors
    got = sorted((v.focus, v.path.strip("<>") if v.path else "-", v.component) for v in report.violations)
    assert got == sorted(expectations(fixture))
    for violation in report.violations:
        assert violation.message and violation.message != "constraint not satisfied"
        assert violation.file == str(fixture) or str(fixture) in (violation.file or ""), \
            "a violation must name the file its focus node is described in"


@pytest.mark.parametrize("fixture", INVALID, ids=[p.stem for p in INVALID])
def test_fixture_reports_the_same_alone_and_in_its_group(fixture, fixture_reports):
    alone, grouped = fixture_reports["turbo", "alone"][fixture], fixture_reports["turbo", "fixture"][fixture]
    assert normalised(grouped) == normalised(alone)


def test_engines_agree_on_fixture_groups(fixture_reports):
    for index in range(len(fixture_reports["batches"])):
        reference, turbo = fixture_reports["pyshacl", "batch"][index], fixture_reports["turbo", "batch"][index]
        assert turbo.triples == reference.triples


@pytest.mark.parametrize("fixture", INVALID, ids=[p.stem for p in INVALID])
def test_engines_agree_on_fixture(fixture, fixture_reports):
    expected = normalised(fixture_reports["pyshacl", "fixture"][fixture])
    if fixture.stem in KNOWN_FIXTURE_VALUES:
        spelled, stored = KNOWN_FIXTURE_VALUES[fixture.stem]
        assert [row[3] for row in expected] == [spelled]
        expected = [row[:3] + (stored,) + row[4:] for row in expected]
    assert normalised(fixture_reports["turbo", "fixture"][fixture]) == expected


W3C = ROOT.parent / "shared" / "w3c-tests" / "shacl-core-sparql" / "data-shapes-test-suite" / "tests"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
SHT = "http://www.w3.org/ns/shacl-test#"


@dataclass(frozen=True)
class W3CTest:
    """One sht:Validate entry of the suite: its data and shapes files and what its manifest expects,
    a failure (sht:Failure) or a report: conforms, and each result as the project's reports show it."""
    name: str
    data: Path
    shapes: Path
    expected: str | tuple


def w3c_tests() -> list[W3CTest]:
    """Every test the suite's manifests include (mf:include from tests/manifest.ttl down), with
    its action (sht:dataGraph, sht:shapesGraph) and its expected result (mf:result)."""
    import rdflib
    from rdflib.namespace import RDF, SH
    found, pending, seen = [], [W3C / "manifest.ttl"], set()
    while pending:
        path = pending.pop(0)
        if path in seen:
            continue
        seen.add(path)
        graph = rdflib.Graph().parse(path, publicID=path.as_uri())
        pending += [Path(str(i).removeprefix("file://")) for i in graph.objects(None, rdflib.URIRef(MF + "include"))]
        for entry in sorted(graph.subjects(RDF.type, rdflib.URIRef(SHT + "Validate"))):
            action = graph.value(entry, rdflib.URIRef(MF + "action"))
            data, shapes = (Path(str(graph.value(action, rdflib.URIRef(SHT + g))).removeprefix("file://"))
                            for g in ("dataGraph", "shapesGraph"))
            result = graph.value(entry, rdflib.URIRef(MF + "result"))
            if result == rdflib.URIRef(SHT + "Failure"):
                expected = "failure"
            else:   # the expected report: its node, its results and their (complex) paths
                report = rdflib.Graph()
                report += graph.cbd(result)
                for node in list(report.objects(result, SH.result)):
                    report += graph.cbd(node)
                    for path_node in report.objects(node, SH.resultPath):
                        report += graph.cbd(path_node)
                expected = (graph.value(result, SH.conforms).toPython(), w3c_rows(violations_from(report, {})))
            local = str(entry).rsplit("/", 1)[-1]
            name = path.relative_to(W3C).as_posix() + ("" if local == path.stem else f"#{local}")
            found.append(W3CTest(name, data, shapes, expected))
    return sorted(found, key=lambda test: test.name)


def w3c_rows(violations) -> list[tuple]:
    """Results as the suite compares them: not their messages, blank nodes made comparable."""
    return sorted(((_term(v.focus), _term(v.path), _term(v.value), v.severity, v.component, _term(v.shape))
                   for v in violations), key=repr)


def w3c_outcome(test: W3CTest, engine: str, empty_ontology: Path):
    """What an engine makes of one W3C test, in the terms of its expected result."""
    try:
        report = validate_paths([test.data], ontology=empty_ontology, shapes=test.shapes, engine=engine)
    except ValidationSetupError:  # the shapes are ill-formed, and the engine says so
        return "failure"
    except Exception as err:  # noqa: BLE001  an engine that gives up on a test: that is its outcome
        return f"failed: {type(err).__name__}: {str(err)[:200]}"
    if report.syntax_errors:
        return f"syntax errors: {[str(e) for e in report.syntax_errors]}"
    return report.conforms, w3c_rows(report.violations)


# Where an engine's outcome is not what the suite's manifest expects, and why. Each case is a
# strict xfail: when an engine comes to pass it, the run says so and the entry is removed.
WARNINGS_CONFORM = ("the project's reports conform unless a result has severity sh:Violation (Report.conforms: "
                    "warnings and infos are shown, not refused); the suite expects sh:conforms false for any result")
STORED_VALUE = ("pyshacl-turbo reads the data from the store, which keeps a literal's value, not its spelling: "
                "the result's sh:value is spelled as stored ({})")
W3C_DEVIATIONS: dict[tuple[str, str], str] = {
    **{(engine, name): WARNINGS_CONFORM for engine in ("pyshacl", "turbo")
       for name in ("core/misc/severity-001.ttl", "core/misc/severity-002.ttl", "sparql/node/sparql-003.ttl")},
    **{(engine, "core/property/uniqueLang-002.ttl"): 'both engines read sh:uniqueLang "1"^^xsd:boolean as true; the '
       "suite expects only the literal true to switch the constraint on" for engine in ("pyshacl", "turbo")},
    ("turbo", "core/node/maxExclusive-001.ttl"): STORED_VALUE.format('4.0 as "4"^^xsd:decimal'),
    ("turbo", "core/node/minExclusive-001.ttl"): STORED_VALUE.format('4.0 as "4"^^xsd:decimal'),
    ("turbo", "core/property/datatype-001.ttl"): STORED_VALUE.format("an ill-typed xsd:dateTime in another spelling"),
    ("turbo", "core/property/datatype-ill-formed.ttl"): STORED_VALUE.format('"300"^^xsd:byte as xsd:integer'),
    ("turbo", "core/property/or-datatypes-001.ttl"): STORED_VALUE.format('"none"^^xsd:boolean as "false"'),
    ("pyshacl", "sparql/node/prefixes-001.ttl"): "pySHACL does not follow the owl:imports of an sh:prefixes node to "
                                                 "find the prefix ex: and gives up on the test",
    ("pyshacl", "sparql/pre-binding/shapesGraph-001.ttl"): "pySHACL does not support $shapesGraph in SPARQL "
                                                           "constraints and gives up on the test (NotImplementedError)",
    ("turbo", "sparql/pre-binding/pre-binding-005.ttl"): "pyshacl-turbo 0.6 over a pyoxigraph store does not match a "
                                                         "plain string constant in a SPARQL constraint's triple pattern "
                                                         "($this ex:property \"Label\"): it misses the violation",
}


def _w3c_cases():
    if not W3C.is_dir():
        return []
    cases = []
    for test in w3c_tests():
        for engine in ("pyshacl", "turbo"):
            reason = W3C_DEVIATIONS.get((engine, test.name))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            cases.append(pytest.param(test, engine, id=f"{engine}:{test.name}", marks=marks))
    return cases


W3C_CASES = _w3c_cases()


def test_w3c_suite_is_whole():
    """../shared/w3c-tests/README.md: "120 tests (98 core, 22 SPARQL-based)"; every deviation
    named below is a test of the suite."""
    if not W3C.is_dir():
        pytest.skip(f"the W3C SHACL test suite is not at {W3C} (../shared is absent)")
    names = [case.values[0].name for case in W3C_CASES if case.values[1] == "pyshacl"]
    assert len(names) == 120 and len(set(names)) == 120
    assert sum(name.startswith("core/") for name in names) == 98
    assert {name for _, name in W3C_DEVIATIONS} <= set(names), "a deviation names a test the suite does not have"


@pytest.mark.skipif(not W3C.is_dir(), reason=f"the W3C SHACL test suite is not at {W3C} (../shared is absent)")
@pytest.mark.parametrize(("test", "engine"), W3C_CASES)
def test_w3c_suite(test, engine, tmp_path):
    """Each engine's outcome on each test of the W3C suite against the result its manifest gives."""
    empty = tmp_path / "empty.ttl"
    empty.write_text("", encoding="utf-8")
    assert w3c_outcome(test, engine, empty) == test.expected


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
                                 (SH.qualifiedMinCount, "QualifiedMinCountConstraintComponent"),
                                 (SH["or"], "OrConstraintComponent"), (SH.languageIn, "LanguageInConstraintComponent"),
                                 (SH.minInclusive, "MinInclusiveConstraintComponent")):
        if (None, parameter, None) in shapes:
            used.add(component)
    covered = {component for path in INVALID for _, _, component in expectations(path)}
    assert used <= covered, f"constraint kinds without a fixture: {sorted(used - covered)}"


@pytest.mark.parametrize("engine", ENGINES)
def test_syntax_error_names_file_line_and_column(runner, tmp_path, engine):
    broken = tmp_path / "broken.ttl"
    broken.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e ex:f ex:g .\n', encoding="utf-8")
    result = runner.invoke(main, ["validate", str(broken), "--engine", engine])
    assert result.exit_code == 1
    assert f"{broken}:3:" in result.output
    report = validate_paths([broken], engine=engine)
    assert report.syntax_errors[0].line == 3 and report.syntax_errors[0].column


@pytest.mark.parametrize("engine", ENGINES)
def test_broken_fixture_line(engine):
    broken = BROKEN / "syntax-error.ttl"
    line = int(re.search(r"expect-syntax-error: line=(\d+)", broken.read_text()).group(1))
    report = validate_paths([broken], engine=engine)
    assert [e.line for e in report.syntax_errors] == [line]


def test_engines_agree_on_syntax_errors(tmp_path):
    """Same errors, same place, same triple count of the rest; a syntax error late in a long file
    leaves nothing of that file behind (a bulk load is not atomic)."""
    long = tmp_path / "long.nt"
    long.write_text("".join(f'<http://example.org/s{i}> <http://example.org/p> "{i}" .\n' for i in range(20_000))
                    + "<http://example.org/s> <http://example.org/p> .\n", encoding="utf-8")
    bad_xml = tmp_path / "bad.rdf"
    bad_xml.write_text('<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n<oops\n',
                       encoding="utf-8")
    paths = ["data/places.ttl", BROKEN, long, bad_xml]
    reference, turbo = (validate_paths(paths, engine=e) for e in ("pyshacl", "turbo"))
    assert [str(e) for e in turbo.syntax_errors] == [str(e) for e in reference.syntax_errors]
    assert [(e.file, e.line) for e in turbo.syntax_errors][:2] == [(str(BROKEN / "syntax-error.ttl"), 9), (str(long), 20_001)]
    assert turbo.triples == reference.triples == validate_paths(["data/places.ttl"], engine="pyshacl").triples
    assert turbo.violations == reference.violations == []


@pytest.mark.parametrize("suffix", ["nq", "trig"])
@pytest.mark.parametrize("engine", ENGINES)
def test_dataset_files_are_validated_in_all_their_graphs(tmp_path, engine, suffix):
    bad, label = "<https://w3id.org/partnergraph/id/Bad_Iri/x>", '<http://www.w3.org/2000/01/rdf-schema#label> "bad"@en'
    path = tmp_path / f"named.{suffix}"
    path.write_text(f"{bad} {label} <http://example.org/g> .\n" if suffix == "nq" else
                    f"<http://example.org/g> {{ {bad} {label} . }}\n", encoding="utf-8")
    report = validate_paths([path], engine=engine)
    assert report.triples == validate_paths([], engine="pyshacl").triples + 1
    assert report.violations and {(v.focus, v.file) for v in report.violations} == {(bad.strip("<>"), str(path))}


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


@pytest.mark.parametrize("engine", ENGINES)
def test_cli_engine_option(runner, engine):
    result = runner.invoke(main, ["validate", "data", str(INVALID[0]), "--format", "json", "--engine", engine])
    assert result.exit_code == 1
    payload = json.loads(result.output)
    assert payload["engine"] == engine
    assert len(payload["violations"]) == len(expectations(INVALID[0]))


def test_auto_engine_is_turbo_when_installed(runner):
    assert choose_engine("auto") == "turbo"
    assert json.loads(runner.invoke(main, ["validate", "--format", "json"]).output)["engine"] == choose_engine()


def test_turbo_engine_not_installed(runner, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyshacl_turbo", None)  # import pyshacl_turbo now fails
    assert choose_engine("auto") == "pyshacl"
    with pytest.raises(ValidationSetupError, match="pyshacl-turbo"):
        validate_paths(["data"], engine="turbo")
    result = runner.invoke(main, ["validate", "--engine", "turbo"])
    assert result.exit_code == 2
    assert "pyshacl-turbo" in result.output and "not installed" in result.output
    assert runner.invoke(main, ["validate", "--engine", "nonesuch"]).exit_code == 2


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


def canonical(graph) -> set[str]:
    import pyoxigraph
    dataset = pyoxigraph.Dataset(pyoxigraph.parse(graph.serialize(format="nt"), format=pyoxigraph.RdfFormat.N_TRIPLES))
    dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.UNSTABLE)
    return {str(quad) for quad in dataset}


def test_rdflib_and_pyoxigraph_parse_the_same_triples():
    """Each data file gives the same triples in rdflib and in pyoxigraph (blank nodes aside)."""
    import pyoxigraph
    import rdflib
    ontology = ROOT / "ontology"
    for path in [*sorted((ROOT / "data").glob("*.ttl")), ontology / "partnergraph.ttl", ontology / "shapes.ttl"]:
        ours = rdflib.Graph().parse(path)
        lines = "\n".join(f"{t} ." for t in pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE))
        theirs = rdflib.Graph().parse(data=lines, format="nt")
        assert len(ours) == len(theirs), path.name
        # The same up to the names of blank nodes: both canonicalised (RDF canonicalisation, in
        # pyoxigraph; rdflib's isomorphic took 8 s on the shapes' blank nodes).
        assert canonical(ours) == canonical(theirs), path.name
