"""Syntax errors in plain words: the engine's parser reports what it expected as lists of
character classes; a reader needs to know which prefix is undeclared (and the PREFIX line that
declares it) or which token the parser stopped at."""
from __future__ import annotations

import re

from .. import iris
from .guard import tokens

_CHAR_CLASS = re.compile(r"\[[^\]]*\]")
PREFIX_NOT_FOUND = "Prefix not found"


def undeclared_prefixes(text: str) -> list[str]:
    """Prefixes used in prefixed names of the query but never declared with PREFIX, in order."""
    toks = [t for t in tokens(text) if t[0] not in ("ws", "comment")]
    declared = {toks[i + 1][1][:-1] for i in range(len(toks) - 1)
                if toks[i][0] == "word" and toks[i][1].lower() == "prefix" and toks[i + 1][0] == "pname"}
    used: list[str] = []
    for kind, value in toks:
        if kind == "pname":
            prefix = value.split(":", 1)[0]
            if prefix not in declared and prefix not in used:
                used.append(prefix)
    return used


def first_use(text: str, prefix: str) -> tuple[int, int] | None:
    """(line, column) of the first prefixed name with this prefix, both counted from 1."""
    offset = 0
    for kind, value in tokens(text):
        if kind == "pname" and value.split(":", 1)[0] == prefix:
            before = text[:offset]
            return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1
        offset += len(value)
    return None


def _token_at(text: str, line: int | None, column: int | None) -> str:
    if not line or not column:
        return ""
    lines = text.splitlines()
    if line > len(lines):
        return "the end of the query"
    rest = lines[line - 1][column - 1:]
    match = re.match(r"\s*(\S+)", rest)
    return repr(match.group(1)[:30]) if match else "the end of the line"


def syntax_message(text: str, message: str, line: int | None, column: int | None) -> str:
    """A plain-language version of the parser's message (without the 'Query syntax error: ')."""
    if PREFIX_NOT_FOUND in message:
        missing = undeclared_prefixes(text)
        if missing:
            prefix = missing[0]
            known = iris.PREFIXES.get(prefix)
            if known:
                return (f"the prefix {prefix}: is not declared. Add this line at the top: "
                        f"PREFIX {prefix}: <{known}>")
            return f"the prefix {prefix}: is not declared. Declare it at the top: PREFIX {prefix}: <namespace IRI>"
    expected = re.sub(r"^error at \d+:\d+:\s*", "", message)
    expected = _CHAR_CLASS.sub("", expected)
    expected = re.sub(r"(,\s*)+", ", ", expected).strip(" ,")
    expected = re.sub(r"one of\s*,\s*", "one of ", expected)
    found = _token_at(text, line, column)
    where = f" at {found}" if found else ""
    if expected.startswith("expected"):
        return f"the parser stopped{where}: it {expected}" if expected != "expected one of" else \
            f"the parser stopped{where}"
    return message


def explain(text: str, outcome):
    """The outcome with its syntax error message in plain words (other outcomes unchanged)."""
    if outcome.status != 400 or not outcome.error or not outcome.error.startswith("Query syntax error: "):
        return outcome
    from dataclasses import replace
    raw = outcome.error[len("Query syntax error: "):]
    message = syntax_message(text, raw, outcome.line, outcome.column)
    line, column = outcome.line, outcome.column
    if PREFIX_NOT_FOUND in raw:
        missing = undeclared_prefixes(text)
        where = first_use(text, missing[0]) if missing else None
        if where:
            line, column = where  # the marker goes on the prefixed name, not after it
    return replace(outcome, error="Query syntax error: " + message, line=line, column=column)
