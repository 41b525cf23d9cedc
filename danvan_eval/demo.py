"""Seeded synthetic demo data: observations and submissions of Bình Định's units, 2022–2024.

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

from .framework import Framework, default_framework_path, load_framework
from .scoring import DENOMINATORS
from .units import Registry, default_registry_path, load_registry

YEARS = (2022, 2023, 2024)
SEED = 20221125
SOURCE = "demo"
OBS_COLUMNS = ["year", "unit_code", "indicator_id", "value", "status", "source", "n"]
SUB_COLUMNS = ["year", "unit_code", "received", "source", "correction"]
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


PLANTED: tuple[Gap, ...] = (
    Gap("late", 2024, "546", "2024-12-03",
        "báo cáo đến ngày 03/12/2024, sau hạn 25/11", "report arrived on 3 Dec 2024, after the 25 Nov deadline"),
    Gap("missing", 2023, "545", "i4_satisfaction_pct",
        "không khảo sát sự hài lòng năm này (ô trống, status missing)",
        "no satisfaction survey that year (empty value, status missing)"),
    Gap("area_missing", 2023, "550", "a5",
        "bỏ trống cả lĩnh vực 5 (đạo đức công vụ) → lĩnh vực và điểm tổng hợp 'không đủ dữ liệu'",
        "left all of area 5 (public-service ethics) blank → area and composite 'insufficient data'"),
    Gap("outlier", 2024, "544", "i2_sessions",
        "số hội nghị tuyên truyền gấp 10 lần thực tế (gõ thừa một số 0)",
        "ten times the real number of dissemination sessions (an extra zero typed)"),
    Gap("absent", 2023, "SCT", "",
        "sở không gửi báo cáo năm này (không có dòng số liệu, không có ngày nhận)",
        "the department sent no report that year (no rows, no submission)"),
    Gap("not_applicable", 2022, "542", "i1_projects_danvan_pct",
        "không có dự án đầu tư phải giải phóng mặt bằng → không áp dụng",
        "no investment project with land clearance → not applicable"),
    Gap("not_applicable", 2024, "551", "i1_projects_danvan_pct",
        "không có dự án đầu tư phải giải phóng mặt bằng → không áp dụng",
        "no investment project with land clearance → not applicable"),
)


# ---------------------------------------------------------------- generation
def generate(
    framework: Framework, registry: Registry, years: Sequence[int] = YEARS, seed: int = SEED
) -> dict[str, pd.DataFrame]:
    """Synthetic observations and submissions of every unit active in each year, gaps planted.

    Returns ``{"observations_<Y>": ..., "submissions_<Y>": ...}`` in the canonical schemas of
    docs/ARCHITECTURE.md, rows sorted by unit code then framework order.
    """
    rng = np.random.default_rng(seed)
    units = _all_units(registry, years)
    effects = _unit_effects(units, list(framework.areas.index), rng)
    out: dict[str, pd.DataFrame] = {}
    for year in years:
        active = registry.active(year).sort_values("code", kind="stable")
        obs = pd.concat(
            [_unit_year(framework, u, year, years[0], effects, rng) for _, u in active.iterrows()],
            ignore_index=True,
        )
        subs = _submissions(active["code"], year, framework.deadline, rng)
        out[f"observations_{year}"], out[f"submissions_{year}"] = _plant(obs, subs, framework, year)
    return out


def _all_units(registry: Registry, years: Iterable[int]) -> list[str]:
    """Codes of every unit active in any of the years, sorted (the order the unit effects are drawn in)."""
    return sorted({c for y in years for c in registry.active(y)["code"]})


def _unit_effects(codes: list[str], areas: list[str], rng: np.random.Generator) -> pd.DataFrame:
    """A persistent logit effect per unit (column ``unit``) and per unit × area: strong units stay strong."""
    effects = pd.DataFrame(rng.normal(0, SD_AREA, (len(codes), len(areas))), index=codes, columns=areas)
    effects.insert(0, "unit", rng.normal(0, SD_UNIT, len(codes)))
    return effects


def _profiles(unit: pd.Series) -> list[str]:
    """The tilt profiles a unit belongs to."""
    out = ["mountainous"] if bool(unit.get("mountainous", False)) else []
    if str(unit.get("type_en", "")).lower() == "city":
        out.append("city")
    return out


def _unit_year(
    fw: Framework, unit: pd.Series, year: int, first_year: int, effects: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    """Every observation row of one unit in one year: the auxiliary dossier count, then each indicator."""
    code = unit["code"]
    dossiers = _dossiers(unit, year - first_year, rng)
    attrs = unit.copy()
    attrs[DOSSIERS] = dossiers
    rows = [_row(year, code, DOSSIERS, float(dossiers))]
    meta = fw.meta(unit["kind"])
    specs = meta[meta["level"] == 1].join(fw.indicators[["type", "survey"]])
    tilts = [TILTS[p] for p in _profiles(unit)]
    for ind, spec in specs.iterrows():
        denom = _denominator(spec, attrs)
        if denom == 0:  # nothing to count in (no remote commune): the indicator does not concern the unit
            rows.append(_row(year, code, ind, np.nan, "not_applicable"))
            continue
        logit = (BASE + effects.at[code, "unit"] + effects.at[code, spec["parent"]] + TREND * (year - first_year)
                 + sum(t.get(ind, 0.0) for t in tilts) + rng.normal(0, SD_CELL))
        s = 1 / (1 + np.exp(-logit))
        if spec["survey"]:
            value, n = _survey(spec, s, rng)
            rows.append(_row(year, code, ind, value, n=n))
        else:
            rows.append(_row(year, code, ind, _value(spec, s, denom, rng)))
    return pd.DataFrame(rows, columns=OBS_COLUMNS)


def _row(year: int, code: str, ind: str, value: float, status: str = "reported", n: int | None = None) -> dict:
    return {"year": year, "unit_code": code, "indicator_id": ind, "value": value, "status": status,
            "source": SOURCE, "n": n}


def _dossiers(unit: pd.Series, years_in: int, rng: np.random.Generator) -> int:
    """Administrative dossiers received in the year: by population for districts, a typical count for departments."""
    pop = unit.get("population")
    base = DOSSIERS_PER_PERSON * pop if unit["kind"] == "district" and pd.notna(pop) else DEPT_DOSSIERS
    return int(round(base * (1 + DOSSIER_GROWTH) ** years_in * rng.lognormal(0, 0.15)))


def _denominator(spec: pd.Series, attrs: pd.Series) -> float:
    """What the indicator's count is divided by for this unit (1 when it has no denominator)."""
    den = spec.get("denominator")
    if den is None or (isinstance(den, float) and np.isnan(den)):
        return 1.0
    return float(DENOMINATORS[den](attrs))


def _value(spec: pd.Series, s: float, denom: float, rng: np.random.Generator) -> float:
    """A raw value about share ``s`` of the way from the 0-goalpost to the 100-goalpost, in the indicator's unit."""
    level = spec["lo"] + s * (spec["hi"] - spec["lo"])
    kind = spec["type"]
    if kind == "bool":
        return float(round(min(max(level, 0.0), 1.0)))
    if kind == "pct":
        return round(min(max(level, 0.0), 100.0), 1)
    if kind == "days":
        return float(max(0, round(level)))
    return float(rng.poisson(max(level, 0.0) * denom))  # count: what a unit of this size would report


def _survey(spec: pd.Series, s: float, rng: np.random.Generator) -> tuple[float, int]:
    """A survey share drawn from a sample of a few hundred respondents, with that sample size."""
    p = min(max(spec["lo"] + s * (spec["hi"] - spec["lo"]), 0.0), 100.0) / 100
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
    }, columns=SUB_COLUMNS)


# ---------------------------------------------------------------- planted gaps
def _plant(obs: pd.DataFrame, subs: pd.DataFrame, fw: Framework, year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Apply the gaps of ``PLANTED`` that fall in ``year``; a gap whose unit does not report that year is an error."""
    obs, subs = obs.copy(), subs.copy()
    for gap in (g for g in PLANTED if g.year == year):
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
            if gap.kind == "outlier":
                obs.loc[cells, "value"] *= 10
            else:
                obs.loc[cells, ["value", "n"]] = [np.nan, None]
                obs.loc[cells, "status"] = "missing" if gap.kind != "not_applicable" else "not_applicable"
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
    """Generate and write ``observations_<Y>.csv``, ``submissions_<Y>.csv`` and ``README.md`` into ``out_dir``.

    UTF-8, LF line ends, values as integers or with one decimal, so that one seed always gives the same bytes.
    """
    framework = framework or load_framework(default_framework_path())
    registry = registry or load_registry(default_registry_path())
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables = generate(framework, registry, years, seed)
    paths = []
    for name, df in tables.items():
        path = out / f"{name}.csv"
        path.write_text(_to_csv(df), encoding="utf-8", newline="")
        paths.append(path)
    readme = out / "README.md"
    readme.write_text(readme_text(framework, registry, tables, years, seed), encoding="utf-8", newline="")
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
    names = registry.units.drop_duplicates("code", keep="last").set_index("code")["name_vi"]
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
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
    """Bullet list of unit-years whose remote-commune indicators are not applicable by construction."""
    remote = set(fw.indicators.index[fw.indicators["denominator"] == "remote_communes"])
    lines = []
    for name, df in tables.items():
        if not name.startswith("observations_"):
            continue
        na = df[df["indicator_id"].isin(remote) & (df["status"] == "not_applicable")]
        for code, ids in na.groupby("unit_code", sort=True)["indicator_id"]:
            lines.append(f"- {name.split('_')[1]}: {code} {names.get(code, '')} — {', '.join(f'`{i}`' for i in ids)}")
    return "\n".join(lines) or "- (không có / none)"


def main(argv: list[str] | None = None) -> int:
    """``python -m danvan_eval.demo [--out data/demo] [--seed N]``."""
    p = argparse.ArgumentParser(description="tạo dữ liệu mô phỏng / write the synthetic demo data")
    p.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / "data" / "demo"))
    p.add_argument("--seed", type=int, default=SEED)
    args = p.parse_args(argv)
    for path in write(args.out, seed=args.seed):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
