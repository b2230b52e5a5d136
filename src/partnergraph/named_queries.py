"""Named queries: queries/*.rq, each with a comment header, loaded into one small dataclass.

Header lines at the top of the file:

    # title: Partnerships of a municipality
    # description: Every partnership the municipality is a partner in, with its partners.
    # param: municipality iri https://w3id.org/partnergraph/id/municipality/vaxjo -- the municipality
    # param: year year 2020 -- the year

Parameter types: iri, sdg (a goal or target: 4, 4.1 or a UN IRI in http:// or https:// form),
string, lang, integer, year. A parameter is bound to the query variable of the same name by
substitution, never pasted into the query text.

The same header in Swedish (the Swedish site shows it; English is the fallback):

    # title@sv: Partnerskap för en kommun
    # description@sv: Varje partnerskap som kommunen ingår i ...
    # param@sv: municipality -- kommunen
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from .rdf import iris, namespaces
from .rdf.namespaces import XSD
from .sparql.remote import substitute

_HEADER = re.compile(r"^#\s*(title|description|param)(?:@([a-z]{2}))?\s*:\s*(.*)$")
_PARAM_HELP = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s+--\s+(.*)$")
_PARAM = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s+(iri|sdg|string|lang|integer|year)(?:\s+(.*?))?(?:\s+--\s+(.*))?$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_LANG = re.compile(r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$")


class ParameterError(ValueError):
    pass


class UnknownQuery(LookupError):
    """A name that is no named query; the message gives the closest names."""

    @classmethod
    def of(cls, name: str, queries) -> UnknownQuery:
        close = difflib.get_close_matches(name, list(queries), n=3, cutoff=0.6)
        if close:
            hint = f"; did you mean {' or '.join(repr(c) for c in close)}?"
        else:
            hint = f"; known: {', '.join(sorted(queries)) or 'none'}"
        return cls(f"no named query {name!r}{hint}")


def looks_like_name(text: str) -> bool:
    """A query name rather than SPARQL text: lower case and hyphens, no spaces."""
    return bool(_NAME.match(text))


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    default: str | None
    help: str = ""
    helps: dict[str, str] = field(default_factory=dict, compare=False, hash=False)  # by language

    def help_in(self, lang: str) -> str:
        return self.helps.get(lang) or self.help

    def bind(self, raw: str | int | None) -> tuple:
        """Check a value and turn it into a binding term; never text spliced into the query."""
        value = self.default if raw is None or raw == "" else str(raw).strip()
        if value is None:
            raise ParameterError(f"parameter {self.name!r} is required")
        if self.type == "iri":
            if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|^`\\]*$", value):
                raise ParameterError(f"parameter {self.name!r} must be an absolute IRI, not {value!r}")
            return ("iri", iris.normalise_sdg_iri(value))
        if self.type == "sdg":
            code = value if iris.is_sdg_code(value) else iris.sdg_code(value)
            if code is None:
                raise ParameterError(f"parameter {self.name!r} must be an SDG goal or target such as 4, 4.1 "
                                     f"or http://metadata.un.org/sdg/4, not {value!r}")
            return ("iri", namespaces.SDG + code)
        if self.type == "integer":
            if not re.match(r"^[+-]?\d{1,18}$", value):
                raise ParameterError(f"parameter {self.name!r} must be an integer, not {value!r}")
            return ("literal", str(int(value)), XSD + "integer", None)
        if self.type == "year":
            if not re.match(r"^\d{4}$", value):
                raise ParameterError(f"parameter {self.name!r} must be a four-digit year, not {value!r}")
            return ("literal", value, XSD + "integer", None)
        if self.type == "lang":
            if not _LANG.match(value):
                raise ParameterError(f"parameter {self.name!r} must be a language tag such as en or sv, not {value!r}")
            return ("literal", value.lower(), None, None)
        return ("literal", value, None, None)


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    text: str
    path: Path
    parameters: tuple[Parameter, ...] = field(default_factory=tuple)
    titles: dict[str, str] = field(default_factory=dict, compare=False, hash=False)        # by language
    descriptions: dict[str, str] = field(default_factory=dict, compare=False, hash=False)  # by language
    url: str | None = None   # /queries/NAME of the partnergraph server that lists it (open(URL))

    def title_in(self, lang: str) -> str:
        return self.titles.get(lang) or self.title

    def description_in(self, lang: str) -> str:
        return self.descriptions.get(lang) or self.description

    def bound_text(self, values: dict[str, str] | None = None) -> str:
        """The query text with its parameters (the defaults, or values) written in as terms, the
        way a parameter binding evaluates: the text runs as it stands, in any SPARQL editor or
        endpoint, and returns what the named query returns."""
        bindings = self.bindings(values)
        if not bindings:
            return self.text
        return substitute(self.text, bindings)

    def to_json(self, url: str | None = None) -> dict:
        """The query as the server lists it at /queries (for partnergraph.open(URL) and other clients)."""
        data = {"name": self.name, "title": self.title, "description": self.description,
                "parameters": [{"name": p.name, "type": p.type, "default": p.default, "help": p.help}
                               for p in self.parameters],
                "text": self.text}
        if url:
            data["url"] = url
        return data

    def bindings(self, values: dict[str, str] | None = None) -> dict[str, tuple]:
        values = dict(values or {})
        unknown = set(values) - {p.name for p in self.parameters}
        if unknown:
            raise ParameterError(f"query {self.name!r} has no parameter {', '.join(sorted(unknown))}; "
                                 f"it takes: {', '.join(p.name for p in self.parameters) or 'none'}")
        return {p.name: p.bind(values.get(p.name)) for p in self.parameters}


def parse_query_file(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    title = description = ""
    params: list[Parameter] = []
    titles: dict[str, str] = {}
    descriptions: dict[str, str] = {}
    helps: dict[str, dict[str, str]] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        match = _HEADER.match(line)
        if not match:
            continue
        key, lang, value = match.group(1), match.group(2), match.group(3).strip()
        if lang:
            if key == "title":
                titles[lang] = value
            elif key == "description":
                descriptions[lang] = (descriptions.get(lang, "") + " " + value).strip()
            else:
                hm = _PARAM_HELP.match(value)
                if not hm:
                    raise ValueError(f"{path}: malformed parameter help line: {line!r} "
                                     f"(expected: # param@{lang}: NAME -- help)")
                helps.setdefault(hm.group(1), {})[lang] = hm.group(2).strip()
        elif key == "title":
            title = value
        elif key == "description":
            description = (description + " " + value).strip()
        else:
            pm = _PARAM.match(value)
            if not pm:
                raise ValueError(f"{path}: malformed parameter line: {line!r} "
                                 "(expected: # param: NAME TYPE [DEFAULT] [-- help])")
            default = pm.group(3)
            params.append(Parameter(pm.group(1), pm.group(2), default if default not in (None, "") else None,
                                    (pm.group(4) or "").strip()))
    name = path.stem
    if not _NAME.match(name):
        raise ValueError(f"{path}: query names are lower case with hyphens")
    if not title:
        raise ValueError(f"{path}: the header needs a '# title:' line")
    known = {p.name for p in params}
    stray = sorted(set(helps) - known)
    if stray:
        raise ValueError(f"{path}: help for unknown parameter {', '.join(stray)}; parameters: "
                         f"{', '.join(sorted(known)) or 'none'}")
    params = [Parameter(p.name, p.type, p.default, p.help, {"en": p.help, **helps.get(p.name, {})}) for p in params]
    return NamedQuery(name, title, description, text, path, tuple(params),
                      {"en": title, **titles}, {"en": description, **descriptions})


def load_queries(directory: str | Path = "queries") -> dict[str, NamedQuery]:
    directory = Path(directory)
    if not directory.is_dir():
        return {}
    return {q.name: q for q in (parse_query_file(p) for p in sorted(directory.glob("*.rq")))}


def get(queries: dict[str, NamedQuery], name: str) -> NamedQuery:
    try:
        return queries[name]
    except KeyError:
        raise UnknownQuery.of(name, queries) from None


def from_listing(listing: list[dict]) -> dict[str, NamedQuery]:
    """The named queries of a partnergraph server's /queries listing, each with the URL it runs at."""
    found = {}
    for item in listing:
        try:
            params = tuple(Parameter(p["name"], p["type"], p.get("default"), p.get("help", ""))
                           for p in item.get("parameters", []))
            found[item["name"]] = NamedQuery(item["name"], item["title"], item.get("description", ""), item["text"],
                                             Path(item["name"] + ".rq"), params, url=item["url"])
        except (KeyError, TypeError, AttributeError):
            continue  # an entry this version cannot read: the others still run
    return found
