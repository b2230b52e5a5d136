"""The one folding of text, wherever a person's spelling meets the graph: names (matching,
reconciliation, spreadsheet import), search, the editor's completion, and slugs.

Folding ignores case, diacritics and the kind of dash, and spells out the letters that carry no
combining mark in Unicode (ł -> l, ø -> o, æ -> ae, ß -> ss), so "Łódź", "LODZ" and "Lodz" are one
word. Per character, so that a caller can map folded text back to the original (fold_with_map).
"""
from __future__ import annotations

import functools
import unicodedata

# Letters that carry no combining mark in Unicode, so NFKD does not fold them.
_LETTERS = {"đ": "d", "ð": "d", "ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "ı": "i", "þ": "th", "ħ": "h"}
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"


@functools.lru_cache(maxsize=8192)
def fold_char(char: str) -> str:
    """One character folded: case, diacritics, dashes. May give more than one character (ß, æ).
    Kept per character: names repeat the same few hundred, and every index build folds them all."""
    if char in DASHES:
        return "-"
    decomposed = unicodedata.normalize("NFKD", char)
    out = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return "".join(_LETTERS.get(c, c) for c in out)


def fold(text: str) -> str:
    """Case, diacritics and dashes folded, spacing collapsed: 'VÄXJÖ – Kalush' -> 'vaxjo - kalush'."""
    return " ".join("".join(fold_char(c) for c in text).split())


def fold_with_map(text: str) -> tuple[str, list[int]]:
    """The text folded character by character (spacing kept) and, for each folded character, the
    index of the original character it comes from."""
    out, where = [], []
    for index, char in enumerate(text):
        folded = fold_char(char)
        out.append(folded)
        where.extend([index] * len(folded))
    return "".join(out), where
