"""The facet index behind browse.py: for one kind of resource, built once per graph generation,
its items and, per facet, which items have each value (sorted arrays of item numbers), plus each
item's values for the table's columns. A browse state's counts and matching items are then set
operations in Python, milliseconds at a million triples, instead of one SPARQL aggregate per facet
per request: at that size Oxigraph takes seconds for each facet pattern over every item (their
UNIONs and chains cannot be narrowed by a selection), so a page of ten facets took 23-40 s.

The index holds no SPARQL and no store: browse.py runs the queries (one per facet, the patterns of
browse.toml) and hands the rows here."""
from __future__ import annotations

from array import array
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass
class FacetData:
    """One facet over one kind: values (IRIs, or years for a period facet), the items of each."""
    name: str
    values: list = field(default_factory=list)          # IRI strings or int years
    members: list[array] = field(default_factory=list)  # parallel to values: item numbers, ascending
    shown: dict[int, tuple] | None = None               # item -> its values as the table shows them (columns)
    error: str | None = None
    _keys: dict | None = None

    @classmethod
    def from_pairs(cls, name: str, pairs: Iterable[tuple[int, object]], shown: dict[int, set] | None) -> FacetData:
        by_value: dict[object, set[int]] = {}
        for item, value in pairs:
            by_value.setdefault(value, set()).add(item)
        data = cls(name)
        for value in sorted(by_value, key=str):
            data.values.append(value)
            data.members.append(array("I", sorted(by_value[value])))
        if shown is not None:
            data.shown = {item: tuple(sorted(found, key=str)) for item, found in shown.items()}
        return data

    @classmethod
    def failed(cls, name: str, error: str) -> FacetData:
        return cls(name, error=error)

    def keys(self, key_of) -> dict:
        """URL key -> value, over every value the facet has for the kind."""
        if self._keys is None:
            self._keys = {key_of(v): v for v in self.values}
        return self._keys

    def selecting(self, chosen: Iterable) -> set[int]:
        """The items with any of the chosen values (OR within a facet)."""
        wanted = set(chosen)
        found: set[int] = set()
        for value, members in zip(self.values, self.members, strict=True):
            if value in wanted:
                found.update(members)
        return found

    def counts(self, among: set[int] | None) -> dict[object, int]:
        """Items per value, among the given items (None: all items); values without any left out."""
        if among is None:
            return {v: len(m) for v, m in zip(self.values, self.members, strict=True)}
        counts = {}
        for value, members in zip(self.values, self.members, strict=True):
            n = len(among.intersection(members))        # walks the array once, in C
            if n:
                counts[value] = n
        return counts


@dataclass
class KindIndex:
    items: list[str]                         # item IRIs; an item's number is its position
    facets: dict[str, FacetData]
    seconds: float = 0.0                     # how long the build took
    cache: dict = field(default_factory=dict)  # orders and sort keys, per language (browse.py)

    @property
    def failed(self) -> dict[str, str]:
        return {name: f.error for name, f in self.facets.items() if f.error}

    def matching(self, selected: Mapping[str, set[int]], leave_out: str | None = None) -> set[int] | None:
        """The items every facet's choice selects (AND across facets), leaving out one facet's own
        choice; None when nothing is chosen (all items)."""
        found = None
        for name, items in sorted(selected.items(), key=lambda kv: len(kv[1])):
            if name == leave_out:
                continue
            found = set(items) if found is None else found & items
        return found
