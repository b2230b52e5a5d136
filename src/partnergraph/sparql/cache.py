"""Validators and the bounded result cache, both keyed by the graph's generation.

The graph changes only when it is reloaded, and a reload adds one to its generation, so a value
derived from (generation, request) stays right until the next reload. Two things are built on that:

- validator(): the entity tag of a response, a digest of the process's own token, the generation
  and what the request asks for; none_match() compares it with If-None-Match (RFC 9110 13.1.2).
- ResultCache: serialised query answers by (generation, query, formats, dataset, bindings), least
  recently used out first, bounded in bytes; a reload empties it.
"""
from __future__ import annotations

import base64
import hashlib
import secrets
import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, replace

from .executor import QueryOutcome


def process_token() -> str:
    """A token of this server process: validators of another process (or of this one before a
    restart, which may serve other data under generation 1) never match."""
    return secrets.token_hex(8)


def validator(token: str, generation: int, parts: Iterable[str | bytes]) -> str:
    """A strong entity tag (quoted) for what parts describe, under this token and generation.
    Each part is length-prefixed so that no two different lists digest alike."""
    digest = hashlib.blake2b(digest_size=16)
    for part in (token, str(generation), *parts):
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return '"' + base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode("ascii") + '"'


def weak(tag: str) -> str:
    return tag if tag.startswith("W/") else "W/" + tag


def _opaque(tag: str) -> str:
    return tag[2:] if tag.startswith("W/") else tag


def parse_if_none_match(header: str | None) -> list[str] | None:
    """The entity tags of an If-None-Match field: ["*"], a list of tags (W/ kept), or None when
    the field is absent or empty. Tags are read by their quotes, so a comma inside one is kept."""
    if header is None or not header.strip():
        return None
    if header.strip() == "*":
        return ["*"]
    tags, i, n = [], 0, len(header)
    while i < n:
        while i < n and header[i] in " \t,":
            i += 1
        if i >= n:
            break
        start = i
        if header.startswith("W/", i):
            i += 2
        if i < n and header[i] == '"':
            end = header.find('"', i + 1)
            if end < 0:
                break  # an unterminated tag matches nothing
            tags.append(header[start:end + 1])
            i = end + 1
        else:  # not a tag (a client's mistake): skip to the next comma
            while i < n and header[i] != ",":
                i += 1
    return tags


def none_match(tags: list[str] | None, current: str) -> str | None:
    """The tag of the list that matches current by the weak comparison If-None-Match uses, or
    None. "*" matches any current representation."""
    if not tags:
        return None
    for tag in tags:
        if tag == "*" or _opaque(tag) == _opaque(current):
            return tag
    return None


@dataclass(frozen=True)
class CacheStats:
    hits: int
    misses: int
    bytes: int
    entries: int
    capacity: int
    largest_entry: int

    def as_dict(self) -> dict:
        return {"hits": self.hits, "misses": self.misses, "bytes": self.bytes, "entries": self.entries,
                "capacity": self.capacity, "largest_entry": self.largest_entry}


class ResultCache:
    """Query answers in memory, at most `capacity` bytes of bodies and keys together, least
    recently used out first. Thread-safe: the server answers from several threads.

    Only whole answers (status 200, the complete serialised body) go in, and none larger than
    an eighth of the capacity, so one big answer cannot push out everything else. Entries carry
    the generation they were computed under; the cache holds one generation, and an answer of
    an older generation arriving after a reload is dropped. capacity 0 turns it off."""

    OVERHEAD = 200  # bytes an entry costs beyond its body and key: the outcome, the dict slot

    def __init__(self, capacity: int):
        if capacity < 0:
            raise ValueError(f"the result cache's capacity must be 0 or more bytes, not {capacity!r}")
        self.capacity = capacity
        self.largest_entry = capacity // 8
        self._entries: OrderedDict[Hashable, tuple[QueryOutcome, int]] = OrderedDict()
        self._bytes = 0
        self._generation: int | None = None
        self._hits = self._misses = 0
        self._lock = threading.Lock()

    @staticmethod
    def key(generation: int, text: str, results_format: str | None, graph_format: str | None,
            default_graphs: Iterable[str], named_graphs: Iterable[str], bindings: dict | None,
            base_iri: str | None) -> tuple:
        """Everything that changes an answer's bytes (the time limit does not: an answer that
        finished is the same answer)."""
        return (generation, text, results_format, graph_format, tuple(default_graphs), tuple(named_graphs),
                tuple(sorted((bindings or {}).items())), base_iri)

    @staticmethod
    def _size(key: tuple, outcome: QueryOutcome) -> int:
        return len(outcome.body) + sum(len(str(part)) for part in key) + ResultCache.OVERHEAD

    def get(self, key: tuple) -> QueryOutcome | None:
        if not self.capacity:
            return None
        with self._lock:
            found = self._entries.get(key)
            if found is None or key[0] != self._generation:
                self._misses += 1
                return None
            self._entries.move_to_end(key)
            self._hits += 1
            return found[0]

    def put(self, key: tuple, outcome: QueryOutcome) -> bool:
        """Keep a whole answer; False when it is not kept (not a 200, too large, stale)."""
        if not self.capacity or outcome.status != 200 or outcome.kind == "error":
            return False
        size = self._size(key, outcome)
        if size > self.largest_entry:
            return False
        with self._lock:
            generation = key[0]
            if self._generation is None or generation > self._generation:
                self._drop_all()
                self._generation = generation
            elif generation < self._generation:
                return False  # computed on the graph before a reload
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._entries[key] = (replace(outcome), size)
            self._bytes += size
            while self._bytes > self.capacity:
                _, (_, evicted) = self._entries.popitem(last=False)
                self._bytes -= evicted
        return True

    def clear(self, generation: int | None = None) -> None:
        """Empty it (a reload); with a generation, answers of older ones are refused from now on."""
        with self._lock:
            self._drop_all()
            if generation is not None:
                self._generation = generation

    def _drop_all(self) -> None:
        self._entries.clear()
        self._bytes = 0

    def stats(self) -> CacheStats:
        with self._lock:
            return CacheStats(self._hits, self._misses, self._bytes, len(self._entries), self.capacity,
                              self.largest_entry)
