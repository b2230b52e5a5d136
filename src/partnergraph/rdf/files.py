"""Which files are RDF and in which format: shared by validation and by the store loader; and the one
way the project writes a file that others read (atomically).

Kept free of rdflib so that processes that only open the store (query workers) do not pay for
importing it.
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph

# suffix -> (rdflib parser name, pyoxigraph format)
RDF_SUFFIXES = {
    ".ttl": ("turtle", pyoxigraph.RdfFormat.TURTLE),
    ".nt": ("nt", pyoxigraph.RdfFormat.N_TRIPLES),
    ".nq": ("nquads", pyoxigraph.RdfFormat.N_QUADS),
    ".trig": ("trig", pyoxigraph.RdfFormat.TRIG),
    ".rdf": ("xml", pyoxigraph.RdfFormat.RDF_XML),
    ".owl": ("xml", pyoxigraph.RdfFormat.RDF_XML),
    ".xml": ("xml", pyoxigraph.RdfFormat.RDF_XML),
    ".jsonld": ("json-ld", pyoxigraph.RdfFormat.JSON_LD),
    ".json": ("json-ld", pyoxigraph.RdfFormat.JSON_LD),
}


class ValidationSetupError(Exception):
    """Validation could not run at all (missing shapes, unreadable path): exit code 2."""


def rdf_files(paths: Iterable[Path | str]) -> list[Path]:
    """The RDF files named or contained (recursively) in paths, sorted for stable reports."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in RDF_SUFFIXES))
        elif path.is_file():
            if path.suffix.lower() not in RDF_SUFFIXES:
                raise ValidationSetupError(f"{path}: not an RDF file (known suffixes: {', '.join(sorted(RDF_SUFFIXES))})")
            found.append(path)
        else:
            raise ValidationSetupError(f"{path}: no such file or directory")
    return found


def rdf_format(path: Path) -> tuple[str, pyoxigraph.RdfFormat]:
    return RDF_SUFFIXES[path.suffix.lower()]


def atomic_write(path: Path, data: bytes) -> None:
    """Write data to path whole or not at all: a temporary file in the same directory, synced, made
    readable by all (mkstemp makes it private; what is written here is published), renamed over the
    target, and the directory synced so that the rename survives a crash."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
