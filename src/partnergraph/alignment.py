"""Alignment exports for people outside RDF: project -> SDG as CSV, and the SKOS mapping. Each
file is a named query's answer; the web view and the catalogue both read them from here."""
from __future__ import annotations

from .queries import get as get_query

# file name -> (named query, format name of sparql/formats.py, title)
EXPORTS = {
    "project-sdg.csv": ("project-sdg-alignment", "csv", "Projects and the UN goals and targets they address (CSV)"),
    "sdg-mapping.ttl": ("sdg-skos-mapping", "turtle", "Projects' SDG subjects and the goals' Wikidata matches (SKOS, Turtle)"),
}


def export_bytes(graph, filename: str) -> tuple[bytes, str]:
    """The bytes and content type of one alignment export. Raises queries.UnknownQuery when the
    named query is missing and graph.QueryError when it does not answer."""
    name, fmt, _ = EXPORTS[filename]
    query = get_query(graph.queries, name)
    outcome = graph.run(query.text, results_format=fmt if fmt == "csv" else "json",
                        graph_format=fmt if fmt != "csv" else "turtle", bindings=query.bindings({}))
    if outcome.status != 200:
        from .graph import QueryError
        raise QueryError(outcome)
    return outcome.body, outcome.content_type
