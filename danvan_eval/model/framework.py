"""The indicator framework: areas, indicators, goalposts, bands, loaded from a validated YAML file.

``load_framework`` checks the whole file and raises one ``FrameworkError`` listing every problem (with its line),
so that whoever edits the YAML fixes everything in one pass. An unknown key is an error, not a warning: a typo
such as ``alow_na`` would otherwise silently change how units are scored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import FrameworkError
from ..messages import LANGS, tr
from ..paths import PROJECT_ROOT
from ..problems import YamlProblems, read_yaml

DEFAULT_VERSION = "dv33-2022.2"
INDEX = "index"
KINDS = ("district", "department", "commune", "ward", "agency")  # kinds of unit a framework may declare
DEFAULT_KINDS = ("district", "department")  # a framework without ``kinds:`` (dv33-2022.1)
TYPES = ("bool", "pct", "count", "days")
DENOMINATORS = (
    "population_10k", "communes", "remote_communes", "dossiers_10k",
    # dv33-2025.1: per 1,000 inhabitants (registry); "_year": and per year of the reporting period (the 12 months
    # to the deadline, from the unit's creation at the earliest); the norm of one day a week / a month of the period
    "population_1k", "population_1k_year", "remote_population_1k_year", "year", "weeks_pct", "months_pct",
)
# a share computed from counts the unit reports: numerator ÷ ``<name>_pct`` × 100, where ``<name>_pct`` is fed
# by an auxiliary input (``feeds: <name>_pct``)
SHARE_SUFFIX = "_pct"
# the values an indicator of each type can take; goalposts must lie inside
TYPE_RANGE = {"bool": (0, 1), "pct": (0, 100), "count": (0, math.inf), "days": (0, math.inf)}

# keys of each YAML entry: required, then optional; the order is the order of the tables' columns
_TEXT = ("label_vi", "label_en", "measure_vi", "measure_en", "unit_vi", "unit_en")
_HELP = ("help_vi", "help_en")
_TOP = {"version", "title", "deadline", "coverage_threshold", "level_stability", "areas", "indicators", "bands"}
_TOP_OPTIONAL = {"auxiliary", "compliance", "changelog", "kinds"}
_AREA = ("label_vi", "label_en", "short_vi", "short_en", "clause", "weight")
_INDICATOR = ("area", *_TEXT, *_HELP, "type", "direction", "goalposts", "clause")
# by_kind: {kind: {denominator, goalposts}} overrides for some kinds (``department:`` is by_kind.department);
# comparable_to: the id of the dv33-2022.1 indicator whose definition this one keeps unchanged (sums across the
# reform are made on those only)
_INDICATOR_OPTIONAL = {"denominator", "weight", "allow_na", "survey", "applies_to", "department", "by_kind",
                       "comparable_to"}
_INDICATOR_COLUMNS = [
    "area",
    *_TEXT,
    *_HELP,
    "type",
    "direction",
    "denominator",
    "lo",
    "hi",
    "weight",
    "clause",
    "allow_na",
    "survey",
    "applies_to",
    "comparable_to",
    "by_kind",
]
_DEPARTMENT = {"denominator", "goalposts"}
_AUXILIARY = (*_TEXT, *_HELP, "type", "feeds")
_COMPLIANCE = (*_TEXT, "clause", "scored")
_BAND = ("code", "min", "label_vi", "label_en")
_CHANGE = {"version", "date", "change"}


@dataclass(frozen=True, eq=False)
class Framework:
    """A validated indicator framework (see docs/ARCHITECTURE.md for the tables' columns).

    Attributes
    ----------
    areas : index ``area_id``.
    indicators : index ``indicator_id``; ``by_kind`` maps a kind to its ``(denominator, lo, hi)`` where the file
        overrides them for that kind (``department:`` in dv33-2022.1); ``comparable_to`` the unchanged
        dv33-2022.1 indicator, or None.
    kinds : the kinds of unit the framework scores (``kinds:``; default district, department).
    auxiliary : index id; inputs not scored but feeding a denominator (``feeds``).
    compliance : index id; reporting-compliance measures described beside the index, not scored.
    bands : ``code, min, label_vi, label_en`` sorted by ``min`` descending.
    level_stability : share of the absolute-scale Monte Carlo draws that must give a unit its level for the
        level to be called stable (``evaluation.uncertainty.level_stability``).
    """

    version: str
    kinds: tuple[str, ...]
    title: dict[str, str]
    deadline: tuple[int, int]
    coverage_threshold: float
    level_stability: float
    areas: pd.DataFrame
    indicators: pd.DataFrame
    auxiliary: pd.DataFrame
    compliance: pd.DataFrame
    bands: pd.DataFrame
    changelog: list[dict]
    path: Path
    sha256: str

    def indicator_table(self, kind: str) -> pd.DataFrame:
        """The indicators that apply to ``kind``, with that kind's denominator and goalposts."""
        self._check_kind(kind)
        ind = self.indicators[self.indicators["applies_to"].map(lambda kinds: kind in kinds)]
        own = ind["by_kind"].map(lambda d: d.get(kind))
        if own.notna().any():
            ind = ind.copy()
            for i, (den, lo, hi) in own.dropna().items():
                ind.loc[i, ["denominator", "lo", "hi"]] = [den, lo, hi]
        return ind.drop(columns=["by_kind", "comparable_to"])

    def _check_kind(self, kind: str) -> None:
        if kind not in self.kinds:
            raise ValueError(f"loại đơn vị không có trong khung {self.version} / kind {kind!r} is not in framework "
                             f"{self.version}; use one of {self.kinds}")

    def indicator_ids(self, kind: str | None = None) -> list[str]:
        """Ids of the indicators that apply to ``kind`` (all indicators if None), in framework order."""
        return list(self.indicators.index if kind is None else self.indicator_table(kind).index)

    def meta(self, kind: str) -> pd.DataFrame:
        """The engine tree of a peer group: indicators (level 1) → areas (level 2) → ``index`` (level 3).

        Index ``code``; columns ``parent, level, weight, direction, lo, hi, denominator`` (areas and the index
        have direction 1 and no goalposts or denominator).
        """
        ind = self.indicator_table(kind)
        areas = self.areas.loc[self.areas.index.isin(ind["area"])]
        rows = pd.concat(
            [
                pd.DataFrame(
                    {
                        "parent": ind["area"],
                        "level": 1,
                        "weight": ind["weight"],
                        "direction": ind["direction"],
                        "lo": ind["lo"],
                        "hi": ind["hi"],
                        "denominator": ind["denominator"],
                    }
                ),
                pd.DataFrame({"parent": INDEX, "level": 2, "weight": areas["weight"], "direction": 1}),
                pd.DataFrame(
                    {"parent": [None], "level": [3], "weight": [1.0], "direction": [1]}, index=[INDEX]
                ),
            ]
        )
        rows.index.name = "code"
        return rows.astype({"level": int, "weight": float, "direction": int, "lo": float, "hi": float})


def default_framework_path(version: str = DEFAULT_VERSION) -> Path:
    """The framework file of ``version`` shipped in the repository's ``parameters/framework``."""
    return PROJECT_ROOT / "parameters" / "framework" / f"{version}.yaml"


def load_framework(path: str | Path | None = None) -> Framework:
    """Read and validate a framework YAML file.

    Raises
    ------
    FrameworkError
        With every problem found (``.problems``), each placed at its line and key path.
    """
    path = Path(path) if path is not None else default_framework_path()
    data, found = read_yaml(path)
    if data is None and found.found:  # a syntax error: nothing to check further
        raise FrameworkError(found.frame(), file=path)
    parsed = _parse(data, found)
    if found.found:
        raise FrameworkError(found.frame(), file=path)
    return Framework(**parsed, path=path, sha256=hashlib.sha256(path.read_bytes()).hexdigest())


# ---------------------------------------------------------------- validation
def _number(x: object) -> bool:
    # YAML's true/false are ints to Python; a weight of "true" is a mistake, not 1
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def _texts(found: YamlProblems, entry: dict, path: tuple, keys, **who) -> None:
    for key in keys:
        if key in entry and not (isinstance(entry[key], str) and entry[key].strip()):
            found.add("missing_label", (*path, key), key=key, **who)


def _list(found: YamlProblems, data: dict, key: str) -> list | None:
    """The list under ``key`` ([] if absent), or None after reporting that it is not a list."""
    value = data.get(key, [])
    if value is None or isinstance(value, list):
        return value or []
    found.add("not_list", (key,))
    return None


def _ids(
    found: YamlProblems, entries: list, section: str, seen: dict, key: str = "id"
) -> list[tuple[int, dict]]:
    """The (position, entry) pairs of a list whose entries carry a unique id; duplicates are reported."""
    out = []
    for i, entry in enumerate(entries):
        if isinstance(entry, dict) and isinstance(entry.get(key), str):
            found.names[(section, i)] = entry[key]
            if entry[key] in seen:
                found.add("duplicate_id", (section, i, key), id=entry[key], first=seen[entry[key]])
            else:
                seen[entry[key]] = found.line((section, i))
        elif isinstance(entry, dict) and key in entry:
            found.add("missing_label", (section, i, key), key=key)
        out.append((i, entry))
    return out


def _goalposts(found: YamlProblems, value: object, path: tuple, direction: object, type_: object, ind: str):
    """``(lo, hi)`` if valid, else None after reporting why."""
    if not (isinstance(value, list) and len(value) == 2 and all(_number(v) for v in value)):
        found.add("bad_goalposts", path, indicator=ind, value=value)
        return None
    lo, hi = map(float, value)
    shown = {"lo": f"{lo:g}", "hi": f"{hi:g}"}
    if lo == hi:
        found.add("goalposts_equal", path, indicator=ind, **shown)
        return None
    if direction in (1, -1) and not isinstance(direction, bool) and (hi - lo) * direction < 0:
        found.add("goalposts_direction", path, indicator=ind, direction=direction, **shown)
    low, high = (
        TYPE_RANGE.get(type_, (-math.inf, math.inf)) if isinstance(type_, str) else (-math.inf, math.inf)
    )
    if not (low <= min(lo, hi) and max(lo, hi) <= high):
        found.add("goalposts_range", path, indicator=ind, type=type_, **shown)
    return lo, hi


def _denominator(found: YamlProblems, value: object, path: tuple, ind: str, fed: frozenset = frozenset()) -> None:
    if value is not None and value not in DENOMINATORS and value not in fed:
        found.add("bad_denominator", path, indicator=ind, value=value, allowed=", ".join([*DENOMINATORS, *sorted(fed)]))


def _fed(entries: list) -> frozenset:
    """The share denominators (``<name>_pct``) that an auxiliary input of the file feeds."""
    return frozenset(e["feeds"] for e in entries if isinstance(e, dict) and isinstance(e.get("feeds"), str)
                     and e["feeds"].endswith(SHARE_SUFFIX) and e["feeds"] not in DENOMINATORS)


def _kinds(found: YamlProblems, value: object, path: tuple, ind: str | None, allowed=KINDS) -> tuple[str, ...]:
    if not (isinstance(value, list) and value and all(k in allowed for k in value)):
        found.add("bad_kind", path, indicator=ind, value=value, allowed=", ".join(allowed))
        return tuple(allowed)
    return tuple(value)


def _bool(found: YamlProblems, entry: dict, key: str, path: tuple, default: bool, **who) -> bool:
    value = entry.get(key, default)
    if not isinstance(value, bool):
        found.add("bad_bool", (*path, key), key=key, value=value, **who)
        return default
    return value


def _parse(data: object, found: YamlProblems) -> dict | None:
    top = found.entry(data, (), _TOP, _TOP_OPTIONAL)
    if top is None:
        return None
    version = top.get("version")
    if not (isinstance(version, str) and version.strip()):
        found.add("missing_label", ("version",), key="version")
    title = (found.entry(top["title"], ("title",), {"vi", "en"}) if "title" in top else None) or {}
    _texts(found, title, ("title",), ("vi", "en"))
    deadline = _deadline(found, top.get("deadline"))
    threshold = top.get("coverage_threshold")
    if "coverage_threshold" in top and not (_number(threshold) and 0 < threshold <= 1):
        found.add("bad_threshold", ("coverage_threshold",), value=threshold)
    stability = top.get("level_stability")
    if "level_stability" in top and not (_number(stability) and 0.5 < stability <= 1):
        found.add("bad_stability", ("level_stability",), value=stability)

    area_list = _list(found, top, "areas")
    # a broken areas section would make every indicator's area "unknown": check areas only when it is a list
    areas = _areas(found, area_list) if area_list is not None else None
    kinds = _kinds(found, top["kinds"], ("kinds",), None) if "kinds" in top else DEFAULT_KINDS
    seen: dict[str, int] = {}  # indicator, auxiliary and compliance ids share one name space
    auxiliary = _list(found, top, "auxiliary") or []
    indicators = _indicators(found, _list(found, top, "indicators") or [], areas, seen, kinds, _fed(auxiliary))
    where = {name: path for path, name in found.names.items() if path[0] == "areas"}
    for kind in kinds:
        used = {r["area"] for r in indicators if kind in r["applies_to"]}
        for area in sorted(set(areas or ()) - used):
            kind_name = {lang: tr(f"kind.{kind}", lang) for lang in LANGS}
            found.add("empty_area", where.get(area, ("areas",)), area=area, kind=kind_name)
    return {
        "version": version,
        "kinds": kinds,
        "title": dict(title),
        "deadline": deadline,
        "coverage_threshold": float(threshold) if _number(threshold) else math.nan,
        "level_stability": float(stability) if _number(stability) else math.nan,
        "areas": _frame(list((areas or {}).values()), "area_id", list(_AREA)),
        "indicators": _frame(indicators, "indicator_id", _INDICATOR_COLUMNS),
        "auxiliary": _auxiliary(found, auxiliary, seen, kinds),
        "compliance": _compliance(found, _list(found, top, "compliance") or [], seen),
        "bands": _bands(found, _list(found, top, "bands") or []),
        "changelog": _changelog(found, _list(found, top, "changelog") or []),
    }


def _frame(rows: list[dict], index: str, columns: list[str]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["id", *columns]).set_index("id")
    df.index.name = index
    return df


def _deadline(found: YamlProblems, value: object) -> tuple[int, int]:
    entry = found.entry(value, ("deadline",), {"month", "day"}) if value is not None else None
    if entry is None:
        return (11, 25)
    month, day = entry.get("month"), entry.get("day")
    try:
        dt.date(2001, month, day)  # a non-leap year: 29 February is no yearly deadline
    except (TypeError, ValueError):
        found.add("bad_deadline", ("deadline",), month=month, day=day)
        return (11, 25)
    return (month, day)


def _areas(found: YamlProblems, entries: list) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for i, raw in _ids(found, entries, "areas", {}):
        path = ("areas", i)
        entry = found.entry(raw, path, {"id", *_AREA})
        if entry is None or not isinstance(entry.get("id"), str):
            continue
        _texts(found, entry, path, ("label_vi", "label_en", "short_vi", "short_en"))
        if not (isinstance(entry.get("clause"), str) and entry["clause"].strip()):
            found.add("missing_clause", (*path, "clause"))
        weight = entry.get("weight", 1)
        if not (_number(weight) and weight > 0):
            found.add("bad_weight", (*path, "weight"), value=weight)
        weight = float(weight) if _number(weight) else math.nan
        out.setdefault(entry["id"], {"id": entry["id"], **{k: entry.get(k) for k in _AREA}, "weight": weight})
    return out


def _indicators(
    found: YamlProblems, entries: list, areas: dict | None, seen: dict, kinds: tuple, fed: frozenset
) -> list[dict]:
    rows = []
    for i, raw in _ids(found, entries, "indicators", seen):
        path = ("indicators", i)
        ind = raw.get("id") if isinstance(raw, dict) else None
        entry = found.entry(raw, path, {"id", *_INDICATOR}, _INDICATOR_OPTIONAL, indicator=ind)
        if entry is None or not isinstance(ind, str):
            continue
        _texts(found, entry, path, (*_TEXT, *_HELP), indicator=ind)
        if (
            areas is not None
            and "area" in entry
            and not (isinstance(entry["area"], str) and entry["area"] in areas)
        ):
            found.add("unknown_area", (*path, "area"), indicator=ind, area=entry["area"])
        type_, direction = entry.get("type"), entry.get("direction")
        if "type" in entry and type_ not in TYPES:
            found.add("bad_type", (*path, "type"), indicator=ind, value=type_, allowed=", ".join(TYPES))
        if "direction" in entry and (isinstance(direction, bool) or direction not in (1, -1)):
            found.add("bad_direction", (*path, "direction"), indicator=ind, value=direction)
        _denominator(found, entry.get("denominator"), (*path, "denominator"), ind, fed)
        goalposts = None
        if "goalposts" in entry:
            goalposts = _goalposts(found, entry["goalposts"], (*path, "goalposts"), direction, type_, ind)
        weight = entry.get("weight", 1)
        if not (_number(weight) and weight > 0):
            found.add("bad_weight", (*path, "weight"), indicator=ind, value=weight)
        if "clause" in entry and not (isinstance(entry["clause"], str) and entry["clause"].strip()):
            found.add("missing_clause", (*path, "clause"), indicator=ind)
        survey = _bool(found, entry, "survey", path, False, indicator=ind)
        if survey and type_ != "pct":
            found.add("bad_survey", (*path, "survey"), indicator=ind)
        applies_to = _kinds(found, entry.get("applies_to", list(kinds)), (*path, "applies_to"), ind, kinds)
        lo, hi = goalposts or (math.nan, math.nan)
        overrides = {"department": entry["department"]} if entry.get("department") is not None else {}
        at = {"department": (*path, "department")}
        if entry.get("by_kind") is not None:
            by_kind = found.entry(entry["by_kind"], (*path, "by_kind"), set(), set(kinds), indicator=ind) or {}
            overrides.update({k: v for k, v in by_kind.items() if k in kinds})
            at.update({k: (*path, "by_kind", k) for k in by_kind})
        own = {}
        for kind, spec in overrides.items():
            if not found.entry(spec, at[kind], set(), _DEPARTMENT, indicator=ind):
                continue
            den = spec.get("denominator", entry.get("denominator"))
            if "denominator" in spec:
                _denominator(found, den, (*at[kind], "denominator"), ind, fed)
            k_lo, k_hi = lo, hi
            if "goalposts" in spec:
                goal = _goalposts(found, spec["goalposts"], (*at[kind], "goalposts"), direction, type_, ind)
                k_lo, k_hi = goal or (math.nan, math.nan)
            own[kind] = (den, k_lo, k_hi)
        comparable = entry.get("comparable_to")
        if comparable is not None and not (isinstance(comparable, str) and comparable.strip()):
            found.add("missing_label", (*path, "comparable_to"), key="comparable_to", indicator=ind)
        rows.append(
            {
                "id": ind,
                **{k: entry.get(k) for k in ("area", *_TEXT, *_HELP, "type", "direction", "clause")},
                "denominator": entry.get("denominator"),
                "lo": lo,
                "hi": hi,
                "weight": float(weight) if _number(weight) else math.nan,
                "allow_na": _bool(found, entry, "allow_na", path, False, indicator=ind),
                "survey": survey,
                "applies_to": applies_to,
                "comparable_to": comparable,
                "by_kind": own,
            }
        )
    return rows


def _auxiliary(found: YamlProblems, entries: list, seen: dict, kinds: tuple) -> pd.DataFrame:
    rows = []
    for i, raw in _ids(found, entries, "auxiliary", seen):
        path = ("auxiliary", i)
        ind = raw.get("id") if isinstance(raw, dict) else None
        entry = found.entry(raw, path, {"id", *_AUXILIARY}, {"applies_to"}, indicator=ind)
        if entry is None or not isinstance(ind, str):
            continue
        _texts(found, entry, path, (*_TEXT, *_HELP), indicator=ind)
        if "type" in entry and entry["type"] not in TYPES:
            found.add(
                "bad_type", (*path, "type"), indicator=ind, value=entry["type"], allowed=", ".join(TYPES)
            )
        feeds = entry.get("feeds")
        if "feeds" in entry and not (feeds in DENOMINATORS or (isinstance(feeds, str) and feeds.endswith(SHARE_SUFFIX))):
            found.add(
                "bad_denominator",
                (*path, "feeds"),
                indicator=ind,
                value=entry["feeds"],
                allowed=", ".join(DENOMINATORS),
            )
        applies_to = _kinds(found, entry.get("applies_to", list(kinds)), (*path, "applies_to"), ind, kinds)
        rows.append({"id": ind, **{k: entry.get(k) for k in _AUXILIARY}, "applies_to": applies_to})
    return _frame(rows, "id", [*_AUXILIARY, "applies_to"])


def _compliance(found: YamlProblems, entries: list, seen: dict) -> pd.DataFrame:
    rows = []
    for i, raw in _ids(found, entries, "compliance", seen):
        path = ("compliance", i)
        ind = raw.get("id") if isinstance(raw, dict) else None
        entry = found.entry(raw, path, {"id", *_COMPLIANCE}, indicator=ind)
        if entry is None or not isinstance(ind, str):
            continue
        _texts(found, entry, path, _TEXT, indicator=ind)
        if not (isinstance(entry.get("clause"), str) and entry["clause"].strip()):
            found.add("missing_clause", (*path, "clause"), indicator=ind)
        scored = _bool(found, entry, "scored", path, False, indicator=ind)
        rows.append({"id": ind, **{k: entry.get(k) for k in _COMPLIANCE}, "scored": scored})
    return _frame(rows, "id", list(_COMPLIANCE))


def _bands(found: YamlProblems, entries: list) -> pd.DataFrame:
    rows, previous = [], None
    for i, raw in _ids(found, entries, "bands", {}, key="code"):
        path = ("bands", i)
        entry = found.entry(raw, path, set(_BAND))
        if entry is None:
            continue
        _texts(found, entry, path, ("label_vi", "label_en"))
        low = entry.get("min")
        if not (_number(low) and 0 <= low <= 100):
            found.add("bad_band", (*path, "min"), value=low)
            continue
        if previous is not None and low >= previous:
            found.add("bands_not_descending", (*path, "min"), value=low, previous=previous)
        previous = low
        rows.append({k: entry.get(k) for k in _BAND} | {"min": float(low)})
    if rows and previous != 0:
        found.add("bands_no_floor", ("bands",))
    bands = pd.DataFrame(rows, columns=["code", "min", "label_vi", "label_en"])
    return bands.sort_values("min", ascending=False, kind="stable").reset_index(drop=True)


def _changelog(found: YamlProblems, entries: list) -> list[dict]:
    out = []
    for i, raw in enumerate(entries):
        path = ("changelog", i)
        entry = found.entry(raw, path, _CHANGE)
        if entry is None:
            continue
        date = entry.get("date")
        if "date" in entry and not isinstance(date, dt.date):
            try:
                date = dt.date.fromisoformat(str(date))
            except ValueError:
                found.add("bad_date", (*path, "date"), key="date", value=date)
        change = (
            found.entry(entry["change"], (*path, "change"), {"vi", "en"}) if "change" in entry else None
        ) or {}
        _texts(found, change, (*path, "change"), ("vi", "en"))
        out.append({"version": entry.get("version"), "date": str(date), "change": dict(change)})
    return out
