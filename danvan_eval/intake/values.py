"""What people really type into a template cell, read as the number, yes/no, status or date it means.

Rules (documented for the evaluators in the README):

- Spaces (also non-breaking) around and inside a number are ignored; Unicode is normalised, and "có/không" are
  matched with or without diacritics (``co``, ``khong``), in any case.
- **yes/no** (``bool``): ``có``, ``co``, ``x``, ``1``, ``yes``, ``true``, ``đúng`` → 1; ``không``, ``khong``, ``ko``,
  ``0``, ``no``, ``false``, ``sai`` → 0. Another number is passed on (``observations.validate`` refuses it).
- **shares** (``pct``): a decimal comma or point (``95,5`` = ``95.5`` = 95.5); a trailing ``%`` is dropped
  (``95,5%`` = 95.5); a cell that Excel stored as a percentage (typing ``95%`` stores 0.95 with a % format)
  is multiplied back by 100. With both separators, the last one is the decimal mark (``1.234,5`` = 1234.5).
- **counts, days and sample sizes** are whole numbers, so ``.`` and ``,`` between groups of three digits are
  thousands separators (``1.234`` = ``1,234`` = ``1 234`` = 1234); anything with a fractional part (``2,5``,
  ``1.5``) is refused rather than guessed.
- A number stored as text is read like typed text. A date in a value cell (Excel sometimes turns ``1.2`` into
  1 February) is refused. A formula counts by the value Excel or LibreOffice computed and saved with it.
- **status**: empty, or ``không áp dụng`` (also ``khong ap dung``, ``KAD``, ``N/A``) → ``not_applicable``.
- **dates**: an Excel date, or text ``dd/mm/yyyy`` (also ``-`` or ``.``), ``yyyy-mm-dd``, or
  ``ngày 20 tháng 11 năm 2024``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata

from openpyxl.utils.datetime import from_excel

YES_WORDS = {"co", "x", "1", "yes", "y", "true", "dung"}
NO_WORDS = {"khong", "ko", "k", "0", "no", "n", "false", "sai"}
NA_WORDS = {"khong ap dung", "kad", "n/a", "na", "not applicable", "not_applicable"}
WHOLE = ("count", "days", "n")
_NUMBER = re.compile(r"^[+-]?[0-9][0-9.,]*$")
_GROUPED = re.compile(r"^[+-]?[0-9]{1,3}([.,][0-9]{3})+$")
_DATE_WORDS = re.compile(r"ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{4})")
_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d/%m/%y")


class Unreadable(ValueError):
    """A cell that cannot be trusted: ``code`` names the catalog problem ``problem.<code>``, ``fields`` fill it."""

    def __init__(self, code: str, **fields: object):
        self.code, self.fields = code, fields
        super().__init__(code)


def plain(text: object) -> str:
    """Lower-case text without diacritics and with single spaces: ``" Không  áp dụng "`` → ``"khong ap dung"``."""
    s = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    s = "".join(c for c in s if not unicodedata.combining(c))
    return " ".join(s.replace("\xa0", " ").split()).casefold()


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.replace("\xa0", " ").strip())


def shown(value: object) -> str:
    """The cell as the user sees it, for messages."""
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_value(value: object, kind: str, number_format: str = "General") -> float | None:
    """The number a value cell means for an indicator of ``kind`` (bool, pct, count, days, n); None if blank.

    Raises
    ------
    Unreadable
        the cell holds something that is not a value of that kind.
    """
    if is_blank(value):
        return None
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        raise Unreadable("date_in_value", value=shown(value))
    if isinstance(value, bool):
        if kind == "bool":
            return float(value)
        raise Unreadable("not_a_number", value=shown(value))
    if kind == "bool" and isinstance(value, str) and not _NUMBER.match(_squeeze(value)):
        return _yes_no(value)
    if isinstance(value, (int, float)):
        number = float(value)
        if kind == "pct" and "%" in str(number_format):
            number = round(number * 100, 9)  # the cell holds 0.955 shown as 95.5%
    else:
        number = _text_number(str(value), kind)
    if kind in WHOLE and not _whole(number):
        raise Unreadable("not_whole_number", value=shown(value))
    return number


def _squeeze(text: str) -> str:
    return "".join(unicodedata.normalize("NFC", text).replace("\xa0", " ").split())


def _whole(x: float) -> bool:
    return math.isfinite(x) and abs(x - round(x)) < 1e-9


def _yes_no(text: str) -> float:
    word = plain(text)
    if word in YES_WORDS:
        return 1.0
    if word in NO_WORDS:
        return 0.0
    raise Unreadable("not_yes_no", value=text.strip())


def _text_number(text: str, kind: str) -> float:
    s = _squeeze(text)
    if kind == "pct" and s.endswith("%"):
        s = s[:-1]
    if not _NUMBER.match(s):
        raise Unreadable("not_a_number", value=text.strip())
    if kind in WHOLE:
        if _GROUPED.match(s):  # counts are whole: 1.234 and 1,234 are one thousand two hundred and thirty-four
            return float(re.sub(r"[.,]", "", s))
        if "." in s or "," in s:
            raise Unreadable("not_whole_number", value=text.strip())
        return float(s)
    return _decimal(s, text)


def _decimal(s: str, text: str) -> float:
    """A decimal number with a comma or point as the decimal mark (the last separator when both appear)."""
    has_dot, has_comma = "." in s, "," in s
    if has_dot and has_comma:
        mark = "." if s.rfind(".") > s.rfind(",") else ","
        thousands = "," if mark == "." else "."
        whole, _, frac = s.rpartition(mark)
        if not _GROUPED.match(whole.replace(thousands, ",")) and thousands in whole:
            raise Unreadable("not_a_number", value=text.strip())
        s = whole.replace(thousands, "") + "." + frac
    elif s.count(",") == 1 or s.count(".") == 1:
        s = s.replace(",", ".")
    elif has_dot or has_comma:  # 1.234.567 or 1,234,567: thousands only
        if not _GROUPED.match(s):
            raise Unreadable("not_a_number", value=text.strip())
        s = re.sub(r"[.,]", "", s)
    try:
        return float(s)
    except ValueError:
        raise Unreadable("not_a_number", value=text.strip()) from None


def read_status(value: object) -> str | None:
    """``not_applicable`` for "không áp dụng" (and its spellings), None for an empty cell."""
    if is_blank(value):
        return None
    if plain(value) in NA_WORDS:
        return "not_applicable"
    raise Unreadable("bad_status_text", value=shown(value))


def read_yes_no(value: object, blank: bool = False) -> bool:
    """A yes/no cover cell (the correction flag); ``blank`` is what an empty cell means."""
    if is_blank(value):
        return blank
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    word = plain(value)
    if word in YES_WORDS or word in NO_WORDS:
        return word in YES_WORDS
    raise Unreadable("not_yes_no", value=shown(value))


def read_date(value: object) -> dt.date | None:
    """A date cell: an Excel date, an Excel serial number, or text in a Vietnamese or ISO form; None if blank."""
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 20000 < value < 80000:
        return from_excel(value).date()
    text = str(value).strip()
    words = _DATE_WORDS.search(plain(text))
    candidates = [f"{words[1]}/{words[2]}/{words[3]}"] if words else [text]
    for candidate in candidates:
        for fmt in _DATE_FORMATS:
            try:
                return dt.datetime.strptime(candidate, fmt).date()
            except ValueError:
                continue
    raise Unreadable("submitted_bad", value=shown(value))
