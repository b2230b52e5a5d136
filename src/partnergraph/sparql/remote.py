"""Any SPARQL 1.1 endpoint as the store: queries are forwarded with the SPARQL Protocol.

Parameters of named queries are substituted into the query text as terms built from checked
values (the same semantics as pyoxigraph's substitutions), never pasted as raw text.
"""
from __future__ import annotations

import re
import time

import pyoxigraph
import requests

from . import formats
from .executor import QueryJob, QueryOutcome, no_format_message


def _term_sparql(binding: tuple) -> str:
    if binding[0] == "iri":
        value = binding[1]
        if any(c in value for c in '<>"{}|^`\\ \n'):
            raise ValueError(f"not an IRI: {value!r}")
        return f"<{value}>"
    _, value, datatype, lang = binding
    escaped = (value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r"))
    if lang:
        return f'"{escaped}"@{lang}'
    if datatype:
        return f'"{escaped}"^^<{datatype}>'
    return f'"{escaped}"'


_MASK = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>\s]*>|#[^\n]*')


def _masked(text: str) -> str:
    """The query with strings, IRIs and comments blanked out (same length), so that keywords
    and braces can be found by position."""
    return _MASK.sub(lambda m: " " * len(m.group(0)), text)


_TOKEN = re.compile(r"[?$]([A-Za-z_][A-Za-z0-9_]*)|\b(SELECT|WHERE|GROUP|ORDER|HAVING|LIMIT|OFFSET|VALUES)\b|([{}()])",
                    re.IGNORECASE)


def query_form(text: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first of them outside strings, IRIs and comments."""
    match = re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", _masked(text), re.IGNORECASE)
    return match.group(1).upper() if match else None


def substitute(text: str, bindings: dict[str, tuple]) -> str:
    """Replace each bound variable by its term, as pyoxigraph's substitutions do: everywhere in
    the query, nested groups and filters included. In a SELECT projection a bare variable
    becomes (term AS ?var) so the column stays; in a subquery's projection it is left out (the
    subquery's ?var is the same term, and the outer query sees it through its own ?var, which a
    second `AS ?var` would make an error); where it is all the subquery projects, a column of
    another name keeps the subquery's rows (`(term AS ?var_param)`). Terms are built
    from checked values (_term_sparql); strings, IRIs and comments of the query are never touched."""
    if not bindings:
        return text
    terms = {name: _term_sparql(b) for name, b in bindings.items()}
    masked = _masked(text)
    edits: list[tuple[int, int, str]] = []
    in_projection, depth, braces, nested = False, 0, 0, False
    projected: list[tuple[int, int, str]] = []   # the current subquery projection's bare parameters
    others = 0                                   # and how many other columns it has
    in_modifier = False  # GROUP BY / ORDER BY take (expression), never a bare term

    def close_projection() -> None:
        nonlocal others
        if nested and projected and others == 0:
            start, end, var = projected[0]
            edits.append((start, end, f"({terms[var]} AS ?{var}_param)"))
            edits.extend((s, e, "") for s, e, _ in projected[1:])
        else:
            edits.extend((s, e, "") for s, e, _ in projected)
        projected.clear()
        others = 0

    for match in _TOKEN.finditer(masked):
        var, keyword, bracket = match.groups()
        if keyword:
            keyword = keyword.upper()
            if keyword == "SELECT":
                in_projection, depth, in_modifier, nested = True, 0, False, braces > 0
            elif keyword == "WHERE":
                if in_projection:
                    close_projection()
                in_projection = False
            elif keyword in ("GROUP", "ORDER"):
                in_modifier = True
            else:
                in_modifier = False
            continue
        if bracket:
            if bracket in "{}":
                in_modifier = False
                braces += 1 if bracket == "{" else -1
            if in_projection and bracket == "{":
                close_projection()
                in_projection = False
            elif in_projection and bracket == "(":
                if depth == 0:
                    others += 1
                depth += 1
            elif in_projection and bracket == ")":
                depth -= 1
            continue
        if in_projection and depth == 0 and var not in terms:
            others += 1
        if var in terms:
            before = masked[max(0, match.start() - 4):match.start()].upper()
            if before.rstrip().endswith("AS"):
                raise ValueError(f"the query assigns ?{var} (AS ?{var}), which a parameter cannot replace")
            term = terms[var]
            if in_projection and depth == 0 and nested:
                projected.append((match.start(), match.end(), var))
                continue
            if in_projection and depth == 0:
                replacement = f"({term} AS ?{var})"
            elif in_modifier:
                replacement = f"({term})"
            else:
                replacement = term
            edits.append((match.start(), match.end(), replacement))
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def _normalise_json(body: bytes) -> tuple[bytes, str]:
    """SPARQL JSON results as the W3C format has them. Virtuoso answers ASK as a one-row SELECT
    of ?__ASK_RETVAL and writes 'typed-literal'; both are put right here."""
    import json
    try:
        data = json.loads(body)
    except ValueError:
        return body, "results"
    if "boolean" in data:
        return body, "boolean"
    variables = data.get("head", {}).get("vars", [])
    if variables == ["__ASK_RETVAL"]:
        rows = data.get("results", {}).get("bindings", [])
        value = bool(rows) and rows[0].get("__ASK_RETVAL", {}).get("value") not in ("0", "false")
        return json.dumps({"head": {}, "boolean": value}).encode(), "boolean"
    changed = False
    for row in data.get("results", {}).get("bindings", []):
        for term in row.values():
            if term.get("type") == "typed-literal":
                term["type"] = "literal"
                changed = True
    if changed or "link" in data.get("head", {}):
        data["head"].pop("link", None)
        return json.dumps(data, ensure_ascii=False).encode("utf-8"), "results"
    return body, "results"


class RemoteRunner:
    """Runs jobs against a SPARQL endpoint URL; the answer's bytes are passed through."""

    def __init__(self, endpoint: str, timeout: float = 30.0, max_bytes: int = 50_000_000,
                 session: requests.Session | None = None):
        self.endpoint, self.timeout, self.max_bytes = endpoint, timeout, max_bytes
        self.session = session or requests.Session()

    def run(self, job: QueryJob, timeout: float | None = None) -> QueryOutcome:
        timeout = self.timeout if timeout is None else timeout
        started = time.perf_counter()
        results_fmt = formats.by_name(job.results_format or "json", "results")
        graph_fmt = formats.by_name(job.graph_format or "turtle", "graph")
        form = query_form(job.text)
        refused = job.graph_format is None if form in ("CONSTRUCT", "DESCRIBE") else job.results_format is None
        if refused:
            return QueryOutcome(406, "error", error=no_format_message("graph" if form in ("CONSTRUCT", "DESCRIBE")
                                                                     else "results"))
        data = {"query": substitute(job.text, job.bindings)}
        if job.default_graphs:
            data["default-graph-uri"] = job.default_graphs
        if job.named_graphs:
            data["named-graph-uri"] = job.named_graphs
        # Ask for one kind of answer: some engines (Virtuoso) answer a CONSTRUCT as a table when
        # the Accept header also admits table formats.
        accept = graph_fmt.media_type if form in ("CONSTRUCT", "DESCRIBE") else results_fmt.media_type
        if form == "ASK":
            # Ask for JSON and write the requested format here: some engines (Virtuoso) answer ASK
            # as a one-row table in every other format.
            accept = formats.BY_NAME["json"].media_type
        try:
            response = self.session.post(self.endpoint, data=data, headers={"Accept": accept},
                                         timeout=timeout, stream=True)
            body = b""
            for chunk in response.iter_content(65536):
                body += chunk
                if len(body) > self.max_bytes:
                    response.close()
                    return QueryOutcome(507, "error", error=f"Result too large: more than {self.max_bytes:,} bytes. "
                                                            "Add a LIMIT or narrow the query.")
        except requests.Timeout:
            return QueryOutcome(503, "error", error=f"The query did not finish within the time limit of {timeout:g} s "
                                                    "(the store did not answer in time).",
                                seconds=time.perf_counter() - started)
        except requests.RequestException as err:
            return QueryOutcome(502, "error", error=f"The store at {self.endpoint} could not be reached: {err}",
                                seconds=time.perf_counter() - started)
        seconds = time.perf_counter() - started
        if response.status_code >= 400:
            # The engine answered, so the query reached it and failed there (Virtuoso reports
            # evaluation errors such as a division by zero as 500): the client's query, a 400.
            status = 400 if response.status_code < 500 or body.strip() else 502
            return QueryOutcome(status, "error", error=f"The store refused the query ({response.status_code}): "
                                                       f"{body.decode('utf-8', 'replace')[:500]}", seconds=seconds)
        media = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if media == graph_fmt.media_type or media in graph_fmt.aliases:
            return QueryOutcome(200, "graph", graph_fmt.name, body, seconds=seconds)
        kind = "results"
        if form == "ASK" or results_fmt.name == "json":
            body, kind = _normalise_json(body)
        if kind == "boolean" and results_fmt.name != "json":
            answer = pyoxigraph.parse_query_results(body, format=pyoxigraph.QueryResultsFormat.JSON)
            body = answer.serialize(format=results_fmt.oxigraph)
        return QueryOutcome(200, kind, results_fmt.name, body, seconds=seconds)

    def busy(self) -> int:
        return 0   # the endpoint keeps its own count

    def retire(self, grace: float | None = None) -> None:
        self.close()

    def named_queries(self) -> list[dict]:
        return named_queries(self)

    def run_named(self, url: str, params: dict, timeout: float | None = None) -> QueryOutcome:
        return run_named(self, url, params, timeout)

    def close(self) -> None:
        self.session.close()


# -- the named queries of a partnergraph server ---------------------------------------------------

def _listing_url(endpoint: str) -> str | None:
    """http://host/sparql -> http://host/queries: where a partnergraph server lists its queries."""
    stem = endpoint.split("?", 1)[0].rstrip("/")
    return stem[: -len("/sparql")] + "/queries" if stem.endswith("/sparql") else None


def named_queries(runner: RemoteRunner) -> list[dict]:
    """The named queries a partnergraph server lists at /queries (JSON: name, title, text,
    parameters, url); [] when the endpoint is not a partnergraph server (any other SPARQL store)."""
    url = _listing_url(runner.endpoint)
    if url is None:
        return []
    try:
        response = runner.session.get(url, headers={"Accept": "application/json"}, timeout=min(runner.timeout, 30))
        listing = response.json()["queries"] if response.status_code == 200 else []
    except (requests.RequestException, ValueError, KeyError, TypeError):
        return []
    return listing if isinstance(listing, list) else []


def run_named(runner: RemoteRunner, url: str, params: dict, timeout: float | None = None) -> QueryOutcome:
    """Run a server's named query at its /queries/NAME with the raw parameter values: the server
    checks and binds them exactly as its own pages do."""
    timeout = runner.timeout if timeout is None else timeout
    started = time.perf_counter()
    accept = f"{formats.BY_NAME['json'].media_type}, {formats.BY_NAME['ntriples'].media_type};q=0.9"
    try:
        response = runner.session.get(url, params={k: str(v) for k, v in params.items()},
                                      headers={"Accept": accept}, timeout=timeout)
    except requests.Timeout:
        return QueryOutcome(503, "error", error=f"{url} did not answer within {timeout:g} s")
    except requests.RequestException as err:
        return QueryOutcome(502, "error", error=f"{url} could not be reached: {err}")
    seconds = time.perf_counter() - started
    if response.status_code != 200:
        try:
            error = response.json()["error"]
            return QueryOutcome(error.get("status", response.status_code), "error", error=error["message"],
                                line=error.get("line"), column=error.get("column"), seconds=seconds)
        except (ValueError, KeyError, TypeError):
            return QueryOutcome(502 if response.status_code >= 500 else response.status_code, "error",
                                error=f"{url} answered {response.status_code}", seconds=seconds)
    media = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if media == formats.BY_NAME["ntriples"].media_type:
        return QueryOutcome(200, "graph", "ntriples", response.content, seconds=seconds)
    body, kind = _normalise_json(response.content)
    return QueryOutcome(200, kind, "json", body, seconds=seconds)

