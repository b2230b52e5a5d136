"""Syntax errors in plain words. The parsers report what their grammar tried last ("expected one
of Prefix not found, ['%'], ['-' | '0' ..= '9' | '\\u{00B7}' ...") at a position that is often
past the mistake. Here the query text itself is read for the common mistakes (an undeclared
prefix, a misspelt query form, an unclosed string or group) and the rest is trimmed to what a
reader can act on. Every message starts with "Query syntax error" (graph.run relies on it)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..rdf import namespaces
from .tokens import located_tokens

_POSITION = re.compile(r"at (\d+):(\d+)")
_EXPECTED = re.compile(r"expected (?:one of )?(.*)$", re.DOTALL)
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
_FORMS = ("select", "ask", "construct", "describe")
_PREFIXES_HERE = {p.lower() for p in ("base", "prefix")}


@dataclass(frozen=True)
class Explained:
    message: str
    line: int | None
    column: int | None


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def _offset(text: str, line: int, column: int) -> int:
    lines = text.split("\n")
    return sum(len(x) + 1 for x in lines[: max(0, line - 1)]) + max(0, column - 1)


def undeclared_prefix(text: str) -> tuple[str, int] | None:
    """The first prefix used in a prefixed name but never declared, with its offset."""
    toks = list(located_tokens(text))
    declared = {toks[i + 1][1][:-1] for i in range(len(toks) - 1)
                if toks[i][0] == "word" and toks[i][1].lower() == "prefix" and toks[i + 1][0] == "pname"}
    for i, (kind, value, offset) in enumerate(toks):
        if kind != "pname":
            continue
        if i and toks[i - 1][0] == "word" and toks[i - 1][1].lower() == "prefix":
            continue
        prefix = value.split(":", 1)[0]
        if prefix not in declared and not prefix.isdigit():
            return prefix, offset
    return None


def _prefix_message(prefix: str) -> str:
    namespace = namespaces.PREFIXES.get(prefix)
    if namespace:
        return (f"Query syntax error: the prefix {prefix}: is used but not declared; add the line "
                f"PREFIX {prefix}: <{namespace}> at the top of the query.")
    return (f"Query syntax error: the prefix {prefix}: is used but not declared; declare it at the top of the "
            f"query with PREFIX {prefix}: <its namespace IRI>, or write the full IRI in <...>.")


def _first_keyword(text: str) -> tuple[str, str, int] | None:
    """The first token after the prologue (BASE and PREFIX declarations)."""
    toks = list(located_tokens(text))
    i = 0
    while i < len(toks):
        kind, value, offset = toks[i]
        if kind == "word" and value.lower() == "base":
            i += 2
        elif kind == "word" and value.lower() == "prefix":
            i += 3
        else:
            return kind, value, offset
    return None


def _unclosed(text: str) -> tuple[str, int] | None:
    """An unclosed string, group or bracket and where it opens, read from the tokens (strings,
    IRIs and comments cannot hide a brace)."""
    closers = {"}": "{", ")": "(", "]": "["}
    names = {"{": "a group '{' is not closed with '}'", "(": "a '(' is not closed with ')'",
             "[": "a '[' is not closed with ']'"}
    stack: list[tuple[str, int]] = []
    for kind, value, offset in located_tokens(text):
        if kind != "other":
            continue
        if value in ('"', "'"):
            return "a string is not closed: its quote mark has no partner on the line", offset
        if value in names:
            stack.append((value, offset))
        elif value in closers and stack and stack[-1][0] == closers[value]:
            stack.pop()
    if stack:
        opener, offset = stack[-1]
        return names[opener], offset
    return None


def _expected(raw: str) -> list[str]:
    """The tokens a grammar expected, without its character classes."""
    match = _EXPECTED.search(raw)
    if not match:
        return []
    listed = match.group(1)
    wanted = [m.group(1).replace('\\"', '"').replace("\\\\", "\\") for m in _QUOTED.finditer(listed)]
    wanted += [w for w in re.findall(r"(?<![\w'\"\[])([A-Z][A-Z_]+)(?![\w'\"\]])", listed)]
    return [w for w in dict.fromkeys(wanted) if w and not w.startswith("\\")]


def explain(text: str, raw: str, line: int | None = None, column: int | None = None) -> Explained:
    """A parser's message about text, in plain words, with the line and column to look at."""
    position = _POSITION.search(raw or "")
    if line is None and position:
        line, column = int(position.group(1)), int(position.group(2))
    found = undeclared_prefix(text)
    if found:
        prefix, offset = found
        return Explained(_prefix_message(prefix), *line_column(text, offset))
    first = _first_keyword(text)
    if first is None:
        return Explained("Query syntax error: the query is empty (only PREFIX and BASE lines, or comments).", line, column)
    kind, value, offset = first
    if kind != "word" or value.lower() not in _FORMS:
        return Explained(f"Query syntax error: a query starts with SELECT, ASK, CONSTRUCT or DESCRIBE (after its "
                         f"PREFIX and BASE lines), not {value[:40]!r}.", *line_column(text, offset))
    unclosed = _unclosed(text)
    if unclosed:
        return Explained(f"Query syntax error: {unclosed[0]}.", *line_column(text, unclosed[1]))
    near = ""
    if line is not None and column is not None:
        rest = text[_offset(text, line, column):].strip().split("\n")[0][:30]
        near = f" near {rest!r}" if rest else " at the end of the query"
    wanted = [w for w in _expected(raw)]
    if 0 < len(wanted) <= 12 and any(not w.isalpha() for w in wanted):
        hint = "; expected " + " or ".join(", ".join(f"'{w}'" for w in wanted).rsplit(", ", 1))
    else:
        hint = ""
    return Explained(f"Query syntax error{near}: this is not valid SPARQL here{hint}.", line, column)
