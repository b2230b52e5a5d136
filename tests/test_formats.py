"""The one alias table of format values (sparql/formats.py), as clients spell them."""
from __future__ import annotations

import pytest

from partnergraph.sparql import formats


@pytest.mark.parametrize("value, results, graph", [
    ("json", "json", "jsonld"), ("JSON", "json", "jsonld"), ("xml", "xml", "rdfxml"),
    ("application/sparql-results+xml", "xml", None), ("csv", "csv", None), ("tsv", "tsv", None),
    ("text/tab-separated-values", "tsv", None), ("n3", None, "turtle"), ("ttl", None, "turtle"),
    ("text/turtle; charset=utf-8", None, "turtle"), ("rdf+xml", None, "rdfxml"), ("rdf", None, "rdfxml"),
    ("json-ld", None, "jsonld"), ("application/n-triples", None, "ntriples"), ("html", "html", "html"),
])
def test_aliases(value, results, graph):
    assert formats.choice(value) == formats.Choice(results, graph)


def test_the_table_covers_every_format_by_name_and_media_type():
    for fmt in formats.FORMATS:
        for key in (fmt.name, fmt.media_type):
            chosen = formats.ALIASES[key]
            assert fmt.name in (chosen.results, chosen.graph), key
    for alias, chosen in formats.ALIASES.items():
        assert {chosen.results, chosen.graph} - {None} <= set(formats.BY_NAME), alias
        assert alias == alias.lower()


def test_a_value_that_names_no_format_lists_them():
    with pytest.raises(formats.UnknownFormat) as unknown:
        formats.choice("yaml")
    message = str(unknown.value)
    assert "'yaml'" in message and all(f.name in message for f in formats.FORMATS if f.kind in ("results", "graph"))


def test_by_name_picks_the_side_of_a_shared_name():
    assert formats.by_name("xml", "graph").name == "rdfxml"
    assert formats.by_name("xml", "results").name == "xml"
    with pytest.raises(formats.UnknownFormat):
        formats.by_name("csv", "graph")
    assert formats.negotiate("application/xml", "graph").name == "rdfxml"
    assert formats.negotiate("text/n3", "graph").name == "turtle"
