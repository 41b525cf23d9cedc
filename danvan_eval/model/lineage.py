"""Lineage across the 1 July 2025 reform: former communes → new units (crosswalk), former departments → agencies.

Both are data (``data/reference/crosswalks/`` and ``parameters/lineage/``), validated on load: every problem is
named at once (file, row or key, unit) in a ``LineageError``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import LineageError
from ..paths import PROJECT_ROOT
from ..problems import problem, read_yaml
from .units import Registry, _source, load_registry

REFORM_DATE = pd.Timestamp("2025-07-01")  # the district level ended; Bình Định merged into Gia Lai
CROSSWALK_COLUMNS = [
    "old_province_code", "old_district_code", "old_district_name", "old_commune_code", "old_commune_name",
    "new_commune_code", "new_commune_name", "transfer", "confidence", "source",
]
TRANSFERS = ("whole", "unchanged", "remainder", "part_area_and_population", "part_area_only")
PARTS = ("part_area_and_population", "part_area_only")  # a split commune: parts, then exactly one remainder
CONFIDENCE = ("high", "medium", "low")
SHARES = ("whole", "part")
LINEAGE_COLUMNS = ["agency_code", "agency_name_vi", "former_code", "former_name_vi", "share", "note", "confidence", "source"]


def default_crosswalk_path() -> Path:
    """The crosswalk shipped with the project: every commune of 1 March 2025 of both provinces → its new unit."""
    return PROJECT_ROOT / "data" / "reference" / "crosswalks" / "gialai_old_commune_to_new_2025-07-01.csv"


def default_lineage_path() -> Path:
    """The agency lineage shipped with the project."""
    return PROJECT_ROOT / "parameters" / "lineage" / "gia-lai-agencies.yaml"


# ---------------------------------------------------------------- communes → new units
def load_crosswalk(path: str | Path | None = None, former: Registry | None = None) -> pd.DataFrame:
    """Read and validate the commune crosswalk; every cell is text.

    ``former`` (default: the Bình Định registry) gives the districts a former commune of Bình Định (province 52)
    must belong to.

    Raises
    ------
    LineageError
        With every problem found, each at its row (the header is row 1).
    """
    path = Path(path) if path is not None else default_crosswalk_path()
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    missing = [c for c in CROSSWALK_COLUMNS if c not in df.columns]
    if missing:
        raise LineageError([problem("missing_column", file=path, row=1, column=c) for c in missing], file=path)
    df = df[CROSSWALK_COLUMNS].apply(lambda s: s.str.strip())
    former = former if former is not None else load_registry()
    found = _crosswalk_problems(df, path, former)
    if found:
        raise LineageError(found, file=path)
    return df.reset_index(drop=True)


def _crosswalk_problems(df: pd.DataFrame, path: Path, former: Registry) -> list:
    districts = set(former.units.loc[former.units["kind"] == "district", "code"])
    found = []
    for i, rec in enumerate(df.itertuples(index=False), start=2):
        at = {"file": path, "row": i, "unit": rec.new_commune_code or None}
        for column in ("old_commune_code", "new_commune_code", "old_district_code", "source"):
            if not getattr(rec, column):
                found.append(problem("crosswalk_empty", **at, column=column, commune=rec.old_commune_name))
        if rec.transfer not in TRANSFERS:
            found.append(problem("crosswalk_bad_transfer", **at, value=rec.transfer, allowed=", ".join(TRANSFERS)))
        if rec.confidence not in CONFIDENCE:
            found.append(problem("bad_confidence", **at, value=rec.confidence, allowed=", ".join(CONFIDENCE)))
        if rec.old_province_code == "52" and rec.old_district_code and rec.old_district_code not in districts:
            found.append(problem("crosswalk_unknown_district", **at, district=rec.old_district_code,
                                 commune=rec.old_commune_name))
    rows = pd.Series(range(2, len(df) + 2), index=df.index)
    pair = df.duplicated(["old_commune_code", "new_commune_code"], keep="first")
    for i in df.index[pair]:
        first = rows[(df["old_commune_code"] == df.at[i, "old_commune_code"])
                     & (df["new_commune_code"] == df.at[i, "new_commune_code"])].iloc[0]
        found.append(problem("crosswalk_duplicate", file=path, row=int(rows[i]), unit=df.at[i, "new_commune_code"],
                             commune=df.at[i, "old_commune_name"], first=int(first)))
    for code, rows_of in df[~pair].groupby("old_commune_code", sort=False):
        if len(rows_of) > 1 and (set(rows_of["transfer"]) - set(PARTS) != {"remainder"}
                                 or (rows_of["transfer"] == "remainder").sum() != 1):
            found.append(problem("crosswalk_split", file=path, row=int(rows[rows_of.index[0]]),
                                 commune=f"{rows_of['old_commune_name'].iloc[0]} ({code})", n=len(rows_of)))
    return found


# ---------------------------------------------------------------- departments → agencies
def load_agency_lineage(
    path: str | Path | None = None, former: Registry | None = None, agencies: Registry | None = None
) -> pd.DataFrame:
    """Read and validate the agency lineage: one row per (agency, former department), ``LINEAGE_COLUMNS``.

    An agency none of whose predecessors was evaluated has one row with no ``former_code``. ``former`` (default:
    the Bình Định registry) holds the former departments, each of which must appear; ``agencies`` (the Gia Lai
    registry), when given, must hold every agency code.

    Raises
    ------
    LineageError
        With every problem found, each at its line and key path.
    """
    path = Path(path) if path is not None else default_lineage_path()
    former = former if former is not None else load_registry()
    data, found = read_yaml(path)
    if data is None and found.found:
        raise LineageError(found.frame(), file=path)
    departments = former.units[former.units["kind"] == "department"].set_index("code")
    codes = set(agencies.units["code"]) if agencies is not None else None
    top = found.entry(data, (), {"agencies", "title", "effective"}, {"sources"})
    entries = top.get("agencies") if top else []
    if not isinstance(entries, list):
        found.add("not_list", ("agencies",))
        entries = []
    rows, seen, whole = [], {}, {}
    for i, raw in enumerate(entries):
        at = ("agencies", i)
        name = raw.get("agency") if isinstance(raw, dict) else None
        if isinstance(name, str):
            found.names[at] = name
        entry = found.entry(raw, at, {"agency", "name_vi", "from", "confidence", "source"}, {"note"}, unit=name)
        if entry is None:
            continue
        if not (isinstance(name, str) and name.strip()):
            found.add("missing_key", at, key="agency")
            continue
        if name in seen:
            found.add("duplicate_id", (*at, "agency"), unit=name, id=name, first=seen[name])
            continue
        seen[name] = found.line(at)
        if codes is not None and name not in codes:
            found.add("lineage_unknown_agency", (*at, "agency"), unit=name)
        confidence = entry.get("confidence")
        if "confidence" in entry and confidence not in CONFIDENCE:
            found.add("bad_confidence", (*at, "confidence"), unit=name, value=confidence, allowed=", ".join(CONFIDENCE))
        source = _source(entry.get("source"))
        if "source" in entry and source is None:
            found.add("missing_source", (*at, "source"), unit=name)
        base = {"agency_code": name, "agency_name_vi": entry.get("name_vi"), "confidence": confidence,
                "source": source}
        preds = entry.get("from", [])
        if not isinstance(preds, list):
            found.add("not_list", (*at, "from"), unit=name)
            continue
        if not preds:
            rows.append({**base, "former_code": None, "former_name_vi": None, "share": None, "note": None})
        for j, pred in enumerate(preds):
            where = (*at, "from", j)
            item = found.entry(pred, where, {"code", "share"}, {"note"}, unit=name)
            if item is None or "code" not in item:
                continue
            code, share = str(item["code"]), item.get("share")
            if code not in former.units["code"].to_numpy():
                found.add("lineage_unknown_department", (*where, "code"), unit=name, department=code)
                continue
            if code not in departments.index:
                found.add("lineage_not_department", (*where, "code"), unit=name, department=code)
                continue
            if share not in SHARES:
                found.add("lineage_bad_share", (*where, "share"), unit=name, value=share, allowed=", ".join(SHARES))
            elif share == "whole" and code in whole:
                found.add("lineage_whole_twice", (*where, "share"), unit=name, department=code, other=whole[code])
            elif share == "whole":
                whole[code] = name
            rows.append({**base, "former_code": code, "former_name_vi": departments.at[code, "name_vi"],
                         "share": share, "note": item.get("note")})
    mapped = {r["former_code"] for r in rows}
    for code in departments.index:
        if code not in mapped:
            found.add("lineage_unmapped_department", ("agencies",), unit=code, name=departments.at[code, "name_vi"])
    if found.found:
        raise LineageError(found.frame(), file=path)
    return pd.DataFrame(rows, columns=LINEAGE_COLUMNS)

