"""Short links to queries: /q/{id}, where id is a hash of the query text (the same text always
gets the same link, and a link never changes its query). The texts are kept as files in a
directory, so links survive restarts; the store is bounded in entries and bytes and refuses a
new text when full rather than forgetting old links."""
from __future__ import annotations

import hashlib
import os
import re
import threading
from pathlib import Path

from ..rdf.files import atomic_write

ID_LENGTH = 12                       # hex digits of SHA-256: 48 bits, collisions checked on write
_ID = re.compile(rf"^[0-9a-f]{{{ID_LENGTH}}}$")


class ShortLinkError(Exception):
    """Carries the HTTP status a view should answer with."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def default_directory() -> Path:
    """$XDG_DATA_HOME/partnergraph/links (~/.local/share/partnergraph/links)."""
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "partnergraph" / "links"


def link_id(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:ID_LENGTH]


class ShortLinks:
    def __init__(self, directory: str | Path, max_links: int = 10_000, max_bytes: int = 50_000_000):
        self.directory = Path(directory)
        self.max_links = max_links
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._count: int | None = None
        self._bytes = 0

    def _path(self, ident: str) -> Path:
        return self.directory / ident[:2] / f"{ident}.rq"

    def _measure(self) -> None:
        if self._count is None:
            files = list(self.directory.glob("*/*.rq")) if self.directory.is_dir() else []
            self._count = len(files)
            self._bytes = sum(f.stat().st_size for f in files)

    def put(self, text: str) -> str:
        """The id of text, storing it if it is new; ShortLinkError(507) when the store is full."""
        if not text.strip():
            raise ShortLinkError(400, "There is no query to link to.")
        ident = link_id(text)
        path = self._path(ident)
        data = text.encode("utf-8")
        with self._lock:
            if path.exists():
                if path.read_bytes() == data:
                    return ident
                raise ShortLinkError(409, "Another query already has this link's id; change the query a little "
                                          "(a comment will do) and share again.")
            self._measure()
            if self._count >= self.max_links or self._bytes + len(data) > self.max_bytes:
                raise ShortLinkError(507, f"The store of short links is full ({self._count:,} links); the query "
                                          "can still be shared by its long link (the page's address).")
            try:
                atomic_write(path, data)
            except OSError as err:
                raise ShortLinkError(507, f"The short link could not be stored ({err.strerror}); the query can "
                                          "still be shared by its long link.") from None
            self._count += 1
            self._bytes += len(data)
        return ident

    def get(self, ident: str) -> str:
        if not _ID.match(ident or ""):
            raise ShortLinkError(404, f"{ident!r} is not a short link: links are {ID_LENGTH} hexadecimal digits.")
        try:
            return self._path(ident).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ShortLinkError(404, f"There is no query with the short link {ident}.") from None


# The first line of a short link made in the query builder: its state (Sparnatural's JSON), then the SPARQL.
MARK = "#builder "


def builder_state(text: str) -> str | None:
    """The builder's state (Sparnatural's JSON) that a short link's text starts with, if any."""
    first, _, _ = text.partition("\n")
    return first[len(MARK):] if first.startswith(MARK) else None
