"""Seeded synthetic demo data of the new Gia Lai (framework dv33-2025.1): 135 communes and wards, 15 agencies, 2025–2026.

DỮ LIỆU MÔ PHỎNG — không phải số liệu thật. Same model as ``demo`` (a unit's capacity, its area strengths, a yearly
improvement, noise, on the logit of the share of the way between the goalposts), at the scale of a commune: counts
follow the population and the reporting period (2025: 1 July–25 November), every share is drawn as a numerator out
of its denominator (an auxiliary count sized by the unit), communes and wards of ethnic-minority and mountainous
areas are weaker online and active in their villages, wards are stronger online. A population the registry leaves
unknown is stood in for by the area × the peer group's median density, for the drawing only (the scoring sets those
indicators aside). Gaps are planted on purpose (``PLANTED``). ``python -m danvan_eval.demo`` writes them with the
2022–2024 files.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .demo import (
    AREA_5_BLANK,
    BASE,
    EXTRA_ZERO,
    NO_SURVEY,
    SD_CELL,
    TILTS,
    TREND,
    Gap,
    _plant,
    _row,
    _submissions,
    _survey,
    _unit_effects,
)
from .evaluation.scoring import denominator_values, period_years
from .model.framework import Framework
from .model.observations import COLUMNS as OBS_COLUMNS
from .model.units import Registry

YEARS = (2025, 2026)
STREAM = 2025  # the generator is seeded with [seed, STREAM]: a stream of its own beside the 2022–2024 one
GIA_LAI_TILTS = {  # TILTS of ``demo`` with the ids of dv33-2025.1; wards play the city
    "mountainous": {"i4_online_dossiers": -1.6, "i2_digital_items": -0.7, "i2_remote_sessions": 0.8,
                    "i6_remote_contacts": 0.8},
    "city": {"i4_online_dossiers": TILTS["city"]["i4_online_dossiers_pct"], "i2_digital_items": 1.2},
}
DOSSIERS_PER_PERSON_YEAR = 0.35  # dossiers a commune's public-administration service centre receives per inhabitant
AGENCY_DOSSIERS_YEAR = 6000


def _aux(name: str, unit: dict, people: float, years: float, size: float, rng: np.random.Generator) -> int:
    """An auxiliary count (a denominator) of one unit-year, sized by its population (communes, wards) or its size
    (agencies) and, for flows, by the length of the period."""
    agency = unit["kind"] == "agency"
    k = people / 1000  # thousands of inhabitants
    draws = {
        "d_subunits": lambda: int(rng.integers(3, 11)) if agency else int(rng.integers(4, 8)),
        "d_projects_land": lambda: int(rng.poisson(0.6 * size * years if agency else 0.08 * k * years + 0.3)),
        "d_staff": lambda: max(20, round(90 * size)) if agency else round(40 + k * 0.8 + rng.integers(0, 12)),
        "d_models_evaluated": lambda: int(rng.poisson(2 * years if agency else 0.2 * k * years)) + 1,
        "d_dossiers_received": lambda: round((AGENCY_DOSSIERS_YEAR * size if agency else DOSSIERS_PER_PERSON_YEAR
                                              * people) * years * rng.lognormal(0, 0.1)),
        "d_documents_found": lambda: int(rng.poisson(2.5 * max(years, 0.5))),
        "d_democracy_items": lambda: int(rng.integers(10, 21)),
        "d_complaints_received": lambda: int(rng.poisson((3 if agency else 0.25 * k) * years)),
        "d_violations_found": lambda: int(rng.poisson(0.8 * years)),
        "d_offices": lambda: int(rng.integers(4, 13)) if agency else int(rng.integers(5, 9)),
        "d_recommendations_received": lambda: int(rng.poisson(4 * years)) + 1,
    }
    return draws[name]()


def _stand_in_population(registry: Registry, year: int, deadline: tuple[int, int]) -> pd.Series:
    """Population used to draw counts: the registry's, else area × the peer group's median density (drawing only)."""
    units = registry.active(year, deadline).set_index("code")
    density = (units["population"].astype(float) / units["area_km2"].astype(float)).groupby(units["peer_group"])
    guess = units["area_km2"].astype(float) * units["peer_group"].map(density.median())
    return units["population"].astype(float).fillna(guess.round())


def _tilt(unit: dict, indicator: str) -> float:
    profiles = []
    if unit["kind"] != "agency" and bool(unit["mountainous"]):
        profiles.append("mountainous")
    if unit["kind"] == "ward":
        profiles.append("city")
    return sum(GIA_LAI_TILTS[p].get(indicator, 0.0) for p in profiles)


def _value(spec: dict, share: float, base: float, whole: int | None, rng: np.random.Generator) -> float:
    """The raw value: a yes/no, days, a numerator out of ``whole`` (a share's denominator or the norm's days), or a
    count of a unit whose denominator is ``base``."""
    level = spec["lo"] + share * (spec["hi"] - spec["lo"])
    if spec["type"] == "bool":
        return float(round(min(max(level, 0.0), 1.0)))
    if spec["type"] == "days":
        return float(max(0, round(level)))
    if whole is not None:  # numerator of a share: out of its denominator
        return float(rng.binomial(whole, min(max(level, 0.0), 100.0) / 100))
    return float(rng.poisson(max(level, 0.0) * base))


def _auxiliaries(fw: Framework, active: pd.DataFrame, people: pd.Series, years: pd.Series, effects: pd.DataFrame,
                 rng: np.random.Generator) -> pd.DataFrame:
    """Each unit's auxiliary counts (NaN where one does not apply to its kind), one row per unit."""
    applies = fw.auxiliary["applies_to"].to_dict()
    size = effects["size"].to_dict()
    rows = {}
    for i, unit in enumerate(active.to_dict("records")):
        code = unit["code"]
        rows[code] = {name: _aux(name, unit, people[code], float(years.iloc[i]), size[code], rng)
                      for name, kinds in applies.items() if unit["kind"] in kinds}
    return pd.DataFrame.from_dict(rows, orient="index").reindex(index=active["code"], columns=list(applies))


def _bases(fw: Framework, active: pd.DataFrame, attrs: pd.DataFrame) -> dict[tuple[str, str], float]:
    """(unit, indicator) → what the indicator's count is divided by for that unit (1 without a denominator)."""
    out = {}
    for kind, units in active.groupby("kind", sort=False):
        table = fw.indicator_table(kind)
        mine = attrs.loc[units["code"]]
        for den, inds in table.groupby(table["denominator"].fillna(""), sort=False):
            values = (pd.Series(1.0, index=mine.index) if den == "" else
                      denominator_values(den, mine, fw).astype(float))
            out.update({(code, ind): float(v) for code, v in values.items() for ind in inds.index})
    return out


def _unit_year(specs: list[dict], unit: dict, aux: dict, bases: dict, years_in: int, effects: dict,
               rng: np.random.Generator) -> list[dict]:
    """Every row of one unit-year: its auxiliary counts, then each indicator (``specs``, the framework's order)."""
    code = unit["code"]
    rows = [_row(code, name, float(v)) for name, v in aux.items() if pd.notna(v)]
    for spec in specs:
        ind, den = spec["indicator_id"], spec["denominator"]
        base = bases[(code, ind)]
        if base == 0:  # nothing to count in (a lowland commune's remote villages, no project): not applicable
            rows.append(_row(code, ind, np.nan, "not_applicable"))
            continue
        logit = BASE + effects["unit"] + effects[spec["area"]] + TREND * years_in + _tilt(unit, ind) \
            + rng.normal(0, SD_CELL)
        share = 1 / (1 + np.exp(-logit))
        if spec["survey"]:
            value, n = _survey(spec, share, rng)
            rows.append(_row(code, ind, value, n=n))
            continue
        # a share (or a norm of days: weeks_pct, months_pct) is a numerator out of its denominator
        whole = round(base * 100) if isinstance(den, str) and den.endswith("_pct") else None
        rows.append(_row(code, ind, _value(spec, share, base, whole, rng)))
    return rows


def generate(framework: Framework, registry: Registry, seed: int, years=YEARS) -> dict[str, pd.DataFrame]:
    """Synthetic observations and submissions of every unit active in each year, gaps planted (as ``demo.generate``)."""
    rng = np.random.default_rng([seed, STREAM])
    codes = sorted({c for y in years for c in registry.active(y, framework.deadline)["code"]})
    effects = _unit_effects(codes, list(framework.areas.index), rng)
    unit_effects = effects.to_dict("index")
    specs = {k: framework.indicator_table(k).reset_index().to_dict("records") for k in framework.kinds}
    out: dict[str, pd.DataFrame] = {}
    for year in years:
        active = registry.active(year, framework.deadline).sort_values("code", kind="stable").reset_index(drop=True)
        people = _stand_in_population(registry, year, framework.deadline)
        length = period_years(active.assign(year=year), framework.deadline)
        aux = _auxiliaries(framework, active, people, length, effects, rng)
        attrs = active.set_index("code").assign(population=people, period_years=length.to_numpy()).join(aux)
        bases = _bases(framework, active, attrs)
        rows = [row for u in active.to_dict("records")
                for row in _unit_year(specs[u["kind"]], u, aux.loc[u["code"]].to_dict(), bases, year - years[0],
                                      unit_effects[u["code"]], rng)]
        obs = pd.DataFrame(rows, columns=OBS_COLUMNS[1:]).assign(year=year)[OBS_COLUMNS]
        subs = _submissions(active["code"], year, framework.deadline, rng)
        obs, subs = _plant(obs, subs, framework, year, [g for g in PLANTED if g.kind != "not_applicable"])
        obs = _no_projects(obs, year)
        out[f"observations_{year}"] = obs.astype({"year": int, "value": float, "n": "Int64"})
        out[f"submissions_{year}"] = subs
    return out


def _no_projects(obs: pd.DataFrame, year: int) -> pd.DataFrame:
    """A planted "no project with land clearance": the unit reports 0 projects and the indicator not applicable."""
    for gap in (g for g in PLANTED if g.year == year and g.kind == "not_applicable"):
        unit = obs["unit_code"] == gap.unit_code
        obs.loc[unit & (obs["indicator_id"] == "d_projects_land"), "value"] = 0.0
        obs.loc[unit & (obs["indicator_id"] == gap.target), ["value", "status"]] = [np.nan, "not_applicable"]
    return obs


_NO_PROJECTS = ("đảo, không có dự án đầu tư phải giải phóng mặt bằng (d_projects_land = 0) → không áp dụng",
                "an island without any project with land clearance (d_projects_land = 0) → not applicable")
_NEVER = ("xã không gửi báo cáo năm nào (không có dòng số liệu, không có ngày nhận)",
          "the commune sends no report in any year (no rows, no submission)")
PLANTED: tuple[Gap, ...] = (
    Gap("late", 2025, "GL-SCT", "2025-12-01",
        "báo cáo đến ngày 01/12/2025, sau hạn 25/11", "report arrived on 1 Dec 2025, after the 25 Nov deadline"),
    Gap("late", 2026, "21786", "2026-12-04",
        "báo cáo đến ngày 04/12/2026, sau hạn 25/11", "report arrived on 4 Dec 2026, after the 25 Nov deadline"),
    Gap("missing", 2026, "21703", "i4_satisfaction_pct",
*NO_SURVEY),
    Gap("area_missing", 2025, "21637", "a5",
*AREA_5_BLANK),
    Gap("outlier", 2026, "21628", "i2_sessions",
*EXTRA_ZERO),
    Gap("absent", 2025, "21616", "", *_NEVER),
    Gap("absent", 2026, "21616", "", *_NEVER),
    Gap("not_applicable", 2025, "21607", "i1_projects_danvan", *_NO_PROJECTS),
    Gap("not_applicable", 2026, "21607", "i1_projects_danvan", *_NO_PROJECTS),
)


def readme_text(fw: Framework, registry: Registry, tables: dict[str, pd.DataFrame], seed: int) -> str:
    """The Gia Lai section of the demo folder's README: synthetic, how it was made, the planted gaps and what the
    registry makes not applicable or unknown."""
    from .demo import _target_label

    names = registry.units.set_index("code")["name_vi"]
    files = "\n".join(f"- `{name}.csv`" for name in tables)
    gaps = "\n".join(
        f"| {g.year} | {g.unit_code} {names.get(g.unit_code, '')} | {g.kind} | {_target_label(g)} | {g.vi} | {g.en} |"
        for g in PLANTED)
    units = registry.active(YEARS[-1], fw.deadline)
    lowland = units[(units["kind"] != "agency") & ~units["mountainous"].fillna(False).astype(bool)]
    unknown = units[(units["kind"] != "agency") & units["population"].isna()]
    remote = ", ".join(f"`{i}`" for i in fw.indicators.index[fw.indicators["denominator"] == "remote_population_1k_year"])
    return f"""# Tỉnh Gia Lai, 2025–2026 — DỮ LIỆU MÔ PHỎNG / Gia Lai, 2025–2026 — SYNTHETIC DATA

**Tiếng Việt.** `observations_2025.csv`, `observations_2026.csv` và `submissions_*` là số liệu **giả lập** của 135 xã,
phường và 15 cơ quan cấp tỉnh của tỉnh Gia Lai (từ 01/7/2025), theo khung `{fw.version}`. Không được trích dẫn hay dùng
để đánh giá đơn vị thật. Năm 2025 là kỳ báo cáo 01/7–25/11/2025: số đếm chỉ của kỳ này.

**English.** Synthetic results of the 135 communes and wards and 15 provincial agencies of Gia Lai (from 1 July 2025),
framework `{fw.version}`. Do not quote them or judge any real unit by them. 2025 covers 1 July–25 November 2025 only.

## Cách tạo / How they were made
- Cùng lệnh / same command (`danvan-eval demo-data`); bộ sinh / generator `danvan_eval/demo_gia_lai.py`,
  `numpy.random.default_rng([{seed}, {STREAM}])`.
- Mô hình như 2022–2024, ở quy mô xã / the 2022–2024 model at commune scale: số đếm theo dân số và độ dài kỳ báo cáo;
  mỗi tỷ lệ là tử số rút ra từ mẫu số của nó (số liệu Bổ trợ `d_*`); xã, phường vùng đồng bào dân tộc thiểu số và
  miền núi thấp hơn về hồ sơ trực tuyến, cao hơn ở thôn, làng; phường cao hơn về hồ sơ trực tuyến. Counts follow the
  population and the period's length; every share is a numerator drawn out of its denominator (the `d_*` inputs);
  mountainous communes are weaker online and more active in their villages; wards are stronger online. Dân số chưa
  rõ: số đếm được sinh theo diện tích × mật độ trung vị của nhóm (chỉ để sinh số liệu) / unknown populations: counts
  drawn from area × the group's median density (drawing only).

## Tệp / Files
{files}

## Khoảng trống cài sẵn / Planted gaps
| năm / year | đơn vị / unit | loại / kind | chỉ số / target | mô tả | description |
|---|---|---|---|---|---|
{gaps}

Không áp dụng theo danh mục đơn vị / not applicable from the registry: {remote} ở {len(lowland)} xã, phường không
thuộc vùng đồng bào dân tộc thiểu số và miền núi / in the {len(lowland)} communes and wards outside those areas.

Dân số chưa rõ trong danh mục / population unknown in the registry ({len(unknown)}, các chỉ tiêu tính theo dân số
“chưa có mẫu số” / per-inhabitant indicators set aside): {", ".join(f"{c} {n}" for c, n in zip(unknown["code"], unknown["name_vi"]))}.
"""
