"""Message catalogs, problems table and error family."""

import re
from pathlib import Path

import pandas as pd
import pytest

from danvan_eval import errors
from danvan_eval.engine.errors import CATALOG as ENGINE_CATALOG
from danvan_eval.engine.errors import EngineError
from danvan_eval.messages import CATALOG, LANGS, tr
from danvan_eval.problems import PROBLEM_COLUMNS, Problem, format_problems, problem, problems_frame

PACKAGE = Path(__file__).resolve().parent.parent / "danvan_eval"
VIETNAMESE = re.compile(
    r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.IGNORECASE
)


def test_tr_fills_fields_in_each_language():
    assert tr("problem.unknown_unit", "vi", unit="999") == "Mã đơn vị “999” không có trong danh mục đơn vị"
    assert tr("problem.unknown_unit", "en", unit="999") == "Unit code “999” is not in the registry of units"
    assert tr("label.composite") == "Điểm tổng hợp"  # Vietnamese is the default


def test_unknown_key_and_language_raise():
    with pytest.raises(KeyError):
        tr("label.no_such_thing")
    with pytest.raises(ValueError):
        tr("label.composite", "fr")


@pytest.mark.parametrize(
    ("key", "vi", "en"),
    [
        ("label.composite", "Điểm tổng hợp", "Composite score"),
        ("label.rank", "Xếp hạng", "Rank"),
        ("label.coverage", "Độ phủ số liệu", "Data coverage"),
        ("label.insufficient_data", "Không đủ số liệu", "Insufficient data"),
        ("status.reported", "Đã báo cáo", "Reported"),
        ("status.missing", "Thiếu số liệu", "Missing"),
        ("status.not_applicable", "Không áp dụng", "Not applicable"),
        ("status.imputed", "Ước tính (bổ khuyết)", "Estimated (imputed)"),
        ("kind.district", "Huyện, thị xã, thành phố", "Districts, towns and city"),
        ("kind.department", "Sở, ban, ngành", "Provincial departments and agencies"),
        ("compliance.on_time", "Đúng hạn", "On time"),
        ("compliance.late", "Chậm hạn", "Late"),
    ],
)
def test_ui_labels(key, vi, en):
    assert (tr(key, "vi"), tr(key, "en")) == (vi, en)


FIELD = re.compile(r"{([a-z_0-9]*)[^}]*}")
NOTEBOOKS = PACKAGE.parent / "notebooks"


@pytest.mark.parametrize("catalog", [CATALOG, ENGINE_CATALOG], ids=["package", "engine"])
def test_catalogs_have_the_same_keys_and_fields_in_both_languages(catalog):
    vi, en = (catalog.texts[lang] for lang in LANGS)
    assert list(vi) == list(en), sorted(set(vi) ^ set(en))
    for key in vi:
        assert vi[key].strip() and en[key].strip(), key
        assert set(FIELD.findall(vi[key])) == set(FIELD.findall(en[key])), key
        if key.split(".")[0] in {"label", "status", "kind", "problem", "error", "compliance", "denominator", "engine"}:
            assert VIETNAMESE.search(vi[key]), key
            assert vi[key] != en[key], key


def _sources(folder: Path) -> str:
    files = [*folder.rglob("*.py"), *NOTEBOOKS.glob("*.ipynb")] if folder == PACKAGE else [*folder.rglob("*.py")]
    return "".join(f.read_text(encoding="utf-8") for f in files)


@pytest.mark.parametrize(("catalog", "folder"), [(CATALOG, PACKAGE), (ENGINE_CATALOG, PACKAGE / "engine")],
                         ids=["package", "engine"])
def test_every_key_is_used(catalog, folder):
    """A key is used when the code names it, or names its prefix in a composed key (``f"kind.{kind}"``)."""
    source = _sources(folder)
    literals = set(re.findall(r"[\"']([a-z_0-9]+(?:\.[a-z_0-9]+)+)[\"']", source))
    prefixes = set(re.findall(r"[\"']([a-z_0-9]+(?:\.[a-z_0-9]+)*[._])(?:\{|[\"']\s*\+)", source))
    unused = [k for k in catalog if k not in literals and not any(k.startswith(p) for p in prefixes)]
    assert not unused


def test_engine_errors_come_from_the_engine_catalog():
    err = EngineError("engine.treatment", name="cube")
    assert str(err) == "Hàm xử lý ngoại lai không rõ “cube” (winsorise, log_CT) / Unknown treatment function “cube” (winsorise, log_CT)"
    assert isinstance(err, ValueError) and (err.key, err.fields) == ("engine.treatment", {"name": "cube"})


def test_every_reason_code_emitted_has_a_message():
    sources = "".join(
        (PACKAGE / f).read_text(encoding="utf-8")
        for f in ("model/framework.py", "model/units.py", "model/observations.py", "problems.py")
    )
    codes = set(re.findall(r'(?:\badd|\bproblem)\(\s*"([a-z0-9_]+)"', sources))
    codes |= set(re.findall(r'\breport\([^"\n]*?,\s*"([a-z0-9_]+)"', sources))
    assert len(codes) > 40
    missing = sorted(c for c in codes if f"problem.{c}" not in CATALOG)
    assert not missing


def test_problem_messages_and_frame():
    p = problem(
        "indicator_not_for_kind",
        file="x.csv",
        row=3,
        cell="C3",
        unit="SNV",
        indicator="i2_remote_sessions",
        kind={"vi": tr("kind.department", "vi"), "en": tr("kind.department", "en")},
    )
    assert "Sở, ban, ngành" in p.message_vi and "Provincial departments" in p.message_en
    df = problems_frame([p, problem("missing_column", row=1, column="value")])
    assert list(df.columns) == PROBLEM_COLUMNS
    assert str(df["row"].dtype) == "Int64"
    assert df["code"].tolist() == ["indicator_not_for_kind", "missing_column"]
    assert problems_frame().empty and list(problems_frame().columns) == PROBLEM_COLUMNS


def test_explicit_messages_replace_the_catalogue():
    p = problem("missing_column", message_vi="Thiếu cột", message_en="Missing column")
    assert (p.message_vi, p.message_en) == ("Thiếu cột", "Missing column")


def test_format_problems_lists_place_and_code():
    df = problems_frame([problem("unknown_unit", file="a.csv", row=7, cell="B7", unit="999")])
    vi = format_problems(df, "vi")
    assert "dòng 7" in vi and "tại B7" in vi and "[unknown_unit]" in vi and "không có trong danh mục" in vi
    both = format_problems(df, "both")
    assert "row 7" in both and "dòng 7" in both
    many = problems_frame([problem("unknown_unit", row=i, unit="9") for i in range(5)])
    assert "… và 3 lỗi khác" in format_problems(many, "vi", limit=2)
    with pytest.raises(ValueError):
        format_problems(df, "fr")


def test_error_family():
    for cls in (errors.FrameworkError, errors.RegistryError, errors.ValidationError):
        assert issubclass(cls, errors.DanvanEvalError) and issubclass(cls, ValueError)
    assert issubclass(errors.RunError, errors.DanvanEvalError) and issubclass(errors.RunError, RuntimeError)
    err = errors.ValidationError([problem("unknown_unit", row=2, unit="999")], file="a.csv")
    text = str(err)
    assert "Số liệu báo cáo không hợp lệ (1 lỗi)" in text and "Invalid reported data (1 problems)" in text
    assert "dòng 2" in text and "row 2" in text
    assert isinstance(err.problems, pd.DataFrame) and len(err.problems) == 1
    single = errors.FrameworkError(Problem(code="x", message_vi="lỗi", message_en="error"))
    assert len(single.problems) == 1
    plain = errors.RegistryError("Danh mục trống / empty registry")
    assert str(plain) == "Danh mục trống / empty registry" and plain.problems.empty
