"""Seeded synthetic demo data: observations and submissions of Bình Định's units, 2022–2024 (and, through
``demo_gia_lai``, of the new Gia Lai's, 2025–2026).

DỮ LIỆU MÔ PHỎNG — không phải số liệu thật. The values are drawn so that they look like real reports (sized by
each unit's population and communes, mountainous districts weaker online and stronger in remote areas, Quy Nhơn
strong on digital work, a gentle improvement from year to year), and a few realistic gaps are planted on purpose
(``PLANTED``) so that every path of validation, scoring and compliance has something to show. The same seed gives
byte-identical files: ``python -m danvan_eval.demo [--out data/demo] [--seed N]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .evaluation.scoring import DENOMINATORS
from .model.framework import Framework, default_framework_path, load_framework
from .model.observations import COLUMNS as OBS_COLUMNS
from .model.submissions import COLUMNS as SUBMISSION_COLUMNS
from .model.units import Registry, default_registry_path, load_registry
from .paths import PROJECT_ROOT

YEARS = (2022, 2023, 2024)
SEED = 20221125
GIA_LAI_FRAMEWORK, GIA_LAI_UNITS = "dv33-2025.1", "gia-lai.yaml"  # the 2025–2026 files (demo_gia_lai)
SOURCE = "demo"
DOSSIERS = "d_dossiers_received"

# Logit-scale model of "how well a unit does" on an indicator: BASE + unit + unit×area + trend + tilt + noise,
# mapped through the logistic to a share s of the way from the 0-goalpost to the 100-goalpost.
BASE, SD_UNIT, SD_AREA, SD_CELL, TREND = 1.2, 0.5, 0.3, 0.45, 0.25
# Terrain and urban tilts (logit): mountainous districts receive fewer dossiers online and post less online but do
# more in their remote communes; the provincial city is the digital leader.
TILTS = {
    "mountainous": {"i4_online_dossiers_pct": -1.6, "i2_digital_items": -0.7,
                    "i2_remote_sessions": 0.8, "i6_remote_contacts": 0.8},
    "city": {"i4_online_dossiers_pct": 1.5, "i2_digital_items": 1.2},
}
# Dossiers received per inhabitant per year (district and commune one-stop desks together), and a department's
# typical yearly count; both grow with the move of procedures online.
DOSSIERS_PER_PERSON, DEPT_DOSSIERS, DOSSIER_GROWTH = 0.32, 6000, 0.06
SURVEY_N = (250, 600)
SUBMIT_WINDOW_DAYS = 14  # on-time reports arrive within two weeks before the deadline


@dataclass(frozen=True)
class Gap:
    """One realistic gap planted on purpose: what, where, and how the README describes it."""

    kind: str  # late | missing | area_missing | outlier | absent | not_applicable
    year: int
    unit_code: str
    target: str = ""  # indicator id, area id, or the ISO arrival date of a late report
    vi: str = ""
    en: str = ""


_NO_PROJECTS = (
    "không có dự án đầu tư phải giải phóng mặt bằng → không áp dụng",
    "no investment project with land clearance → not applicable",
)
# descriptions shared with the Gia Lai demo years (demo_gia_lai.py)
NO_SURVEY = ("không khảo sát sự hài lòng năm này (ô trống, status missing)",
             "no satisfaction survey that year (empty value, status missing)")
AREA_5_BLANK = ("bỏ trống cả lĩnh vực 5 (đạo đức công vụ) → lĩnh vực và điểm tổng hợp 'không đủ dữ liệu'",
                "left all of area 5 (public-service ethics) blank → area and composite 'insufficient data'")
EXTRA_ZERO = ("số hội nghị tuyên truyền gấp 10 lần thực tế (gõ thừa một số 0)",
              "ten times the real number of dissemination sessions (an extra zero typed)")
PLANTED: tuple[Gap, ...] = (
    Gap("late", 2024, "546", "2024-12-03",
        "báo cáo đến ngày 03/12/2024, sau hạn 25/11", "report arrived on 3 Dec 2024, after the 25 Nov deadline"),
    Gap("missing", 2023, "545", "i4_satisfaction_pct",
*NO_SURVEY),
    Gap("area_missing", 2023, "550", "a5",
*AREA_5_BLANK),
    Gap("outlier", 2024, "544", "i2_sessions",
*EXTRA_ZERO),
    Gap("absent", 2023, "BDT", "",
        "cơ quan không gửi báo cáo năm này (không có dòng số liệu, không có ngày nhận)",
        "the department sent no report that year (no rows, no submission)"),
    Gap("not_applicable", 2022, "542", "i1_projects_danvan_pct", *_NO_PROJECTS),
    Gap("not_applicable", 2023, "STP", "i1_projects_danvan_pct", *_NO_PROJECTS),
    Gap("not_applicable", 2024, "551", "i1_projects_danvan_pct", *_NO_PROJECTS),
)


# ---------------------------------------------------------------- generation
def generate(
    framework: Framework, registry: Registry, years: Sequence[int] = YEARS, seed: int = SEED
) -> dict[str, pd.DataFrame]:
    """Synthetic observations and submissions of every unit active in each year, gaps planted.

    Returns ``{"observations_<Y>": ..., "submissions_<Y>": ...}`` in the canonical schemas of
    docs/ARCHITECTURE.md; rows sorted by unit code, then the auxiliary count, then framework order.
    """
    years = sorted(years)
    rng = np.random.default_rng(seed)
    effects = _unit_effects(_all_units(registry, years, framework.deadline), list(framework.areas.index), rng)
    out: dict[str, pd.DataFrame] = {}
    for year in years:
        active = registry.active(year, framework.deadline).sort_values("code", kind="stable")
        obs = pd.concat(
            [_unit_year(framework, u, year, year - years[0], effects.loc[u["code"]], rng) for _, u in active.iterrows()],
            ignore_index=True,
        )
        subs = _submissions(active["code"], year, framework.deadline, rng)
        obs, subs = _plant(obs, subs, framework, year)
        out[f"observations_{year}"] = obs.astype({"year": int, "value": float, "n": "Int64"})
        out[f"submissions_{year}"] = subs
    return out


def _all_units(registry: Registry, years: Iterable[int], deadline: tuple[int, int]) -> list[str]:
    """Codes of every unit active in any of the years, sorted (the order their effects are drawn in)."""
    return sorted({c for y in years for c in registry.active(y, deadline)["code"]})


def _unit_effects(codes: list[str], areas: list[str], rng: np.random.Generator) -> pd.DataFrame:
    """Persistent per-unit draws, so that a strong unit stays strong from year to year.

    ``unit``: overall logit effect; one column per area: the unit's strength there; ``size``: a department's
    dossier volume relative to a typical department (districts are sized by population instead).
    """
    effects = pd.DataFrame(rng.normal(0, SD_AREA, (len(codes), len(areas))), index=codes, columns=areas)
    effects.insert(0, "unit", rng.normal(0, SD_UNIT, len(codes)))
    effects["size"] = rng.lognormal(0, 0.8, len(codes))
    return effects


def _tilt(unit: pd.Series, indicator: str) -> float:
    """Logit shift of a unit's profile (mountainous, city) on one indicator."""
    profiles = []
    if unit["kind"] == "district" and bool(unit["mountainous"]):
        profiles.append("mountainous")
    if str(unit["type_en"]).lower() == "city":
        profiles.append("city")
    return sum(TILTS[p].get(indicator, 0.0) for p in profiles)


def _unit_year(
    fw: Framework, unit: pd.Series, year: int, years_in: int, effects: pd.Series, rng: np.random.Generator
) -> pd.DataFrame:
    """Every observation row of one unit in one year: the auxiliary dossier count, then each indicator."""
    code = unit["code"]
    attrs = unit.copy()
    attrs[DOSSIERS] = _dossiers(unit, years_in, effects["size"], rng)
    rows = [_row(code, DOSSIERS, float(attrs[DOSSIERS]))]
    for ind, spec in fw.indicator_table(unit["kind"]).iterrows():
        denom = _denominator(spec["denominator"], attrs)
        if denom == 0:  # nothing to count in (no remote commune): the indicator does not concern the unit
            rows.append(_row(code, ind, np.nan, "not_applicable"))
            continue
        logit = (BASE + effects["unit"] + effects[spec["area"]] + TREND * years_in + _tilt(unit, ind)
                 + rng.normal(0, SD_CELL))
        share = 1 / (1 + np.exp(-logit))
        if spec["survey"]:
            value, n = _survey(spec, share, rng)
            rows.append(_row(code, ind, value, n=n))
        else:
            rows.append(_row(code, ind, _value(spec, share, denom, rng)))
    return pd.DataFrame(rows, columns=OBS_COLUMNS[1:]).assign(year=year)[OBS_COLUMNS]


def _row(code: str, ind: str, value: float, status: str = "reported", n: int | None = None) -> dict:
    return {"unit_code": code, "indicator_id": ind, "value": value, "status": status, "source": SOURCE, "n": n}


def _dossiers(unit: pd.Series, years_in: int, size: float, rng: np.random.Generator) -> int:
    """Administrative dossiers received in the year: by population for a district, by size for a department."""
    base = DOSSIERS_PER_PERSON * unit["population"] if unit["kind"] == "district" else DEPT_DOSSIERS * size
    return round(base * (1 + DOSSIER_GROWTH) ** years_in * rng.lognormal(0, 0.1))


def _denominator(name: object, attrs: pd.Series) -> float:
    """What the indicator's count is divided by for this unit (1 when it has no denominator)."""
    return 1.0 if pd.isna(name) else float(DENOMINATORS[name](attrs))


def _value(spec: pd.Series, share: float, denom: float, rng: np.random.Generator) -> float:
    """A raw value ``share`` of the way from the 0-goalpost to the 100-goalpost, in the indicator's own unit."""
    level = spec["lo"] + share * (spec["hi"] - spec["lo"])
    kind = spec["type"]
    if kind == "bool":
        return float(round(min(max(level, 0.0), 1.0)))
    if kind == "pct":
        return round(min(max(level, 0.0), 100.0), 1)
    if kind == "days":
        return float(max(0, round(level)))
    return float(rng.poisson(max(level, 0.0) * denom))  # count: what a unit of this size would report


def _survey(spec: pd.Series, share: float, rng: np.random.Generator) -> tuple[float, int]:
    """A survey share computed from a sample of a few hundred respondents, with that sample size."""
    p = min(max(spec["lo"] + share * (spec["hi"] - spec["lo"]), 0.0), 100.0) / 100
    n = int(rng.integers(*SURVEY_N))
    return round(100 * rng.binomial(n, p) / n, 1), n


def _submissions(codes: Iterable[str], year: int, deadline: Sequence[int], rng: np.random.Generator) -> pd.DataFrame:
    """One on-time original report per unit, arriving within two weeks before the deadline."""
    due = dt.date(year, *deadline)
    codes = list(codes)
    early = rng.integers(0, SUBMIT_WINDOW_DAYS + 1, len(codes))
    return pd.DataFrame({
        "year": year,
        "unit_code": codes,
        "received": [(due - dt.timedelta(days=int(d))).isoformat() for d in early],
        "source": SOURCE,
        "correction": False,
    }, columns=SUBMISSION_COLUMNS)


# ---------------------------------------------------------------- planted gaps
def _plant(obs: pd.DataFrame, subs: pd.DataFrame, fw: Framework, year: int,
           planted: Iterable[Gap] = PLANTED) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Apply the gaps of ``planted`` that fall in ``year``; a gap whose unit does not report that year is an error."""
    obs, subs = obs.copy(), subs.copy()
    for gap in (g for g in planted if g.year == year):
        at_unit = obs["unit_code"] == gap.unit_code
        if not at_unit.any():
            raise ValueError(f"planted gap {gap} names a unit that is not active in {year}")
        if gap.kind == "late":
            subs.loc[subs["unit_code"] == gap.unit_code, "received"] = gap.target
        elif gap.kind == "absent":
            obs, subs = obs[~at_unit], subs[subs["unit_code"] != gap.unit_code]
        else:
            targets = _targets(gap, fw)
            cells = at_unit & obs["indicator_id"].isin(targets) & (obs["status"] != "not_applicable")
            if not cells.any():
                raise ValueError(f"planted gap {gap} finds no reported cell")
            if gap.kind == "not_applicable" and not fw.indicators.loc[gap.target, "allow_na"]:
                raise ValueError(f"planted gap {gap}: the framework does not allow N/A there")
            if gap.kind == "outlier":
                obs.loc[cells, "value"] *= 10
            else:
                obs.loc[cells, ["value", "n"]] = [np.nan, None]
                obs.loc[cells, "status"] = "not_applicable" if gap.kind == "not_applicable" else "missing"
    return obs.reset_index(drop=True), subs.reset_index(drop=True)


def _targets(gap: Gap, fw: Framework) -> list[str]:
    """The indicator ids a gap touches: one indicator, or all of an area's."""
    if gap.kind == "area_missing":
        return list(fw.indicators.index[fw.indicators["area"] == gap.target])
    return [gap.target]


# ---------------------------------------------------------------- files
def write(
    out_dir: Path | str,
    framework: Framework | None = None,
    registry: Registry | None = None,
    years: Sequence[int] = YEARS,
    seed: int = SEED,
) -> list[Path]:
    """Generate and write ``observations_<Y>.csv``, ``submissions_<Y>.csv`` and ``README.md`` into ``out_dir``: the
    ``years`` of ``framework`` and ``registry`` (Bình Định, 2022–2024), then Gia Lai's 2025–2026 (framework
    dv33-2025.1, registry gia-lai), from the same seed.

    UTF-8, LF line ends, values as integers or with one decimal, so that one seed always gives the same bytes.
    """
    from . import demo_free_text, demo_gia_lai

    framework = framework or load_framework(default_framework_path())
    registry = registry or load_registry(default_registry_path())
    gl_framework = load_framework(default_framework_path(GIA_LAI_FRAMEWORK))
    gl_registry = load_registry(PROJECT_ROOT / "parameters" / "units" / GIA_LAI_UNITS)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables = generate(framework, registry, years, seed)
    last = max(years)
    reporting = sorted(tables[f"submissions_{last}"]["unit_code"].astype(str))  # only units that sent a report
    tables[f"free_text_{last}"] = demo_free_text.generate(reporting, last, seed)
    gl_tables = demo_gia_lai.generate(gl_framework, gl_registry, seed)
    paths = []
    for name, df in {**tables, **gl_tables}.items():
        path = out / f"{name}.csv"
        path.write_text(_to_csv(df), encoding="utf-8", newline="")
        paths.append(path)
    readme = out / "README.md"
    text = readme_text(framework, registry, tables, years, seed) + "\n" + demo_gia_lai.readme_text(
        gl_framework, gl_registry, gl_tables, seed)
    readme.write_text(text, encoding="utf-8", newline="")
    return [*paths, readme]


def _to_csv(df: pd.DataFrame) -> str:
    out = df.copy()
    if "value" in out.columns:
        out["value"] = out["value"].map(_fmt)
    return out.to_csv(index=False, lineterminator="\n")


def _fmt(v: float) -> str:
    """Integers without a decimal point, anything else with one decimal, NaN as an empty cell."""
    if pd.isna(v):
        return ""
    return str(int(v)) if float(v).is_integer() else f"{v:.1f}"


def readme_text(
    fw: Framework, registry: Registry, tables: dict[str, pd.DataFrame], years: Sequence[int], seed: int
) -> str:
    """The bilingual README of a demo folder: synthetic, how it was made, which gaps were planted."""
    names = registry.units.set_index("code")["name_vi"]
    span = f"{min(years)}–{max(years)}" if len(set(years)) > 1 else str(years[0])
    files = "\n".join(f"- `{name}.csv`" for name in tables)
    gaps = "\n".join(
        f"| {g.year} | {g.unit_code} {names.get(g.unit_code, '')} | {g.kind} | {_target_label(g)} | {g.vi} | {g.en} |"
        for g in PLANTED if g.year in years
    )
    no_remote = _no_remote(tables, fw, names)
    cmd = f"python -m danvan_eval.demo --out data/demo --seed {seed}"
    return f"""# DỮ LIỆU MÔ PHỎNG — không phải số liệu thật / SYNTHETIC DATA — not real figures

**Tiếng Việt.** Các tệp trong thư mục này là số liệu **giả lập** về kết quả thực hiện Chỉ thị 33/CT-TTg của các
đơn vị tỉnh Bình Định, năm {span}, chỉ dùng để chạy thử và minh họa bộ công cụ `danvan-eval`. Không được trích dẫn,
so sánh hay dùng để đánh giá bất kỳ đơn vị thật nào. Tên và mã đơn vị là thật; mọi con số đều do máy sinh ngẫu nhiên.

**English.** The files in this folder are **synthetic** results of Bình Định's units under Directive 33/CT-TTg,
{span}, made only to try out and demonstrate `danvan-eval`. Do not quote them, compare them or use them to judge any
real unit. Unit names and codes are real; every number is machine-generated.

## Cách tạo / How they were made
- Lệnh / command: `{cmd}` (hoặc / or `danvan-eval demo-data`)
- Bộ sinh / generator: `danvan_eval/demo.py`, `numpy.random.default_rng({seed})`; cùng seed → tệp giống hệt từng
  byte / same seed → byte-identical files.
- Khung chỉ số / framework: `{fw.version}`; danh mục đơn vị / units: `parameters/units/` (đơn vị hoạt động từng
  năm / units active in each year).
- Mô hình / model: mỗi giá trị nằm quanh một tỷ lệ giữa hai mốc chấm điểm của chỉ số, theo năng lực riêng của đơn vị,
  từng lĩnh vực, xu hướng cải thiện nhẹ qua các năm và nhiễu ngẫu nhiên; số đếm theo quy mô (dân số, số xã); huyện
  miền núi thấp hơn về hồ sơ trực tuyến, cao hơn về công tác vùng sâu vùng xa; Quy Nhơn mạnh về chuyển đổi số.
  Each value lies around a share of the way between the indicator's goalposts, from the unit's own capacity, its
  area strengths, a gentle yearly improvement and noise; counts follow size (population, communes); mountainous
  districts are weaker on online dossiers and stronger in remote areas; Quy Nhơn is strong on digital work.
  `{DOSSIERS}` (hồ sơ tiếp nhận / dossiers received) is given for every unit-year; `i4_satisfaction_pct` carries
  its sample size `n`.

## Tệp / Files
{files}

## Khoảng trống cài sẵn / Planted gaps
| năm / year | đơn vị / unit | loại / kind | chỉ số / target | mô tả | description |
|---|---|---|---|---|---|
{gaps}

Không áp dụng vì không có xã vùng sâu, vùng xa / not applicable because the unit has no remote commune:
{no_remote}
"""


def _target_label(gap: Gap) -> str:
    return f"`{gap.target}`" if gap.target and gap.kind != "late" else (gap.target or "–")


def _no_remote(tables: dict[str, pd.DataFrame], fw: Framework, names: pd.Series) -> str:
    """Bullet list of the units whose remote-area indicators are not applicable, with the years."""
    remote = fw.indicators.index[fw.indicators["denominator"] == "remote_communes"]
    obs = pd.concat([df for name, df in tables.items() if name.startswith("observations_")])
    na = obs[obs["indicator_id"].isin(remote) & (obs["status"] == "not_applicable")]
    lines = [
        f"- {code} {names.get(code, '')} ({', '.join(map(str, sorted(set(g['year']))))}): "
        + ", ".join(f"`{i}`" for i in dict.fromkeys(g["indicator_id"]))
        for code, g in na.groupby("unit_code", sort=True)
    ]
    return "\n".join(lines) or "- (không có / none)"


def main(argv: list[str] | None = None) -> int:
    """``python -m danvan_eval.demo [--out data/demo] [--seed N]``."""
    p = argparse.ArgumentParser(description="tạo dữ liệu mô phỏng / write the synthetic demo data")
    p.add_argument("--out", default=str(PROJECT_ROOT / "data" / "demo"))
    p.add_argument("--seed", type=int, default=SEED)
    args = p.parse_args(argv)
    for path in write(args.out, seed=args.seed):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
