"""Checks on a query before it is evaluated: no update, no SERVICE outside the allow-list.

pyoxigraph evaluates SERVICE with its own HTTP client, out of reach of Python's audit hooks, so
the only safe place to stop an outbound request is before evaluation, on the parsed query.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import iris

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_SERVICE = re.compile(r"service", re.IGNORECASE)
_KEYWORD_SERVICE = re.compile(r"(?<![?$:\w-])service(?![\w:-])", re.IGNORECASE)
_UPDATE = re.compile(r"\b(insert|delete|load|clear|create|drop|copy|move|add|with)\b", re.IGNORECASE)


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
    """SPARQL's codepoint escapes apply to the whole query string before parsing."""
    def repl(match: re.Match) -> str:
        code = int(match.group(1) or match.group(2), 16)
        try:
            return chr(code)
        except ValueError:
            return match.group(0)
    return _ESCAPE.sub(repl, text)


def _service_iris(text: str) -> list[str]:
    """Every SERVICE endpoint in the parsed algebra. A SERVICE whose endpoint is a variable is
    reported as '?var' so that no allow-list can admit it."""
    from rdflib.plugins.sparql import parser as sparql_parser
    from rdflib.plugins.sparql.algebra import translateQuery
    from pyparsing import ParseException

    try:
        algebra = translateQuery(sparql_parser.parseQuery(text)).algebra
    except ParseException as err:
        raise QueryRefused(400, f"The query mentions SERVICE but could not be parsed to check it: {err.msg}",
                           line=err.lineno, column=err.col) from err
    except Exception as err:  # rdflib raises assorted errors while translating odd queries
        raise QueryRefused(400, f"The query mentions SERVICE but could not be checked: {err}") from err
    found: list[str] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            if getattr(node, "name", None) == "ServiceGraphPattern":
                term = node.get("term")
                found.append(str(term) if term is not None and not str(term).startswith("?") and type(term).__name__ == "URIRef" else f"?{term}")
            for value in node.values():
                walk(value)
        elif isinstance(node, (list, tuple)):
            for value in node:
                walk(value)
    walk(algebra)
    # ServiceGraphPattern nodes keep their own raw text; a nested SERVICE lives there too.
    return found


def looks_like_update(text: str) -> bool:
    """True when the text parses as SPARQL Update (used only after it failed to parse as a query)."""
    from rdflib.plugins.sparql import parser as sparql_parser
    try:
        sparql_parser.parseUpdate(text)
    except Exception:  # any parse failure means: not an update either
        return False
    return bool(_UPDATE.search(text))


def require_query(text: str) -> None:
    """Before forwarding to an external engine (which may well execute updates sent as queries):
    the text must parse as a SPARQL query. An update is refused with 403, anything else that
    does not parse with 400 and the parser's position."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql import parser as sparql_parser
    try:
        sparql_parser.parseQuery(text)
    except ParseException as err:
        if looks_like_update(text):
            raise QueryRefused(403, "SPARQL Update is not accepted: this endpoint is read-only.") from err
        raise QueryRefused(400, f"Query syntax error: {err.msg}", line=err.lineno, column=err.col) from err
    except Exception as err:  # rdflib's parser raises assorted errors on odd input
        raise QueryRefused(400, f"The query could not be parsed: {err}") from err


def check(text: str, allowlist: tuple[str, ...] | list[str] = ()) -> Checked:
    """Refuse SERVICE to endpoints outside the allow-list. The fast path: a query whose
    unescaped text never contains the letters 'service' cannot contain a SERVICE clause."""
    text = iris.normalise_sdg_text(text)
    plain = unescape(text)
    if not _SERVICE.search(plain):
        return Checked(text)
    services = _service_iris(plain)
    for endpoint in services:
        if endpoint.startswith("?"):
            raise QueryRefused(400, "SERVICE with a variable endpoint is not allowed on this endpoint.")
        if not any(endpoint.startswith(prefix) for prefix in allowlist):
            if allowlist:
                raise QueryRefused(400, f"SERVICE <{endpoint}> is not allowed: federated queries may only call "
                                        f"{', '.join(allowlist)}.")
            raise QueryRefused(400, f"SERVICE <{endpoint}> is not allowed: this endpoint makes no outbound requests.")
    if not services and _KEYWORD_SERVICE.search(_strip_strings_and_comments(plain)):
        # The word is there as a keyword but rdflib found no SERVICE pattern: do not guess.
        raise QueryRefused(400, "The query's SERVICE clause could not be verified; it is refused.")
    return Checked(text, services)


def _strip_strings_and_comments(text: str) -> str:
    text = re.sub(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'', '""', text)
    text = re.sub(r"<[^<>\s]*>", "<>", text)
    return re.sub(r"#[^\n]*", "", text)
