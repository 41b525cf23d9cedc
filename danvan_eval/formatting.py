"""Numbers, percentages and dates as a reader of each language writes them, through Babel's CLDR locales.

Vietnamese: ``1.234,5``, ``95,5%``, ``01/12/2026``; English: ``1,234.5``, ``95.5%``, ``1 December 2026``. A
negative number takes a true minus sign (a line never breaks after it); missing values read ``—``. ``quoted``
puts a label in quotation marks, turning those it already holds into single ones.
"""

from __future__ import annotations

import datetime as dt
import functools

import pandas as pd
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

MISSING = "—"
DATE_FORMATS = {"vi": "dd/MM/yyyy", "en": "d MMMM yyyy"}


def _missing(x: object) -> bool:
    return x is None or (not isinstance(x, str) and pd.isna(x))


SCORE_DIGITS = 1  # decimals a score is shown with, everywhere: ranks are computed at this precision


def shown(x: float, digits: int = SCORE_DIGITS) -> float:
    """The value ``number`` shows (``83.84 → 83.8``): units whose shown scores are equal share a rank."""
    return round(float(x), digits) + 0.0  # + 0.0 turns -0.0 into 0.0


def number(x: object, lang: str = "vi", digits: int = SCORE_DIGITS, sign: bool = False) -> str:
    """``85.34 → "85,3"``, ``1234 → "1.234"`` (``digits=0``), ``-1.6 → "−1,6"``; ``sign`` adds ``+`` to a
    positive value; a value that rounds to zero has no sign (no ``"−0,0"``)."""
    if _missing(x):
        return MISSING
    return _number(shown(x, digits), lang, digits, sign)


@functools.lru_cache(maxsize=65536)
def _number(v: float, lang: str, digits: int, sign: bool) -> str:
    """``number`` of a value already rounded; remembered, since Babel parses the pattern and the locale on every
    call (~15 µs) and a year's reports write the same few thousand values many times."""
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    text = format_decimal(abs(v), format=pattern, locale=lang)
    if v < 0:
        return "−" + text
    return ("+" + text) if sign and v > 0 else text


def percent(x: object, lang: str = "vi", digits: int = 1) -> str:
    """A share given in percent (``95.5``) as ``"95,5%"``; trailing zeros dropped (``100 → "100%"``)."""
    if _missing(x):
        return MISSING
    return _percent(round(float(x), digits) / 100 + 0.0, lang, digits)


@functools.lru_cache(maxsize=65536)
def _percent(share: float, lang: str, digits: int) -> str:
    pattern = "#,##0" + ("." + "#" * digits if digits > 0 else "") + "%"
    return format_percent(share, format=pattern, locale=lang)


def quoted(text: object) -> str:
    """``Mô hình “Dân vận khéo” đăng ký`` → ``“Mô hình ‘Dân vận khéo’ đăng ký”``: quotation marks inside a quotation
    become single ones (Decree 30/2020, Appendix II), so a label that already quotes a name can be quoted again."""
    inner = str(text).replace("“", "‘").replace("”", "’")
    return f"“{inner}”"


def date(d: object, lang: str = "vi") -> str:
    """A date as ``01/12/2026`` (Vietnamese) or ``1 December 2026`` (English)."""
    if _missing(d):
        return MISSING
    value = d if isinstance(d, dt.date) else pd.Timestamp(d).date()
    return format_date(value, DATE_FORMATS[lang], locale=lang)
