"""The command line: load, query, queries, stats; output formats parse back with their parsers."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from xml.dom.minidom import parseString

import pytest

from partnergraph.cli import main

ROOT = Path(__file__).resolve().parent.parent
VAXJO = "https://w3id.org/partnergraph/id/municipality/vaxjo"


def test_load_builds_a_store_and_query_reads_it(runner, tmp_path):
    store = tmp_path / "store"
    result = runner.invoke(main, ["load", "data", "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert "Loaded" in result.output and "triples" in result.output
    result = runner.invoke(main, ["query", "-e", "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }",
                                  "--store", str(store), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert int(json.loads(result.output)["results"]["bindings"][0]["n"]["value"]) > 1000


def test_each_file_in_its_own_named_graph(runner, tmp_path, graph):
    names = set(graph.graph_sizes())
    for path in (ROOT / "data").glob("*.ttl"):
        assert f"https://w3id.org/partnergraph/graph/{path.stem}" in names
    assert {"https://w3id.org/partnergraph/graph/ontology", "https://w3id.org/partnergraph/graph/inferred"} <= names


def test_failed_load_leaves_the_store_as_it_was(runner, tmp_path):
    store = tmp_path / "store"
    assert runner.invoke(main, ["load", "data", "--store", str(store)]).exit_code == 0
    def count():
        output = runner.invoke(main, ["query", "-e", "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }",
                                      "--store", str(store), "--format", "json"]).output
        return json.loads(output)["results"]["bindings"][0]["n"]["value"]
    before = count()
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b .\n", encoding="utf-8")
    result = runner.invoke(main, ["load", "data", str(broken), "--store", str(store)])
    assert result.exit_code == 1
    assert "broken.ttl:2" in result.output
    result = runner.invoke(main, ["load", "data", str(broken), "--store", str(store), "--no-validate"])
    assert result.exit_code == 1 and "left as it was" in result.output
    assert count() == before


@pytest.mark.parametrize("suffix,content", [
    ("nt", "<http://example.org/a> <http://example.org/b> \"c\" .\n"),
    ("nq", "<http://example.org/a> <http://example.org/b> \"c\" <http://example.org/g> .\n"),
    ("trig", "<http://example.org/g> { <http://example.org/a> <http://example.org/b> \"c\" . }\n"),
    ("rdf", '<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns:ex="http://example.org/"><rdf:Description rdf:about="http://example.org/a"><ex:b>c</ex:b>'
            '</rdf:Description></rdf:RDF>'),
    ("jsonld", '{"@id": "http://example.org/a", "http://example.org/b": "c"}'),
])
def test_load_accepts_every_rdf_format(runner, tmp_path, suffix, content):
    path = tmp_path / f"extra.{suffix}"
    path.write_text(content, encoding="utf-8")
    store = tmp_path / "store"
    result = runner.invoke(main, ["load", str(path), "--store", str(store), "--no-validate"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["query", "-e", "ASK { <http://example.org/a> <http://example.org/b> \"c\" }",
                                  "--store", str(store), "--format", "json"])
    assert json.loads(result.output)["boolean"] is True


def test_queries_lists_every_named_query(runner):
    result = runner.invoke(main, ["queries"])
    assert result.exit_code == 0
    for path in (ROOT / "queries").glob("*.rq"):
        assert path.stem in result.output


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xml", "table"])
def test_query_formats_parse_back(runner, fmt):
    result = runner.invoke(main, ["query", "partnerships-of-municipality", "--param", f"municipality={VAXJO}", "--format", fmt])
    assert result.exit_code == 0, result.output
    out = result.output
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out)))
    elif fmt == "tsv":
        rows = out.strip().splitlines()[1:]
    elif fmt == "json":
        rows = json.loads(out)["results"]["bindings"]
    elif fmt == "xml":
        rows = parseString(out.encode()).getElementsByTagName("result")
    else:
        assert "─" in out and "rows)" in out
        rows = out.strip().splitlines()[2:-1]
    assert len(rows) >= 4  # Vushtrri, Kalush, JB Marks, An Giang (000)


@pytest.mark.parametrize("fmt,parser", [("turtle", "turtle"), ("jsonld", "json-ld"), ("ntriples", "nt"), ("rdfxml", "xml")])
def test_graph_formats_parse_back(runner, fmt, parser):
    import rdflib
    result = runner.invoke(main, ["query", "-e", f"DESCRIBE <{VAXJO}>", "--format", fmt])
    assert result.exit_code == 0, result.output
    g = rdflib.Graph().parse(data=result.output, format=parser)
    assert (rdflib.URIRef(VAXJO), None, None) in g


def test_table_is_unicode_aligned(runner):
    result = runner.invoke(main, ["query", "-e",
                                  'SELECT ?name WHERE { VALUES ?name { "Växjö" "Ukmergė" "Kamianets-Podilskyi" } }',
                                  "--format", "table"])
    lines = result.output.splitlines()
    assert lines[0].startswith("name")
    assert any("Ukmergė" in line for line in lines)


def test_query_from_file_and_exit_codes(runner, tmp_path):
    path = tmp_path / "mine.rq"
    path.write_text("# title: Mine\nASK { ?s ?p ?o }\n", encoding="utf-8")
    assert runner.invoke(main, ["query", str(path), "--format", "json"]).exit_code == 0
    bad = runner.invoke(main, ["query", "-e", "SELECT * WHERE {\n ?s ?p\n}", "--format", "json"])
    assert bad.exit_code == 1 and "line" in bad.output
    assert runner.invoke(main, ["query", "no-such-query"]).exit_code == 2
    assert runner.invoke(main, ["query", "partnerships-of-municipality", "--param", "municipality=not an iri"]).exit_code == 2
    assert runner.invoke(main, ["query", "-e", "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"]).exit_code == 1


def test_stats(runner):
    result = runner.invoke(main, ["stats"])
    assert result.exit_code == 0, result.output
    assert "pg:Partnership" in result.output and "Triples by graph" in result.output
    assert "SHACL: conforms" in result.output


def test_python_api(graph):
    import partnergraph
    pg = partnergraph.open()
    frame = pg.query("partnerships-of-municipality", municipality=VAXJO).to_dataframe()
    assert len(frame) >= 4
    assert pg.query("ASK { ?s ?p ?o }").boolean is True
    g = pg.query(f"DESCRIBE <{VAXJO}>").to_graph()
    assert len(g) > 5
    rows = pg.query("SELECT ?n WHERE { VALUES ?n { 1 2 } }").rows()
    assert rows == [{"n": 1}, {"n": 2}]
    pg.close()


def test_every_setting_is_documented():
    from partnergraph.settings import SETTINGS
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for setting in SETTINGS:
        assert f"PARTNERGRAPH_{setting.name}" in readme, f"{setting.name} is not in the README"
        assert setting.help
