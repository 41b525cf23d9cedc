"""The generated text of the reports: pure functions of a year's tables, in Vietnamese or English.

Each function returns sentences built from catalog templates; nothing is computed that the tables do not hold.
When rank intervals exist (``rank_p05``, ``rank_p95``), two units whose intervals overlap heavily are never
called different: the text names them as not distinguishable instead. When level probabilities exist
(``p_level``, ``level_stable``), every level is said to be stable or not, and the units that are not are named.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import DanvanEvalError
from ..formatting import number, percent
from ..messages import tr
from ..model import groups
from ..model.units import in_sentence
from .comparison import group_mean
from .uncertainty import distinct

# Two rank intervals "overlap heavily" when their common ranks cover more than this share of the shorter one
# (ranks 1–2 and 2–8 share one of two ranks: not heavily; 1–3 and 2–5 share two of three: heavily).
INTERVAL = ("rank_p05", "rank_p95")


def has_intervals(scores: pd.DataFrame) -> bool:
    """True when ``scores`` carries rank intervals with at least one value."""
    return all(c in scores.columns and scores[c].notna().to_numpy().any() for c in INTERVAL)


def indistinct_from(scores: pd.DataFrame, unit_code: str) -> list[str]:
    """Codes of the peers (same kind) whose rank interval overlaps heavily with the unit's (at least half of the
    shorter interval: ``evaluation_uncertainty.distinguishable``); [] without intervals."""
    return _indistinct(scores, _row(scores, unit_code)) if has_intervals(scores) else []


def _indistinct(scores: pd.DataFrame, unit: pd.Series) -> list[str]:
    """``indistinct_from`` of the unit's row, in a table with rank intervals."""
    if pd.isna(unit["rank_p05"]) or pd.isna(unit["rank"]):
        return []
    lo, hi, rank = (scores[c].to_numpy(float) for c in (*INTERVAL, "rank"))
    codes = scores["unit_code"].to_numpy()
    # only ranked peers: a unit without a composite has no rank to be confused with
    peers = ((scores["kind"].to_numpy() == unit["kind"]) & (codes != unit["unit_code"])
             & ~(np.isnan(lo) | np.isnan(hi) | np.isnan(rank)))
    apart = distinct(float(unit["rank_p05"]), float(unit["rank_p95"]), lo[peers], hi[peers])
    return list(codes[peers][~apart])


def tied(scores: pd.DataFrame) -> pd.Series:
    """Per row: whether another unit of the same year and peer group has the same rank (equal shown scores)."""
    keys = [c for c in ("year", "kind") if c in scores.columns] + ["rank"]
    return scores.duplicated(keys, keep=False) & scores["rank"].notna()


def rank_label(rank: object, is_tied: bool, lang: str = "vi", n: object = None) -> str:
    """``3``, ``3/11``, ``3 (đồng hạng)`` / ``3/11 (tied)``; "—" without a rank."""
    if rank is None or pd.isna(rank):
        return "—"
    text = f"{int(rank)}/{int(n)}" if n is not None and pd.notna(n) else str(int(rank))
    return f"{text} ({tr('label.tied', lang)})" if is_tied else text


def _row(scores: pd.DataFrame, unit_code: str) -> pd.Series:
    hits = np.flatnonzero(scores["unit_code"].astype(str).to_numpy() == str(unit_code))
    if not len(hits):
        raise DanvanEvalError(f"{tr('error.unknown_unit_code', 'vi', unit=unit_code)} / "
                       f"{tr('error.unknown_unit_code', 'en', unit=unit_code)}")
    return scores.iloc[hits[0]]


def is_tied(scores: pd.DataFrame, unit) -> bool:
    """``tied(scores)`` of one unit's row (a row of ``scores``, or a mapping), without computing it for every
    row."""
    if pd.isna(unit["rank"]):
        return False
    same = np.ones(len(scores), dtype=bool)
    for key in [c for c in ("year", "kind") if c in scores.columns] + ["rank"]:
        column = scores[key].to_numpy()
        same &= (column == unit[key]) | (pd.isna(column) & pd.isna(unit[key]))  # NaN matches NaN, as in duplicated
    return int(same.sum()) > 1


def _name(row: pd.Series, lang: str) -> str:
    """The unit's name in ``lang`` (``name_en`` when present, else the Vietnamese name)."""
    if lang == "en" and pd.notna(row.get("name_en")):
        return str(row["name_en"])
    return str(row["name_vi"])


def _names(scores: pd.DataFrame, codes: list[str], lang: str) -> str:
    """The units' names inside a sentence (``huyện Hoài Ân, Sở Nội vụ``)."""
    if not codes:
        return ""
    names = {k: dict(zip(scores["unit_code"], scores[k])) for k in ("name_vi", "name_en") if k in scores.columns}
    return ", ".join(_running(_name({k: v[c] for k, v in names.items()}, lang), lang) for c in codes)


def _running(name: str, lang: str) -> str:
    """A name inside a sentence: an administrative unit's kind in lower case in Vietnamese (``huyện Hoài Ân``)."""
    return in_sentence(name) if lang == "vi" else name


def group_name(kind: str, lang: str, mid_sentence: bool = True) -> str:
    """The peer group's name, lower-cased where it stands inside a sentence ("khối huyện, thị xã…")."""
    text = groups.label(kind, lang)
    return text[0].lower() + text[1:] if mid_sentence else text


def _band_label(framework, band: object, lang: str) -> str:
    labels = dict(zip(framework.bands["code"], framework.bands[f"label_{lang}"]))
    return str(labels[band]) if band in labels else str(band)


def _area_label(framework, area: str, lang: str) -> str:
    return str(framework.areas.at[area, f"short_{lang}"])


def position(scores: pd.DataFrame, unit_code: str, framework, lang: str = "vi") -> str:
    """Score, band and rank among the peers; with rank intervals, the interval and the indistinguishable peers."""
    u = _row(scores, unit_code)
    group = group_name(u["kind"], lang)
    if pd.isna(u["composite"]):
        return tr("narrative.no_composite", lang, name=_name(u, lang), coverage=number(100 * u["coverage"], lang, 0))
    band = _band_label(framework, u["band"], lang)
    if pd.isna(u["rank"]):  # a run without ranks (ranks: false): score and level only
        text = tr("narrative.position_unranked", lang, name=_name(u, lang), score=number(u["composite"], lang),
                  band=band, group=group)
    else:
        together = is_tied(scores, u)
        n = f"{int(u['n_ranked'])} ({tr('label.tied', lang)})" if together else int(u["n_ranked"])
        text = tr("narrative.position", lang, name=_name(u, lang), score=number(u["composite"], lang), band=band,
                  rank=int(u["rank"]), n=n, group=group)
    certainty = _level_certainty(u, framework, lang)
    text += f" {certainty}" if certainty else ""
    if not has_intervals(scores) or pd.isna(u["rank_p05"]):
        return text
    lo, hi = int(u["rank_p05"]), int(u["rank_p95"])
    text += " " + tr("narrative.interval_one" if lo == hi else "narrative.interval", lang, lo=lo, hi=hi)
    close = _indistinct(scores, u)
    key = "narrative.indistinct" if close else "narrative.distinct"
    return text + " " + tr(key, lang, names=_names(scores, close, lang))


def stable(x: object) -> bool:
    """``level_stable`` as read back from a CSV (bool or text)."""
    return str(x).strip().lower() in ("true", "1")


def has_levels(scores: pd.DataFrame) -> bool:
    """True when ``scores`` carries level probabilities (``p_level``) with at least one value."""
    return "p_level" in scores.columns and scores["p_level"].notna().any()


def level_certainty(scores: pd.DataFrame, unit_code: str, framework, lang: str = "vi") -> str:
    """Whether the unit's level is stable (at least ``framework.level_stability`` of the absolute-scale draws give
    it); "" when the unit has no level or the run drew no level probabilities."""
    return _level_certainty(_row(scores, unit_code), framework, lang)


def _level_certainty(u: pd.Series, framework, lang: str) -> str:
    if "p_level" not in u.index or pd.isna(u["p_level"]) or pd.isna(u["band"]):
        return ""
    key = "narrative.level_stable" if stable(u["level_stable"]) else "narrative.level_unstable"
    return tr(key, lang, band=_band_label(framework, u["band"], lang), share=number(100 * u["p_level"], lang, 0),
              threshold=number(100 * framework.level_stability, lang, 0))


def level_label(row, lang: str = "vi") -> str:
    """"Ổn định (97 %)" / "Chưa ổn định (54 %)": the stability of a unit's level (a row of ``scores`` or a
    mapping with ``band, p_level, level_stable``); "—" without a level or level probabilities."""
    p = row.get("p_level")
    if p is None or pd.isna(p) or pd.isna(row.get("band")):
        return "—"
    key = "report.level_stable" if stable(row.get("level_stable")) else "report.level_unstable"
    return tr(key, lang, share=number(100 * p, lang, 0))


def unstable_levels(scores: pd.DataFrame, framework, lang: str = "vi") -> str:
    """The units of ``scores`` whose level is not stable, each with its share of draws; or that all are."""
    if not has_levels(scores):
        return ""
    rated = scores[scores["p_level"].notna() & scores["band"].notna()]
    shaky = rated[~rated["level_stable"].map(stable)]
    threshold = number(100 * framework.level_stability, lang, 0)
    if shaky.empty:
        return tr("narrative.all_levels_stable", lang, threshold=threshold)
    names = ", ".join(f"{_running(_name(r, lang), lang)} ({percent(100 * r['p_level'], lang, 0)})"
                      for _, r in shaky.iterrows())
    return tr("narrative.unstable_levels", lang, threshold=threshold, names=names)


def strengths(scores: pd.DataFrame, unit_code: str, framework, lang: str = "vi") -> str:
    """Strongest and weakest area, each against the peer group's mean (``comparison.STATISTIC``)."""
    u = _row(scores, unit_code)
    mine = _values(u, framework.areas.index)
    if len(mine) < 2:
        return tr("narrative.too_few_areas", lang)
    best, worst = max(mine, key=mine.get), min(mine, key=mine.get)  # the first of equals, as idxmax
    peers = scores["kind"].to_numpy() == u["kind"]
    median = {a: group_mean(scores[a][peers]) for a in {best, worst}}
    return tr("narrative.strengths", lang,
              best=_area_label(framework, best, lang), best_score=number(mine[best], lang),
              best_median=number(median[best], lang),
              worst=_area_label(framework, worst, lang), worst_score=number(mine[worst], lang),
              worst_median=number(median[worst], lang))


def _values(row: pd.Series, columns) -> dict[str, float]:
    """The row's values of ``columns`` that are not missing, as floats."""
    return {c: v for c in columns if not np.isnan(v := float(row[c]))}


def changes(scores: pd.DataFrame, trend: pd.DataFrame | None, unit_code: str, framework, lang: str = "vi",
            reported_before: set[str] | None = None) -> str:
    """Change of the composite, of the rank, and the areas that rose and fell most since the previous year; when
    the composite cannot be compared, why (``reported_before``: the units that reported the year before, if
    known)."""
    u = _row(scores, unit_code)
    year = int(u["year"])
    hits = [] if trend is None else np.flatnonzero((trend["unit_code"].to_numpy() == u["unit_code"])
                                                    & (trend["year"].to_numpy() == year - 1))
    if not len(hits):
        return tr("narrative.no_previous", lang, year=year - 1)
    before = trend.iloc[hits[0]]
    parts = []
    if pd.notna(u["composite_change"]):
        rank_change = u["rank_change"]
        parts.append(tr("narrative.composite_change", lang, year=year - 1,
                        change=_move(u["composite_change"], lang), ranks=_rank_move(rank_change, lang)))
    else:
        parts.append(tr("narrative.no_composite_change", lang, year=year - 1,
                        reason=_no_change_reason(u, before, reported_before, lang)))
    now, then = _values(u, framework.areas.index), _values(before, framework.areas.index)
    delta = {a: now[a] - then[a] for a in now if a in then}
    if delta:
        up, down = max(delta, key=delta.get), min(delta, key=delta.get)  # the first of equals, as idxmax
        if delta[up] > 0:
            parts.append(tr("narrative.area_up", lang, area=_area_label(framework, up, lang),
                            change=number(delta[up], lang)))
        if delta[down] < 0:
            parts.append(tr("narrative.area_down", lang, area=_area_label(framework, down, lang),
                            change=number(-delta[down], lang)))
    return " ".join(parts)


def _move(change: float, lang: str) -> str:
    """``tăng 5,9 điểm`` / ``giảm 1,6 điểm`` / ``không đổi`` (at the precision shown)."""
    shown = round(float(change), 1)
    if shown == 0:
        return tr("narrative.same", lang)
    return tr("narrative.up" if shown > 0 else "narrative.down", lang, n=number(abs(shown), lang))


def _no_change_reason(unit: pd.Series, before: pd.Series, reported_before: set[str] | None, lang: str) -> str:
    """Why the composite has no change: the unit sent no report the year before, or one of the two years lacked
    the data for a composite (the earlier year named first)."""
    year = int(unit["year"])
    if reported_before is not None and str(unit["unit_code"]) not in reported_before:
        return tr("narrative.reason_not_received", lang, year=year - 1)
    missing = year - 1 if pd.isna(before["composite"]) else year
    return tr("narrative.reason_insufficient", lang, year=missing)


def _rank_move(change: object, lang: str) -> str:
    if pd.isna(change):
        return tr("narrative.rank_new", lang)
    change = int(change)
    if change == 0:
        return tr("narrative.rank_same", lang)
    return tr("narrative.rank_up" if change > 0 else "narrative.rank_down", lang, n=abs(change))


def gaps(scores: pd.DataFrame, indicators: pd.DataFrame | None, unit_code: str, framework,
         lang: str = "vi") -> str:
    """What is missing: the report itself or its lateness, missing and imputed indicators, insufficient areas."""
    u = _row(scores, unit_code)
    parts = []
    if "received" in u.index:
        if pd.isna(u["received"]):
            parts.append(tr("narrative.not_received", lang))
        elif pd.notna(u["days_late"]) and int(u["days_late"]) > 0:
            parts.append(tr("narrative.late", lang, days=int(u["days_late"])))
    areas = list(framework.areas.index)
    empty = [a for a in areas if pd.isna(u[a])]
    if indicators is not None:
        mine = indicators["unit_code"].to_numpy() == u["unit_code"]
        ids, statuses, in_area = (indicators[c].to_numpy()[mine] for c in ("indicator_id", "status", "area"))
        labels = framework.indicators[f"label_{lang}"]
        for status in ("missing", "imputed"):
            chosen = list(ids[statuses == status])
            if chosen:
                parts.append(tr(f"narrative.{status}", lang, n=len(chosen), list="; ".join(labels[i] for i in chosen)))
        # an area can be empty because all of it is not applicable: only name areas where something is missing
        lacking = set(in_area[statuses == "missing"])
        empty = [a for a in empty if a in lacking]
    if empty:
        parts.append(tr("narrative.empty_areas", lang, list="; ".join(_area_label(framework, a, lang) for a in empty)))
    return " ".join(parts) if parts else tr("narrative.complete", lang)


MAX_TO_IMPROVE = 5


def to_improve(indicators: pd.DataFrame | None, unit_code: str, framework, lang: str = "vi") -> str:
    """The indicators the unit should improve: those scored below the threshold of the second level (``Khá``),
    lowest first (at most ``MAX_TO_IMPROVE``); when none is, its lowest three."""
    if indicators is None:
        return ""
    scored = (indicators["unit_code"].astype(str).to_numpy() == str(unit_code)) & indicators["score"].notna().to_numpy()
    mine = sorted(zip(indicators["score"].to_numpy()[scored], indicators["indicator_id"].to_numpy()[scored]))
    if not mine:
        return ""
    bands = framework.bands.sort_values("min", ascending=False)
    second = bands.iloc[min(1, len(bands) - 1)]
    labels = framework.indicators[f"label_{lang}"]

    def listed(rows: list[tuple]) -> str:
        return "; ".join(f"{labels.get(ind, ind)} ({number(score, lang)})" for score, ind in rows)

    below = [r for r in mine if r[0] < second["min"]]
    fields = {"band": second[f"label_{lang}"], "threshold": number(second["min"], lang, 0)}
    if below:
        return tr("narrative.improve", lang, list=listed(below[:MAX_TO_IMPROVE]), **fields)
    return tr("narrative.improve_none", lang, list=listed(mine[:3]), **fields)


def unit_narrative(scores: pd.DataFrame, unit_code: str, framework, indicators: pd.DataFrame | None = None,
                   trend: pd.DataFrame | None = None, lang: str = "vi",
                   reported_before: set[str] | None = None) -> list[str]:
    """The unit report's paragraphs: position, strengths, changes since last year, what is missing."""
    return [
        position(scores, unit_code, framework, lang),
        strengths(scores, unit_code, framework, lang),
        changes(scores, trend, unit_code, framework, lang, reported_before),
        gaps(scores, indicators, unit_code, framework, lang),
    ]


def leaders(scores: pd.DataFrame, kind: str) -> list[str]:
    """Codes of the units that lead a peer group: the first by rank, then those not distinguishable from it
    (rank intervals overlapping heavily) or tied with it."""
    ranked = scores[(scores["kind"] == kind) & scores["rank"].notna()].sort_values(["rank", "unit_code"])
    if ranked.empty:
        return []
    first = ranked.iloc[0]["unit_code"]
    if has_intervals(scores):
        return [first, *indistinct_from(scores, first)]
    return list(ranked.loc[ranked["rank"] == ranked.iloc[0]["rank"], "unit_code"])


def province_narrative(scores: pd.DataFrame, framework, lang: str = "vi") -> list[str]:
    """One paragraph per peer group: who leads (as one group when intervals overlap), bands, gaps, lateness."""
    out = []
    for kind in groups.order(scores["kind"]):
        mine = scores[scores["kind"] == kind]
        if mine.empty:
            continue
        group = group_name(kind, lang, mid_sentence=lang == "vi")  # vi: "Khối huyện…"; en: "Districts…: …"
        top = leaders(scores, kind)
        parts = ([_leading(scores, top, int(mine["rank"].notna().sum()), group, lang)] if top
                 else [tr("narrative.group", lang, group=group)])  # no ranks (or no composite): the group named
        counts = mine["band"].value_counts()
        bands = [f"{_band_label(framework, b, lang)}: {int(counts[b])}" for b in framework.bands["code"]
                 if b in counts.index]
        if mine["band"].isna().any():
            bands.append(f"{tr('label.insufficient_data', lang)}: {int(mine['band'].isna().sum())}")
        parts.append(tr("narrative.bands", lang, n=len(mine), list="; ".join(bands)))
        certainty = unstable_levels(mine, framework, lang)
        parts += [certainty] if certainty else []
        if "on_time" in mine:
            late = mine[mine["on_time"].astype("boolean").eq(False).fillna(False) | mine["received"].isna()]
            if len(late):
                parts.append(tr("narrative.late_units", lang, n=len(late),
                                names=_names(scores, list(late["unit_code"]), lang)))
        out.append(" ".join(parts))
    return out


def _leading(scores: pd.DataFrame, top: list[str], n_ranked: int, group: str, lang: str) -> str:
    if len(top) == 1:
        return tr("narrative.leader", lang, group=group, names=_names(scores, top, lang))
    if not has_intervals(scores):
        return tr("narrative.leaders_tied", lang, group=group, names=_names(scores, top, lang))
    if len(top) > n_ranked / 2:  # most of the group cannot be told apart from the first: no leader to name
        return tr("narrative.no_clear_leader", lang, group=group, name=_names(scores, top[:1], lang), n=len(top) - 1)
    return tr("narrative.leaders", lang, group=group, names=_names(scores, top, lang))
