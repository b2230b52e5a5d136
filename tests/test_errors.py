"""Syntax errors in plain words: what is wrong, at which line and column, and for an undeclared
prefix the PREFIX line to add. The parser's own list of Unicode ranges never reaches the user."""
from __future__ import annotations

import pytest

from partnergraph.rdf import namespaces
from partnergraph.sparql.errors import explain

PG_LINE = "PREFIX pg: <https://w3id.org/partnergraph/ontology#>"


def parser_message(text: str):
    import pyoxigraph
    try:
        pyoxigraph.Store().query(text)
    except SyntaxError as err:
        return err.msg
    raise AssertionError(f"parsed: {text!r}")


@pytest.mark.parametrize("text, words, line, column", [
    ("SELECT * WHERE { ?s pg:x ?o }", ["prefix pg:", PG_LINE], 1, 21),
    ("PREFIX pg: <https://w3id.org/partnergraph/ontology#>\nSELECT * WHERE {\n  ?s a skos:Concept }",
     ["prefix skos:", "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>"], 3, 8),
    ("SELECT * WHERE { ?s nope:x ?o }", ["prefix nope:", "PREFIX nope: <"], 1, 21),
    ("SELEC * WHERE { ?s ?p ?o }", ["SELECT, ASK, CONSTRUCT or DESCRIBE", "'SELEC'"], 1, 1),
    ("SELECT * WHERE {\n  ?s ?p ?o .\n", ["'{' is not closed"], 1, 16),
    ('SELECT * WHERE {\n  ?s ?p "open }', ["string is not closed"], 2, 9),
    ("SELECT (COUNT(*) AS ?n WHERE { ?s ?p ?o }", ["'(' is not closed"], 1, 8),
    ("SELECT * WHERE {\n  ?s ?p ?o\n  FILTR(?o) }", ["not valid SPARQL"], 3, None),
])
def test_syntax_errors_in_plain_words(text, words, line, column):
    raw = parser_message(text)
    plain = explain(text, raw)
    assert plain.message.startswith("Query syntax error")
    for word in words:
        assert word in plain.message, plain.message
    assert plain.line == line
    if column is not None:
        assert plain.column == column
    assert "\\u{" not in plain.message and "..=" not in plain.message and "Prefix not found" not in plain.message


def test_every_known_prefix_gets_its_line():
    for prefix, namespace in namespaces.PREFIXES.items():
        text = f"SELECT * WHERE {{ ?s {prefix}:x ?o }}"
        assert f"PREFIX {prefix}: <{namespace}>" in explain(text, parser_message(text)).message


def test_endpoint_error_is_plain_with_position(client):
    body = client.get("/sparql", query_string={"query": "SELECT ?s WHERE {\n ?s a skos:Concept }"}).get_json()
    error = body["error"]
    assert error["status"] == 400 and (error["line"], error["column"]) == (2, 7)
    assert "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>" in error["message"]


def test_python_api_error_names_line_and_column(graph):
    from partnergraph.graph import QueryError
    with pytest.raises(QueryError) as failed:
        graph.query("SELECT * WHERE { ?s ?p ?o ")
    assert "line 1, column 16" in str(failed.value) and "not closed" in str(failed.value)
