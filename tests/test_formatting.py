"""Numbers, percentages and dates through Babel's vi and en locales."""

import datetime as dt

from danvan_eval.formatting import date, number, percent


def test_number_in_vietnamese_and_english():
    assert number(85.34) == "85,3"
    assert number(95.5, "vi") == "95,5" and number(95.5, "en") == "95.5"
    assert number(1234.5) == "1.234,5" and number(1234.5, "en") == "1,234.5"
    assert number(1234, digits=0) == "1.234"
    assert number(-1.64) == "−1,6"
    assert number(2.06, sign=True) == "+2,1"
    assert number(-0.04, sign=True) == "0,0"
    assert number(3.0, digits=0) == "3"
    assert number(float("nan")) == "—" and number(None) == "—"


def test_percent_drops_trailing_zeros_and_has_no_space():
    assert percent(100) == "100%" and percent(100.0, "en") == "100%"
    assert percent(95.5) == "95,5%" and percent(95.5, "en") == "95.5%"
    assert percent(33.333) == "33,3%"
    assert percent(float("nan")) == "—"


def test_dates():
    assert date(dt.date(2026, 12, 1)) == "01/12/2026"
    assert date("2026-12-01", "en") == "1 December 2026"
    assert date(None) == "—"


def test_no_module_formats_numbers_by_hand():
    """One formatting module: no other ``replace(".", ",")`` of a number in the package."""
    from pathlib import Path

    package = Path(__file__).resolve().parent.parent / "danvan_eval"
    offenders = [p.name for p in package.rglob("*.py") if 'replace(".", ",")' in p.read_text(encoding="utf-8")]
    assert not offenders


def test_quotes_inside_a_quotation_become_single():
    from danvan_eval.formatting import quoted

    assert quoted("Mô hình “Dân vận khéo” đăng ký") == "“Mô hình ‘Dân vận khéo’ đăng ký”"
    assert quoted("Kiểm tra công vụ") == "“Kiểm tra công vụ”"
