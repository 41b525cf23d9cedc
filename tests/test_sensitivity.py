"""Which choice drives the ranks: Sobol estimators on a model with a known answer, removal of one code against
the slow path, coherence against COINr, the yearly tables, and the audit notebook reading them back without
scoring."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd
import pytest

from danvan_eval.engine import coin as C
from danvan_eval.engine import sensitivity
from danvan_eval.engine import uncertainty as unc
from danvan_eval.errors import DanvanEvalError
from danvan_eval.evaluation import audit, compliance
from danvan_eval.evaluation import uncertainty as evu
from danvan_eval.evaluation.scoring import score
from danvan_eval.evaluation.year import load_inputs, tables
from danvan_eval.formatting import number
from danvan_eval.model.runs import default_run_path, load_run
from danvan_eval.outputs import write_csv

FIX = Path(__file__).parent / "fixtures" / "coinr_asem"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def case_b() -> C.Coin:
    coin = C.read_coinr(FIX / "input_ASEM_iData.csv", FIX / "input_ASEM_iMeta.csv")
    return C.aggregate(C.normalise(coin, method="minmax"))


# ---------------------------------------------------------------- Sobol indices
def test_sobol_indices_of_an_additive_model():
    """Y = a·X1 + b·X2 (+ 0·X3), independent normal inputs: S_i = ST_i = a_i² σ_i² / Σ a_j² σ_j²."""
    a, sd = np.array([2.0, 1.0, 0.0]), np.array([1.0, 1.5, 3.0])
    n = 20_000
    rng = np.random.default_rng(12)
    xa, xb = rng.normal(0, sd, (n, 3)), rng.normal(0, sd, (n, 3))
    xab = np.stack([np.where(np.arange(3) == i, xb, xa) for i in range(3)])
    result = sensitivity.sobol_indices(xa @ a, xb @ a, xab @ a, ["x1", "x2", "x3"], n_boot=100, seed=1)
    truth = a**2 * sd**2 / np.sum(a**2 * sd**2)  # 0.64, 0.36, 0
    np.testing.assert_allclose(result["S1"], truth, atol=0.03)
    np.testing.assert_allclose(result["ST"], truth, atol=0.03)
    assert result.loc[2, ["S1", "ST", "S1_p05", "S1_p95", "ST_p05", "ST_p95"]].tolist() == [0.0] * 6
    assert (result["ST_p05"] <= result["ST"]).all() and (result["ST"] <= result["ST_p95"]).all()


def test_a_factor_that_changes_nothing_has_zero_indices(case_b):
    spec = {
        "weights": unc.UniformWeights({2: 0.5, 3: 0.5}),
        "dummy": unc.Alternatives("normalise", {"a": {"method": "minmax"}, "b": {"method": "minmax"}}),
        "aggregation": unc.Alternatives("aggregate", {"a": {"method": "amean"}, "g": {"method": "gmean"}}),
    }
    result = sensitivity.sensitivity(case_b, spec, n=100, seed=3, n_boot=50)
    assert len(result.design) == 100 * (3 + 2)
    assert list(result.design["design"].unique()) == ["A", "B", "AB:weights", "AB:dummy", "AB:aggregation"]
    dummy = result.indices.set_index("factor").loc["dummy"]
    assert dummy.tolist() == [0.0] * 6
    assert (result.indices["ST"] >= 0).all()


# ---------------------------------------------------------------- removing one code
@pytest.mark.parametrize("code", ["LPI", "Political", "Sust"])
def test_removal_equals_rebuilding_without_the_code(case_b, code):
    impact = sensitivity.removal_impact(case_b, codes=[code])
    meta = case_b.meta
    gone = [k for k in case_b.indicators if code in sensitivity._lineage(meta, k)]
    raw = case_b["Raw"].copy()
    raw[gone] = np.nan
    na = pd.DataFrame(False, index=raw.index, columns=case_b.indicators)
    na[gone] = True
    with np.errstate(invalid="ignore"):
        slow = C.regen(replace(case_b, data=MappingProxyType({"Raw": raw}), not_applicable=na))
    expected = slow["Aggregated"]["Index"].rank(method="min", ascending=False)
    np.testing.assert_array_equal(impact["rank_without"].to_numpy(), expected.to_numpy())
    nominal = case_b["Aggregated"]["Index"].rank(method="min", ascending=False)
    np.testing.assert_array_equal(impact["shift"].to_numpy(), (nominal - expected).to_numpy())


# ---------------------------------------------------------------- coherence
def test_coherence_of_case_a_equals_coinr_alpha():
    """COINr's own aggregated data set: Cronbach's alpha of each pillar and indicator–pillar correlations."""
    data = pd.read_csv(FIX / "caseA_default_Aggregated.csv").set_index("uCode")
    meta = C.read_coinr(FIX / "input_ASEM_iData.csv", FIX / "input_ASEM_iMeta.csv").meta
    inds = list(meta.index[meta["level"] == 1])
    c = C.new_coin(data[inds], meta)
    c = c.with_data("Aggregated", data, C.Step("aggregate", "Raw", MappingProxyType({})))
    areas, ind = sensitivity.coherence(c)
    alpha = pd.read_csv(FIX / "caseA_cronbach_alpha.csv").set_index("Aggregate")["alpha_Normalised_children"]
    np.testing.assert_allclose(areas.set_index("area")["alpha"], alpha[areas["area"]], atol=1e-9)
    coinr = pd.read_csv(FIX / "caseA_corr_ind_vs_pillar_pearson.csv").dropna()
    mine = ind.set_index(["area", "indicator"])["r_area"]
    own = coinr[[(a, i) in mine.index for a, i in zip(coinr["Var1"], coinr["Var2"])]]
    np.testing.assert_allclose(mine[list(zip(own["Var1"], own["Var2"]))], own["Correlation"], atol=1e-9)
    assert ind.loc[ind["negative"], "indicator"].tolist() == ind.loc[ind["r_area"] < 0, "indicator"].tolist()


# ---------------------------------------------------------------- the demo year
@pytest.fixture(scope="module")
def demo():
    run = load_run(default_run_path(2024))
    framework, registry, observations, submissions = load_inputs(run)
    ev = score(observations, framework, registry, 2024, run.options)
    return ev, compliance.compliance(ev, submissions)


def test_sobol_per_peer_group_of_the_demo_year(demo):
    ev, _ = demo
    result = audit.evaluation_sensitivity(ev, n=64, seed=1, n_boot=20)
    factors = list(evu.evaluation_spec(ev))
    assert result["kind"].tolist() == [k for k in ev.coins for _ in factors]
    assert result["factor"].tolist() == factors * len(ev.coins)
    assert (result["ST"] >= 0).all()


def test_yearly_tables_carry_rank_intervals_and_rerun_byte_identical(demo, tmp_path):
    ev, comp = demo
    settings = {"draws": 100, "seed": 11, "sensitivity_draws": 20, "bootstrap": 10}
    written = []
    for run in ("one", "two"):
        out = tables(ev, comp, audit.audit_tables(ev, settings))
        written.append(
            {name: write_csv(df, tmp_path / run / f"{name}.csv").read_bytes() for name, df in out.items()}
        )
    assert written[0] == written[1]
    assert set(written[0]) == {
        "scores",
        "indicators",
        "trend",
        "compliance",
        "uncertainty",
        "uncertainty_draws",
        "sensitivity",
        *audit.STRUCTURE_TABLES,
    }
    scores = out["scores"]
    plain = tables(ev, comp)["scores"]
    assert list(scores.columns) == [
        *plain.columns,
        "rank_median",
        "rank_p05",
        "rank_p95",
        "p_tot",
        "p_kha",
        "p_trung_binh",
        "p_yeu",
        "p_insufficient",
        "p_level",
        "level_stable",
    ]
    pd.testing.assert_frame_equal(scores[plain.columns], plain)
    assert len(out["uncertainty_draws"]) == 100
    # without draws: no uncertainty tables, but the structure tables all the same (they draw nothing)
    assert set(audit.audit_tables(ev, {"draws": 0})) == set(audit.STRUCTURE_TABLES)
    no_draws = tables(ev, comp, audit.audit_tables(ev, {"draws": 0}))
    pd.testing.assert_frame_equal(no_draws["scores"], plain)
    for name in audit.STRUCTURE_TABLES:
        pd.testing.assert_frame_equal(no_draws[name], out[name])


def test_structure_tables_equal_the_evaluation_functions(demo):
    """removal.csv, coherence_*.csv and correlations.csv hold what ``evaluation_removal``,
    ``evaluation_coherence`` and ``correlation_matrix`` compute, rows sorted by group then framework order."""
    ev, comp = demo
    out = tables(ev, comp, audit.audit_tables(ev, {"draws": 0}))
    keys = ["kind", "year", "unit_code", "removed"]
    pd.testing.assert_frame_equal(
        out["removal"].set_index(keys).sort_index(),
        audit.evaluation_removal(ev).set_index(keys).sort_index()[out["removal"].columns[4:]],
    )
    areas, inds = audit.evaluation_coherence(ev)
    for name, old, key in (("coherence_areas", areas, "area"), ("coherence_indicators", inds, "indicator")):
        keys = ["kind", "year", key]
        pd.testing.assert_frame_equal(
            out[name].set_index(keys).sort_index(), old.set_index(keys).sort_index()[out[name].columns[3:]]
        )
    matrices = audit.correlation_matrices(out["correlations"], ev.framework)
    assert list(matrices) == list(ev.coins)
    for kind, c in ev.coins.items():
        pd.testing.assert_frame_equal(matrices[kind], sensitivity.correlation_matrix(c, evu.year_rows(c, 2024)))
    # sorted: peer groups in the plan's order, codes in the framework's (indicators of an area before it)
    assert out["removal"]["kind"].tolist() == sorted(out["removal"]["kind"], key=["district", "department"].index)
    order = [*ev.framework.indicators.index, *ev.framework.areas.index]
    first = out["removal"].drop_duplicates(["kind", "removed"])
    assert first.loc[first["kind"] == "district", "removed"].tolist() == [
        k for k in order if k in ev.coins["district"].meta.index
    ]


# ---------------------------------------------------------------- the methodology audit notebook
@pytest.fixture(scope="module")
def scored_twice(tmp_path_factory):
    """``runner.score_year`` of the demo year run twice, into two output folders."""
    from danvan_eval.reports.runner import score_year

    base = tmp_path_factory.mktemp("scored")
    run = load_run(default_run_path(2024))
    return [score_year(run, base / name) for name in ("one", "two")]


@pytest.fixture()
def outputs_only(scored_twice, tmp_path):
    """A copy of the year's outputs and a run file whose input files do not exist: what the audit may read."""
    shutil.copytree(scored_twice[0], tmp_path / "outputs" / "2024")
    run_file = tmp_path / "parameters" / "runs" / "2024.yaml"
    run_file.parent.mkdir(parents=True)
    run_file.write_text(
        "year: 2024\nframework: parameters/framework/nowhere.yaml\nunits: parameters/units/nowhere.yaml\n"
        "observations: {2024: data/nowhere/observations_2024.csv}\n",
        encoding="utf-8",
    )
    return tmp_path / "outputs", run_file


def test_the_audit_tables_rerun_byte_identical(scored_twice):
    one, two = scored_twice
    for name in ("scores", *audit.STRUCTURE_TABLES, "uncertainty", "uncertainty_draws", "sensitivity"):
        assert (one / f"{name}.csv").read_bytes() == (two / f"{name}.csv").read_bytes(), name


def test_audit_data_reads_the_outputs_and_scores_nothing(demo, outputs_only, monkeypatch):
    from danvan_eval.evaluation import scoring
    from danvan_eval.evaluation import year as evaluate
    from danvan_eval.model import observations, runs
    def forbidden(*args, **kwargs):
        raise AssertionError("the audit must not read the inputs or score")

    for module, name in ((evaluate, "load_inputs"), (scoring, "score"), (audit, "evaluation_removal"),
                         (audit, "evaluation_coherence"), (observations, "read_observations"),
                         (runs, "load_run")):
        monkeypatch.setattr(module, name, forbidden)
    outputs_dir, run_file = outputs_only
    data = audit.audit_data(2024, outputs_dir, run_file)
    monkeypatch.undo()

    ev, _ = demo  # a fresh scoring, the old path
    assert not hasattr(data, "evaluation")
    assert data.framework.version == ev.framework.version and data.kinds == list(ev.coins)
    assert data.settings == evu.UncertaintySettings.from_mapping(load_run(default_run_path(2024)).uncertainty)
    keys = ["kind", "year", "unit_code", "removed"]
    removal = audit.evaluation_removal(ev).set_index(keys).sort_index()
    pd.testing.assert_frame_equal(
        data.removal.set_index(keys).sort_index(), removal[data.removal.columns[4:]], check_dtype=False
    )
    areas, inds = audit.evaluation_coherence(ev)
    for mine, old, key in ((data.coherence_areas, areas, "area"), (data.coherence_indicators, inds, "indicator")):
        keys = ["kind", "year", key]
        pd.testing.assert_frame_equal(
            mine.set_index(keys).sort_index(), old.set_index(keys).sort_index()[mine.columns[3:]],
            check_dtype=False, rtol=1e-10,
        )
    for kind, c in ev.coins.items():
        pd.testing.assert_frame_equal(
            data.correlations[kind], sensitivity.correlation_matrix(c, evu.year_rows(c, 2024)), rtol=1e-10
        )
    assert data.uncertainty is not None and data.sensitivity is not None
    assert data.scores["name_en"].notna().all()


def test_audit_data_explains_outputs_of_an_older_version(outputs_only):
    outputs_dir, _ = outputs_only
    (outputs_dir / "2024" / "removal.csv").unlink()
    with pytest.raises(DanvanEvalError, match="removal.csv"):
        audit.audit_data(2024, outputs_dir)


def test_the_audit_says_in_plain_words_that_levels_count_the_absolute_scale_draws_only(outputs_only):
    from danvan_eval.reports import audit_plots

    data = audit.audit_data(2024, outputs_only[0])
    unc = data.uncertainty
    n = int((pd.read_csv(outputs_only[0] / "2024" / "uncertainty_draws.csv")["normalisation"] == "goalposts").sum())
    assert (unc["n_level_draws"] == n).all() and 0 < n < data.settings.draws
    text = audit_plots.levels_paragraph(data, "vi").data
    assert f"chỉ được tính trên {n} lần mô phỏng chấm theo mốc cố định" in text
    assert "chuẩn hóa min-max (so với các đơn vị khác" in text and "chỉ được dùng cho khoảng thứ hạng" in text
    shaky = unc.loc[~unc["level_stable"].astype(bool) & unc["p_level"].notna(), "unit_code"]
    assert len(shaky)  # the demo year has a unit whose level is not stable: it is named
    names = data.scores.set_index("unit_code")["name_vi"]
    assert all(names[c].lower() in text.lower() for c in shaky)  # "huyện Tuy Phước" inside a sentence
    assert "min-max draws (relative to the other units" in audit_plots.levels_paragraph(data, "en").data
    none = replace(data, uncertainty=unc.assign(n_level_draws=0))
    assert "Không có lần mô phỏng nào chấm theo mốc cố định" in audit_plots.levels_paragraph(none, "vi").data


def test_every_audit_section_has_a_plain_reading_and_explains_what_it_cannot_say(outputs_only):
    from test_plots import layout_faults

    from danvan_eval.reports import audit_plots

    data = audit.audit_data(2024, outputs_only[0])
    sections = [audit_plots.intervals_section, audit_plots.sobol_section, audit_plots.removal_section,
                audit_plots.coherence_section]
    for lang, conclude, cannot in (("vi", "**Kết luận được:**", "**Không nói được:**"),
                                   ("en", "**One may conclude:**", "**It cannot say:**")):
        for section in sections:
            text = section(data, lang)[0].data
            assert conclude in text and cannot in text, (lang, section.__name__)
    # the demo year has negative alphas, a negative Sobol estimate and indicators without variation: explained
    areas = data.coherence_areas[data.coherence_areas["year"] == 2024]
    assert (areas["alpha"] < 0).any()
    reading = audit_plots.coherence_reading(data, "vi")
    a6 = areas[areas["alpha"] < 0].iloc[0]
    short = data.framework.areas.at[a6["area"], "short_vi"]
    assert f"**Alpha âm** ở khối huyện, thị xã, thành phố — {short} (alpha = {number(a6['alpha'], 'vi', 2)})" in reading
    assert "các chỉ tiêu đi ngược chiều nhau" in reading
    assert "**Chỉ tiêu không có biến động**" in reading and "Ban hành kế hoạch" in reading
    positive = replace(data, coherence_areas=data.coherence_areas.assign(alpha=data.coherence_areas["alpha"].abs()))
    assert "Alpha âm" not in audit_plots.coherence_reading(positive, "vi")
    sens = data.sensitivity.assign(S1=[-0.02, *data.sensitivity["S1"].abs().iloc[1:]])
    assert "ước lượng ra số âm" in audit_plots.sobol_reading(sens, "vi") and "(S1 = −0,02)" in \
        audit_plots.sobol_reading(sens, "vi")
    assert "ước lượng ra số âm" not in audit_plots.sobol_reading(sens.assign(S1=sens["S1"].abs()), "vi")
    # the audit's charts: legends outside the plots, titles inside the figure
    unc = data.uncertainty.join(data.scores.set_index("unit_code")[["name_vi", "name_en"]], on="unit_code")
    for kind in data.kinds:
        for fig in (audit_plots.sobol_chart(data.sensitivity, kind), audit_plots.band_share_chart(unc, data.framework, kind),
                    audit_plots.removal_chart(data.removal, data.framework, kind)):
            assert layout_faults(fig) == [], kind


@pytest.mark.slow
def test_methodology_audit_notebook_runs_in_both_languages(outputs_only, tmp_path):
    """On a copy of the outputs, with a run file whose inputs do not exist (loading it would fail)."""
    import papermill

    outputs_dir, run_file = outputs_only
    for lang, title in (("vi", "Kiểm định phương pháp đánh giá năm 2024"), ("en", "Methodology audit 2024")):
        out = tmp_path / f"audit_{lang}.ipynb"
        papermill.execute_notebook(
            str(ROOT / "notebooks" / "methodology_audit.ipynb"),
            str(out),
            parameters={"year": 2024, "outputs_dir": str(outputs_dir), "lang": lang, "run_file": str(run_file)},
            cwd=str(tmp_path),
            progress_bar=False,
            shutdown_kernel="immediate",
        )
        cells = json.loads(out.read_text(encoding="utf-8"))["cells"]
        outputs = [o for c in cells for o in c.get("outputs", [])]
        markdown = "".join("".join(o["data"].get("text/markdown", "")) for o in outputs if "data" in o)
        assert title in markdown
        assert sum("image/png" in o.get("data", {}) for o in outputs) == 8  # (intervals, bands) ×2, Sobol ×2 …
        tables = "".join("".join(o["data"].get("text/html", "")) for o in outputs if "data" in o)
        assert tables.count('class="dv-correlations-') == 2  # the correlations of each group, as coloured tables
