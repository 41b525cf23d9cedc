"""Excel templates: one per unit, the framework's indicators for its kind, inputs unlocked and validated, markers."""

from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from danvan_eval.cli import main
from danvan_eval.errors import DanvanEvalError
from danvan_eval.intake import templates as tpl

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2024


@pytest.fixture(scope="module")
def district(fw, reg):
    return tpl.build_workbook(fw, reg, YEAR, "540")


def _validations(ws):
    """cell → DataValidation of a sheet."""
    return {str(ref): dv for dv in ws.data_validations.dataValidation for ref in dv.sqref.ranges}


def test_one_template_per_active_unit_named_by_year_and_code(run, reg, tmp_path):
    paths = tpl.write_templates(run, tmp_path, None)
    codes = sorted(reg.active(YEAR)["code"])
    assert [p.name for p in paths] == [f"mau-bao-cao_{YEAR}_{c}.xlsx" for c in codes]
    assert all(p.parent == tmp_path.resolve() for p in paths)


def test_the_cli_writes_one_unit_or_all(tmp_path, capsys):
    assert main(["template", "--year", str(YEAR), "--unit", "SNV", "--out", str(tmp_path)]) == 0
    assert capsys.readouterr().out.strip().endswith("mau-bao-cao_2024_SNV.xlsx")
    assert [p.name for p in tmp_path.iterdir()] == ["mau-bao-cao_2024_SNV.xlsx"]


@pytest.mark.parametrize("code", ["999", "../540", "540/../../x"])
def test_a_unit_not_expected_that_year_is_refused_bilingually(run, tmp_path, code):
    with pytest.raises(DanvanEvalError) as err:
        tpl.write_templates(run, tmp_path, [code])
    assert "Không có đơn vị mã" in str(err.value) and "No unit with code" in str(err.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("code", "kind"), [("540", "district"), ("SNV", "department")])
def test_rows_are_the_indicators_of_the_unit_kind_in_framework_order(fw, reg, code, kind):
    wb = tpl.build_workbook(fw, reg, YEAR, code)
    assert wb.sheetnames == ["Bìa", "LV1", "LV2", "LV3", "LV4", "LV5", "LV6", "Bổ trợ", "Nhận xét", "_danvan"]
    ids = [wb[s][f"B{r}"].value for s in tpl.data_sheets(fw) for r in range(tpl.FIRST_ROW, wb[s].max_row + 1)
           if wb[s][f"B{r}"].value]
    assert ids == [*fw.indicator_ids(kind), "d_dossiers_received"]
    assert ("i2_remote_sessions" in ids) == (kind == "district")  # remote areas: districts only
    spec = fw.indicators.loc["i4_satisfaction_pct"]
    row = next(r for r in range(5, 20) if wb["LV4"][f"B{r}"].value == "i4_satisfaction_pct")
    assert [wb["LV4"][f"{c}{row}"].value for c in "CEF"] == [spec["label_vi"], "%", spec["clause"]]
    assert spec["help_vi"] in wb["LV4"][f"D{row}"].value


def test_cover_names_the_unit_year_version_and_deadline(district, fw):
    cover = district["Bìa"]
    assert [cover[f"B{r}"].value for r in (4, 5, 6, 7, 8)] == ["540", "Thành phố Quy Nhơn", YEAR, fw.version,
                                                                "25/11/2024"]
    assert cover["A10"].value.startswith("Ngày gửi báo cáo")
    assert cover["B13"].value == "không"  # not a correction unless the unit says so


def test_only_input_cells_are_unlocked_and_everything_is_protected(district, fw):
    slots = {(s.sheet, s.row): s for s in tpl.layout(fw, "district")}
    for name in ["Bìa", *tpl.data_sheets(fw)]:
        ws = district[name]
        assert ws.protection.sheet and not ws.protection.password  # documented: no password
        for row in ws.iter_rows(min_row=1, max_row=ws.max_row):
            for c in row:
                col = get_column_letter(c.column)
                if name == "Bìa":
                    expected = col == "B" and c.row in (10, 11, 12, 13)
                else:
                    slot = slots.get((name, c.row))
                    expected = slot is not None and (
                        col in "GJ" or (col == "H" and slot.survey) or (col == "I" and slot.allow_na))
                assert (not c.protection.locked) == expected, (name, c.coordinate)
    assert district.security.lockStructure
    assert district["_danvan"].sheet_state == "veryHidden"


def test_input_cells_carry_data_validation(district, fw):
    lv1, lv4 = _validations(district["LV1"]), _validations(district["LV4"])
    assert lv1["G5"].type == "list" and lv1["G5"].formula1 == '"có,không"'  # i1_plan_issued
    assert (lv1["G6"].type, lv1["G6"].operator, lv1["G6"].formula1) == ("whole", "greaterThanOrEqual", "0")
    assert (lv1["G7"].type, lv1["G7"].formula1, lv1["G7"].formula2) == ("decimal", "0", "100")
    assert lv1["I9"].formula1 == '"không áp dụng"'  # i1_projects_danvan_pct allows N/A
    assert "I5" not in lv1  # i1_plan_issued does not
    assert (lv4["H7"].type, lv4["H7"].formula1) == ("whole", "1")  # sample size of the satisfaction survey
    assert all(dv.errorStyle == "stop" and dv.showErrorMessage for dv in lv1.values())
    cover = _validations(district["Bìa"])
    assert cover["B10"].type == "date" and cover["B13"].formula1 == '"có,không"'


def test_markers_identify_the_template_and_seal_themselves(district, fw):
    meta = {r[0]: r[1] for r in district["_danvan"].iter_rows(values_only=True)}
    assert meta["template_id"] == tpl.TEMPLATE_ID
    assert (meta["framework_version"], meta["framework_sha256"]) == (fw.version, fw.sha256)
    assert (meta["year"], meta["unit_code"], meta["unit_kind"]) == ("2024", "540", "district")
    assert meta["layout_sha256"] == tpl.layout_sha256(fw, "district") != tpl.layout_sha256(fw, "department")
    assert meta["marker_sha256"] == tpl.marker_sha256(meta)
    assert tpl.marker_sha256({**meta, "year": "2023"}) != meta["marker_sha256"]


def test_the_same_template_is_the_same_bytes(fw, reg, tmp_path):
    a = tpl.workbook_bytes(tpl.build_workbook(fw, reg, YEAR, "545"))
    b = tpl.workbook_bytes(tpl.build_workbook(fw, reg, YEAR, "545"))
    assert a == b
    assert tpl.save_workbook(tpl.build_workbook(fw, reg, YEAR, "545"), tmp_path / "x.xlsx").read_bytes() == a


def test_templates_written_together_are_the_bytes_of_each_unit_built_alone(run, fw, reg, tmp_path):
    # write_templates builds each kind of unit once and re-addresses it to the other units of that kind
    paths = tpl.write_templates(run, tmp_path, None)
    kinds = reg.active(YEAR).set_index("code")["kind"]
    assert kinds[[p.stem.rsplit("_", 1)[1] for p in paths]].value_counts().min() > 1  # re-addressed in every kind
    for path in paths:
        code = path.stem.rsplit("_", 1)[1]
        assert path.read_bytes() == tpl.workbook_bytes(tpl.build_workbook(fw, reg, YEAR, code)), code


def test_text_that_looks_like_a_formula_is_written_as_text(fw, reg, tmp_path):
    ind = fw.indicators.copy()
    ind.loc["i1_plan_issued", "label_vi"] = "=HYPERLINK(\"http://x\")"
    wb = tpl.build_workbook(replace(fw, indicators=ind), reg, YEAR, "540")
    cell = openpyxl.load_workbook(tpl.save_workbook(wb, tmp_path / "t.xlsx"))["LV1"]["C5"]
    assert cell.value == "'=HYPERLINK(\"http://x\")" and cell.data_type == "s"


def test_a_run_deadline_overrides_the_framework_deadline(fw, reg):
    import datetime as dt

    wb = tpl.build_workbook(fw, reg, YEAR, "540", deadline=dt.date(2024, 12, 2))
    assert wb["Bìa"]["B8"].value == "02/12/2024"
