"""The Directive 33 evaluation: observations → indicator, area and composite scores, bands, ranks, changes.

Built on the general engine (``coin``): one coin per peer group (the registry's: districts and departments until
2024; wards, communes by terrain and provincial agencies since 2025), since the kinds of unit differ in their
denominators, goalposts and the indicators that apply; the units of one group must share one indicator set.
A unit whose denominator is unknown (a population the registry leaves ``null``) has the indicators divided by
it set aside (status ``unknown_denominator``): they weigh like not applicable ones, so its area scores rest on
its other indicators. Scoring is pure: the same observations,
framework, registry and options give the same tables, and ``rebuild`` replays an evaluation from what it records.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..engine import coin as engine
from ..errors import DanvanEvalError
from ..formatting import shown
from ..model.framework import Framework
from ..model.options import ScoringOptions
from ..model.units import Registry

STATUSES = ("reported", "imputed", "missing", "not_applicable", "unknown_denominator")
INDEX = "index"


def _remote_population_1k_year(u: pd.DataFrame) -> pd.Series:
    """Thousands of inhabitants × years of a commune or ward in an ethnic-minority and mountainous area; 0
    elsewhere (the indicator is then not applicable)."""
    return (u["population"].astype(float) / 1_000 * u["period_years"]).where(
        u["mountainous"].fillna(False).astype(bool), 0.0)


DENOMINATORS = {  # denominator name in the framework → how it is computed from a unit's attributes
    "population_10k": lambda u: u["population"] / 10_000,
    "communes": lambda u: u["n_communes"],
    "remote_communes": lambda u: u["n_remote_communes"],
    "dossiers_10k": lambda u: u["d_dossiers_received"] / 10_000,
    "population_1k": lambda u: u["population"] / 1_000,
    "population_1k_year": lambda u: u["population"].astype(float) / 1_000 * u["period_years"],
    "remote_population_1k_year": _remote_population_1k_year,
    "year": lambda u: u["period_years"],
    "weeks_pct": lambda u: u["period_years"] * 52 / 100,   # one day a week (Luật Tiếp công dân 2013, Điều 15)
    "months_pct": lambda u: u["period_years"] * 12 / 100,  # one day a month (Điều 18)
}
# denominators taken from the registry: unknown there (null) → the indicator is set aside, not scored 0
# (name → the registry attribute it is computed from)
REGISTRY_DENOMINATORS = {"population_10k": "population", "communes": "n_communes",
                         "remote_communes": "n_remote_communes", "population_1k": "population",
                         "population_1k_year": "population", "remote_population_1k_year": "population"}
YEAR_DAYS = 365
# denominators that count over the reporting period (its length in years is in them): flows, compared per year
PERIOD_DENOMINATORS = ("population_1k_year", "remote_population_1k_year", "year", "weeks_pct", "months_pct")


def period_years(units: pd.DataFrame, deadline: tuple[int, int]) -> pd.Series:
    """Length in years of each (year, unit)'s reporting period: the 12 months to the year's deadline, starting no
    earlier than the unit's ``valid_from`` (a unit created on 1 July 2025 reports on 1 July–25 November 2025)."""
    ends = pd.to_datetime([f"{y}-{deadline[0]:02d}-{deadline[1]:02d}" for y in units["year"]])
    starts = pd.to_datetime(units["valid_from"]).to_numpy() if "valid_from" in units.columns else ends
    days = np.minimum((ends - pd.DatetimeIndex(starts)).days.to_numpy() + 1, YEAR_DAYS)
    days = np.where(pd.isna(starts), YEAR_DAYS, days)
    return pd.Series(days / YEAR_DAYS, index=units.index)


def denominator_values(name: str, attrs: pd.DataFrame, fw: Framework) -> pd.Series:
    """The values of denominator ``name`` for each row of ``attrs`` (registry attributes, ``period_years`` and the
    auxiliary inputs): a registry or period denominator, or ``<name>_pct`` = the auxiliary feeding it ÷ 100."""
    if name in DENOMINATORS:
        return DENOMINATORS[name](attrs)
    feeder = fw.auxiliary.index[fw.auxiliary["feeds"] == name]
    if len(feeder) != 1:
        raise DanvanEvalError(f"Mẫu số không biết / unknown denominator '{name}'")
    return attrs[feeder[0]] / 100


@dataclass(frozen=True, eq=False)
class Evaluation:
    """Everything one scoring produced, and everything needed to rebuild it.

    Tables (see docs/ARCHITECTURE.md): ``units`` one row per (year, unit); ``areas`` and ``indicators`` long.
    """

    year: int
    framework: Framework
    registry: Registry
    observations: pd.DataFrame
    options: ScoringOptions
    coins: Mapping[str, engine.Coin]
    units: pd.DataFrame
    areas: pd.DataFrame
    indicators: pd.DataFrame

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Evaluation):
            return NotImplemented
        return (
            self.year == other.year
            and self.options == other.options
            and all(getattr(self, t).equals(getattr(other, t)) for t in ("units", "areas", "indicators"))
            and dict(self.coins) == dict(other.coins)
        )

    __hash__ = None  # type: ignore[assignment]

    def of_year(self, table: str = "units", year: int | None = None) -> pd.DataFrame:
        """Rows of one table for one year (default: the evaluated year)."""
        df = getattr(self, table)
        return df[df["year"] == (self.year if year is None else year)].reset_index(drop=True)


def score(
    observations: pd.DataFrame,
    framework: Framework,
    registry: Registry,
    year: int,
    options: ScoringOptions | Mapping[str, Any] | None = None,
) -> Evaluation:
    """Score every unit expected in every year of ``observations`` up to ``year``.

    Parameters
    ----------
    observations : the validated canonical long table (``observations.check``), one or more years; earlier
        years give the trend and the changes since last year.
    framework, registry : loaded with ``load_framework`` and ``load_registry``.
    year : the evaluated year.
    options : ``ScoringOptions`` or a mapping of them.
    """
    opts = options if isinstance(options, ScoringOptions) else ScoringOptions.from_dict(options)
    obs = observations[observations["year"].to_numpy(int) <= year]
    years = sorted({*np.unique(obs["year"].to_numpy(int)).tolist(), year})
    active = _expected_units(registry, years, framework.deadline)
    coins, unit_rows, area_rows, ind_rows = {}, [], [], []
    for group in registry.group_ids():
        expected = active[active["peer_group"] == group]
        if expected.empty:
            continue
        c, unknown = _build_coin(obs, framework, expected, _group_kind(framework, expected, group), opts)
        coins[group] = c
        u, a, i = _tables(c, framework, expected, unknown)
        unit_rows.append(u)
        area_rows.append(a)
        ind_rows.append(i)
    if not coins:
        raise DanvanEvalError(f"Không có đơn vị nào phải báo cáo năm {year} / no unit is expected to report in {year}")
    units = _add_ranks_and_changes(pd.concat(unit_rows, ignore_index=True), framework)
    return Evaluation(
        year=year,
        framework=framework,
        registry=registry,
        observations=observations,
        options=opts,
        coins=coins,
        units=units,
        areas=pd.concat(area_rows, ignore_index=True),
        indicators=pd.concat(ind_rows, ignore_index=True),
    )


def rebuild(evaluation: Evaluation, **option_changes: Any) -> Evaluation:
    """Score again from what ``evaluation`` records, optionally with some options changed."""
    opts = ScoringOptions.from_dict({**evaluation.options.as_dict(), **option_changes})
    return score(evaluation.observations, evaluation.framework, evaluation.registry, evaluation.year, opts)


# ---------------------------------------------------------------- building the coin
def _expected_units(registry: Registry, years: list[int], deadline: tuple[int, int]) -> pd.DataFrame:
    """One row per (year, unit) expected to report: the units valid on that year's deadline."""
    parts = [registry.active(y, deadline).assign(year=y) for y in years]
    out = pd.concat(parts, ignore_index=True).rename(columns={"code": "unit_code"})
    return out.sort_values(["year", "unit_code"], kind="stable").reset_index(drop=True)


def _group_kind(fw: Framework, expected: pd.DataFrame, group: str) -> str:
    """The kind whose indicators score ``group``; its units' kinds must share the same indicator set."""
    kinds = sorted(set(expected["kind"]), key=lambda k: (k not in fw.kinds, str(k)))
    cols = ["denominator", "lo", "hi", "weight", "direction"]
    first = fw.indicator_table(kinds[0])[cols]
    for other in kinds[1:]:
        if not fw.indicator_table(other)[cols].equals(first):
            raise DanvanEvalError(
                f"Nhóm so sánh {group} gồm các loại đơn vị {kinds[0]}, {other} có bộ chỉ tiêu khác nhau trong khung "
                f"{fw.version}: tách thành các nhóm riêng trong danh mục đơn vị / peer group {group} mixes kinds "
                f"{kinds[0]} and {other}, whose indicators differ in framework {fw.version}: split the group")
    return kinds[0]


def _row_positions(rows: pd.DataFrame, expected: pd.DataFrame) -> np.ndarray:
    """For each long row (year, unit_code), its row in ``expected``, or -1 (a unit-year not expected).

    A direct index lookup: ``pivot_table`` costs seconds at national scale (1.5 million rows).
    """
    units = pd.Index(expected["unit_code"].unique())
    y0 = int(expected["year"].min())
    lookup = np.full((int(expected["year"].max()) - y0 + 1, len(units)), -1)
    lookup[expected["year"].to_numpy(int) - y0, units.get_indexer(expected["unit_code"])] = np.arange(len(expected))
    years = rows["year"].to_numpy(int) - y0
    u = units.get_indexer(rows["unit_code"])
    inside = (years >= 0) & (years < len(lookup)) & (u >= 0)
    out = np.full(len(rows), -1)
    out[inside] = lookup[years[inside], u[inside]]
    return out


def _build_coin(
    obs: pd.DataFrame, fw: Framework, expected: pd.DataFrame, kind: str, opts: ScoringOptions
) -> tuple[engine.Coin, pd.DataFrame]:
    """The aggregated coin of one peer group, and the cells set aside for an unknown registry denominator."""
    meta = fw.meta(kind)
    inds = list(meta.index[meta["level"] == 1])
    index = pd.MultiIndex.from_frame(expected[["year", "unit_code"]])
    rows = _row_positions(obs, expected)
    status = obs["status"].to_numpy()
    values = obs["value"].to_numpy(float)

    def wide(columns: list[str], cell_values: np.ndarray, fill) -> pd.DataFrame:
        cols = pd.Index(columns).get_indexer(obs["indicator_id"])
        ok = (rows >= 0) & (cols >= 0)
        out = np.full((len(expected), len(columns)), fill, dtype=cell_values.dtype)
        out[rows[ok], cols[ok]] = cell_values[ok]
        return pd.DataFrame(out, index=index, columns=columns)

    raw = wide(inds, np.where(status == "reported", values, np.nan), np.nan)
    not_applicable = wide(inds, status == "not_applicable", False)
    groups = pd.DataFrame({"year": expected["year"].to_numpy(), "unit_code": expected["unit_code"].to_numpy()},
                          index=index)
    attrs = expected.set_index(["year", "unit_code"]).join(wide(list(fw.auxiliary.index), values, np.nan))
    attrs["period_years"] = period_years(expected, fw.deadline).to_numpy()
    na_cells = not_applicable.to_numpy(copy=True)
    unknown_cells = np.zeros(na_cells.shape, bool)
    for den in meta.loc[inds, "denominator"].dropna().unique():
        groups[den] = denominator_values(den, attrs, fw).astype(float).to_numpy()
        # a unit with none of what the denominator counts (no remote commune) is not concerned: N/A, not 0
        zero = (groups[den] == 0).to_numpy()
        missing = groups[den].isna().to_numpy() & (den in REGISTRY_DENOMINATORS)
        cols = (meta.loc[inds, "denominator"] == den).to_numpy(bool)
        na_cells[:, cols] |= (zero | missing)[:, None]
        unknown_cells[:, cols] |= missing[:, None]
    not_applicable = pd.DataFrame(na_cells, index=index, columns=inds)
    unknown = pd.DataFrame(unknown_cells, index=index, columns=inds)

    c = engine.new_coin(raw, meta, groups=groups, not_applicable=not_applicable)
    c = engine.denominate(c)
    impute_args = {"unit": "unit_code", "order": "year"} if opts.imputation == "previous" else {}
    c = engine.impute(c, method=opts.imputation, **impute_args)
    normalise_by = None if (opts.pooled or opts.normalisation == "goalposts") else "year"
    c = engine.normalise(c, method=opts.normalisation, by=normalise_by)
    threshold = fw.coverage_threshold if opts.coverage_threshold is None else opts.coverage_threshold
    c = engine.aggregate(
        c,
        method=opts.aggregation,
        weights=dict(opts.area_weights) or None,
        weight_thresh={2: threshold, 3: 1.0},
    )
    return c, unknown


# ---------------------------------------------------------------- tidy tables
def _tables(c: engine.Coin, fw: Framework, expected: pd.DataFrame, unknown: pd.DataFrame):
    meta = c.meta
    inds = c.indicators
    areas = list(meta.index[meta["level"] == 2])
    agg = c["Aggregated"]
    cov = engine.coverage(c)

    # ``kind`` in the output tables is the unit's peer group (the column kept its name: until 2024 the groups
    # were the kinds, and the tables of those years stay byte-identical)
    units = expected[["year", "unit_code", "name_vi", "peer_group"]].rename(columns={"peer_group": "kind"})
    units = units.reset_index(drop=True)
    units["composite"] = agg[INDEX].to_numpy()
    units["coverage"] = cov[INDEX].to_numpy()
    for a in fw.areas.index:
        units[a] = agg[a].to_numpy() if a in agg.columns else np.nan

    area_long = _long(agg.index, areas, "area", score=agg[areas], coverage=cov[areas])
    ind = _long(
        c["Raw"].index, inds, "indicator_id",
        raw=c["Raw"][inds], denominated=c["Denominated"][inds], score=c["Normalised"][inds],
        status=_status(c, unknown),
    )
    ind.insert(3, "area", ind["indicator_id"].map(meta["parent"]))
    ind.loc[ind["status"] == "not_applicable", "score"] = np.nan
    return units, area_long, ind


def _long(index: pd.MultiIndex, columns: list[str], name: str, **tables) -> pd.DataFrame:
    """Long table (year, unit_code, ``name``, one column per table) from same-shaped wide tables (or values
    already in that row-by-row order)."""
    out = pd.DataFrame({
        "year": np.repeat(index.get_level_values("year").to_numpy(), len(columns)),
        "unit_code": np.repeat(index.get_level_values("unit_code").to_numpy(), len(columns)),
        name: np.tile(np.asarray(columns, dtype=object), len(index)),
    })
    for key, table in tables.items():
        out[key] = table[columns].to_numpy().ravel() if isinstance(table, pd.DataFrame) else table
    return out


def _status(c: engine.Coin, unknown: pd.DataFrame) -> pd.Categorical:
    """Per cell, row by row: reported, imputed, missing, not_applicable or unknown_denominator (as the evaluation
    treated it)."""
    raw, imputed = c["Raw"][c.indicators].to_numpy(), c["Imputed"][c.indicators].to_numpy()
    codes = np.select([unknown[c.indicators].to_numpy(), c.not_applicable.to_numpy(), ~np.isnan(raw),
                       ~np.isnan(imputed)], [4, 3, 0, 1], 2)
    return pd.Categorical.from_codes(codes.ravel(), STATUSES)


# ---------------------------------------------------------------- bands, ranks, changes
def classify(scores: pd.Series, bands: pd.DataFrame) -> pd.Series:
    """Band code of each score (the first band whose ``min`` it reaches at the precision the reports show: 79.96
    reads 80,0 and is rated as 80); NaN stays NaN (insufficient data)."""
    scores = scores.map(lambda v: shown(v) if pd.notna(v) else np.nan)
    ordered = bands.sort_values("min", ascending=False)
    out = pd.Series(np.nan, index=scores.index, dtype=object)
    for code, lo in zip(ordered["code"], ordered["min"]):
        out[out.isna() & (scores >= lo)] = code
    return out


def rank(scores: pd.Series, by: pd.Series | pd.DataFrame | None = None) -> pd.Series:
    """Rank 1 = highest score at the precision the reports show (``formatting.shown``: 83.84 and 83.76 both read
    83.8 and share a rank); ties share the best rank ("min": 1, 1, 3); NaN stays unranked."""
    scores = scores.map(lambda v: shown(v) if pd.notna(v) else np.nan)
    if by is None:
        return scores.rank(method="min", ascending=False)
    return scores.groupby(by, sort=False).rank(method="min", ascending=False)


def _add_ranks_and_changes(units: pd.DataFrame, fw: Framework, ranked: bool = True) -> pd.DataFrame:
    """Bands, ranks within each (year, peer group) unless ``ranked`` is False (levels without ranks), and the
    changes since the year before."""
    units = units.sort_values(["year", "kind", "unit_code"], kind="stable").reset_index(drop=True)
    units["band"] = classify(units["composite"], fw.bands)
    units["rank"] = rank(units["composite"], [units["year"], units["kind"]]).astype("Int64")
    units["n_ranked"] = units.groupby(["year", "kind"])["composite"].transform("count").astype("Int64")
    prev = units[["year", "unit_code", "composite", "rank"]].copy()
    prev["year"] += 1
    merged = units.merge(prev, on=["year", "unit_code"], how="left", suffixes=("", "_prev"))
    units["composite_change"] = (merged["composite"] - merged["composite_prev"]).to_numpy()
    units["rank_change"] = (merged["rank_prev"] - merged["rank"]).astype("Int64").to_numpy()
    first = ["year", "unit_code", "name_vi", "kind", "composite", "coverage", "band", "rank", "n_ranked",
             "composite_change", "rank_change"]
    return units[first + [c for c in units.columns if c not in first]]


def recompose(
    area_scores: pd.DataFrame,
    weights: Mapping[str, float],
    method: str = "amean",
    groups: pd.Series | pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Composite and rank from area scores with other area weights — the fast path of the dashboard.

    ``area_scores`` has one column per area (NaN where an area is insufficient); a unit with an applicable area
    missing gets no composite, exactly as in ``score``. Returns ``composite`` and ``rank`` (within ``groups``).
    """
    from ..engine import methods
    cols = list(area_scores.columns)
    w = np.array([float(weights.get(a, 1.0)) for a in cols])
    x = area_scores.to_numpy(float)
    value = methods.AGGREGATE[method](x, w)
    value[np.isnan(x).any(axis=1)] = np.nan
    out = pd.DataFrame({"composite": value}, index=area_scores.index)
    out["rank"] = rank(out["composite"], groups).astype("Int64")
    return out

