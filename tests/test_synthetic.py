"""Outputs made from synthetic data say so everywhere: unit and province reports, the methodology audit, every
page of the .docx, both dashboards and the manifest; outputs made from real data carry no such mark.

The rendered HTML pages of a whole demo year are checked in tests/test_runner.py (the banner is in each); here
the same demo year is scored twice with few draws, once as it is (sources "demo") and once as if its data were
real (sources renamed, run file ``synthetic: false``), and every output is built from each.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from danvan_eval.dashboard.data import load_year
from danvan_eval.dashboard.site import year_payload
from danvan_eval.dashboard.widgets import Dashboard
from danvan_eval.evaluation import audit
from danvan_eval.messages import tr
from danvan_eval.model.runs import default_run_path, load_run
from danvan_eval.outputs import read_year
from danvan_eval.reports import annual, audit_plots, views
from danvan_eval.reports.runner import score_year

BANNER = {lang: tr("synthetic.banner", lang) for lang in ("vi", "en")}


def scored(base: Path, synthetic: bool) -> tuple[Path, Path]:
    """The demo year 2024 scored under ``base`` (50 draws, no Sobol); sources renamed when not ``synthetic``.
    Returns the outputs folder and the run file."""
    demo = load_run(default_run_path(2024))
    raw = yaml.safe_load(demo.path.read_text(encoding="utf-8"))
    data = base / "data"
    data.mkdir(parents=True)
    for key in ("observations", "submissions"):
        for year, rel in raw[key].items():
            table = pd.read_csv(demo.root / rel, dtype=str, keep_default_na=False)
            if not synthetic and "source" in table.columns:
                table["source"] = table["source"].replace("demo", "so-lieu-don-vi")
            target = data / Path(rel).name
            table.to_csv(target, index=False)
            raw[key][year] = str(target)
    def absolute(value):  # every other input path of the run file, wherever it is (framework, units, texts…)
        if isinstance(value, dict):
            return {k: absolute(v) for k, v in value.items()}
        if isinstance(value, str) and value and (demo.root / value).parent.is_dir() and "/" in value:
            return str(demo.root / value)
        return value

    raw = {k: v if k in ("observations", "submissions") else absolute(v) for k, v in raw.items()}
    raw["synthetic"] = synthetic
    raw["uncertainty"].update(draws=50, sensitivity_draws=0)
    run_file = base / "parameters" / "runs" / "2024.yaml"
    run_file.parent.mkdir(parents=True)
    run_file.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    out = base / "outputs"
    score_year(load_run(run_file), out)
    return out, run_file


@pytest.fixture(scope="module")
def both(tmp_path_factory) -> dict[bool, tuple[Path, Path]]:
    return {flag: scored(tmp_path_factory.mktemp(f"synthetic_{flag}"), flag) for flag in (True, False)}


def marks(outputs: Path, run_file: Path, lang: str) -> dict[str, bool]:
    """Output → whether it carries the synthetic mark."""
    data = views.load(outputs, 2024, run_file)
    code = str(data.scores["unit_code"].iloc[0])
    doc = annual.build_document(annual.load_data(outputs, 2024))
    footers = [p.text for s in doc.sections for f in (s.footer, s.first_page_footer) for p in f.paragraphs]
    widgets = Dashboard.from_folder(outputs)
    return {
        "manifest": read_year(outputs, 2024).manifest["synthetic"] is True,
        "unit report": BANNER[lang] in views.unit_heading(data, code, lang).data,
        "province report": BANNER[lang] in views.province_heading(data, lang).data,
        "audit": BANNER[lang] in audit_plots.heading(audit.audit_data(2024, outputs), lang).data,
        "docx, every page": bool(footers) and all(tr("synthetic.mark") in t for t in footers),
        "dashboard page data": year_payload(load_year(outputs, 2024), lang)["synthetic"] is True,
        "dashboard widgets": BANNER["vi"] in widgets.notice.value,
    }


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_output_of_the_demo_year_is_marked_synthetic(both, lang):
    outputs, run_file = both[True]
    found = marks(outputs, run_file, lang)
    assert all(found.values()), found


def test_outputs_of_real_data_carry_no_mark(both):
    outputs, run_file = both[False]
    found = marks(outputs, run_file, "vi")
    assert not any(found.values()), found
    doc = annual.build_document(annual.load_data(outputs, 2024))
    assert all(not p.text for s in doc.sections for p in s.footer.paragraphs + s.first_page_footer.paragraphs)
