"""The dated registry of reporting units (districts, departments, communes, wards, agencies) and their denominators.

Administrative maps change (communes merged on 1 January 2025, the district level abolished on 1 July 2025), so
each unit has a validity period and its counts may carry dated values: a past year reruns with the units and
the values of that year. Each unit has a kind (which indicators apply) and a peer group (whom it is ranked
among; by default its kind). A value may be an official figure, an ``estimate`` (shown as such wherever it is
used) or ``unknown`` (``value: null``: never invented); an evaluator supplies a missing figure, with its source,
in the registry's ``supplements`` file. ``load_registry`` validates the files and raises one ``RegistryError``
listing every problem.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from ..errors import RegistryError
from ..messages import tr
from ..paths import PROJECT_ROOT
from ..problems import YamlProblems, read_yaml
from . import groups as groups_mod

KINDS = ("district", "department", "commune", "ward", "agency")
# kinds that are administrative units: inside a sentence their kind is a common noun (Decree 30/2020, Appendix II:
# "huyện Hoài Ân", "thị xã Hoài Nhơn", "xã Ia Tôr"); the other kinds are agencies, named as they are ("Sở Nội vụ")
ADMINISTRATIVE_KINDS = frozenset({"district", "commune", "ward"})
_TYPE_WORDS = ("Thành phố", "Thị xã", "Thị trấn", "Huyện", "Quận", "Xã", "Phường", "Tỉnh")
DATED = ("population", "n_communes", "n_remote_communes")  # attributes that may change over time
STATUSES = ("official", "estimate", "unknown")  # of a value: an estimate is shown as such, unknown is null
COLUMNS = [
    "code",
    "name_vi",
    "name_en",
    "kind",
    "peer_group",
    "type_vi",
    "type_en",
    *DATED,
    "population_status",
    "area_km2",
    "mountainous",
    "mountainous_status",
    "valid_from",
    "valid_to",
    "source",
    "note",
]
HISTORY_COLUMNS = ["code", "attribute", "valid_from", "value", "source", "status", "confidence"]
GROUP_COLUMNS = ["id", "label_vi", "label_en"]
DEFAULT_DEADLINE = (11, 25)
CONFIDENCE = ("high", "medium", "low")
MOUNTAINOUS = ("yes", "possible", "unknown", "no")  # classification of a commune's area (admin_units README)

_REQUIRED = {"code", "kind", "name_vi", "name_en", "type_vi", "type_en", "valid_from", "source"}
_DISTRICT_REQUIRED = {*DATED, "mountainous"}  # a district without them could not be denominated
_COMMUNE_REQUIRED = {"population", "area_km2", "mountainous"}  # per 1,000 inhabitants; remote-area indicators
_OPTIONAL = {*DATED, "mountainous", "valid_to", "note", "peer_group", "area_km2", "confidence"}
_VALUE_KEYS = {"value", "source", "status", "confidence", "note"}  # a value given with its provenance
_SUPPLEMENT = {"code", "attribute", "from", "value", "source"}


@dataclass(frozen=True, eq=False)
class Registry:
    """A validated registry of units.

    Attributes
    ----------
    units : one row per unit, columns ``COLUMNS``; dated attributes show their latest value (``<NA>`` where it is
        unknown), ``population_status`` whether it is official, an estimate or unknown.
    history : every dated value, ``code, attribute, valid_from, value, source, status, confidence``.
    groups : the peer groups in display order, ``id, label_vi, label_en`` (one per kind when none is declared).
    """

    units: pd.DataFrame
    history: pd.DataFrame
    groups: pd.DataFrame
    path: Path
    sha256: str
    supplements: Path | None = None
    _on: dict = field(default_factory=dict, init=False, repr=False)  # date → ``on(date)``, computed once

    def values_on(self, date: dt.date | str) -> pd.DataFrame:
        """Every unit (valid or not) with the dated attribute values (and population status) in force on ``date``."""
        ts = pd.Timestamp(date)
        past = self.history[self.history["valid_from"] <= ts].sort_values("valid_from", kind="stable")
        latest = past.drop_duplicates(["code", "attribute"], keep="last").set_index(["code", "attribute"])
        out = self.units.copy()
        for attr in DATED:
            mine = latest.xs(attr, level="attribute") if attr in latest.index.get_level_values(1) else None
            values = {} if mine is None else mine["value"]
            out[attr] = pd.array(out["code"].map(values), dtype="Int64")
            if attr == "population" and mine is not None:
                out["population_status"] = out["code"].map(mine["status"]).where(lambda s: s.notna(), None)
        return out

    def figures_on(self, date: dt.date | str) -> pd.DataFrame:
        """Every dated value in force on ``date``, long (``HISTORY_COLUMNS``): one row per unit and attribute,
        with its status (official, estimate, unknown) and source."""
        ts = pd.Timestamp(date)
        past = self.history[self.history["valid_from"] <= ts].sort_values("valid_from", kind="stable")
        return past.drop_duplicates(["code", "attribute"], keep="last").reset_index(drop=True)

    def on(self, date: dt.date | str) -> pd.DataFrame:
        """The units valid on ``date``, with the attribute values in force that day."""
        ts = pd.Timestamp(date)
        if ts not in self._on:  # asked once per unit by the templates and the intake: computed once per date
            out = self.values_on(ts)
            valid = (out["valid_from"] <= ts) & (out["valid_to"].isna() | (out["valid_to"] >= ts))
            self._on[ts] = out[valid].reset_index(drop=True)
        return self._on[ts].copy()

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

    def group_ids(self) -> list[str]:
        """The peer groups in display order."""
        return list(self.groups["id"])

    def with_peer_groups(self, overrides: dict[str, str]) -> Registry:
        """A copy with some units moved to another peer group (a run file's ``peer_groups``).

        Raises
        ------
        RegistryError
            Naming every unknown unit code or peer group.
        """
        found = YamlProblems(self.path)
        known = set(self.groups["id"])
        for code, group in overrides.items():
            if str(code) not in set(self.units["code"]):
                found.add("unknown_unit", (), unit=str(code))
            if group not in known:
                found.add("bad_peer_group", (), unit=str(code), value=group, allowed=", ".join(self.group_ids()))
        if found.found:
            raise RegistryError(found.frame(), file=self.path)
        units = self.units.copy()
        units["peer_group"] = units["code"].map({str(k): v for k, v in overrides.items()}).fillna(units["peer_group"])
        return Registry(units=units, history=self.history, groups=self.groups, path=self.path, sha256=self.sha256,
                        supplements=self.supplements)


def in_sentence(name: object, kind: object = None) -> str:
    """A unit's Vietnamese name as it reads inside a sentence: ``Huyện Hoài Ân`` → ``huyện Hoài Ân``, ``Thành phố
    Quy Nhơn`` → ``thành phố Quy Nhơn``, ``Phường Quy Nhơn Bắc`` → ``phường Quy Nhơn Bắc``; an agency (``Sở Nội
    vụ``) unchanged. ``kind`` is the registry's kind of unit; without it, a name starting with the kind of an
    administrative unit is taken as one (no agency's name does)."""
    text = str(name)
    if kind is not None and not pd.isna(kind) and str(kind) not in ADMINISTRATIVE_KINDS:
        return text
    for word in _TYPE_WORDS:
        if text.startswith(word + " "):
            return word.lower() + text[len(word):]
    return text


def default_registry_path() -> Path:
    """The registry shipped in the repository's ``parameters/units``."""
    return PROJECT_ROOT / "parameters" / "units" / "binh-dinh.yaml"


def supplements_path(path: str | Path) -> Path | None:
    """The supplements file a registry names (its top-level ``supplements:``), read without validating the
    registry (the run's manifest hashes it with the other inputs); None when it names none."""
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.startswith("supplements:"):
            name = yaml.safe_load(line.split(":", 1)[1])
            return None if name is None else Path(path).parent / str(name)
    return None


def load_registry(path: str | Path | None = None) -> Registry:
    """Read and validate a registry YAML file and its ``supplements`` file, if it names one.

    Raises
    ------
    RegistryError
        With every problem found in both files (``.problems``), each placed at its line and key path.
    """
    path = Path(path) if path is not None else default_registry_path()
    data, found = read_yaml(path)
    if data is None and found.found:  # a syntax error: nothing to check further
        raise RegistryError(found.frame(), file=path)
    units, history, groups = _parse(data, found)
    digest = hashlib.sha256(path.read_bytes())
    supplements, extra = None, pd.DataFrame(columns=HISTORY_COLUMNS)
    name = data.get("supplements") if isinstance(data, dict) else None
    if name is not None:
        supplements = path.parent / str(name)
        if not supplements.is_file():
            found.add("missing_file", ("supplements",), value=str(name))
        else:
            digest.update(supplements.read_bytes())
            more, extra = _supplements(supplements, units)
            found.found += more.found
    if found.found:
        raise RegistryError(found.frame(), file=path)
    history = pd.concat([history, extra], ignore_index=True) if len(extra) else history
    groups_mod.register(groups.to_dict("records"))
    units = _latest(units, history)
    return Registry(units=units, history=history, groups=groups, path=path, sha256=digest.hexdigest(),
                    supplements=supplements)


def _latest(units: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    """``units`` with each dated attribute's latest value (supplements included) and the population's status."""
    last = history.sort_values("valid_from", kind="stable").drop_duplicates(["code", "attribute"], keep="last")
    last = last.set_index(["code", "attribute"])
    out = units.copy()
    for attr in DATED:
        if attr in last.index.get_level_values(1):
            mine = last.xs(attr, level="attribute")
            out[attr] = pd.array(out["code"].map(mine["value"]), dtype="Int64")
            if attr == "population":
                out["population_status"] = out["code"].map(mine["status"]).where(lambda s: s.notna(), None)
    return out


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


def _confidence(found: YamlProblems, value: object, path: tuple, **who) -> str | None:
    if value is not None and value not in CONFIDENCE:
        found.add("bad_confidence", path, value=value, allowed=", ".join(CONFIDENCE), **who)
        return None
    return value


def _value(found: YamlProblems, value: dict, path: tuple, key: str, **who):
    """``(number | None, source, status, confidence)`` of ``{value, source, status, confidence}``.

    ``value: null`` needs ``status: unknown``, and ``unknown`` needs ``value: null``: a number is never invented.
    """
    status = value.get("status", "official")
    if status not in STATUSES:
        found.add("bad_status", (*path, "status"), key=key, value=status, allowed=", ".join(STATUSES), **who)
        return None
    if not _source(value.get("source")):
        found.add("missing_source", (*path, "source"), **who)
    confidence = _confidence(found, value.get("confidence"), (*path, "confidence"), **who)
    if value.get("value") is None:
        if status != "unknown":
            found.add("null_not_unknown", (*path, "value"), key=key, **who)
            return None
        return (None, _source(value.get("source")), status, confidence)
    if status == "unknown":
        found.add("unknown_with_value", (*path, "status"), key=key, value=value["value"], **who)
        return None
    number = _count(found, value["value"], (*path, "value"), key, **who)
    return None if number is None else (number, _source(value.get("source")), status, confidence)


def _dated(found: YamlProblems, value: object, path: tuple, key: str, start: pd.Timestamp | None, **who):
    """``[(from, value, source, status, confidence)]`` of a dated attribute: a number, a mapping ``{value, source,
    status, confidence}``, or a list of such mappings with ``from`` dates."""
    if isinstance(value, dict) and "value" not in value:
        found.add("bad_dated_value", path, key=key, **who)
        return []
    if isinstance(value, dict):
        entry = found.entry(value, path, {"value", "source"}, _VALUE_KEYS - {"value", "source"}, **who)
        one = _value(found, entry, path, key, **who) if entry is not None and "value" in entry else None
        return [] if one is None or start is None else [(start, *one)]
    if not isinstance(value, list):
        number = _count(found, value, path, key, **who)
        return [] if number is None or start is None else [(start, number, None, "official", None)]
    out = []
    for i, item in enumerate(value):
        at = (*path, i)
        entry = found.entry(item, at, {"from", "value"}, _VALUE_KEYS - {"value"}, **who)
        if entry is None or not {"from", "value"} <= entry.keys():
            continue
        since = _date(found, entry["from"], (*at, "from"), f"{key}.from", **who)
        if entry["value"] is None or "status" in entry:
            one = _value(found, {"source": "-", **entry}, at, key, **who)
        else:
            number = _count(found, entry["value"], (*at, "value"), key, **who)
            one = None if number is None else (number, entry.get("source"), "official", None)
        if since is not None and one is not None:
            out.append((since, *one))
    dates = [d for d, *_ in out]
    if dates != sorted(set(dates)):
        found.add("dated_not_ascending", path, key=key, **who)
    elif dates and start is not None and dates[0] > start:
        found.add("dated_gap", path, key=key, valid_from=start.date(), **who)
    return out


def _area(found: YamlProblems, value: object, path: tuple, **who) -> float | None:
    """Natural area in km²: a positive number, or ``{value, source, confidence}``."""
    if isinstance(value, dict):
        entry = found.entry(value, path, {"value", "source"}, {"confidence", "note"}, **who)
        if entry is None:
            return None
        if not _source(entry.get("source")):
            found.add("missing_source", (*path, "source"), **who)
        _confidence(found, entry.get("confidence"), (*path, "confidence"), **who)
        value, path = entry.get("value"), (*path, "value")
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        found.add("bad_area", path, value=value, **who)
        return None
    return float(value)


def _mountainous(found: YamlProblems, value: object, path: tuple, **who) -> tuple[bool | None, str | None]:
    """``(in an ethnic-minority and mountainous area?, classification)``: a boolean, or ``{value, status, basis,
    confidence}`` whose ``status`` is the classification found (yes, possible, unknown, no)."""
    if isinstance(value, dict):
        entry = found.entry(value, path, {"value", "status", "basis"}, {"confidence"}, **who)
        if entry is None:
            return None, None
        status = entry.get("status")
        if status not in MOUNTAINOUS:
            found.add("bad_status", (*path, "status"), key="mountainous", value=status,
                      allowed=", ".join(MOUNTAINOUS), **who)
            status = None
        _confidence(found, entry.get("confidence"), (*path, "confidence"), **who)
        if not _source(entry.get("basis")):
            found.add("missing_source", (*path, "basis"), **who)
        flag, _ = _mountainous(found, entry.get("value"), (*path, "value"), **who)
        return flag, status
    if not isinstance(value, bool):
        found.add("bad_bool", path, key="mountainous", value=value, **who)
        return None, None
    return value, None


def _source(value: object) -> str | None:
    """A source line (or list of lines joined by "; "), or None if there is none."""
    lines = value if isinstance(value, list) else [value]
    if not lines or not all(isinstance(s, str) and s.strip() for s in lines):
        return None
    return "; ".join(s.strip() for s in lines)


def _groups(found: YamlProblems, value: object) -> pd.DataFrame | None:
    """The declared peer groups, or None when the registry declares none (one group per kind)."""
    if value is None:
        return None
    if not isinstance(value, list) or not value:
        found.add("not_list", ("peer_groups",))
        return pd.DataFrame(columns=GROUP_COLUMNS)
    rows, seen = [], {}
    for i, raw in enumerate(value):
        path = ("peer_groups", i)
        entry = found.entry(raw, path, set(GROUP_COLUMNS), {"note"})
        if entry is None or not isinstance(entry.get("id"), str):
            continue
        found.names[path] = entry["id"]
        if entry["id"] in seen:
            found.add("duplicate_id", (*path, "id"), id=entry["id"], first=seen[entry["id"]])
            continue
        seen[entry["id"]] = found.line(path)
        for key in ("label_vi", "label_en"):
            if key in entry and not (isinstance(entry[key], str) and entry[key].strip()):
                found.add("missing_label", (*path, key), key=key)
        rows.append({k: entry.get(k) for k in GROUP_COLUMNS})
    return pd.DataFrame(rows, columns=GROUP_COLUMNS)


def _parse(data: object, found: YamlProblems) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rows, history = [], []
    # sources: only anchors for the source lines; supplements: the file of figures an evaluator adds
    top = found.entry(data, (), {"units"}, {"title", "sources", "peer_groups", "supplements"})
    title = found.entry(top["title"], ("title",), {"vi", "en"}) if top and "title" in top else None
    for lang in ("vi", "en") if title else ():
        if lang in title and not (isinstance(title[lang], str) and title[lang].strip()):
            found.add("missing_label", ("title", lang), key=lang)
    declared = _groups(found, top.get("peer_groups")) if top else None
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
        required = _REQUIRED | {"district": _DISTRICT_REQUIRED, "commune": _COMMUNE_REQUIRED,
                                "ward": _COMMUNE_REQUIRED}.get(kind, set())
        entry = found.entry(raw, path, required, _OPTIONAL, unit=code)
        if entry is None or code is None:
            continue
        if "kind" in entry and kind not in KINDS:
            found.add("bad_kind", (*path, "kind"), unit=code, value=kind, allowed=", ".join(KINDS))
        group = entry.get("peer_group", kind)
        if declared is not None and group not in set(declared["id"]):
            found.add("bad_peer_group", (*path, "peer_group"), unit=code, value=group,
                      allowed=", ".join(declared["id"]))
        for key in ("name_vi", "name_en", "type_vi", "type_en"):
            if key in entry and not (isinstance(entry[key], str) and entry[key].strip()):
                found.add("missing_label", (*path, key), unit=code, key=key)
        source = _source(entry.get("source"))
        if "source" in entry and source is None:
            found.add("missing_source", (*path, "source"), unit=code)
        _confidence(found, entry.get("confidence"), (*path, "confidence"), unit=code)
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
        mountainous, m_status = _mountainous(found, entry.get("mountainous", False), (*path, "mountainous"),
                                             unit=code)
        area = _area(found, entry["area_km2"], (*path, "area_km2"), unit=code) if "area_km2" in entry else None
        dated = {
            key: _dated(found, entry[key], (*path, key), key, start, unit=code)
            for key in DATED
            if key in entry
        }
        _check_remote(found, dated, path, code)
        for key, values in dated.items():
            history += [
                {"code": code, "attribute": key, "valid_from": d, "value": v, "source": s or source,
                 "status": st, "confidence": c}
                for d, v, s, st, c in values
            ]
        rows.append(
            {
                "code": code,
                **{k: entry.get(k) for k in ("name_vi", "name_en", "kind", "type_vi", "type_en")},
                "peer_group": group,
                **{k: v[-1][1] if (v := dated.get(k)) else None for k in DATED},
                "population_status": v[-1][3] if (v := dated.get("population")) else None,
                "area_km2": area,
                "mountainous": mountainous,
                "mountainous_status": m_status,
                "valid_from": start,
                "valid_to": end,
                "source": source,
                "note": None if entry.get("note") is None else str(entry["note"]),
            }
        )
    units = pd.DataFrame(rows, columns=COLUMNS)
    units = units.astype({k: "Int64" for k in DATED} | {"mountainous": "boolean", "area_km2": float})
    units["valid_from"] = pd.to_datetime(units["valid_from"])
    units["valid_to"] = pd.to_datetime(units["valid_to"])
    history = pd.DataFrame(history, columns=HISTORY_COLUMNS)
    history["valid_from"] = pd.to_datetime(history["valid_from"])
    if declared is None:  # one group per kind, in the kinds' order
        present = [k for k in KINDS if k in set(units["kind"])]
        declared = pd.DataFrame({"id": present, "label_vi": [tr(f"kind.{k}", "vi") for k in present],
                                 "label_en": [tr(f"kind.{k}", "en") for k in present]}, columns=GROUP_COLUMNS)
    return units, history, declared


def _supplements(path: Path, units: pd.DataFrame) -> tuple[YamlProblems, pd.DataFrame]:
    """Figures an evaluator adds, each with its source: ``supplements: [{code, attribute, from, value, source,
    status?, confidence?}]``; they take effect from their date, over the registry's value."""
    data, found = read_yaml(path)
    rows = []
    top = found.entry(data, (), set(), {"supplements"}) if data is not None else None
    entries = (top or {}).get("supplements") or []
    if not isinstance(entries, list):
        found.add("not_list", ("supplements",))
        entries = []
    codes = set(units["code"])
    seen: dict[tuple, int] = {}  # (code, attribute, from) → line: one figure per unit, attribute and date
    for i, raw in enumerate(entries):
        path = ("supplements", i)
        code = str(raw["code"]) if isinstance(raw, dict) and "code" in raw else None
        if code is not None:
            found.names[path] = code
        entry = found.entry(raw, path, _SUPPLEMENT, {"status", "confidence", "note"}, unit=code)
        if entry is None or not _SUPPLEMENT <= entry.keys():
            continue
        if code not in codes:
            found.add("unknown_unit", (*path, "code"), unit=code)
        if entry["attribute"] not in DATED:
            found.add("bad_attribute", (*path, "attribute"), unit=code, value=entry["attribute"],
                      allowed=", ".join(DATED))
        since = _date(found, entry["from"], (*path, "from"), "from", unit=code)
        key = (code, str(entry["attribute"]), since)
        if since is not None and key in seen:
            found.add("duplicate_supplement", path, unit=code, key=key[1], value=since.date(), first=seen[key])
        elif since is not None:
            seen[key] = found.line(path)
        one = _value(found, entry, path, str(entry["attribute"]), unit=code)
        if one is not None and one[0] is None:
            found.add("null_not_unknown", (*path, "value"), key=str(entry["attribute"]), unit=code)
            one = None
        if since is not None and one is not None:
            rows.append({"code": code, "attribute": entry["attribute"], "valid_from": since, "value": one[0],
                         "source": one[1], "status": one[2], "confidence": one[3]})
    out = pd.DataFrame(rows, columns=HISTORY_COLUMNS)
    out["valid_from"] = pd.to_datetime(out["valid_from"])
    return found, out


def _check_remote(found: YamlProblems, dated: dict, path: tuple, code: str) -> None:
    """Communes in ethnic-minority and mountainous areas cannot outnumber all communes, on any date."""
    remote, communes = dated.get("n_remote_communes") or [], dated.get("n_communes") or []
    for day in sorted({d for d, *_ in remote + communes}):
        r = [v for d, v, *_ in remote if d <= day and v is not None]
        c = [v for d, v, *_ in communes if d <= day and v is not None]
        if r and c and r[-1] > c[-1]:
            found.add(
                "remote_exceeds_communes",
                (*path, "n_remote_communes"),
                unit=code,
                remote=r[-1],
                communes=c[-1],
            )
            return
