"""Literals as a person reads them: dates spelled out in the reader's language, numbers grouped."""
from __future__ import annotations

import re
from datetime import date

from ..rdf.namespaces import XSD
from .citation import MONTHS

NUMERIC = frozenset(XSD + t for t in ("integer", "decimal", "double", "float", "int", "long", "short",
                                      "nonNegativeInteger", "positiveInteger"))
_YES_NO = {"en": {"true": "yes", "false": "no"}, "sv": {"true": "ja", "false": "nej"}}


def format_number(value: int | float | str, lang: str = "en") -> str:
    """1500 -> '1,500' (en) or '1 500' (sv, with a no-break space)."""
    try:
        number = float(value) if isinstance(value, str) and not re.fullmatch(r"[+-]?\d+", value) else int(value)
    except (TypeError, ValueError):
        return str(value)
    text = f"{number:,}" if isinstance(number, int) else f"{number:,.2f}".rstrip("0").rstrip(".")
    if lang == "sv":
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text


def format_literal(value: str, datatype: str | None, lang: str = "en") -> str:
    """A literal as a person reads it: dates spelled out in the reader's language, numbers grouped."""
    lang = lang if lang in MONTHS else "en"
    months = MONTHS[lang]
    try:
        if datatype == XSD + "gYear":
            return str(int(value))
        if datatype == XSD + "date":
            day = date.fromisoformat(value[:10])
            return f"{day.day} {months[day.month - 1]} {day.year}"
        if datatype == XSD + "gYearMonth":
            year, month = value[:7].split("-")
            name = months[int(month) - 1]
            return f"{name} {int(year)}"
        if datatype == XSD + "gMonthDay":
            month, day_of_month = value.lstrip("-")[:5].split("-")
            return f"{int(day_of_month)} {months[int(month) - 1]}"
    except (ValueError, IndexError):
        return value
    if datatype in NUMERIC:
        return format_number(value, lang)
    if datatype == XSD + "boolean":
        return _YES_NO[lang].get(value, value)
    return value
