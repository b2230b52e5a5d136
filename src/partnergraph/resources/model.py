"""The parts of a resource's description (describe.py builds them; the templates read them)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Value:
    kind: str                       # "uri", "literal" or "bnode"
    value: str
    text: str                       # what a person reads: a label, a formatted literal
    lang: str | None = None
    datatype: str | None = None
    colour: str | None = None       # an SDG's colour
    sdg: str | None = None          # an SDG code, 4 or 4.1
    figure: str | None = None       # a pg:count node's number: "500", "at least 100", "10-20"
    details: list[tuple[str, str]] = field(default_factory=list)  # a blank node's statements
    kind_label: str | None = None   # a place's or an event's type ("municipality", "visit")
    when: str | None = None         # an event's date, formatted
    scheme: str | None = None       # an external identifier's register ("Wikidata") ...
    code: str | None = None         # ... and its code there ("Q500217")
    refs: list[int] = field(default_factory=list)   # numbers of the references of its statement
    derived: bool = False           # only the rules state it (graph/inferred)

    @property
    def is_iri(self) -> bool:
        return self.kind == "uri"


@dataclass
class Property:
    iri: str
    label: str
    values: list[Value]
    also: Property | None = None  # a derived property's further values, shown beside this one


@dataclass
class Reference:
    """A numbered reference of a page: a source document, or the source of an identifier."""
    number: int
    iri: str
    title: str
    lang: str | None = None
    detail: str | None = None       # publisher and date, as the document gives them
    local: bool = True


@dataclass
class Group:
    key: str
    properties: list[Property]


@dataclass
class TimelineEntry:
    project: Value
    start: int | None
    end: int | None


@dataclass
class Description:
    iri: str
    lang: str
    label: str
    labels: dict[str, str]
    types: list[Value]
    summary: str | None
    groups: list[Group]
    incoming: list[Property]
    sources: list[Value]
    timeline: list[TimelineEntry]
    sdgs: list[Value]
    incoming_groups: list[Group] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    summary_lang: str | None = None

    @property
    def exists(self) -> bool:
        return bool(self.types or self.groups or self.incoming)

    def reference(self, number: int) -> Reference | None:
        return next((r for r in self.references if r.number == number), None)

    def property(self, iri: str) -> Property | None:
        for group in self.groups:
            for prop in group.properties:
                if prop.iri == iri:
                    return prop
        return None
