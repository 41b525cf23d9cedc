"""Registry figures that are unknown or estimates: named in the run's output and manifest, never invented."""

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml
from docx import Document

from danvan_eval.cli import main
from danvan_eval.dashboard.data import load_year
from danvan_eval.dashboard.site import year_payload
from danvan_eval.errors import RegistryError
from danvan_eval.evaluation.registry_figures import describe, registry_figures
from danvan_eval.evaluation.year import load_inputs, score_run
from danvan_eval.model.runs import load_run
from danvan_eval.model.units import load_registry
from danvan_eval.outputs import read_csv
from danvan_eval.reports.annual import write_report
from danvan_eval.reports.runner import RunSummary, run_year, supply_path

ROOT = Path(__file__).resolve().parent.parent
SET_ASIDE = "i3_exemplars_commended;i4_backlog_cases"  # the two per-10,000-inhabitant indicators of dv33-2022.2
ESTIMATE_SOURCE = "Ước tính của Sở Nội vụ (thử nghiệm) / Department's estimate (test)"


def project(folder: Path, supplements: list[dict], draws: int = 0) -> Path:
    """A project tree under ``folder``: Bình Định's registry with An Lão's (542) population unknown, a supplements
    file, and the 2024 run file on the demo data; returns the run file."""
    units = folder / "parameters" / "units"
    runs = folder / "parameters" / "runs"
    units.mkdir(parents=True)
    runs.mkdir(parents=True)
    raw = yaml.safe_load((ROOT / "parameters" / "units" / "binh-dinh.yaml").read_text(encoding="utf-8"))
    for u in raw["units"]:
        if u["code"] == "542":
            u["population"] = {"value": None, "status": "unknown", "source": "chưa tìm được / not found (test)"}
    raw["supplements"] = "units-supplements.yaml"
    (units / "units.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (units / "units-supplements.yaml").write_text(
        yaml.safe_dump({"supplements": supplements}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    run = yaml.safe_load((ROOT / "parameters" / "runs" / "2024.yaml").read_text(encoding="utf-8"))
    run.update(framework=str(ROOT / run["framework"]), units="parameters/units/units.yaml",
               observations={y: str(ROOT / p) for y, p in run["observations"].items()},
               submissions={y: str(ROOT / p) for y, p in run["submissions"].items()},
               free_text={y: str(ROOT / p) for y, p in run.get("free_text", {}).items()},
               uncertainty={**run["uncertainty"], "draws": draws, "sensitivity_draws": 0})
    run.pop("appraisal", None)
    (runs / "2024.yaml").write_text(yaml.safe_dump(run, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return runs / "2024.yaml"


ESTIMATE = {"code": "546", "attribute": "population", "from": "2024-01-01", "value": 31000, "status": "estimate",
            "source": ESTIMATE_SOURCE}


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    run = load_run(project(tmp_path_factory.mktemp("figures"), [ESTIMATE]))
    return score_run(run, load_inputs(run))


def test_the_table_names_the_unknown_and_the_estimated_figures_and_what_they_did(scored):
    table = registry_figures(scored.evaluation).set_index("unit_code")
    assert list(table.index) == ["542", "546"]
    an_lao, vinh_thanh = table.loc["542"], table.loc["546"]
    assert (an_lao["attribute"], an_lao["status"]) == ("population", "unknown") and pd.isna(an_lao["value"])
    assert an_lao["indicators"] == SET_ASIDE and an_lao["composite_scored"]  # a3 rests on its other indicators
    assert (vinh_thanh["status"], vinh_thanh["value"], vinh_thanh["source"]) == ("estimate", 31000, ESTIMATE_SOURCE)
    # the indicators scored on the estimate are those per 10,000 inhabitants that Vĩnh Thạnh reported
    ind = scored.evaluation.of_year("indicators").set_index(["unit_code", "indicator_id"])
    used = vinh_thanh["indicators"].split(";")
    assert used and set(used) <= set(SET_ASIDE.split(";"))
    assert (ind.loc[[("546", i) for i in used], "status"] == "reported").all()


def test_a_year_with_official_figures_only_names_nothing(run):
    scored = score_run(run)
    assert "registry_figures" not in scored.tables
    assert describe(None) == [] and registry_figures(scored.evaluation).empty


def test_score_names_the_units_in_its_output_in_both_languages_and_in_the_manifest(tmp_path, capsys):
    run = project(tmp_path, [ESTIMATE])
    assert main(["score", "--year", "2024", "--run", str(run), "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    vi, en = out.split("⚠ No official figure in the registry for 1 unit(s) (population)")
    assert "⚠ 1 đơn vị chưa có số liệu chính thức trong danh mục (dân số)" in vi
    assert ("542 Huyện An Lão — dân số chưa rõ: 2 chỉ tiêu không chấm điểm (i3_exemplars_commended, "
            "i4_backlog_cases); điểm tổng hợp: vẫn tính được trên các chỉ tiêu còn lại") in vi
    assert f"546 Huyện Vĩnh Thạnh — dân số = 31.000 (ước tính; nguồn: {ESTIMATE_SOURCE})" in vi
    assert "Bổ sung số liệu kèm nguồn tại parameters/units/units-supplements.yaml" in vi
    assert "542 Huyện An Lão — population unknown: 2 indicators not scored" in en
    assert "546 Huyện Vĩnh Thạnh — population = 31,000 (estimate; source:" in en
    folder = tmp_path / "out" / "2024"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    entries = {e["unit"]: e for e in manifest["registry_figures"]}
    assert entries["542"] == {"unit": "542", "name": "Huyện An Lão", "attribute": "population", "status": "unknown",
                              "value": None, "source": "chưa tìm được / not found (test)",
                              "indicators": SET_ASIDE.split(";"), "composite_scored": True}
    assert entries["546"]["status"] == "estimate" and entries["546"]["value"] == 31000
    assert manifest["inputs"]["units_supplements"]["path"] == "parameters/units/units-supplements.yaml"
    table = read_csv(folder / "registry_figures.csv")
    assert list(table["unit_code"]) == ["542", "546"] and list(table["status"]) == ["unknown", "estimate"]
    assert main(["--lang", "en", "score", "--year", "2024", "--run", str(run), "--out", str(tmp_path / "out")]) == 0
    english = capsys.readouterr().out
    assert "542 Huyện An Lão — population unknown" in english and "dân số chưa rõ" not in english


def test_a_supplied_official_figure_lifts_the_unknown(tmp_path, capsys):
    official = {"code": "542", "attribute": "population", "from": "2024-01-01", "value": 28000,
                "source": "Niên giám thống kê (thử nghiệm) / statistical yearbook (test)"}
    run = project(tmp_path, [official])
    assert main(["score", "--year", "2024", "--run", str(run), "--out", str(tmp_path / "out")]) == 0
    assert "542" not in capsys.readouterr().out.split("scored 2024")[1]
    manifest = json.loads((tmp_path / "out" / "2024" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["registry_figures"] == [] and not (tmp_path / "out" / "2024" / "registry_figures.csv").exists()


def test_the_run_summary_names_the_units(scored):
    figures = scored.tables["registry_figures"]
    summary = RunSummary(2024, Path("outputs/2024"), [], [], [], 1.0, figures=figures, supply=supply_path(scored.run))
    text = summary.describe("vi")
    assert "542 Huyện An Lão — dân số chưa rõ: 2 chỉ tiêu không chấm điểm" in text
    assert "tại parameters/units/units-supplements.yaml" in text
    assert "546 Huyện Vĩnh Thạnh — population = 31,000 (estimate" in summary.describe("en")


def test_the_reports_say_which_figure_is_unknown_and_which_is_an_estimate(tmp_path):
    """A real run of two units: each unit's report, the province report and the run summary name them."""
    summary = run_year(load_run(project(tmp_path / "p", [ESTIMATE])), tmp_path / "out", units=["542", "546"], jobs=2)
    assert summary.failed == []
    assert "542 Huyện An Lão — dân số chưa rõ: 2 chỉ tiêu không chấm điểm" in summary.describe("vi")
    folder = tmp_path / "out" / "2024"
    an_lao = (folder / "units" / "542.html").read_text(encoding="utf-8")
    assert "Số liệu danh mục chưa rõ hoặc ước tính" in an_lao
    assert "Dân số của đơn vị chưa có số liệu chính thức" in an_lao and "chưa tìm được / not found (test)" in an_lao
    assert "2 chỉ tiêu tính theo dân số không được chấm điểm" in an_lao and "(i4_backlog_cases)" in an_lao
    assert an_lao.count("Chưa có mẫu số (dân số chưa rõ)") == 2  # the two indicators' status in the table
    vinh_thanh = (folder / "units" / "546.html").read_text(encoding="utf-8")
    assert "Dân số 31.000 là số ước tính" in vinh_thanh and ESTIMATE_SOURCE in vinh_thanh
    assert vinh_thanh.count("10.000 dân (ước tính)") == 2  # the denominators computed on the estimate
    assert "chưa có số liệu chính thức" not in vinh_thanh
    province = (folder / "province.html").read_text(encoding="utf-8")
    assert "Số liệu danh mục chưa rõ hoặc ước tính" in province
    assert "1 đơn vị chưa có số liệu chính thức trong danh mục" in province
    assert "Huyện An Lão (542)" in province and "Huyện Vĩnh Thạnh (546)" in province
    assert "Chưa rõ" in province and "Ước tính" in province
    # the reviewers' page: the sentences in the unit's profile, the estimate beside the indicators' status
    payload = year_payload(load_year(tmp_path / "out", 2024), "vi")
    units = {u["code"]: u for u in payload["units"]}
    unknown = "Dân số chưa có số liệu chính thức: 2 chỉ tiêu không được chấm điểm (không tự đặt số)."
    estimate = f"Dân số 31.000 là số ước tính (nguồn: {ESTIMATE_SOURCE}): 2 chỉ tiêu được tính trên số ước tính này."
    assert units["542"]["figures"] == [unknown] and units["546"]["figures"] == [estimate]
    assert units["540"]["figures"] == []
    ids = [i["id"] for i in payload["indicators"]]
    cell = payload["values"]["546"][ids.index("i4_backlog_cases")]
    assert cell[2] == "Đã báo cáo (ước tính)" and cell[3] == "reported"
    assert payload["values"]["542"][ids.index("i4_backlog_cases")][3] == "unknown_denominator"
    # the Department's draft: named among the difficulties, marked in the tables of results
    doc = Document(str(write_report(tmp_path / "out", 2024)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert ("1 đơn vị chưa có số liệu chính thức về dân số trong danh mục đơn vị (không tự đặt số), nên các chỉ tiêu"
            " tính theo dân số của các đơn vị này không được chấm điểm: huyện An Lão.") in text
    assert "1 đơn vị được đánh giá trên số liệu dân số ước tính" in text and "huyện Vĩnh Thạnh (31.000, ước tính)" in text
    cells = {c.text for t in doc.tables for r in t.rows for c in r.cells}
    assert {"Huyện An Lão (*)", "Huyện Vĩnh Thạnh (*)"} <= cells and "Huyện Tây Sơn" in cells


def test_a_bad_supplements_file_is_refused_with_every_problem_located(tmp_path, capsys):
    bad = [
        {"code": "999", "attribute": "population", "from": "2024-01-01", "value": 1, "source": "x"},
        {"code": "546", "attribute": "area", "from": "2024-01-01", "value": 1, "source": "x"},
        {"code": "546", "attribute": "population", "from": "2024-01-01", "value": 31000},  # no source
        {"code": "543", "attribute": "population", "from": "01/01/2024", "value": -5, "source": "x"},
        {"code": "544", "attribute": "population", "from": "2024-01-01", "value": None, "source": "x"},
        {"code": "545", "attribute": "population", "from": "2024-01-01", "value": 9, "status": "guess",
         "source": "x", "by": "me"},
        {"code": "547", "attribute": "population", "from": "2024-01-01", "value": 8, "source": "x"},  # line 33
        {"code": "547", "attribute": "population", "from": "2024-01-01", "value": 9, "source": "y"},
    ]
    run = project(tmp_path, bad)
    assert main(["score", "--year", "2024", "--run", str(run), "--out", str(tmp_path / "out")]) == 1
    captured = capsys.readouterr()
    err = captured.err
    assert "Traceback" not in err + captured.out and not (tmp_path / "out" / "2024").exists()
    assert "Danh mục đơn vị không hợp lệ" in err and "Invalid registry of units" in err
    assert err.count("units-supplements.yaml") >= 8
    expected = {  # line of the key at fault → (Vietnamese, English) fragments of its problem
        2: ("Mã đơn vị “999” không có trong danh mục", "999"),
        8: ("Thuộc tính “area” không bổ sung được", "area"),
        12: ("Thiếu khóa bắt buộc “source”", "source"),
        18: ("phải là ngày dạng YYYY-MM-DD", "01/01/2024"),
        19: ("không được âm", "-5"),
        24: ("không được tự đặt ra con số", "null"),
        30: ("Tình trạng “guess”", "guess"),
        32: ("Khóa không hợp lệ “by”", "by"),
        38: ("đã được bổ sung ở dòng 33", "already supplied at line 33"),
    }
    with pytest.raises(RegistryError) as info:
        load_registry(run.parent.parent / "units" / "units.yaml")
    p = info.value.problems
    assert set(p["file"].map(lambda f: Path(f).name)) == {"units-supplements.yaml"}
    for line, (vi, en) in expected.items():
        mine = p[p["row"] == line]
        assert mine["message_vi"].str.contains(vi, regex=False).any(), (line, list(mine["message_vi"]))
        assert (mine["message_vi"] + mine["message_en"]).str.contains(en, regex=False).any(), line
    assert len(p) == len(expected) and p["cell"].str.startswith("supplements[").all()
    assert p["message_en"].str.len().gt(0).all() and p["message_vi"].str.len().gt(0).all()


def test_the_2026_demo_names_the_14_communes_and_wards_whose_population_is_unknown():
    """Gia Lai's registry leaves 14 populations unknown: every one is named, with its per-inhabitant indicators set
    aside (never scored 0), the indicators most of them share named once."""
    from dataclasses import replace

    from danvan_eval.model.runs import default_run_path

    run = load_run(default_run_path(2026, ROOT))
    scored = score_run(replace(run, uncertainty={"draws": 0}))
    table = scored.tables["registry_figures"]
    assert set(table["unit_code"]) == {"21859", "21970", "21820", "21697", "21994", "21622", "23911", "23954",
                                       "23995", "23833", "24044", "24065", "23683", "23737"}
    assert (table["status"] == "unknown").all() and table["value"].isna().all()
    ind = scored.evaluation.of_year("indicators")
    aside = ind[ind["status"] == "unknown_denominator"]
    assert set(aside["unit_code"]) == set(table["unit_code"]) and aside["score"].isna().all()
    for r in table.itertuples():  # the table names exactly the indicators set aside
        assert set(r.indicators.split(";")) == set(aside.loc[aside["unit_code"] == r.unit_code, "indicator_id"])
    lines = describe(table, "vi", "parameters/units/gia-lai-supplements.yaml")
    assert lines[0].startswith("⚠ 14 đơn vị chưa có số liệu chính thức trong danh mục (dân số)")
    assert lines[1].startswith("   Các chỉ tiêu: ") and "i3_exemplars_commended" in lines[1]
    assert sum("(các chỉ tiêu trên)" in line for line in lines) >= 10
    assert any(line.startswith("   23737 Xã Ia Mơ — dân số chưa rõ:") for line in lines)
    assert lines[-1].endswith("parameters/units/gia-lai-supplements.yaml (README: Thêm một đơn vị).")
