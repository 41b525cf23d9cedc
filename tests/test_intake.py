"""Intake of filled templates: round trip of the demo data, what users type, corrections, located refusals."""

import csv
import datetime as dt
import importlib.util
import re
import sys
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from danvan_eval.cli import main
from danvan_eval.intake import cells
from danvan_eval.intake import templates as tpl
from danvan_eval.intake.read import _problems, intake, raw_name, read_file
from danvan_eval.intake.values import Unreadable, read_date, read_status, read_value, read_yes_no
from danvan_eval.messages import CATALOG
from danvan_eval.outputs import sha256

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "fixtures" / "intake_malformed"
YEAR = 2024
_spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
make_corpus = sys.modules["make_corpus"] = importlib.util.module_from_spec(_spec)  # dataclasses need it there
_spec.loader.exec_module(make_corpus)
EXPECTED = list(csv.DictReader((CORPUS / "expected.csv").open(encoding="utf-8")))


def _save(wb, folder: Path, name: str) -> Path:
    return tpl.save_workbook(wb, folder / name)


def _slot(fw, indicator, kind="district"):
    return next(s for s in tpl.layout(fw, kind) if s.indicator_id == indicator)


# ---------------------------------------------------------------- the round trip of the demo data
@pytest.fixture(scope="module")
def demo_inbox(run, fw, reg, tmp_path_factory):
    """Every 2024 template, filled with the demo data of 2024 as the units would type it."""
    root = tmp_path_factory.mktemp("roundtrip")
    obs = pd.read_csv(ROOT / "data" / "demo" / f"observations_{YEAR}.csv", dtype={"unit_code": str})
    subs = pd.read_csv(ROOT / "data" / "demo" / f"submissions_{YEAR}.csv", dtype={"unit_code": str})
    kinds = reg.active(YEAR).set_index("code")["kind"]
    inbox = root / "inbox"
    for path in tpl.write_templates(run, root / "templates", None):
        code = path.stem.split("_")[-1]
        rows = obs[obs["unit_code"] == code]
        received = subs.loc[subs["unit_code"] == code, "received"]
        wb = make_corpus.fill_workbook(openpyxl.load_workbook(path), fw, kinds[code], rows,
                                       dt.date.fromisoformat(received.iloc[0]))
        _save(wb, inbox / ("huyen" if kinds[code] == "district" else "so"), path.name)
    return root, obs, subs


def test_round_trip_gives_back_the_demo_data(run, demo_inbox):
    root, obs, subs = demo_inbox
    result = intake([root / "inbox"], run, root / "out")
    assert result.ok, result.describe("en")
    got = pd.read_csv(root / "out" / f"observations_{YEAR}.csv", encoding="utf-8-sig", dtype={"unit_code": str})
    key = ["unit_code", "indicator_id"]
    pd.testing.assert_frame_equal(
        got.drop(columns="source").sort_values(key).reset_index(drop=True),
        obs.drop(columns="source").sort_values(key).reset_index(drop=True),
    )
    assert got.loc[0, "source"] == "[huyen/mau-bao-cao_2024_540.xlsx]LV1!G5"  # file inside the folder + cell
    sub = pd.read_csv(root / "out" / f"submissions_{YEAR}.csv", encoding="utf-8-sig", dtype={"unit_code": str})
    assert sub[["unit_code", "received"]].sort_values("unit_code").values.tolist() == \
        subs[["unit_code", "received"]].sort_values("unit_code").values.tolist()
    assert not sub["correction"].any()
    # every accepted file is kept byte for byte under raw/<sha256 prefix>_<name>
    for rec in sub.itertuples():
        kept = root / "out" / rec.source
        assert re.fullmatch(r"raw/[0-9a-f]{12}_mau-bao-cao_2024_\w+\.xlsx", rec.source)
        assert sha256(kept).startswith(kept.name[:12])
    # compliance of the lead's module: 546 is the planted late report (3 Dec 2024), nobody is missing
    late = result.compliance.set_index("unit_code")
    assert late.at["546", "days_late"] == 8 and not late.at["546", "on_time"]
    # the planted outlier is a value to verify, at its cell, in the console and the report: a warning, not a problem
    slot = _slot(run.load_framework(), "i2_sessions")
    assert result.findings[["file", "sheet", "cell", "unit", "indicator", "code"]].values.tolist() == [
        ["huyen/mau-bao-cao_2024_544.xlsx", slot.sheet, slot.cell(tpl.COL_VALUE), "544", "i2_sessions", code]
        for code in ("history_ratio", "peer_outlier")]
    assert "Cần xác minh: 2 giá trị của 1 đơn vị" in result.describe("vi")
    sheet = openpyxl.load_workbook(result.report[0])["Cần xác minh"]
    listed = [[c.value for c in row] for row in sheet.iter_rows(min_row=5)]
    assert [r[3:7] for r in listed] == [["544", "i2_sessions", code, 370] for code in ("history_ratio", "peer_outlier")]
    assert "Các giá trị cần xác minh" in result.report[1].read_text(encoding="utf-8")
    assert late["reported"].all()


def test_rerunning_an_intake_gives_byte_identical_tables(run, demo_inbox):
    root, _, _ = demo_inbox
    out = root / "inbox" / "ket-qua"  # an output folder inside the scanned folder: its raw copies are skipped
    intake([root / "inbox"], run, out)
    first = {n: (out / n).read_bytes() for n in (f"observations_{YEAR}.csv", f"submissions_{YEAR}.csv",
                                                   f"validation_{YEAR}.xlsx", f"validation_{YEAR}.html")}
    again = intake([root / "inbox"], run, out)
    assert again.ok and len(again.files) == 19
    assert {n: (out / n).read_bytes() for n in first} == first
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary file left behind


def test_a_failed_intake_leaves_the_previous_tables_untouched(run, fw, reg, tmp_path):
    good = _save(make_corpus.filled_template(fw, reg, unit="542"), tmp_path / "in", "mau-bao-cao_2024_542.xlsx")
    out = tmp_path / "out"
    assert intake([good], run, out).ok
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*.csv")}
    bad = make_corpus.filled_template(fw, reg, unit="540")
    bad["LV1"]["G7"] = 120  # i1_subunits_plan_pct
    result = intake([good, _save(bad, tmp_path / "in", "mau-bao-cao_2024_540.xlsx")], run, out)
    assert not result.ok and result.observations.empty and result.written == ()
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*.csv")} == before
    assert len(list((out / "raw").iterdir())) == 1  # the refused intake kept no raw copy
    assert "pct_out_of_range" in (out / f"validation_{YEAR}.html").read_text(encoding="utf-8")


def test_files_validated_together_give_the_findings_of_each_file_validated_alone(run, fw, reg, tmp_path):
    # validate_reads runs observations.validate once over the rows of several units, then alone on each file
    # with a finding there: the findings must be those of each file read (and validated) alone
    damage = {"540": [("i1_subunits_plan_pct", 120), ("i2_sessions", -3)], "542": [],
              "SNV": [("i1_plan_issued", 2)], "545": [("i4_satisfaction_pct", "nhiều")]}
    paths = []
    for unit, typed in damage.items():
        wb = make_corpus.filled_template(fw, reg, unit=unit)
        kind = str(reg.active(YEAR).set_index("code").at[unit, "kind"])
        for indicator, value in typed:
            slot = _slot(fw, indicator, kind)
            wb[slot.sheet][slot.cell(tpl.COL_VALUE)] = value
        paths.append(_save(wb, tmp_path / "in", f"mau-bao-cao_2024_{unit}.xlsx"))
    together = intake([tmp_path / "in"], run, tmp_path / "out", workers=1)
    alone = [p for path in paths for p in read_file(path, path.name, fw, reg, YEAR).problems]
    assert together.problems.to_dict("records") == _problems(alone).to_dict("records")
    assert sorted(together.problems["code"]) == ["bool_not_01", "negative_value", "not_a_number",
                                                 "pct_out_of_range"]
    assert together.files["state"].tolist() == ["rejected", "accepted", "rejected", "rejected"]


def test_reading_in_several_processes_gives_what_one_process_gives(run, demo_inbox, tmp_path):
    root, _, _ = demo_inbox
    for folder in (CORPUS, root / "inbox"):  # refused files, and accepted ones
        one, two = tmp_path / folder.name / "one", tmp_path / folder.name / "two"
        serial, parallel = intake([folder], run, one, workers=1), intake([folder], run, two, workers=2)
        for frame in ("problems", "files", "observations", "submissions"):
            pd.testing.assert_frame_equal(getattr(serial, frame), getattr(parallel, frame))
        written = sorted(p.relative_to(one) for p in one.rglob("*.*"))
        assert written == sorted(p.relative_to(two) for p in two.rglob("*.*"))
        assert all((one / name).read_bytes() == (two / name).read_bytes() for name in written)


def _full_load(path: Path, data_only: bool) -> tuple[list, dict]:
    wb = openpyxl.load_workbook(path, data_only=data_only)
    return wb.sheetnames, {(ws.title, key): (c.value, getattr(c, "number_format", "General"))
                           for ws in wb.worksheets for key, c in ws._cells.items() if c.value is not None}


def _fast_load(path: Path, data_only: bool) -> tuple[list, dict]:
    book = cells.load(path, data_only=data_only)
    return book.sheetnames, {(name, key): (c.value, c.number_format)
                             for name in book.sheetnames for key, c in book[name].cells.items() if c.value is not None}


def test_cells_read_fast_are_those_of_openpyxls_full_load(fw, reg, tmp_path):
    files = sorted(p for p in CORPUS.glob("*.xlsx") if not p.name.startswith(("01_", "02_")))  # 01, 02: no zip
    # a merged range whose hidden cells keep values (LibreOffice can keep them), a hyperlink on an empty cell
    wb = make_corpus.filled_template(fw, reg, unit="540")
    wb["LV1"]["K30"].hyperlink = "http://example.org"
    files.append(_save(wb, tmp_path, "link.xlsx"))
    with zipfile.ZipFile(_save(make_corpus.filled_template(fw, reg, unit="540"), tmp_path, "plain.xlsx")) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = next(n for n, d in parts.items() if b"i1_subunits_plan_pct" in d and n.startswith("xl/worksheets"))
    parts[sheet] = re.sub(rb'<c r="H7"([^>/]*)(/>|></c>)', rb'<c r="H7"\1><v>77</v></c>', parts[sheet])
    for name, merge in (("unmerged", b""), ("merged", b'<mergeCell ref="G7:H8"/>')):
        with zipfile.ZipFile(tmp_path / f"{name}.xlsx", "w") as z:
            for n, d in parts.items():
                z.writestr(n, d.replace(b'<mergeCells count="2">', b'<mergeCells count="2">' + merge))
        files.append(tmp_path / f"{name}.xlsx")
    for path in files:
        for data_only in (False, True):
            assert _fast_load(path, data_only) == _full_load(path, data_only), (path.name, data_only)
    assert cells.load(tmp_path / "unmerged.xlsx", data_only=False)["LV1"]["H7"].value == 77
    assert cells.load(tmp_path / "merged.xlsx", data_only=False)["LV1"]["H7"].value is None


# ---------------------------------------------------------------- what users really type
def test_what_users_type_is_read_as_meant(run, fw, reg, tmp_path):
    wb = make_corpus.filled_template(fw, reg, unit="540")
    typed = {
        "i1_plan_issued": ("Co ", 1.0), "i1_regulation_reviewed": ("KHÔNG", 0.0),
        "i6_coordination_regulation": ("x", 1.0),
        "i1_subunits_plan_pct": ("95,5", 95.5), "i2_staff_reached_pct": ("97,8 %", 97.8),
        "i4_online_dossiers_pct": (0.757, 75.7),  # typed 75.7% in Excel: stored 0.757 with a % format
        "i2_sessions": (" 1.234 ", 1234.0), "i2_digital_items": ("1\xa0487", 1487.0),
        "i3_models_registered": ("49", 49.0), "d_dossiers_received": ("116,739", 116739.0),
        "i4_dialogues": (None, None),  # left empty: missing
    }
    for ind, (text, _) in typed.items():
        slot = _slot(fw, ind)
        wb[slot.sheet][slot.cell(tpl.COL_VALUE)] = text
    wb[_slot(fw, "i4_online_dossiers_pct").sheet][_slot(fw, "i4_online_dossiers_pct").cell("G")].number_format = "0.0%"
    na = _slot(fw, "i1_projects_danvan_pct")
    wb[na.sheet][na.cell(tpl.COL_STATUS)], wb[na.sheet][na.cell(tpl.COL_VALUE)] = "khong ap dung", None
    wb["Bìa"]["B10"], wb["Bìa"]["B13"] = "ngày 22 tháng 11 năm 2024", "Không"
    result = intake([_save(wb, tmp_path, "bao cao Quy Nhơn..xlsx")], run, tmp_path / "out")
    assert result.ok, result.describe("en")
    got = result.observations.set_index("indicator_id")
    for ind, (_, value) in typed.items():
        assert (got.at[ind, "value"] == value) if value is not None else pd.isna(got.at[ind, "value"]), ind
    assert got.at["i4_dialogues", "status"] == "missing"
    assert got.at["i1_projects_danvan_pct", "status"] == "not_applicable"
    assert result.submissions["received"].tolist() == ["2024-11-22"]
    assert result.submissions["source"].iloc[0].endswith("_bao_cao_Quy_Nhon.xlsx")  # safe name of the raw copy


@pytest.mark.parametrize(("typed", "kind", "value"), [
    ("95,5", "pct", 95.5), ("95.5", "pct", 95.5), ("95,5%", "pct", 95.5), ("1.234,5", "pct", 1234.5),
    ("1,234.5", "pct", 1234.5), (" 7 ", "pct", 7.0), ("-5%", "pct", -5.0),
    ("1.234", "count", 1234.0), ("1,234", "count", 1234.0), ("1.234.567", "count", 1234567.0),
    ("12", "days", 12.0), (3.0, "count", 3.0), ("có", "bool", 1.0), ("CO", "bool", 1.0), ("ko", "bool", 0.0),
    ("1", "bool", 1.0), (True, "bool", 1.0), ("250", "n", 250.0), ("", "pct", None), (None, "count", None),
])
def test_typed_values(typed, kind, value):
    assert read_value(typed, kind) == value


@pytest.mark.parametrize(("typed", "kind", "code"), [
    ("2,5", "count", "not_whole_number"), ("1.5", "days", "not_whole_number"), (2.5, "count", "not_whole_number"),
    ("1.23", "n", "not_whole_number"), ("95%", "count", "not_a_number"), ("abc", "pct", "not_a_number"),
    ("1,2.5", "pct", "not_a_number"), ("1.2.3", "pct", "not_a_number"), ("có thể", "bool", "not_yes_no"),
    (dt.datetime(2024, 2, 1), "count", "date_in_value"), (True, "pct", "not_a_number"),
])
def test_typed_values_that_cannot_be_trusted(typed, kind, code):
    with pytest.raises(Unreadable) as err:
        read_value(typed, kind)
    assert err.value.code == code


def test_percent_formatted_cells_and_cover_words():
    assert read_value(0.955, "pct", "0.0%") == 95.5
    assert read_value(95.5, "pct", "General") == 95.5
    assert [read_status(v) for v in ("Không áp dụng", "KAD", "n/a", " ")] == ["not_applicable"] * 3 + [None]
    assert [read_yes_no(v) for v in ("có", "Khong", None, 1)] == [True, False, False, True]
    assert [read_date(v) for v in ("20/11/2024", "2024-11-20", "20-11-2024", 45616, dt.datetime(2024, 11, 20))] \
        == [dt.date(2024, 11, 20)] * 5


def test_a_formula_counts_by_the_value_saved_with_it(run, fw, reg, tmp_path):
    wb = make_corpus.filled_template(fw, reg, unit="540")
    wb["LV1"]["G7"] = "=45/50*100"
    path = _save(wb, tmp_path, "mau-bao-cao_2024_540.xlsx")
    # as Excel or LibreOffice would save it: the formula with its computed value
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = next(n for n, d in parts.items() if b"i1_subunits_plan_pct" in d and n.startswith("xl/worksheets"))
    parts[sheet] = re.sub(rb"(<c r=\"G7\"[^>]*><f>45/50\*100</f>)<v\s*/?>(</v>)?", rb"\1<v>90</v>", parts[sheet])
    with zipfile.ZipFile(path, "w") as z:
        for n, d in parts.items():
            z.writestr(n, d)
    result = intake([path], run, tmp_path / "out")
    assert result.ok, result.describe("en")
    assert result.observations.set_index("indicator_id").at["i1_subunits_plan_pct", "value"] == 90.0


def test_rewording_the_template_texts_later_does_not_refuse_templates_already_sent(run, fw, reg, tmp_path,
                                                                                   monkeypatch):
    path = _save(make_corpus.filled_template(fw, reg, unit="540"), tmp_path, "mau-bao-cao_2024_540.xlsx")
    monkeypatch.setitem(CATALOG.texts["vi"], "template.col.measure", "Nội dung chỉ tiêu")
    monkeypatch.setitem(CATALOG.texts["en"], "template.col.measure", "Measure")
    monkeypatch.setitem(CATALOG.texts["vi"], "template.cover.contact", "Số điện thoại")
    monkeypatch.setitem(CATALOG.texts["en"], "template.cover.contact", "Phone")
    assert intake([path], run, tmp_path / "out").ok


# ---------------------------------------------------------------- one report per unit, corrections
def test_a_correction_replaces_the_original_and_both_are_recorded(run, fw, reg, tmp_path):
    original = make_corpus.filled_template(fw, reg, unit="540", received=dt.date(2024, 11, 20))
    corrected = make_corpus.filled_template(fw, reg, unit="540", received=dt.date(2024, 11, 28), correction=True)
    corrected["LV1"]["G7"] = 99.0
    files = [_save(original, tmp_path / "in", "goc.xlsx"), _save(corrected, tmp_path / "in", "sua.xlsx")]
    result = intake(files, run, tmp_path / "out")
    assert result.ok, result.describe("en")
    assert result.observations.set_index("indicator_id").at["i1_subunits_plan_pct", "value"] == 99.0
    assert result.observations["source"].str.startswith("[sua.xlsx]").all()
    assert result.submissions[["received", "correction"]].values.tolist() == [["2024-11-20", False],
                                                                             ["2024-11-28", True]]
    assert result.files.set_index("file")["state"].to_dict() == {"goc.xlsx": "replaced", "sua.xlsx": "accepted"}
    row = result.compliance.set_index("unit_code").loc["540"]
    assert row["received"] == "2024-11-20" and row["on_time"]  # a later correction does not make it late
    assert len(list((tmp_path / "out" / "raw").iterdir())) == 2


def test_two_originals_for_one_unit_are_refused(run, fw, reg, tmp_path):
    files = [_save(make_corpus.filled_template(fw, reg, unit="540"), tmp_path, n) for n in ("a.xlsx", "b.xlsx")]
    result = intake(files, run, tmp_path / "out")
    assert not result.ok
    assert result.problems[["file", "code", "unit"]].values.tolist() == [["a.xlsx", "duplicate_unit", "540"],
                                                                        ["b.xlsx", "duplicate_unit", "540"]]
    assert "b.xlsx" in result.problems.loc[0, "message_vi"]


def test_two_corrections_of_the_same_day_are_refused(run, fw, reg, tmp_path):
    files = [_save(make_corpus.filled_template(fw, reg, unit="540", correction=True), tmp_path, n)
             for n in ("a.xlsx", "b.xlsx")]
    result = intake(files, run, tmp_path / "out")
    assert result.problems["code"].tolist() == ["duplicate_correction", "duplicate_correction"]


# ---------------------------------------------------------------- located refusals: the malformed corpus
@pytest.fixture(scope="module")
def corpus_result(run, tmp_path_factory):
    """One intake of the whole corpus folder: every file's problems, located."""
    return intake([CORPUS], run, tmp_path_factory.mktemp("corpus") / "out")


def test_the_corpus_holds_at_least_25_malformed_files():
    assert len(EXPECTED) >= 25
    assert sorted(p.name for p in CORPUS.iterdir() if p.suffix in (".xlsx", ".xls")) == \
        sorted(e["file"] for e in EXPECTED)


@pytest.mark.parametrize("case", EXPECTED, ids=[e["file"] for e in EXPECTED])
def test_each_malformed_file_gives_its_located_error(corpus_result, case):
    mine = corpus_result.problems[corpus_result.problems["file"] == case["file"]]
    first = mine.iloc[0]
    assert (first["code"], first["sheet"] or "", first["cell"] or "") == (case["code"], case["sheet"], case["cell"])
    assert len(mine) == int(case["count"])
    assert first["message_vi"] and first["message_en"] and first["message_vi"] != first["message_en"]


def test_the_corpus_intake_writes_no_table_and_a_full_report(corpus_result):
    out = corpus_result.report[0].parent
    assert not corpus_result.ok and corpus_result.written == ()
    assert sorted(p.name for p in out.iterdir()) == [f"validation_{YEAR}.html", f"validation_{YEAR}.xlsx"]
    report = openpyxl.load_workbook(corpus_result.report[0])
    assert report.sheetnames == ["Tóm tắt", "Lỗi", "Cần xác minh", "Tệp", "Nộp báo cáo"]
    header = [c.value for c in report["Lỗi"][4]]
    assert header[:3] == ["Tệp / File", "Trang tính / Sheet", "Ô / Cell"]
    assert report["Lỗi"].max_row == 4 + len(corpus_result.problems)
    page = corpus_result.report[1].read_text(encoding="utf-8")
    assert "Chưa nhận được báo cáo / Not received" in page  # nobody expected has sent a usable file


def test_the_corpus_script_is_deterministic(fw, reg):
    # (the committed files embed the framework's sha256: an edit of the framework file changes their bytes, not
    # what they test, so they are compared with themselves here and checked by meaning above)
    for case in make_corpus.cases(fw)[4:10]:
        assert case.make(fw, reg) == case.make(fw, reg), case.name


# ---------------------------------------------------------------- safety and the command line
def test_file_names_cannot_inject_formulas_or_escape_the_folder(run, tmp_path):
    (tmp_path / "in").mkdir()
    evil = tmp_path / "in" / "=HYPERLINK(1)..xlsx"
    evil.write_bytes((CORPUS / "03_foreign_workbook.xlsx").read_bytes())
    result = intake([evil], run, tmp_path / "out")
    sheet = openpyxl.load_workbook(result.report[0])["Lỗi"]
    assert sheet["A5"].value == "'=HYPERLINK(1)..xlsx" and sheet["A5"].data_type == "s"
    assert "<td>=HYPERLINK(1)..xlsx</td>" not in result.report[1].read_text(encoding="utf-8")

    class Read:  # what raw_name sees of an accepted file
        path, sha256 = Path("../../Báo cáo (sửa) ..xlsx"), "ab" * 32
    assert raw_name(Read) == "abababababab_Bao_cao_sua_.xlsx"


def test_missing_paths_and_empty_folders_are_said(run, tmp_path):
    (tmp_path / "empty").mkdir()
    assert intake([tmp_path / "empty"], run, tmp_path / "out").problems["code"].tolist() == ["no_files"]
    assert intake([tmp_path / "nope"], run, tmp_path / "out").problems["code"].tolist() == ["path_not_found"]


def test_cli_intake_exit_code_and_bilingual_summary(run, fw, reg, tmp_path, capsys):
    good = _save(make_corpus.filled_template(fw, reg, unit="SNV"), tmp_path, "mau-bao-cao_2024_SNV.xlsx")
    assert main(["intake", str(good), "--year", str(YEAR), "--out", str(tmp_path / "out")]) == 0
    text = capsys.readouterr().out
    assert "Đã nhận số liệu năm 2024" in text and "Chưa nhận được báo cáo của 18/19 đơn vị" in text
    bad = CORPUS / "20_pct_over_100.xlsx"
    assert main(["--lang", "en", "intake", str(bad), "--year", str(YEAR), "--out", str(tmp_path / "out")]) == 1
    text = capsys.readouterr().out
    assert "at LV1!G7" in text and "[pct_out_of_range]" in text and "Validation report" in text


def test_every_problem_code_of_the_intake_has_a_message():
    package = ROOT / "danvan_eval"
    sources = "".join((package / f).read_text(encoding="utf-8") for f in ("intake/read.py", "intake/values.py"))
    codes = set(re.findall(r'(?:\.add|Unreadable|_loose)\(\s*"([a-z0-9_]+)"', sources))
    assert len(codes) >= 25
    assert not sorted(c for c in codes if f"problem.{c}" not in CATALOG)


# ---------------------------------------------------------------- the units' own words
def test_free_text_typed_in_a_template_reaches_the_right_section_of_the_report(run, fw, reg, tmp_path):
    import dataclasses

    from docx import Document

    from danvan_eval.reports.annual import write_reports
    from danvan_eval.reports.runner import score_year

    wb = make_corpus.filled_template(fw, reg, unit="542")
    rows = tpl.free_rows()
    assert wb[tpl.FREE_SHEET][f"A{rows['difficulties']}"].value == "Khó khăn, vướng mắc, tồn tại, hạn chế"
    wb[tpl.FREE_SHEET][f"B{rows['highlights']}"] = "100% thôn, làng có tổ hòa giải\nhoạt động hiệu quả"
    wb[tpl.FREE_SHEET][f"B{rows['difficulties']}"] = "Thiếu cán bộ người Ba Na làm công tác dân vận"
    wb[tpl.FREE_SHEET][f"B{rows['proposals']}"] = "=Đề nghị tăng kinh phí tập huấn"  # a formula-like text stays text
    result = intake([_save(wb, tmp_path / "in", "mau-bao-cao_2024_542.xlsx")], run, tmp_path / "out")
    assert result.ok
    table = pd.read_csv(tmp_path / "out" / f"free_text_{YEAR}.csv", dtype=str, encoding="utf-8-sig")
    assert table[["unit_code", "field"]].values.tolist() == [["542", "highlights"], ["542", "difficulties"],
                                                             ["542", "proposals"]]
    # the table is an input of the run (hashed in the manifest), compiled into sections III and IV of the .docx
    mine = dataclasses.replace(run, free_text={YEAR: tmp_path / "out" / f"free_text_{YEAR}.csv"})
    folder = score_year(mine, tmp_path / "outputs")
    manifest = (folder / "manifest.json").read_text(encoding="utf-8")
    assert f"free_text_{YEAR}" in manifest
    province, ministry = write_reports(tmp_path / "outputs", YEAR)
    paragraphs = [p.text for p in Document(str(province)).paragraphs]
    headings = [i for i, t in enumerate(paragraphs) if re.match(r"\d\. [A-ZĐƯ]", t)]

    def section(text: str) -> str:  # the numbered heading above the paragraph
        k = paragraphs.index(text)
        return paragraphs[max(i for i in headings if i < k)]

    line = "- Huyện An Lão: 100% thôn, làng có tổ hòa giải hoạt động hiệu quả"
    assert section(line) == "1. Ưu điểm"
    assert section("- Huyện An Lão: Thiếu cán bộ người Ba Na làm công tác dân vận") == \
        "2. Tồn tại, hạn chế và nguyên nhân"
    assert section("- Huyện An Lão: =Đề nghị tăng kinh phí tập huấn") == "2. Đề xuất, kiến nghị"
    assert line in [p.text for p in Document(str(ministry)).paragraphs]


def test_a_free_text_too_long_is_refused_at_its_cell(run, fw, reg, tmp_path):
    wb = make_corpus.filled_template(fw, reg, unit="542")
    cell = f"B{tpl.free_rows()['causes']}"
    wb[tpl.FREE_SHEET][cell] = "x" * 4001
    result = intake([_save(wb, tmp_path / "in", "mau-bao-cao_2024_542.xlsx")], run, tmp_path / "out")
    assert not result.ok
    found = result.problems[result.problems["code"] == "free_text_length"].iloc[0]
    assert (found["sheet"], found["cell"]) == (tpl.FREE_SHEET, cell)
    assert "4001" in found["message_vi"] and "4001" in found["message_en"]
