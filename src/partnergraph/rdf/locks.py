"""One writer at a time beside a folder: an exclusive lock file `.NAME.lock` next to the folder NAME
(beside it, not in it, so that the folder stays what is carried and committed), holding the writer's
pid for the message a second writer gets."""
from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class Busy(Exception):
    """Another process holds the lock; the message names it (its pid, as it wrote it)."""


@contextmanager
def writer_lock(folder: Path) -> Iterator[None]:
    """Hold the lock beside folder for the duration, or raise Busy at once (never wait)."""
    handle = open(folder.with_name(f".{folder.name}.lock"), "a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            raise Busy(handle.read().strip() or "another process") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        yield
    finally:
        handle.close()
