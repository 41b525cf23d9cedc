"""Plausibility rules (``parameters/plausibility/<framework version>.yaml``), validated on load.

A rule is data: which check it runs (``CHECKS``), on which indicators (``types``, ``indicators``, ``exclude``), its
thresholds, and a message in Vietnamese and English whose ``{fields}`` the check fills. The checks themselves are
pure functions in ``evaluation.plausibility``. ``load_plausibility`` reports every problem of the file at once.
"""

from __future__ import annotations

import hashlib
import math
import string
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import PlausibilityError
from ..problems import YamlProblems, read_yaml
from .framework import TYPES, Framework

# check → (its thresholds: name → (default, minimum, strict)); the message fields it fills
CHECKS: dict[str, tuple[dict[str, tuple[float, float, bool]], set[str]]] = {
    "history_ratio": ({"ratio": (4.0, 1.0, True), "min_change": (0.0, 0.0, False)},
                      {"value", "previous", "ratio", "threshold"}),
    "peer_robust_z": ({"z": (3.5, 0.0, True), "min_value": (0.0, 0.0, False), "mad_floor": (0.0, 0.0, False),
                       "min_peers": (5.0, 2.0, False)},
                      {"value", "per_unit", "median", "z", "threshold", "peers"}),
    "part_whole": ({}, {"value", "whole", "whole_value"}),
    "range_edge": ({"margin": (0.0, 0.0, False)}, {"value", "edge"}),
}
CHECKS_PARAMS = {name for params, _ in CHECKS.values() for name in params}
_RULE = {"id", "check", "message_vi", "message_en"}
_RULE_OPTIONAL = {"types", "indicators", "exclude", "pairs", "ratio", "min_change", "z", "min_value", "mad_floor",
                  "min_peers", "margin"}


@dataclass(frozen=True)
class Rule:
    """One plausibility rule: ``check`` with its ``thresholds``, on the indicators it selects."""

    id: str
    check: str
    message: dict[str, str]
    types: tuple[str, ...] = ()
    indicators: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    pairs: tuple[tuple[str, str], ...] = ()
    thresholds: dict[str, float] = field(default_factory=dict)

    def selects(self, indicator: str, type_: str) -> bool:
        """Whether the rule looks at ``indicator`` (of type ``type_``)."""
        if indicator in self.exclude:
            return False
        if self.indicators:
            return indicator in self.indicators
        return not self.types or type_ in self.types


@dataclass(frozen=True)
class PlausibilityRules:
    """The rules of one framework version (none when the framework has no plausibility file)."""

    version: str
    rules: tuple[Rule, ...]
    path: Path | None = None
    sha256: str | None = None


def default_plausibility_path(framework: Framework) -> Path:
    """``parameters/plausibility/<version>.yaml`` beside the framework's folder."""
    return Path(framework.path).resolve().parent.parent / "plausibility" / f"{framework.version}.yaml"


def load_plausibility(framework: Framework, path: str | Path | None = None) -> PlausibilityRules:
    """The rules for ``framework``: from ``path``, else the default file of its version (no rules if absent).

    Raises
    ------
    PlausibilityError
        With every problem of the file, each at its line.
    """
    path = Path(path) if path is not None else default_plausibility_path(framework)
    if not path.is_file():
        return PlausibilityRules(framework.version, ())
    data, found = read_yaml(path)
    if data is None and found.found:
        raise PlausibilityError(found.frame(), file=path)
    rules = _parse(data, found, framework)
    if found.found:
        raise PlausibilityError(found.frame(), file=path)
    return PlausibilityRules(framework.version, tuple(rules), path, hashlib.sha256(path.read_bytes()).hexdigest())


def _number(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def _ids(found: YamlProblems, value: object, path: tuple, known: set[str], **who) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        found.add("not_list", path, **who)
        return ()
    for i, v in enumerate(value):
        if v not in known:
            found.add("plausibility_unknown_indicator", (*path, i), indicator=v, **who)
    return tuple(value)


def _parse(data: object, found: YamlProblems, framework: Framework) -> list[Rule]:
    top = found.entry(data, (), {"version", "rules"})
    if top is None:
        return []
    if top.get("version") != framework.version:
        found.add("plausibility_version", ("version",), found=top.get("version"), expected=framework.version)
    entries = top.get("rules")
    if not isinstance(entries, list):
        found.add("not_list", ("rules",))
        return []
    known = {*framework.indicators.index, *framework.auxiliary.index}
    rules, seen = [], {}
    for i, raw in enumerate(entries):
        path = ("rules", i)
        rid = raw.get("id") if isinstance(raw, dict) else None
        if isinstance(rid, str):
            found.names[path] = rid
        entry = found.entry(raw, path, _RULE, _RULE_OPTIONAL)
        if entry is None:
            continue
        if isinstance(rid, str):
            if rid in seen:
                found.add("duplicate_id", (*path, "id"), id=rid, first=seen[rid])
            seen.setdefault(rid, found.line(path))
        check = entry.get("check")
        if check not in CHECKS:
            found.add("plausibility_check", (*path, "check"), value=check, allowed=", ".join(CHECKS))
            continue
        params, fields = CHECKS[check]
        thresholds = {}
        for name, (default, low, strict) in params.items():
            value = entry.get(name, default)
            if not _number(value) or value < low or (strict and value == low):
                found.add("plausibility_threshold", (*path, name), key=name, value=value, low=low)
                value = default
            thresholds[name] = float(value)
        for name in sorted(set(entry) & (set(CHECKS_PARAMS) - set(params))):
            found.add("unknown_key", (*path, name), key=name)
        message = {}
        for lang in ("vi", "en"):
            text = entry.get(f"message_{lang}")
            if not (isinstance(text, str) and text.strip()):
                if f"message_{lang}" in entry:  # an absent key is already a missing_key
                    found.add("missing_label", (*path, f"message_{lang}"), key=f"message_{lang}")
                continue
            try:
                used = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
            except ValueError:
                used = {"{"}
            for name in sorted(used - fields):
                found.add("plausibility_field", (*path, f"message_{lang}"), key=name, allowed=", ".join(sorted(fields)))
            message[lang] = text
        types = entry.get("types") or []
        if not isinstance(types, list) or not all(t in TYPES for t in types):
            found.add("bad_type", (*path, "types"), value=types, allowed=", ".join(TYPES))
            types = []
        pairs = []
        if check == "part_whole":
            raw_pairs = entry.get("pairs")
            if not isinstance(raw_pairs, list) or not raw_pairs:
                found.add("not_list", (*path, "pairs"))
                raw_pairs = []
            for j, pair in enumerate(raw_pairs):
                one = found.entry(pair, (*path, "pairs", j), {"part", "whole"})
                if one is None:
                    continue
                for key in ("part", "whole"):
                    if one.get(key) not in known:
                        found.add("plausibility_unknown_indicator", (*path, "pairs", j, key), indicator=one.get(key))
                pairs.append((one.get("part"), one.get("whole")))
        elif "pairs" in entry:
            found.add("unknown_key", (*path, "pairs"), key="pairs")
        rules.append(Rule(
            id=str(rid), check=check, message=message, types=tuple(types),
            indicators=_ids(found, entry.get("indicators"), (*path, "indicators"), known),
            exclude=_ids(found, entry.get("exclude"), (*path, "exclude"), known),
            pairs=tuple(pairs), thresholds=thresholds,
        ))
    return rules

