"""Plausibility checks: warnings on reported values that need verifying ("cần xác minh"), never blocking.

``findings`` runs every rule of a ``PlausibilityRules`` on the reported values of one year and returns one row per
finding: the file, unit, indicator, value, the rule (``code``), what the value was compared with (``reference``,
``measure``) and the message in Vietnamese and English. Pure: the same tables give the same findings, in the order
unit, indicator (framework order), rule.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..formatting import number
from ..messages import LANGS
from ..model.framework import TYPE_RANGE, Framework
from ..model.plausibility import PlausibilityRules, Rule
from ..model.units import Registry
from ..problems import PROBLEM_COLUMNS
from .scoring import PERIOD_DENOMINATORS, denominator_values, period_years

FINDING_COLUMNS = [*PROBLEM_COLUMNS, "year", "value", "reference", "measure"]
Z_SCALE = 0.6745  # robust z = 0.6745 (x − median) / MAD (Iglewicz and Hoaglin)


def empty() -> pd.DataFrame:
    """A findings table without rows."""
    return _frame([])


def findings(
    observations: pd.DataFrame,
    framework: Framework,
    registry: Registry,
    year: int,
    rules: PlausibilityRules,
    files: str | Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Every finding of ``rules`` on the reported values of ``year``.

    Parameters
    ----------
    observations : typed canonical observations (``observations.check``); earlier years give the history.
        An optional ``row`` column (the line in the file) is carried into the findings.
    year : the year whose values are checked.
    files : the file named in every finding, or unit code → file.
    """
    obs = observations[observations["status"].astype(str) == "reported"]
    specs = pd.concat([framework.indicators[["type"]], framework.auxiliary[["type"]]])
    obs = obs[obs["indicator_id"].isin(specs.index)].assign(type=lambda d: d["indicator_id"].map(specs["type"]))
    current = obs[obs["year"] == year]
    history = obs[obs["year"] == year - 1]
    order = {i: k for k, i in enumerate([*framework.indicators.index, *framework.auxiliary.index])}
    rows: list[dict] = []
    for position, rule in enumerate(rules.rules):
        check = _CHECKS[rule.check]
        for found in check(rule, current, history, framework, registry, year):
            rows.append({**found, "position": position})
    if not rows:
        return empty()
    df = pd.DataFrame(rows)
    df["order"] = df["indicator"].map(order)
    df = df.sort_values(["unit", "order", "position"], kind="stable")
    if isinstance(files, Mapping):
        df["file"] = df["unit"].map(files)
    else:
        df["file"] = files
    return _frame(df.to_dict("records"))


def _frame(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows).reindex(columns=FINDING_COLUMNS)
    df["row"] = pd.array(df["row"], dtype="Int64")
    df["year"] = pd.array(df["year"], dtype="Int64")
    for col in ("value", "reference", "measure"):
        df[col] = df[col].astype(float)
    for col in ("file", "cell", "unit", "indicator", "code", "message_vi", "message_en"):
        df[col] = df[col].astype(object).where(df[col].notna(), None)
    return df.reset_index(drop=True)


def _shown(x: float, lang: str, digits: int | None = None) -> str:
    if math.isinf(x):
        return "∞"
    if digits is None:
        digits = 0 if float(x).is_integer() else (1 if abs(x) >= 1 else 2)
    return number(x, lang, digits)


def _finding(rule: Rule, rec, year: int, reference: float, measure: float, **fields) -> dict:
    """One finding of ``rule`` on the observation ``rec``; ``fields`` fill its message (numbers as each
    language writes them)."""
    value = float(rec.value)
    messages = {}
    for lang in LANGS:
        shown = {k: (_shown(*v[:1], lang, *v[1:]) if isinstance(v, tuple) else v) for k, v in fields.items()}
        messages[lang] = rule.message[lang].format(value=_shown(value, lang), **shown)
    row = getattr(rec, "row", None)
    return {
        "row": None if row is None or pd.isna(row) else int(row), "cell": None, "unit": rec.unit_code,
        "indicator": rec.indicator_id, "code": rule.id, "message_vi": messages["vi"], "message_en": messages["en"],
        "year": year, "value": value, "reference": reference, "measure": measure,
    }


def _selected(rule: Rule, df: pd.DataFrame) -> pd.DataFrame:
    """The rows of the indicators ``rule`` looks at (each distinct indicator decided once)."""
    ids = df[["indicator_id", "type"]].drop_duplicates()
    chosen = {i for i, t in zip(ids["indicator_id"], ids["type"]) if rule.selects(i, t)}
    return df[df["indicator_id"].isin(chosen)]


def _history_ratio(rule, current, history, framework, registry, year):
    """The value against the unit's own last year, both per year of their reporting periods (a part-year such as
    1 July–25 November 2025 against a full year): ``ratio`` times or more up or down, by ``min_change`` or more."""
    t = rule.thresholds
    both = _selected(rule, current).merge(
        history[["unit_code", "indicator_id", "value"]].rename(columns={"value": "previous"}),
        on=["unit_code", "indicator_id"])
    flow = _is_flow(both, framework, registry, year)
    now, before = (both["unit_code"].map(_periods(framework, registry, y)).fillna(1.0).where(flow, 1.0)
                   for y in (year, year - 1))
    v, p = both["value"].astype(float) / now, both["previous"].astype(float) / before
    big, small = np.maximum(v, p), np.minimum(v, p)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(small > 0, big / small, np.where(big > 0, np.inf, 1.0))
    fired = (ratio >= t["ratio"]) & ((v - p).abs() >= t["min_change"])
    for rec, a, b in zip(both[fired.to_numpy()].itertuples(index=False), v[fired], p[fired]):
        shown_ratio = a / b if b > 0 else math.inf
        yield _finding(rule, rec, year, float(rec.previous), shown_ratio, previous=(float(rec.previous),),
                       ratio=(shown_ratio, 1), threshold=(t["ratio"],))


def _is_flow(rows: pd.DataFrame, framework: Framework, registry: Registry, year: int) -> pd.Series:
    """Whether each row's indicator counts over the reporting period (its denominator, for the unit's kind, is one
    of ``PERIOD_DENOMINATORS``): those are compared per year; days and stocks as they are."""
    kinds = registry.active(year, framework.deadline).set_index("code")["kind"]
    flows = {(k, i) for k in framework.kinds for i, d in framework.indicator_table(k)["denominator"].items()
             if d in PERIOD_DENOMINATORS}
    return pd.Series([(k, i) in flows for k, i in zip(rows["unit_code"].map(kinds), rows["indicator_id"])],
                     index=rows.index, dtype=bool)


def _periods(framework: Framework, registry: Registry, year: int) -> pd.Series:
    """Unit code → length in years of its reporting period in ``year`` (1 for a unit older than a year)."""
    units = registry.active(year, framework.deadline)
    return pd.Series(period_years(units.assign(year=year), framework.deadline).to_numpy(), index=units["code"])


def per_unit(current: pd.DataFrame, framework: Framework, registry: Registry, year: int) -> pd.Series:
    """Each reported value on the indicator's basis (per commune, per 10,000 inhabitants …: the framework's
    denominator for the unit's kind); NaN where the denominator is unknown or zero."""
    units = registry.active(year, framework.deadline).set_index("code")
    aux = current.pivot_table(index="unit_code", columns="indicator_id", values="value", aggfunc="first")
    attrs = units.join(aux.reindex(columns=list(framework.auxiliary.index)))
    attrs["period_years"] = period_years(units.assign(year=year), framework.deadline).to_numpy()
    out = pd.Series(np.nan, index=current.index)
    for kind in units["kind"].unique():
        table = framework.indicator_table(kind)
        mine = current["unit_code"].map(units["kind"]).eq(kind) & current["indicator_id"].isin(table.index)
        for den, rows in current[mine].groupby(current.loc[mine, "indicator_id"].map(table["denominator"]).fillna("")):
            if den == "":
                out[rows.index] = rows["value"].astype(float)
                continue
            base = denominator_values(den, attrs, framework).astype(float)
            d = rows["unit_code"].map(base).astype(float)
            out[rows.index] = (rows["value"].astype(float) / d.where(d > 0)).to_numpy()
    return out


def _peer_robust_z(rule, current, history, framework, registry, year):
    """The value on the indicator's basis against the units of its peer group: robust z (median, MAD)."""
    t = rule.thresholds
    chosen = _selected(rule, current)
    if chosen.empty:
        return
    active = registry.active(year, framework.deadline).set_index("code")
    groups = active["peer_group"] if "peer_group" in active.columns else active["kind"]  # the units ranked together
    chosen = chosen.assign(per_unit=per_unit(current, framework, registry, year).reindex(chosen.index),
                           group=chosen["unit_code"].map(groups))
    chosen = chosen[chosen["per_unit"].notna()]
    for _, peers in chosen.groupby(["group", "indicator_id"], sort=False):
        if len(peers) < t["min_peers"]:
            continue
        x = peers["per_unit"].astype(float)
        median = float(x.median())
        mad = max(float((x - median).abs().median()), t["mad_floor"] * abs(median))
        if mad <= 0:
            continue
        typical = float(peers["value"].median())
        for rec, xi in zip(peers.itertuples(index=False), x):
            z = Z_SCALE * (xi - median) / mad
            if abs(z) >= t["z"] and max(float(rec.value), typical) >= t["min_value"]:
                yield _finding(rule, rec, year, median, z, per_unit=(xi, 2), median=(median, 2), z=(z, 1),
                               threshold=(t["z"],), peers=len(peers))


def _part_whole(rule, current, history, framework, registry, year):
    """A part larger than its whole (online dossiers above dossiers received)."""
    for part, whole in rule.pairs:
        a = current[current["indicator_id"] == part]
        b = current.loc[current["indicator_id"] == whole, ["unit_code", "value"]].rename(columns={"value": "whole"})
        for rec in a.merge(b, on="unit_code").itertuples(index=False):
            if float(rec.value) > float(rec.whole):
                yield _finding(rule, rec, year, float(rec.whole), float(rec.value) - float(rec.whole),
                               whole=whole, whole_value=(float(rec.whole),))


def _range_edge(rule, current, history, framework, registry, year):
    """A value at the very edge of what its type allows (0% or 100%)."""
    margin = rule.thresholds["margin"]
    chosen = _selected(rule, current)
    low = chosen["type"].map(lambda t: TYPE_RANGE[t][0]).astype(float)
    high = chosen["type"].map(lambda t: TYPE_RANGE[t][1]).astype(float)
    v = chosen["value"].astype(float)
    near = (v <= low + margin) | (np.isfinite(high) & (v >= high - margin))
    for rec in chosen[near.to_numpy()].itertuples(index=False):
        low, high = TYPE_RANGE[rec.type]
        v = float(rec.value)
        edge = low if v <= low + margin else (high if math.isfinite(high) and v >= high - margin else None)
        if edge is not None:
            yield _finding(rule, rec, year, float(edge), v - edge, edge=(float(edge),))


_CHECKS = {
    "history_ratio": _history_ratio,
    "peer_robust_z": _peer_robust_z,
    "part_whole": _part_whole,
    "range_edge": _range_edge,
}
