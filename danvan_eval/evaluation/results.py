"""The actual results of a year (sessions held, models recognised, dossiers on time …), by peer group and for the
province, beside last year's on the same units (pure functions).

The figures come from the raw indicators, never from scores, and are summed, never averaged: a count is the sum
over the units; a share whose count is collected (a numerator/denominator pair of the framework, or a share
listed in ``parameters/results/``) is Σ numerator / Σ denominator × 100; a yes/no counts the units that said yes;
a number of days late counts the units on time (0 days). A share without its count is shown as the range over the
units (``low``–``high``), never as a mean. Each figure is given over every unit that reported it this year and,
beside last year's, over the units that reported it in both years (``value_paired``, ``before``, ``n_paired``),
so that a change compares the same units.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

HOWS = ("count", "ratio", "weighted", "yes", "on_time", "share")  # how an indicator adds up over units
SPEC_COLUMNS = ["indicator_id", "area", "how", "denominator"]
PART_COLUMNS = ["year", "unit_code", "indicator_id", "numerator", "denominator", "share"]
COLUMNS = ["year", "group", "indicator_id", "area", "how", "n_units", "n_reported", "numerator", "denominator",
           "value", "low", "high", "n_paired", "value_paired", "low_paired", "high_paired", "before", "low_before",
           "high_before"]
PROVINCE = "province"


def specs(framework, weights: dict[str, str] | None = None) -> pd.DataFrame:
    """How each indicator of ``framework`` adds up over units (``SPEC_COLUMNS``, the framework's order).

    A count whose denominator an auxiliary input feeds as a share (``…_pct``) is a ``ratio`` of the two counts;
    a share listed in ``weights`` is ``weighted`` by the count it names; other shares are ``share``.
    """
    weights = weights or {}
    aux = framework.auxiliary
    feeders = aux.reset_index().drop_duplicates("feeds").set_index("feeds").iloc[:, 0] if len(aux) else {}
    rows = []
    for ind, r in framework.indicators.iterrows():
        den = r["denominator"] if isinstance(r["denominator"], str) else ""
        if r["type"] == "bool":
            rows.append((ind, r["area"], "yes", None))
        elif r["type"] == "days":
            rows.append((ind, r["area"], "on_time", None))
        elif r["type"] == "count" and den.endswith("_pct") and den in feeders:
            rows.append((ind, r["area"], "ratio", feeders[den]))
        elif r["type"] == "count":
            rows.append((ind, r["area"], "count", None))
        elif ind in weights:
            rows.append((ind, r["area"], "weighted", weights[ind]))
        else:
            rows.append((ind, r["area"], "share", None))
    return pd.DataFrame(rows, columns=SPEC_COLUMNS)


def unit_parts(observations: pd.DataFrame, spec: pd.DataFrame) -> pd.DataFrame:
    """Each (year, unit, indicator) reported, as additive parts (``PART_COLUMNS``). A weighted share's numerator
    is share × count / 100; a ratio or weighted share needs both of its figures reported."""
    obs = observations[observations["status"].astype(str) == "reported"]
    if obs.empty:
        return pd.DataFrame(columns=PART_COLUMNS)
    wide = obs.assign(value=pd.to_numeric(obs["value"], errors="coerce")).pivot_table(
        index=["year", "unit_code"], columns="indicator_id", values="value", aggfunc="first", observed=True)
    out = []
    for s in spec.itertuples(index=False):
        if s.indicator_id not in wide.columns:
            continue
        v = wide[s.indicator_id]
        den = pd.Series(np.nan, index=wide.index)
        keep = v.notna()
        if s.how in ("ratio", "weighted"):
            if s.denominator not in wide.columns:
                continue
            den = wide[s.denominator]
            keep &= den.notna()
        num, share = {
            "ratio": (v, np.nan), "weighted": (v / 100 * den, np.nan), "count": (v, np.nan),
            "yes": ((v >= 0.5).astype(float), np.nan), "on_time": ((v <= 0).astype(float), np.nan),
            "share": (np.nan, v),
        }[s.how]
        if s.how in ("yes", "on_time"):
            den = pd.Series(1.0, index=wide.index)
        frame = pd.DataFrame({"numerator": num, "denominator": den, "share": share}, index=wide.index)[keep]
        frame = frame.reset_index()
        frame.insert(2, "indicator_id", s.indicator_id)
        out.append(frame)
    if not out:
        return pd.DataFrame(columns=PART_COLUMNS)
    parts = pd.concat(out, ignore_index=True)[PART_COLUMNS]
    parts["year"] = parts["year"].astype(int)
    parts["unit_code"] = parts["unit_code"].astype(str)
    return parts


def results(parts: pd.DataFrame, spec: pd.DataFrame, groups: pd.Series, year: int) -> pd.DataFrame:
    """The results of ``year`` per peer group and for the province (``COLUMNS``), from ``unit_parts``.

    ``groups`` maps each unit expected in ``year`` (index: unit code) to its peer group; the province is all of
    them (group ``province``). ``value`` is over the units that reported this year; ``value_paired`` and
    ``before`` over those that reported the figure both in ``year`` and in ``year - 1``.
    """
    groups = groups.astype(str)
    groups.index = groups.index.astype(str)
    territories = [(g, groups.index[groups == g]) for g in dict.fromkeys(groups)] + [(PROVINCE, groups.index)]
    now = parts[parts["year"] == year]
    then = parts[parts["year"] == year - 1]
    rows = []
    for s in spec.itertuples(index=False):
        mine, prev = now[now["indicator_id"] == s.indicator_id], then[then["indicator_id"] == s.indicator_id]
        for group, codes in territories:
            cur = mine[mine["unit_code"].isin(codes)]
            both = set(cur["unit_code"]) & set(prev["unit_code"])
            cur_p = cur[cur["unit_code"].isin(both)]
            old_p = prev[prev["unit_code"].isin(both)]
            value, num, den, low, high = _total(cur, s.how)
            paired, _, _, low_p, high_p = _total(cur_p, s.how)
            before, _, _, low_b, high_b = _total(old_p, s.how)
            rows.append((year, group, s.indicator_id, s.area, s.how, len(codes), len(cur), num, den, value, low,
                         high, len(both), paired, low_p, high_p, before, low_b, high_b))
    return pd.DataFrame(rows, columns=COLUMNS)


def _total(p: pd.DataFrame, how: str) -> tuple[float, float, float, float, float]:
    """``(value, Σ numerator, Σ denominator, low, high)`` of some units' parts; NaN where nothing was reported."""
    nan = float("nan")
    if p.empty:
        return nan, nan, nan, nan, nan
    if how == "share":
        return nan, nan, nan, float(p["share"].min()), float(p["share"].max())
    num = float(p["numerator"].sum())
    den = float(p["denominator"].sum()) if how != "count" else nan
    if how in ("ratio", "weighted"):
        return (num / den * 100 if den else nan), num, den, nan, nan
    return num, num, den, nan, nan
