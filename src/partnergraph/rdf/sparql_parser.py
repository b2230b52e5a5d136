"""rdflib's SPARQL parser, one caller at a time.

pyparsing works out how many arguments each parse action takes on the action's first calls, by
trying and counting TypeErrors in shared state; two threads making those first calls at once can
leave an action with a wrong count for good, after which every query that reaches it fails to
parse ("Param.postParse2() missing 1 required positional argument"). The guard (in request
threads) and the rules reader (in a load) both parse, so they parse through this lock."""
from __future__ import annotations

import threading

_LOCK = threading.Lock()


def parse_query(text: str):
    """rdflib's parse tree of text (raises pyparsing's ParseException where it does not parse)."""
    from rdflib.plugins.sparql import parser  # start-up: rdflib only where a query is checked
    with _LOCK:
        return parser.parseQuery(text)


def prepare_query(text: str):
    """rdflib's prepared query (parse tree and algebra) of text."""
    from rdflib.plugins.sparql import prepareQuery  # start-up: as above
    with _LOCK:
        return prepareQuery(text)
