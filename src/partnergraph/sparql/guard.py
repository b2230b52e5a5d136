"""Checks on a query before it is evaluated: no update, no SERVICE outside the allow-list.

pyoxigraph evaluates SERVICE with its own HTTP client, out of reach of Python's audit hooks, so
the only safe place to stop an outbound request is before evaluation, on the query text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..rdf import iris, sparql_parser
from .errors import explain, line_column
from .tokens import located_tokens, tokens

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_SERVICE = re.compile(r"service", re.IGNORECASE)
_UPDATE_KEYWORDS = {"insert", "delete", "load", "clear", "create", "drop", "copy", "move", "add", "with"}

_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")

# Groups, brackets and parentheses nested deeper than this are refused before any parser sees
# them: the engine's parser recurses once per level, and a few thousand levels overflow its
# stack, which kills the process (a whole server where queries are evaluated in process). Real
# queries nest a few dozen levels at most.
MAX_NESTING = 128
_OPEN, _CLOSE = "{([", "})]"


class QueryRefused(Exception):
    """A query the endpoint will not run; carries the HTTP status and a message for the client."""

    def __init__(self, status: int, message: str, *, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.line = line
        self.column = column


@dataclass
class Checked:
    text: str
    services: list[str] = field(default_factory=list)


def unescape(text: str) -> str:
    """SPARQL's codepoint escapes apply to the whole query string before parsing. An escape of a
    surrogate or of no code point at all is left as it is (it is an error for the parser)."""
    def repl(match: re.Match) -> str:
        code = int(match.group(1) or match.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return match.group(0)
        return chr(code)
    return _ESCAPE.sub(repl, text)


def _significant(toks: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [t for t in toks if t[0] not in ("ws", "comment")]


def _mentions_service(kind: str, value: str) -> bool:
    """Could this token be (or begin) the SERVICE keyword for some engine? Strings, IRIs,
    variables, blank nodes, language tags and the local part of a prefixed name cannot."""
    if kind in ("string", "iri", "var", "bnode", "langtag", "ws", "comment"):
        return False
    if kind == "pname":
        return bool(_SERVICE.search(value.split(":", 1)[0]))
    return bool(_SERVICE.search(value))


def _prefixes(toks: list[tuple[str, str]]) -> dict[str, str | None]:
    """PREFIX declarations; a prefix declared twice with different IRIs maps to None."""
    found: dict[str, str | None] = {}
    for i in range(len(toks) - 2):
        (k0, v0), (k1, v1), (k2, v2) = toks[i], toks[i + 1], toks[i + 2]
        if k0 == "word" and v0.lower() == "prefix" and k1 == "pname" and v1.endswith(":") and k2 == "iri":
            prefix, iri = v1[:-1], v2[1:-1]
            found[prefix] = iri if found.get(prefix, iri) == iri else None
    return found


def _service_endpoints(text: str) -> list[str]:
    """The endpoint of every SERVICE clause in the text: an absolute IRI, or '?' for an endpoint
    that cannot be known before evaluation (a variable, a relative IRI, an unknown prefix), or
    '' for a mention of SERVICE that is not a clause this check can read."""
    toks = _significant(tokens(text))
    prefixes = _prefixes(toks)
    found: list[str] = []
    for i, (kind, value) in enumerate(toks):
        if not _mentions_service(kind, value):
            continue
        if kind != "word" or value.lower() != "service":
            found.append("")
            continue
        j = i + 1
        if j < len(toks) and toks[j][0] == "word" and toks[j][1].lower() == "silent":
            j += 1
        target_kind, target = toks[j] if j < len(toks) else ("", "")
        if target_kind == "iri":
            iri = target[1:-1]
            found.append(iri if _ABSOLUTE.match(iri) else "?")
        elif target_kind == "pname":
            prefix, local = target.split(":", 1)
            namespace = prefixes.get(prefix)
            found.append(namespace + local if namespace and _ABSOLUTE.match(namespace) else "?")
        elif target_kind == "var":
            found.append("?")
        else:
            found.append("")
    return found


def looks_like_update(text: str) -> bool:
    """True when the text reads as SPARQL Update: its first keyword after the prologue (BASE and
    PREFIX declarations) is an update operation. Lexical, so it costs nothing on hostile input."""
    toks = _significant(tokens(unescape(text)))
    i = 0
    while i < len(toks):
        kind, value = toks[i]
        if kind == "word" and value.lower() == "base":
            i += 2
        elif kind == "word" and value.lower() == "prefix":
            i += 3
        else:
            return kind == "word" and value.lower() in _UPDATE_KEYWORDS
    return False


_PARSED: set[str] = set()  # texts that parsed as queries: rdflib's parser takes tens of ms


def require_query(text: str) -> None:
    """Before forwarding to an external engine (which may well execute updates sent as queries):
    the text must parse as a SPARQL query. An update is refused with 403, anything else that
    does not parse with 400 and the parser's position."""
    from pyparsing import ParseException
    if looks_like_update(text):
        raise QueryRefused(403, "SPARQL Update is not accepted: this endpoint is read-only.")
    if text in _PARSED:
        return
    try:
        sparql_parser.parse_query(text)
        if len(_PARSED) >= 1024:  # the pages' own queries recur; a bounded memory of them
            _PARSED.clear()
        _PARSED.add(text)
    except ParseException as err:
        plain = explain(text, err.msg, err.lineno, err.col)
        raise QueryRefused(400, plain.message, line=plain.line, column=plain.column) from err
    except RecursionError as err:
        raise QueryRefused(400, "The query is nested too deeply to be checked.") from err
    except Exception as err:  # rdflib's parser raises assorted errors on odd input
        raise QueryRefused(400, "The query could not be parsed.") from err


def nesting_offset(text: str, limit: int = MAX_NESTING) -> int | None:
    """Where the text first nests groups, brackets and parentheses (outside strings, IRIs and
    comments) more than limit levels deep: that bracket's character offset, or None."""
    if sum(text.count(c) for c in _OPEN) <= limit:
        return None                      # too few brackets to nest that deep: no need to tokenise
    depth = 0
    for kind, value, offset in located_tokens(text):
        if kind == "other":
            if value in _OPEN:
                depth += 1
                if depth > limit:
                    return offset
            elif value in _CLOSE:
                depth = max(0, depth - 1)
    return None


def check(text: str, allowlist: tuple[str, ...] | list[str] = ()) -> Checked:
    """Refuse queries nested deeper than MAX_NESTING, and SERVICE to endpoints outside the
    allow-list, before evaluation. The text is read both as sent and with its codepoint escapes
    applied (engines differ on when they apply them), by a tokeniser rather than a parser: linear
    time, no recursion, and every mention of SERVICE outside strings, IRIs, comments and names
    counts."""
    text = iris.normalise_sdg_text(text)
    readings = {text, unescape(text)}
    for reading in readings:
        offset = nesting_offset(reading)
        if offset is not None:
            line, column = line_column(reading, offset)
            raise QueryRefused(400, f"The query nests its groups, brackets and parentheses more than {MAX_NESTING} "
                                    f"levels deep (line {line}, column {column}); this endpoint accepts at most "
                                    f"{MAX_NESTING}.", line=line, column=column)
    if not any(_SERVICE.search(reading) for reading in readings):
        return Checked(text)
    services: list[str] = []
    for reading in readings:
        for endpoint in _service_endpoints(reading):
            if endpoint == "":
                raise QueryRefused(400, "The query's SERVICE clause could not be verified; it is refused.")
            if endpoint == "?":
                raise QueryRefused(400, "SERVICE with a variable, relative or undeclared endpoint is not allowed "
                                        "on this endpoint.")
            if not any(endpoint.startswith(prefix) for prefix in allowlist):
                shown = _printable(endpoint)
                if allowlist:
                    raise QueryRefused(400, f"SERVICE <{shown}> is not allowed: federated queries may only call "
                                            f"{', '.join(allowlist)}.")
                raise QueryRefused(400, f"SERVICE <{shown}> is not allowed: this endpoint makes no outbound requests.")
            if endpoint not in services:
                services.append(endpoint)
    return Checked(text, services)


def has_dataset_clause(text: str) -> bool:
    """Does the query name its own dataset (FROM or FROM NAMED)? Then the union of the stored
    graphs must not replace it as the default graph."""
    if "from" not in text.lower():
        return False
    return any(kind == "word" and value.lower() == "from" for kind, value in _significant(tokens(text)))


def _printable(text: str, limit: int = 200) -> str:
    """Text from a query, fit to quote in an error message: no control characters, bounded."""
    cleaned = "".join(c if c.isprintable() else "\ufffd" for c in text)
    return cleaned if len(cleaned) <= limit else cleaned[:limit] + "..."
