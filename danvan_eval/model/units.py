"""The dated registry of reporting units: districts and provincial departments, with their denominators.

Administrative maps change (communes merged on 1 January 2025, the district level abolished on 1 July 2025), so
each unit has a validity period and its counts may carry dated values: a past year reruns with the units and
the values of that year. ``load_registry`` validates the whole file and raises one ``RegistryError`` listing
every problem.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import RegistryError
from ..messages import tr
from ..paths import PROJECT_ROOT
from ..problems import YamlProblems, read_yaml

KINDS = ("district", "department")
DATED = ("population", "n_communes", "n_remote_communes")  # attributes that may change over time
COLUMNS = [
    "code",
    "name_vi",
    "name_en",
    "kind",
    "type_vi",
    "type_en",
    *DATED,
    "mountainous",
    "valid_from",
    "valid_to",
    "source",
    "note",
]
HISTORY_COLUMNS = ["code", "attribute", "valid_from", "value", "source"]
DEFAULT_DEADLINE = (11, 25)

_REQUIRED = {"code", "kind", "name_vi", "name_en", "type_vi", "type_en", "valid_from", "source"}
_DISTRICT_REQUIRED = {*DATED, "mountainous"}  # a district without them could not be denominated
_OPTIONAL = {*DATED, "mountainous", "valid_to", "note"}


@dataclass(frozen=True, eq=False)
class Registry:
    """A validated registry of units.

    Attributes
    ----------
    units : one row per unit, columns ``COLUMNS``; dated attributes show their latest value.
    history : every dated value, ``code, attribute, valid_from, value, source``.
    """

    units: pd.DataFrame
    history: pd.DataFrame
    path: Path
    sha256: str

    def values_on(self, date: dt.date | str) -> pd.DataFrame:
        """Every unit (valid or not) with the dated attribute values in force on ``date``."""
        ts = pd.Timestamp(date)
        past = self.history[self.history["valid_from"] <= ts].sort_values("valid_from", kind="stable")
        latest = past.groupby(["code", "attribute"])["value"].last()
        out = self.units.copy()
        for attr in DATED:
            values = latest.xs(attr, level="attribute") if attr in latest.index.get_level_values(1) else {}
            out[attr] = pd.array(out["code"].map(values), dtype="Int64")
        return out

    def on(self, date: dt.date | str) -> pd.DataFrame:
        """The units valid on ``date``, with the attribute values in force that day."""
        ts = pd.Timestamp(date)
        out = self.values_on(ts)
        valid = (out["valid_from"] <= ts) & (out["valid_to"].isna() | (out["valid_to"] >= ts))
        return out[valid].reset_index(drop=True)

    def active(self, year: int, deadline: tuple[int, int] = DEFAULT_DEADLINE) -> pd.DataFrame:
        """The units expected to report for ``year``: those valid on that year's deadline (25 November)."""
        return self.on(dt.date(int(year), *deadline))

    def get(
        self, code: str, year: int | None = None, deadline: tuple[int, int] = DEFAULT_DEADLINE
    ) -> pd.Series:
        """One unit's row; with ``year``, its attribute values on that year's deadline.

        Raises
        ------
        KeyError
            No unit has this code.
        """
        table = self.units if year is None else self.values_on(dt.date(int(year), *deadline))
        match = table[table["code"] == str(code)]
        if match.empty:
            raise KeyError(
                f"{tr('error.unknown_unit_code', 'vi', unit=code)} / {tr('error.unknown_unit_code', 'en', unit=code)}"
            )
        return match.iloc[0]


def default_registry_path() -> Path:
    """The registry shipped in the repository's ``parameters/units``."""
    return PROJECT_ROOT / "parameters" / "units" / "binh-dinh.yaml"


def load_registry(path: str | Path | None = None) -> Registry:
    """Read and validate a registry YAML file.

    Raises
    ------
    RegistryError
        With every problem found (``.problems``), each placed at its line and key path.
    """
    path = Path(path) if path is not None else default_registry_path()
    data, found = read_yaml(path)
    if data is None and found.found:  # a syntax error: nothing to check further
        raise RegistryError(found.frame(), file=path)
    units, history = _parse(data, found)
    if found.found:
        raise RegistryError(found.frame(), file=path)
    return Registry(
        units=units, history=history, path=path, sha256=hashlib.sha256(path.read_bytes()).hexdigest()
    )


# ---------------------------------------------------------------- validation
def _date(found: YamlProblems, value: object, path: tuple, key: str, **who) -> pd.Timestamp | None:
    if isinstance(value, dt.date):
        return pd.Timestamp(value)
    try:
        return pd.Timestamp(dt.date.fromisoformat(str(value)))
    except ValueError:
        found.add("bad_date", path, key=key, value=value, **who)
        return None


def _count(found: YamlProblems, value: object, path: tuple, key: str, **who) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        found.add("bad_number", path, key=key, value=value, **who)
        return None
    if value < 0:
        found.add("negative_number", path, key=key, value=value, **who)
        return None
    return int(value)


def _dated(found: YamlProblems, value: object, path: tuple, key: str, start: pd.Timestamp | None, **who):
    """``[(from, value, source)]`` of a dated attribute given as a number or a list of ``{from, value}``."""
    if not isinstance(value, list):
        if isinstance(value, dict):
            found.add("bad_dated_value", path, key=key, **who)
            return []
        number = _count(found, value, path, key, **who)
        return [] if number is None or start is None else [(start, number, None)]
    out = []
    for i, item in enumerate(value):
        at = (*path, i)
        entry = found.entry(item, at, {"from", "value"}, {"source"}, **who)
        if entry is None or not {"from", "value"} <= entry.keys():
            continue
        since = _date(found, entry["from"], (*at, "from"), f"{key}.from", **who)
        number = _count(found, entry["value"], (*at, "value"), key, **who)
        if since is not None and number is not None:
            out.append((since, number, entry.get("source")))
    dates = [d for d, _, _ in out]
    if dates != sorted(set(dates)):
        found.add("dated_not_ascending", path, key=key, **who)
    elif dates and start is not None and dates[0] > start:
        found.add("dated_gap", path, key=key, valid_from=start.date(), **who)
    return out


def _source(value: object) -> str | None:
    """A source line (or list of lines joined by "; "), or None if there is none."""
    lines = value if isinstance(value, list) else [value]
    if not lines or not all(isinstance(s, str) and s.strip() for s in lines):
        return None
    return "; ".join(s.strip() for s in lines)


def _parse(data: object, found: YamlProblems) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows, history = [], []
    top = found.entry(data, (), {"units"}, {"title", "sources"})  # sources: only anchors for the source lines
    title = found.entry(top["title"], ("title",), {"vi", "en"}) if top and "title" in top else None
    for lang in ("vi", "en") if title else ():
        if lang in title and not (isinstance(title[lang], str) and title[lang].strip()):
            found.add("missing_label", ("title", lang), key=lang)
    entries = top.get("units") if top else []
    if not isinstance(entries, list):
        found.add("not_list", ("units",))
        entries = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(entries):
        path = ("units", i)
        code = raw.get("code") if isinstance(raw, dict) else None
        code = str(code) if isinstance(code, int | str) and not isinstance(code, bool) else None
        if code is not None:
            found.names[path] = code
            if code in seen:
                found.add("duplicate_id", (*path, "code"), unit=code, id=code, first=seen[code])
                continue
            seen[code] = found.line(path)
        kind = raw.get("kind") if isinstance(raw, dict) else None
        required = _REQUIRED | (_DISTRICT_REQUIRED if kind == "district" else set())
        entry = found.entry(raw, path, required, _OPTIONAL, unit=code)
        if entry is None or code is None:
            continue
        if "kind" in entry and kind not in KINDS:
            found.add("bad_kind", (*path, "kind"), unit=code, value=kind, allowed=", ".join(KINDS))
        for key in ("name_vi", "name_en", "type_vi", "type_en"):
            if key in entry and not (isinstance(entry[key], str) and entry[key].strip()):
                found.add("missing_label", (*path, key), unit=code, key=key)
        source = _source(entry.get("source"))
        if "source" in entry and source is None:
            found.add("missing_source", (*path, "source"), unit=code)
        start = (
            _date(found, entry["valid_from"], (*path, "valid_from"), "valid_from", unit=code)
            if "valid_from" in entry
            else None
        )
        end = None
        if entry.get("valid_to") is not None:
            end = _date(found, entry["valid_to"], (*path, "valid_to"), "valid_to", unit=code)
        if start is not None and end is not None and end < start:
            found.add(
                "dates_reversed", (*path, "valid_to"), unit=code, valid_from=start.date(), valid_to=end.date()
            )
        mountainous = entry.get("mountainous", False)
        if not isinstance(mountainous, bool):
            found.add("bad_bool", (*path, "mountainous"), unit=code, key="mountainous", value=mountainous)
        dated = {
            key: _dated(found, entry[key], (*path, key), key, start, unit=code)
            for key in DATED
            if key in entry
        }
        _check_remote(found, dated, path, code)
        for key, values in dated.items():
            history += [
                {"code": code, "attribute": key, "valid_from": d, "value": v, "source": s or source}
                for d, v, s in values
            ]
        rows.append(
            {
                "code": code,
                **{k: entry.get(k) for k in ("name_vi", "name_en", "kind", "type_vi", "type_en")},
                **{k: v[-1][1] if (v := dated.get(k)) else None for k in DATED},
                "mountainous": mountainous if isinstance(mountainous, bool) else None,
                "valid_from": start,
                "valid_to": end,
                "source": source,
                "note": None if entry.get("note") is None else str(entry["note"]),
            }
        )
    units = pd.DataFrame(rows, columns=COLUMNS)
    units = units.astype({k: "Int64" for k in DATED} | {"mountainous": "boolean"})
    units["valid_from"] = pd.to_datetime(units["valid_from"])
    units["valid_to"] = pd.to_datetime(units["valid_to"])
    history = pd.DataFrame(history, columns=HISTORY_COLUMNS)
    history["valid_from"] = pd.to_datetime(history["valid_from"])
    return units, history


def _check_remote(found: YamlProblems, dated: dict, path: tuple, code: str) -> None:
    """Communes in ethnic-minority and mountainous areas cannot outnumber all communes, on any date."""
    remote, communes = dated.get("n_remote_communes") or [], dated.get("n_communes") or []
    for day in sorted({d for d, _, _ in remote + communes}):
        r = [v for d, v, _ in remote if d <= day]
        c = [v for d, v, _ in communes if d <= day]
        if r and c and r[-1] > c[-1]:
            found.add(
                "remote_exceeds_communes",
                (*path, "n_remote_communes"),
                unit=code,
                remote=r[-1],
                communes=c[-1],
            )
            return
