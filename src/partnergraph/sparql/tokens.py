"""SPARQL's lexical tokens, for the checks that read a query without parsing it: the guard (SERVICE,
updates) and the plain-language error messages."""
from __future__ import annotations

import re

# SPARQL's lexical tokens, tried in this order at each position. Comments end at the first line
# break of any kind, strings and IRIREFs follow the grammar, names are ASCII only: wherever this
# tokeniser and an engine could disagree, it sees *more* code than the engine, never less.
_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r\x0b\x0c\x85\u2028\u2029]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\[\s\S]|"(?!""))*\"\"\"|'''(?:[^'\\]|\\[\s\S]|'(?!''))*'''
              |"(?:[^"\\\n\r]|\\[^\n\r])*"|'(?:[^'\\\n\r]|\\[^\n\r])*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_]+)
  | (?P<bnode>_:[A-Za-z0-9_-]+)
  | (?P<langtag>@[A-Za-z0-9-]+)
  | (?P<pname>[A-Za-z0-9_-]*:[A-Za-z0-9_:-]*)
  | (?P<word>[A-Za-z0-9_]+)
  | (?P<other>[\s\S])
""", re.VERBOSE)


def tokens(text: str) -> list[tuple[str, str]]:
    """(kind, text) for every token of a query, comments and whitespace included. Linear in the
    length of the text and never recursive, whatever the nesting."""
    return [(m.lastgroup, m.group()) for m in _TOKEN.finditer(text)]


def located_tokens(text: str):
    """(kind, value, offset) of every significant token (whitespace and comments left out)."""
    offset = 0
    for kind, value in tokens(text):
        if kind not in ("ws", "comment"):
            yield kind, value, offset
        offset += len(value)
