"""The SPARQL the views and the core functions run, as .rq files (queries are data, not strings in code)."""
from __future__ import annotations

from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent


@cache
def load(name: str) -> str:
    """The text of rq/{name}.rq."""
    return (HERE / f"{name}.rq").read_text(encoding="utf-8")
