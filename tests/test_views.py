"""What the report notebooks display, read once per process: the caches of ``views.load`` and
``continuity_views.read_continuity`` follow the files, every caller gets tables of its own, and a report's tables
show pandas' HTML with a plain text that holds every cell."""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from danvan_eval.model.runs import default_run_path, load_run
from danvan_eval.outputs import read_csv, write_csv
from danvan_eval.reports import continuity_views, views
from danvan_eval.reports.runner import score_year

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2024


@pytest.fixture(scope="module")
def scored(tmp_path_factory) -> Path:
    """The demo year 2024 scored once into a temporary outputs folder (copied by the tests that change it)."""
    root = tmp_path_factory.mktemp("outputs")
    score_year(load_run(default_run_path(YEAR, ROOT)), root)
    return root


@pytest.fixture
def outputs(scored, tmp_path) -> Path:
    shutil.copytree(scored, tmp_path / "outputs")
    return tmp_path / "outputs"


def rewrite(path: Path, change) -> None:
    """Write ``change(table)`` over the CSV at ``path``, with a later modification time."""
    before = path.stat().st_mtime_ns
    write_csv(change(read_csv(path)), path)
    os.utime(path, ns=(before + 10**9, before + 10**9))


def composite(data: views.ReportData, code: str) -> str:
    return views.key_figures(data, code).loc["Điểm tổng hợp"].iloc[0]


def test_a_year_is_read_once_and_again_when_its_files_change(outputs):
    first = views.load(outputs, YEAR, "")
    again = views.load(outputs, YEAR, "")
    assert again._memo is first._memo  # read once: what the unit report derives is shared
    assert again.scores.equals(first.scores) and again.scores is not first.scores
    rewrite(outputs / str(YEAR) / "scores.csv",
            lambda s: s.assign(composite=s["composite"].where(s["unit_code"] != "540", 12.25)))
    changed = views.load(outputs, YEAR, "")
    assert changed._memo is not first._memo
    assert composite(changed, "540") == "12,2" and composite(first, "540") != "12,2"


def test_each_load_gets_tables_of_its_own(outputs):
    first = views.load(outputs, YEAR, "")
    shown = composite(first, "540")
    first.scores.loc[first.scores["unit_code"] == "540", "composite"] = 1.0  # a caller changing its copy
    first.indicators.loc[:, "score"] = 0.0
    again = views.load(outputs, YEAR, "")
    assert again.indicators["score"].ne(0.0).any()
    assert composite(again, "540") == shown


def test_a_replaced_report_data_derives_from_its_own_tables(outputs):
    data = views.load(outputs, YEAR, "")
    assert composite(data, "540") != "12,2"  # derived once for the loaded tables
    other = dataclasses.replace(data, scores=data.scores.assign(
        composite=data.scores["composite"].where(data.scores["unit_code"] != "540", 12.25)))
    assert composite(other, "540") == "12,2" and composite(data, "540") != "12,2"


def test_the_unit_rows_of_a_table_are_those_a_filter_gives(outputs):
    data = views.load(outputs, YEAR, "")
    for code in ("540", "SNV", "no such unit"):
        mine = views._unit_rows(data, "indicators", code)
        assert mine.equals(data.indicators[data.indicators["unit_code"] == code])
    assert views._unit_rows(dataclasses.replace(data, trend=None), "trend", "540") is None


def test_continuity_is_read_once_and_again_when_a_file_changes(tmp_path):
    folder = tmp_path / "2026"
    tables = {
        "continuity_measures": pd.DataFrame({"measure": ["m"], "label_vi": ["Số buổi"], "label_en": ["Sessions"],
                                             "unit_vi": ["buổi"], "unit_en": ["sessions"], "kind": ["count"]}),
        "former_districts": pd.DataFrame({"unit_code": ["U1"], "unit_name": ["Xã U1"], "former_province_code": ["52"],
                                          "former_district_code": ["540"], "former_district_name": ["Huyện 540"],
                                          "former_district_codes": ["540"], "spans": [False]}),
        "continuity_districts": pd.DataFrame({"year": [2024], "territory": ["540"], "measure": ["m"], "value": [30.0],
                                              "n_units": [1], "n_reported": [1], "complete": [True]}),
        "continuity_province": pd.DataFrame({"year": [2024], "territory": ["540"], "measure": ["m"], "value": [30.0],
                                             "n_units": [1], "n_reported": [1], "complete": [True],
                                             "after_reform": [False]}),
    }
    for name, table in tables.items():
        write_csv(table, folder / f"{name}.csv")
    first = continuity_views.read_continuity(tmp_path, 2026)
    assert continuity_views.former_district_context(first, "U1")[1].loc["Số buổi (buổi)"].tolist() == ["30"]
    first["continuity_districts"].loc[0, "value"] = 99.0  # a caller changing its copy
    again = continuity_views.read_continuity(tmp_path, 2026)
    assert again["continuity_districts"].at[0, "value"] == 30.0
    rewrite(folder / "continuity_districts.csv", lambda t: t.assign(value=41.0))
    table = continuity_views.former_district_context(continuity_views.read_continuity(tmp_path, 2026), "U1")[1]
    assert table.loc["Số buổi (buổi)"].tolist() == ["41"]
    with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.max_colwidth", None):
        assert views.html(table) == pd.DataFrame(table)._repr_html_() and "<th>Chỉ tiêu</th>" in views.html(table)


def columns_at(line: str, cells: list[str]) -> list[int]:
    """Where each of ``cells`` starts in ``line``, read left to right."""
    out, pos = [], 0
    for cell in cells:
        out.append(line.index(cell, pos))
        pos = out[-1] + len(cell)
    return out


def test_a_report_table_shows_pandas_html_and_every_cell_as_plain_text(outputs):
    data = views.load(outputs, YEAR, "")
    table = views.indicator_table(data, "540")
    bundle = table._repr_mimebundle_()
    assert bundle["text/html"] == pd.DataFrame(table)._repr_html_() and "Chỉ tiêu" in bundle["text/html"]
    lines = bundle["text/plain"].splitlines()
    assert len(lines) == len(table) + 1
    starts = [columns_at(line, cells) for line, cells in zip(lines, [[table.columns.name, *table.columns],
                                                                      *([i, *r] for i, r in table.iterrows())])]
    assert starts[0][0] == 0 and all(s == starts[0] for s in starts)  # every cell, in aligned columns
    assert type(table[table.columns[:2]]) is pd.DataFrame  # what is computed from a table is a plain DataFrame


def test_the_html_of_every_unit_table_is_pandas_own(outputs):
    data = views.load(outputs, YEAR, "")
    for code in data.scores["unit_code"]:
        for lang in ("vi", "en"):
            for table in (views.key_figures(data, code, lang), views.area_table(data, code, lang),
                          views.indicator_table(data, code, lang), views.trend_table(data, code, lang),
                          views.compliance_table(data, code, lang), views.ranking_table(data, "district", lang)):
                assert views.html(table) == pd.DataFrame(table)._repr_html_(), (code, lang)


@pytest.mark.parametrize("table", [
    pd.DataFrame([["a&b <x>", " y  z   w "], ["t\tab\nnl\r", "\xa0q\xa0"]], index=["i&1", " i  2"],
                 columns=pd.Index(["c<1>", "c2"], name="T&T")),
    pd.DataFrame([["a"]], index=["i"], columns=["c"]),  # no title
    pd.DataFrame([["a", "b"]], index=pd.Index(["i"], name="named"), columns=["c", "d"]),  # two header rows
    pd.DataFrame([["a"]], index=pd.Index(["i"], name=""), columns=pd.Index(["c"], name="T")),
    pd.DataFrame([["a"]], index=pd.Index(["i"], name=1.5), columns=["c"]),  # pandas' own: a number
    pd.DataFrame([["a", float("nan")]], index=["i"], columns=["c", "d"]),  # pandas' own: not all text
    pd.DataFrame([["a"]], index=["i"], columns=pd.Index(["c"], name=0)),
    pd.DataFrame(index=pd.Index([], dtype=object), columns=["c"]),
])
def test_the_html_of_any_table_is_pandas_own(outputs, table):
    views.load(outputs, YEAR, "")  # the display options of a report
    assert views.html(table) == table._repr_html_()
    with pd.option_context("display.max_colwidth", 3, "display.show_dimensions", True):
        assert views.html(table) == table._repr_html_()
