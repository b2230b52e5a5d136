"""Every setting as data: name, default, type, help. Read once, in the app factory or the CLI.

Environment variables use the prefix PARTNERGRAPH_ (PARTNERGRAPH_QUERY_TIMEOUT=10).
"""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    type: Callable[[str], Any]
    help: str


def _bool(text: str) -> bool:
    return str(text).strip().lower() in {"1", "true", "yes", "on"}


def _list(text: str) -> list[str]:
    if isinstance(text, (list, tuple)):
        return list(text)
    return [item.strip() for item in str(text).replace("\n", ",").split(",") if item.strip()]


def _org_number(text: str) -> str:
    """A Swedish organisation number: ten digits (written NNNNNN-NNNN or without the hyphen), the
    last one the Luhn check digit. Returned without the hyphen, as Sveriges dataportal writes it."""
    raw = str(text).strip()
    digits = raw.replace("-", "", 1) if len(raw) == 11 and raw[6] == "-" else raw
    if not raw:
        return ""
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        raise ValueError(f"setting PUBLISHER_ORG_NUMBER must be ten digits (NNNNNN-NNNN), not {raw!r}")
    total = sum(d if i % 2 else (d * 2 if d < 5 else d * 2 - 9) for i, d in enumerate(map(int, digits)))
    if total % 10:
        raise ValueError(f"setting PUBLISHER_ORG_NUMBER {raw!r} fails its check digit (Luhn): a typo?")
    return digits


def _email(text: str) -> str:
    raw = str(text).strip()
    local, at, domain = raw.rpartition("@")
    if raw and (not at or not local or "." not in domain or any(c.isspace() or c in "<>\"" for c in raw)):
        raise ValueError(f"setting CONTACT_EMAIL must be an e-mail address (name@host.example), not {raw!r}")
    return raw


SETTINGS: tuple[Setting, ...] = (
    Setting("BASE_IRI", "https://w3id.org/partnergraph/", str,
            "Base IRI of the dataset; resources are {BASE_IRI}id/{kind}/{slug}."),
    Setting("DATA_DIRS", ["data"], _list,
            "Directories (or files) of Turtle data loaded when no store is given."),
    Setting("ONTOLOGY_DIR", "ontology", str,
            "Directory holding partnergraph.ttl, shapes.ttl and rules/."),
    Setting("QUERIES_DIR", "queries", str, "Directory of named queries (*.rq)."),
    Setting("STORE", "", str,
            "A persistent store directory built by 'partnergraph load', or the URL of an "
            "external SPARQL endpoint. Empty: load DATA_DIRS into a temporary store."),
    Setting("VOCAB", [], _list,
            "External vocabularies (files or URLs) imported into their own named graphs, "
            "such as the UN's SDG KOS."),
    Setting("VALIDATE", True, _bool, "Validate data with the SHACL shapes before serving it."),
    Setting("QUERY_TIMEOUT", 30.0, float,
            "Seconds a query may run before its worker is stopped and the client gets 503."),
    Setting("WORKERS", min(16, max(4, 2 * (os.cpu_count() or 1))), int,
            "Query worker processes, each killed and replaced at its deadline; also how many queries "
            "run at once, so cheap queries find a free worker while expensive ones run. Default: twice "
            "the cores, at least 4 and at most 16. 0 evaluates in the web process with no time limit "
            "(embedding, tests); never on a public endpoint."),
    Setting("DRAIN_SECONDS", 0.0, float,
            "On SIGTERM, how long requests in flight may take to finish before the process exits. "
            "0: the query time limit plus 10 seconds."),
    Setting("THREADS", 8, int, "Threads of the WSGI server."),
    Setting("MAX_REQUEST_BYTES", 1_000_000, int,
            "Largest request body accepted; larger requests get 413."),
    Setting("MAX_QUERY_LENGTH", 100_000, int,
            "Longest query text accepted, in characters; longer queries get 413."),
    Setting("MAX_RESULT_BYTES", 50_000_000, int,
            "Largest serialised result; a larger one is refused with 507 before any byte is sent."),
    Setting("MAX_RESULT_ROWS", 1_000, int,
            "Most rows (or triples) shown in an HTML results table; downloads are bounded by MAX_RESULT_BYTES."),
    Setting("SERVICE_ALLOWLIST", [], _list,
            "IRI prefixes of SPARQL endpoints a SERVICE clause may call. Empty: SERVICE is refused."),
    Setting("CORS_ORIGINS", "*", str, "Value of Access-Control-Allow-Origin (never with credentials)."),
    Setting("ACCESS_LOG", True, _bool, "Write one access-log line per request to stderr."),
    Setting("DEFAULT_LANG", "en", str, "Page language when the reader's Accept-Language says nothing (en or sv)."),
    Setting("PUBLISHER_NAME", "", str,
            "Name of the organisation that publishes the data, as data portals show it (the publisher in "
            "/catalog). Empty: the catalogue names the publisher as whoever runs the server's host."),
    Setting("PUBLISHER_ORG_NUMBER", "", _org_number,
            "The publisher's Swedish organisation number (NNNNNN-NNNN): the publisher in /catalog becomes "
            "http://dataportal.se/organisation/SE<number>, as Sveriges dataportal identifies it. Empty: an "
            "IRI under the server."),
    Setting("CONTACT_EMAIL", "", _email,
            "E-mail address of the catalogue's contact point (/catalog). Empty: no contact point."),
    Setting("FRAGMENT_PAGE_SIZE", 100, int, "Triples per page of a triple pattern fragment (/fragments)."),
    Setting("LINKS_DIR", "", str,
            "Directory of the query short links (/q/{id}); they survive restarts. Empty: links/ in the store "
            "directory when there is one, else $XDG_DATA_HOME/partnergraph/links (~/.local/share/...)."),
    Setting("LINKS_MAX", 10_000, int,
            "Most short links kept; when the store is full a new one is refused (507) and old links stay."),
    Setting("CACHE_MAX_AGE", 300, int,
            "Seconds a browser, proxy or CDN may reuse a read-only public answer without asking again "
            "(Cache-Control: public, max-age). Every such answer carries an ETag, so a client asks again "
            "cheaply (If-None-Match, 304); a reload changes every ETag. 0: caches must ask every time."),
    Setting("RESULT_CACHE_BYTES", 64_000_000, int,
            "Bytes of query answers the server keeps in memory, least recently used out first, so a "
            "repeated query is answered without the engine; an answer larger than an eighth of this is "
            "not kept, and a reload empties it. 0: no result cache. Not used with an external store."),
)

BY_NAME = {s.name: s for s in SETTINGS}
ENV_PREFIX = "PARTNERGRAPH_"


def defaults() -> dict[str, Any]:
    return {s.name: (list(s.default) if isinstance(s.default, list) else s.default) for s in SETTINGS}


def from_env(environ: dict[str, str] | None = None) -> dict[str, Any]:
    environ = os.environ if environ is None else environ
    found = {}
    for setting in SETTINGS:
        key = ENV_PREFIX + setting.name
        if key in environ:
            found[setting.name] = setting.type(environ[key])
    return found


def resolve(overrides: dict[str, Any] | None = None, environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Defaults, then the environment, then explicit overrides; every value checked."""
    config = defaults()
    config.update(from_env(environ))
    for name, value in (overrides or {}).items():
        if name not in BY_NAME:
            continue  # Flask's own keys (TESTING, ...) pass through untouched
        setting = BY_NAME[name]
        config[name] = value if not isinstance(value, str) or setting.type is str else setting.type(value)
    if config["WORKERS"] < 0:
        raise ValueError(f"setting WORKERS must be 0 or more, not {config['WORKERS']!r}")
    for name in ("QUERY_TIMEOUT", "MAX_REQUEST_BYTES", "MAX_QUERY_LENGTH", "MAX_RESULT_BYTES", "MAX_RESULT_ROWS",
                 "FRAGMENT_PAGE_SIZE", "LINKS_MAX"):
        if config[name] <= 0:
            raise ValueError(f"setting {name} must be positive, not {config[name]!r}")
    for name in ("CACHE_MAX_AGE", "RESULT_CACHE_BYTES"):
        if config[name] < 0:
            raise ValueError(f"setting {name} must be 0 or more, not {config[name]!r}")
    if not config["BASE_IRI"].endswith("/"):
        raise ValueError("setting BASE_IRI must end with '/'")
    return config
