"""A query's answer as columns and rows of terms (the SPARQL JSON term shape), for result tables."""
from __future__ import annotations

import json

import pyoxigraph

from ..rdf.namespaces import XSD


def result_table(outcome, max_rows: int) -> dict:
    """A result as columns and rows of terms, for the HTML table."""
    if outcome.kind == "graph":
        rows = []
        for triple in pyoxigraph.parse(outcome.body, format=pyoxigraph.RdfFormat.N_TRIPLES):
            rows.append({"subject": _term(triple.subject), "predicate": _term(triple.predicate), "object": _term(triple.object)})
        return {"kind": "graph", "vars": ["subject", "predicate", "object"], "rows": rows[:max_rows],
                "total": len(rows)}
    data = json.loads(outcome.body)
    if "boolean" in data:
        return {"kind": "boolean", "boolean": data["boolean"]}
    rows = data["results"]["bindings"]
    return {"kind": "results", "vars": data["head"]["vars"], "rows": rows[:max_rows], "total": len(rows)}


def _term(term) -> dict:
    if isinstance(term, pyoxigraph.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, pyoxigraph.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype and term.datatype.value != XSD + "string":
        out["datatype"] = term.datatype.value
    return out
