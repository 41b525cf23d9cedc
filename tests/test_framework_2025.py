"""Framework dv33-2025.1 (two-tier government, from 1 July 2025): it loads, and each re-derived indicator scores as
computed by hand on a small registry (per 1,000 inhabitants a year, remote areas only where the registry says so,
numerator ÷ reported denominator, the reception norm, a part-year period, an unknown population)."""

import math

import pandas as pd
import pytest
import yaml

from danvan_eval.evaluation.scoring import period_years, score
from danvan_eval.messages import LANGS, tr
from danvan_eval.model.framework import DENOMINATORS, load_framework
from danvan_eval.model.units import load_registry
from danvan_eval.model import groups
from danvan_eval.paths import PROJECT_ROOT

FRAMEWORKS = PROJECT_ROOT / "parameters" / "framework"


@pytest.fixture(scope="module")
def fw25():
    return load_framework(FRAMEWORKS / "dv33-2025.1.yaml")


def test_the_framework_keeps_the_six_areas_and_levels_for_communes_wards_and_agencies(fw25):
    past = load_framework(FRAMEWORKS / "dv33-2022.2.yaml")
    assert fw25.kinds == ("commune", "ward", "agency")
    assert fw25.areas.equals(past.areas) and fw25.bands.equals(past.bands)
    remote = {"i2_remote_sessions", "i6_remote_contacts"}
    assert set(fw25.indicator_ids("commune")) == set(fw25.indicator_ids("ward")) == set(fw25.indicators.index)
    assert set(fw25.indicators.index) - set(fw25.indicator_ids("agency")) == remote
    # shares are collected as counts over an auxiliary input that feeds their denominator
    feeds = set(fw25.auxiliary["feeds"])
    shares = fw25.indicators["denominator"].dropna()
    shares = shares[shares.str.endswith("_pct") & ~shares.isin(DENOMINATORS)]
    assert len(shares) == 13 and set(shares) <= feeds
    assert (fw25.indicators.loc[shares.index, "type"] == "count").all()
    assert list(fw25.indicators.index[fw25.indicators["type"] == "pct"]) == ["i4_satisfaction_pct"]  # a survey
    # comparable_to names an indicator of the former framework
    comparable = fw25.indicators["comparable_to"].dropna()
    assert set(comparable) <= set(past.indicators.index) and len(comparable) == 22
    assert "i4_dossiers_on_time" not in comparable.index and comparable["i4_online_dossiers"] == "i4_online_dossiers_pct"


def test_every_denominator_has_a_label_in_both_languages(fw25):
    used = set(fw25.indicators["denominator"].dropna())
    used |= {den for spec in fw25.indicators["by_kind"] for den, _, _ in spec.values() if isinstance(den, str)}
    for den in used:
        for lang in LANGS:
            assert tr(f"denominator.{den}", lang).strip(), (den, lang)


def test_a_share_denominator_without_an_auxiliary_feeding_it_is_refused(tmp_path):
    from danvan_eval.errors import FrameworkError

    raw = yaml.safe_load((FRAMEWORKS / "dv33-2025.1.yaml").read_text(encoding="utf-8"))
    raw["auxiliary"] = [a for a in raw["auxiliary"] if a["id"] != "d_staff"]
    path = tmp_path / "fw.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(FrameworkError) as info:
        load_framework(path)
    p = info.value.problems
    assert list(p.loc[p["code"] == "bad_denominator", "indicator"]) == ["i2_staff_reached"]


# ---------------------------------------------------------------- hand-computed scores
def _unit(code, kind, population, mountainous):
    unit = {"code": code, "kind": kind, "peer_group": kind, "name_vi": f"Đơn vị {code}", "name_en": f"Unit {code}",
            "type_vi": "Xã", "type_en": "Commune", "valid_from": "2025-07-01", "source": "thử nghiệm / test"}
    if kind != "agency":
        unit["population"] = ({"value": None, "status": "unknown", "source": "x"} if population is None
                              else {"value": population, "source": "x"})
        unit["area_km2"] = {"value": 50.0, "source": "x"}
        unit["mountainous"] = {"value": mountainous, "status": "yes" if mountainous else "no",
                               "confidence": "high", "basis": "x"}
    return unit


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """A mountainous commune (12,000 inhabitants), a lowland commune (8,000), a commune of unknown population and
    an agency, in 2025 (1 July–25 November) and 2026."""
    data = {
        "title": {"vi": "Thử nghiệm", "en": "Test"},
        "peer_groups": [{"id": k, "label_vi": f"Nhóm {k}", "label_en": k} for k in ("commune", "agency")],
        "units": [_unit("A", "commune", 12000, True), _unit("B", "commune", 8000, False),
                  _unit("C", "commune", None, True), _unit("G", "agency", None, False)],
    }
    path = tmp_path_factory.mktemp("small") / "units.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    labels, order = dict(groups._LABELS), list(groups._ORDER)
    yield load_registry(path)
    # loading registers the test's group names process-wide: later modules must see the real ones
    groups._LABELS.clear(), groups._LABELS.update(labels)
    groups._ORDER[:] = order


def _obs(rows):
    df = pd.DataFrame(rows, columns=["year", "unit_code", "indicator_id", "value"])
    return df.assign(status="reported", source="test", n=pd.array([pd.NA] * len(df), dtype="Int64"))


ROWS = [
    # 2026: a full year
    (2026, "A", "i2_sessions", 3), (2026, "B", "i2_sessions", 3), (2026, "C", "i2_sessions", 3),
    (2026, "G", "i2_sessions", 6),
    (2026, "A", "i2_remote_sessions", 6), (2026, "B", "i2_remote_sessions", 6),
    (2026, "A", "i4_dossiers_on_time", 950), (2026, "A", "d_dossiers_received", 1000),
    (2026, "A", "i4_online_dossiers", 400),
    (2026, "A", "i4_reception_days", 39), (2026, "G", "i4_reception_days", 9),
    (2026, "A", "i1_projects_danvan", 0), (2026, "A", "d_projects_land", 0),
    (2026, "A", "i4_backlog_cases", 0.6),
    # 2025: 1 July–25 November, 148 days
    (2025, "A", "i2_sessions", 1), (2025, "A", "i4_reception_days", 15),
]


@pytest.fixture(scope="module")
def scored(fw25, small):
    return score(_obs(ROWS), fw25, small, 2026)


def _cell(ev, year, unit, indicator):
    ind = ev.indicators.set_index(["year", "unit_code", "indicator_id"])
    return ind.loc[(year, unit, indicator)]


def test_the_period_is_the_twelve_months_to_the_deadline_from_the_units_creation(small):
    units = pd.concat([small.active(y, (11, 25)).assign(year=y) for y in (2025, 2026)], ignore_index=True)
    years = period_years(units, (11, 25))
    assert list(years[units["year"] == 2025].round(6).unique()) == [round(148 / 365, 6)]
    assert list(years[units["year"] == 2026].unique()) == [1.0]


def test_counts_per_1000_inhabitants_a_year(scored):
    a = _cell(scored, 2026, "A", "i2_sessions")
    assert a["denominated"] == pytest.approx(3 / 12) and a["score"] == pytest.approx(50)   # 0.25 of 0.5
    assert _cell(scored, 2026, "B", "i2_sessions")["score"] == pytest.approx(3 / 8 / 0.5 * 100)
    # 2025: one session in 148 days for 12,000 inhabitants = 0.2055 a year per 1,000
    y25 = _cell(scored, 2025, "A", "i2_sessions")
    assert y25["denominated"] == pytest.approx(1 / (12 * 148 / 365))
    assert y25["score"] == pytest.approx(1 / (12 * 148 / 365) / 0.5 * 100)
    # an agency counts sessions a year against its own goalposts (0 → 12)
    assert _cell(scored, 2026, "G", "i2_sessions")["score"] == pytest.approx(50)
    # a stock per 1,000 inhabitants (not per year): 0.6 cases for 12,000 = 0.05, half-way from 0.1 to 0
    assert _cell(scored, 2026, "A", "i4_backlog_cases")["score"] == pytest.approx(50)


def test_remote_indicators_apply_only_to_mountainous_communes(scored):
    a = _cell(scored, 2026, "A", "i2_remote_sessions")
    assert a["status"] == "reported" and a["score"] == pytest.approx(6 / 12 / 1 * 100)
    b = _cell(scored, 2026, "B", "i2_remote_sessions")  # reported, yet the registry says lowland: not applicable
    assert b["status"] == "not_applicable" and math.isnan(b["score"])
    assert "i2_remote_sessions" not in set(scored.indicators.loc[scored.indicators["unit_code"] == "G", "indicator_id"])


def test_numerator_over_reported_denominator(scored):
    on_time = _cell(scored, 2026, "A", "i4_dossiers_on_time")
    assert on_time["denominated"] == pytest.approx(95) and on_time["score"] == pytest.approx(75)  # (95-80)/(100-80)
    assert _cell(scored, 2026, "A", "i4_online_dossiers")["score"] == pytest.approx(40 / 80 * 100)
    # nothing to share: no project with land clearance → not applicable, no penalty
    assert _cell(scored, 2026, "A", "i1_projects_danvan")["status"] == "not_applicable"


def test_citizen_reception_against_the_norm_of_the_period(scored):
    assert _cell(scored, 2026, "A", "i4_reception_days")["score"] == pytest.approx(39 / 52 * 100)  # a day a week
    assert _cell(scored, 2026, "G", "i4_reception_days")["score"] == pytest.approx(9 / 12 * 100)   # a day a month
    weeks = 52 * 148 / 365
    assert _cell(scored, 2025, "A", "i4_reception_days")["score"] == pytest.approx(15 / weeks * 100)


def test_an_unknown_population_sets_the_per_inhabitant_indicators_aside(scored):
    c = _cell(scored, 2026, "C", "i2_sessions")
    assert c["status"] == "unknown_denominator" and math.isnan(c["score"])
