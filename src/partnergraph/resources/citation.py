"""How to cite one resource of the graph: plain text, BibTeX and CSL-JSON, in English and Swedish,
and the same as dcterms:bibliographicCitation in the resource's data. No Flask here.

    citation(iri, titles, retrieved)  -> Citation (title per language, dataset, version, IRI, date)
    citation.text(lang), .bibtex(lang), .csl_json(lang)

The dataset's version is the package's: the data is released with it.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date

from ..version import __version__

MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    "sv": ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
           "november", "december"),
}

DATASET_TITLE = {"en": "partnergraph: Swedish municipalities' international partnerships",
                 "sv": "partnergraph: svenska kommuners internationella partnerskap"}
PUBLISHER = "The partnergraph project"
_WORDS = {"en": ("In", "version", "retrieved"), "sv": ("I", "version", "hämtad")}
_BIBTEX_LANGUAGE = {"en": "english", "sv": "swedish"}
_BIBTEX_SPECIAL = re.compile(r"([\\{}&%$#_^~])")


@dataclass(frozen=True)
class Citation:
    iri: str
    titles: dict[str, str]      # the resource's title per language ("" for untagged)
    retrieved: date
    version: str = __version__

    def title(self, lang: str) -> str:
        for want in (lang, "en", "sv", ""):
            if self.titles.get(want):
                return self.titles[want]
        return next(iter(self.titles.values()), self.iri)

    def text(self, lang: str = "en") -> str:
        """Title. In: dataset, version N. Publisher. IRI (retrieved 1 December 2026)."""
        lang = _lang(lang)
        within, version, retrieved = _WORDS[lang]
        day = self.retrieved
        when = f"{day.day} {MONTHS[lang][day.month - 1]} {day.year}"
        return (f"{self.title(lang)}. {within}: {DATASET_TITLE[lang]}, {version} {self.version}. {PUBLISHER}. "
                f"{self.iri} ({retrieved} {when}).")

    def key(self) -> str:
        """A BibTeX key from the IRI's last two segments: partnergraph-municipality-vaxjo."""
        tail = [part for part in re.split(r"[/#]", self.iri) if part][-2:]
        return "partnergraph-" + "-".join(re.sub(r"[^A-Za-z0-9]+", "-", part).strip("-").lower() for part in tail)

    def bibtex(self, lang: str = "en") -> str:
        """A biblatex @dataset entry (title, organisation, version, url, urldate, language)."""
        lang = _lang(lang)
        fields = [
            ("title", _braced(self.title(lang))),
            ("booktitle", _braced(DATASET_TITLE[lang])),
            ("organization", _braced(PUBLISHER)),
            ("publisher", _braced(PUBLISHER)),
            ("version", _braced(self.version)),
            ("url", "{" + self.iri.replace("}", "%7D").replace("{", "%7B") + "}"),
            ("urldate", "{" + self.retrieved.isoformat() + "}"),
            ("language", "{" + _BIBTEX_LANGUAGE[lang] + "}"),
        ]
        body = ",\n".join(f"  {name} = {value}" for name, value in fields)
        return f"@dataset{{{self.key()},\n{body}\n}}\n"

    def csl(self, lang: str = "en") -> dict:
        """A CSL-JSON item of type dataset."""
        lang = _lang(lang)
        day = self.retrieved
        return {
            "id": self.key(),
            "type": "dataset",
            "title": self.title(lang),
            "container-title": DATASET_TITLE[lang],
            "publisher": PUBLISHER,
            "version": self.version,
            "URL": self.iri,
            "accessed": {"date-parts": [[day.year, day.month, day.day]]},
            "language": "sv-SE" if lang == "sv" else "en-GB",
        }

    def csl_json(self, lang: str = "en") -> str:
        """CSL-JSON: a list with one item, as citation processors read it."""
        return json.dumps([self.csl(lang)], ensure_ascii=False, indent=2)


def _lang(lang: str) -> str:
    return lang if lang in _WORDS else "en"


_ESCAPES = {"\\": r"\textbackslash{}", "^": r"\^{}", "~": r"\~{}"}


def _braced(text: str) -> str:
    """A BibTeX value in braces, LaTeX's special characters escaped (so braces always balance)."""
    return "{" + _BIBTEX_SPECIAL.sub(lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), text) + "}"


def citation(iri: str, titles: dict[str, str], retrieved: date | None = None) -> Citation:
    return Citation(iri, dict(titles), retrieved or date.today())
