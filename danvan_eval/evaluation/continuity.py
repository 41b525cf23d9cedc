"""Continuity across the 1 July 2025 reform, on indicators whose definition did not change (pure functions).

The new units (communes, wards) are not the former districts: a new unit is never given a district's past as its
own. What can be compared is a territory: the new units of a former district cover exactly its territory (when no
unit spans two districts, which ``former_districts`` checks), so their numerators and denominators are summed up
to that territory, and to former Bình Định, and set beside the district's (or the province's) 2022–2024 values,
indicator by indicator. Composite scores of the two frameworks are never put on one line.

A comparable measure is described by a *spec* row (``SPEC_COLUMNS``):

- ``count``: ``numerator`` is a count; the territory's value is the sum.
- ``ratio``: ``numerator`` and ``denominator`` are counts; value = Σ numerator / Σ denominator × ``scale``.
- ``share``: ``numerator`` is a reported percentage and ``denominator`` the count it is a share of (its weight,
  e.g. dossiers received): numerator = share / scale × weight, then as a ratio. Without a weight a share is
  a unit's own figure only: summed over several units it has no value (``summable`` false).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..model.lineage import REFORM_DATE

SPEC_COLUMNS = ["measure", "kind", "numerator", "denominator", "scale"]
SPEC_KINDS = ("count", "ratio", "share")
PARTS_COLUMNS = ["year", "unit_code", "measure", "numerator", "denominator", "scale", "summable"]
MEASURE_COLUMNS = ["measure", "indicator_id", "kind", "numerator", "denominator", "past_kind", "past_weight",
                   "label_vi", "label_en", "unit_vi", "unit_en"]
TOTAL_COLUMNS = ["year", "territory", "measure", "numerator", "denominator", "value", "n_units", "n_reported",
                 "complete"]
FORMER_PROVINCE_CODE = "52"  # Bình Định's code before the reform (the new Gia Lai took code 52 too)
BINH_DINH, GIA_LAI = "binh_dinh", "gia_lai"  # territory codes of former Bình Định and of the new province
FIRST_NEW_YEAR = REFORM_DATE.year


def comparable_specs(new_fw, past_fw) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """``(past_spec, new_spec, measures)`` for the indicators of ``new_fw`` marked ``comparable_to`` one of
    ``past_fw`` (frameworks as ``model.framework.load_framework`` gives them).

    A former share (``pct``) becomes a ratio when the new indicator is a numerator whose denominator an auxiliary
    input feeds; its former value is weighted by that same auxiliary when the former framework collected it
    (dossiers received), else it cannot be summed over units. Counts stay counts. Yes/no and days indicators are
    not sums of anything: they are left out, as are pairs whose types do not match. ``measures`` describes each
    kept measure (``MEASURE_COLUMNS``, labels of the former indicator); the measure id is the former id.
    """
    comparable = new_fw.indicators.get("comparable_to")
    rows = []
    if comparable is not None:
        feeders = new_fw.auxiliary.reset_index().drop_duplicates("feeds").set_index("feeds").iloc[:, 0]
        for new_id, old_id in comparable.dropna().items():
            if old_id not in past_fw.indicators.index:
                continue
            old, new = past_fw.indicators.loc[old_id], new_fw.indicators.loc[new_id]
            feeder = feeders.get(new["denominator"]) if isinstance(new["denominator"], str) else None
            if old["type"] == "pct" and feeder is not None:
                weight = feeder if feeder in past_fw.auxiliary.index else None
                rows.append((old_id, new_id, "ratio", new_id, feeder, "share", weight))
            elif old["type"] == new["type"] == "pct":
                rows.append((old_id, new_id, "share", new_id, None, "share", None))
            elif old["type"] == new["type"] == "count":
                rows.append((old_id, new_id, "count", new_id, None, "count", None))
    labels = past_fw.indicators.reindex([r[0] for r in rows])
    measures = pd.DataFrame(rows, columns=MEASURE_COLUMNS[:7])
    for col in MEASURE_COLUMNS[7:]:
        measures[col] = labels[col].to_numpy()
    measures = measures.sort_values("measure", kind="stable").reset_index(drop=True)
    scale = measures["kind"].map({"count": 1}).fillna(100)
    new_spec = pd.DataFrame({"measure": measures["measure"], "kind": measures["kind"], "numerator": measures["numerator"],
                             "denominator": measures["denominator"], "scale": scale})
    past_spec = pd.DataFrame({"measure": measures["measure"], "kind": measures["past_kind"],
                              "numerator": measures["measure"], "denominator": measures["past_weight"],
                              "scale": scale})
    return past_spec, new_spec, measures


def continuity_tables(past_obs: pd.DataFrame, past_fw, new_obs: pd.DataFrame, new_fw,
                      crosswalk: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Every continuity table of a year from 2025: ``continuity_measures`` (what is compared and how),
    ``former_districts``, ``continuity_districts`` and ``continuity_province`` (see the functions of the same
    names). ``past_obs`` are the 2022–2024 observations (former framework), ``new_obs`` those from 2025."""
    past_spec, new_spec, measures = comparable_specs(new_fw, past_fw)
    districts = former_districts(crosswalk)
    past = parts(past_obs[past_obs["year"] < FIRST_NEW_YEAR], past_spec)
    new = parts(new_obs[new_obs["year"] >= FIRST_NEW_YEAR], new_spec)
    return {
        "continuity_measures": measures,
        "former_districts": districts,
        "continuity_districts": district_comparison(past, new, districts),
        "continuity_province": province_series(past, new, districts),
    }


def former_districts(crosswalk: pd.DataFrame) -> pd.DataFrame:
    """The former district of each new unit, from the commune crosswalk (``model.lineage.load_crosswalk``).

    One row per new unit: ``unit_code, unit_name, former_province_code, former_district_code,
    former_district_name, former_district_codes`` ("|"-joined, sorted), ``n_former_districts``, ``spans`` (its
    former communes lay in more than one district: then ``former_district_code`` is empty, never guessed),
    ``split`` (it received part of a split commune) and ``n_former_communes``.
    """
    cw = crosswalk.assign(split=~crosswalk["transfer"].isin(["whole", "unchanged"]))
    grouped = cw.groupby("new_commune_code", sort=True)
    codes = grouped["old_district_code"].agg(lambda s: "|".join(sorted(set(s))))
    out = pd.DataFrame({
        "unit_code": codes.index,
        "unit_name": grouped["new_commune_name"].first().to_numpy(),
        "former_province_code": grouped["old_province_code"].agg(lambda s: "|".join(sorted(set(s)))).to_numpy(),
        "former_district_codes": codes.to_numpy(),
        "n_former_districts": grouped["old_district_code"].nunique().to_numpy(),
        "split": grouped["split"].any().to_numpy(),
        "n_former_communes": grouped["old_commune_code"].nunique().to_numpy(),
    })
    out["spans"] = out["n_former_districts"] > 1
    one = ~out["spans"]
    out["former_district_code"] = out["former_district_codes"].where(one)
    names = cw.drop_duplicates("old_district_code").set_index("old_district_code")["old_district_name"]
    out["former_district_name"] = out["former_district_code"].map(names)
    first = ["unit_code", "unit_name", "former_province_code", "former_district_code", "former_district_name",
             "former_district_codes", "n_former_districts", "spans", "split", "n_former_communes"]
    return out[first].reset_index(drop=True)


def parts(observations: pd.DataFrame, spec: pd.DataFrame) -> pd.DataFrame:
    """The additive parts of every comparable measure, per (year, unit): ``PARTS_COLUMNS``.

    ``observations`` is a canonical long table (``year, unit_code, indicator_id, value, status``); ``reported``
    values count, and ``not_applicable`` ones as 0 (a commune with no remote village holds no session there, a
    unit with no project has 0 of 0: its territory's total is complete without it); a ratio or weighted share
    needs both its parts. A unit without them has no row.
    """
    obs = observations[observations["status"].isin(["reported", "not_applicable"])].assign(
        value=lambda d: pd.to_numeric(d["value"], errors="coerce").where(d["status"] == "reported", 0.0))
    wide = obs.pivot_table(index=["year", "unit_code"], columns="indicator_id",
                           values="value", aggfunc="first", observed=True).astype(float)
    out = []
    for s in spec[SPEC_COLUMNS].itertuples(index=False):
        num = wide[s.numerator] if s.numerator in wide.columns else pd.Series(np.nan, index=wide.index)
        has_den = isinstance(s.denominator, str) and bool(s.denominator)
        if has_den:
            den = wide[s.denominator] if s.denominator in wide.columns else pd.Series(np.nan, index=wide.index)
        else:
            den = pd.Series(np.nan, index=wide.index)
        if s.kind == "share" and has_den:
            num = num / s.scale * den
        frame = pd.DataFrame({"numerator": num, "denominator": den}).reset_index()
        keep = frame["numerator"].notna() & (frame["denominator"].notna() | (s.kind == "count")
                                             | (s.kind == "share" and not has_den))
        frame = frame[keep]
        frame.insert(2, "measure", s.measure)
        frame["scale"] = float(s.scale) if s.kind != "count" else np.nan
        frame["summable"] = not (s.kind == "share" and not has_den)
        if s.kind == "share" and not has_den:  # the unit's own share: value = numerator, not to be summed
            frame["scale"] = np.nan
        out.append(frame)
    if not out:
        return pd.DataFrame(columns=PARTS_COLUMNS)
    result = pd.concat(out, ignore_index=True)[PARTS_COLUMNS]
    result["year"] = result["year"].astype(int)
    return result.sort_values(["year", "measure", "unit_code"], kind="stable").reset_index(drop=True)


def totals(unit_parts: pd.DataFrame, territory: pd.Series) -> pd.DataFrame:
    """Sum the parts of the units of each territory: ``TOTAL_COLUMNS``.

    ``territory`` maps each unit code expected in the territory (index) to the territory's code; units not in it
    are left out. ``n_units`` counts the territory's units, ``n_reported`` those with the measure; ``complete``
    says whether every unit reported (an incomplete count understates the territory). A ratio's value is
    Σ numerator / Σ denominator × scale (empty when Σ denominator is 0); a share without weight has a value only
    when a single unit reported it.
    """
    p = unit_parts[unit_parts["unit_code"].isin(territory.index)].copy()
    if p.empty:
        return pd.DataFrame(columns=TOTAL_COLUMNS)
    p["territory"] = p["unit_code"].map(territory)
    size = territory.groupby(territory).size()
    g = p.groupby(["year", "territory", "measure"], sort=True)
    out = g.agg(numerator=("numerator", "sum"), denominator=("denominator", lambda s: s.sum(min_count=1)),
                scale=("scale", "first"), summable=("summable", "all"),
                n_reported=("unit_code", "nunique")).reset_index()
    ratio = out["scale"].notna()
    den = out["denominator"].where(out["denominator"] != 0)
    out["value"] = np.where(ratio, out["numerator"] / den * out["scale"], out["numerator"])
    out.loc[~out["summable"] & (out["n_reported"] > 1), ["numerator", "denominator", "value"]] = np.nan
    out["n_units"] = out["territory"].map(size).astype(int)
    out["complete"] = out["n_reported"] == out["n_units"]
    return out[TOTAL_COLUMNS]


def district_comparison(past: pd.DataFrame, new: pd.DataFrame, districts: pd.DataFrame) -> pd.DataFrame:
    """Each former district of Bình Định: its own 2022–2024 values, then the sum of its new units from 2025.

    ``past`` are the districts' parts (``parts`` of the 2022–2024 observations with the former framework's spec),
    ``new`` the new units' parts (with the new framework's spec, whose measures are the former indicator ids);
    ``districts`` is ``former_districts``. Only measures present on both sides are kept: the indicators whose
    definition did not change. Columns ``TOTAL_COLUMNS`` plus ``source`` (``former_district`` or
    ``new_units_sum``), ``after_reform`` and ``partial_year`` (2025: the new units existed from 1 July).
    """
    own = districts[(districts["former_province_code"] == FORMER_PROVINCE_CODE) & ~districts["spans"]]
    measures = sorted(set(past["measure"]) & set(new["measure"]))
    codes = sorted(own["former_district_code"].unique())
    before = totals(past[past["measure"].isin(measures)], pd.Series(codes, index=codes))
    after = totals(new[new["measure"].isin(measures)], own.set_index("unit_code")["former_district_code"])
    return _marked(before, after)


def province_series(past: pd.DataFrame, new: pd.DataFrame, districts: pd.DataFrame) -> pd.DataFrame:
    """The province series 2022→2026 on the comparable measures, with the break of 1 July 2025 marked.

    Territory ``binh_dinh`` is former Bình Định throughout: the sum of its districts before the reform (the
    departments are left out), of its new units after. Territory ``gia_lai`` is the whole new province, from 2025
    only (the former Gia Lai was not evaluated before). Same columns as ``district_comparison``.
    """
    measures = sorted(set(past["measure"]) & set(new["measure"]))
    bd = districts[districts["former_province_code"] == FORMER_PROVINCE_CODE]
    former = sorted(set("|".join(bd["former_district_codes"]).split("|")))
    before = totals(past[past["measure"].isin(measures)], pd.Series(BINH_DINH, index=former))
    new = new[new["measure"].isin(measures)]
    after = pd.concat([totals(new, pd.Series(BINH_DINH, index=bd["unit_code"].to_numpy())),
                       totals(new, pd.Series(GIA_LAI, index=districts["unit_code"].to_numpy()))],
                      ignore_index=True)
    return _marked(before, after)


def _marked(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    before = before[before["year"] < FIRST_NEW_YEAR].assign(source="former_district")
    after = after[after["year"] >= FIRST_NEW_YEAR].assign(source="new_units_sum")
    out = pd.concat([before, after], ignore_index=True)
    out["after_reform"] = out["year"] >= FIRST_NEW_YEAR
    out["partial_year"] = out["year"] == FIRST_NEW_YEAR
    return out.sort_values(["territory", "measure", "year"], kind="stable").reset_index(drop=True)
