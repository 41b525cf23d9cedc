"""The modeller's choices of a run file (``options:``): normalisation, aggregation, imputation, weights, coverage."""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import TYPE_CHECKING, Any

from ..engine import methods
from ..errors import DanvanEvalError
from ..messages import CATALOG

if TYPE_CHECKING:
    from .framework import Framework

MAX_WEIGHT = 1000  # a relative weight; more is a typing slip (1e308 overflows the sums to inf)


@dataclass(frozen=True)
class ScoringOptions:
    """The modeller's choices; every field can be named in ``parameters/runs/<Y>.yaml`` under ``options``.

    normalisation : a method of ``methods.NORMALISE`` (``goalposts`` = the framework's fixed goalposts).
    pooled : for data-driven normalisations, pool statistics over all years (True) or per year (False).
    aggregation : ``amean``, ``gmean`` or ``hmean``, for areas and the composite.
    imputation : ``none`` (missing stays missing) or ``previous`` (the unit's latest earlier value).
    area_weights : code → weight overriding the framework's: area ids (the usual case) or indicator ids (used by the
        uncertainty analysis to perturb indicator weights).
    coverage_threshold : share of an area's applicable weight that must be present; None = framework's.
    """

    normalisation: str = "goalposts"
    pooled: bool = True
    aggregation: str = "amean"
    imputation: str = "none"
    area_weights: Mapping[str, float] = field(default_factory=dict)
    coverage_threshold: float | None = None

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any] | None) -> ScoringOptions:
        """Options from a mapping; every unknown key, method name or value is an error, all named at once.

        Weights are finite numbers ≥ 0 up to ``MAX_WEIGHT`` and not all 0; ``coverage_threshold`` a number from 0
        to 1; ``pooled`` true or false; method names among the engine's. Which codes ``area_weights`` may name
        is checked against the framework (``check``).
        """
        if raw is None:
            raw = {}
        if not isinstance(raw, Mapping):
            raise DanvanEvalError(CATALOG.both("options.error.not_mapping", value=_shown(raw)))
        raw = dict(raw)
        known = [f.name for f in fields(cls)]
        found = []
        unknown = sorted(map(str, set(raw) - set(known)))
        if unknown:
            found.append(CATALOG.both("options.error.unknown", keys=", ".join(unknown), known=", ".join(known)))
        for name, registry in (
            ("normalisation", methods.NORMALISE),
            ("aggregation", methods.AGGREGATE),
            ("imputation", methods.IMPUTE),
        ):
            if name in raw and (not isinstance(raw[name], str) or raw[name] not in registry):
                found.append(CATALOG.both("options.error.method", key=name, value=_shown(raw[name]),
                                          known=", ".join(sorted(registry))))
        if "pooled" in raw and not isinstance(raw["pooled"], bool):
            found.append(CATALOG.both("options.error.bool", key="pooled", value=_shown(raw["pooled"])))
        threshold = raw.get("coverage_threshold")
        if threshold is not None and not (_number(threshold) and 0 <= threshold <= 1):
            found.append(CATALOG.both("options.error.coverage", value=_shown(threshold)))
        weights = raw.get("area_weights")
        if weights is None:
            weights = {}
        if not isinstance(weights, Mapping):
            found.append(CATALOG.both("options.error.weights_mapping", value=_shown(weights)))
            weights = {}
        for code, w in weights.items():
            if not (_number(w) and 0 <= w <= MAX_WEIGHT):
                found.append(CATALOG.both("options.error.weight", code=code, value=_shown(w), max=MAX_WEIGHT))
        if weights and all(_number(w) and w == 0 for w in weights.values()) and len(weights) > 1:
            found.append(CATALOG.both("options.error.weights_zero"))
        if found:
            raise DanvanEvalError("\n".join(found))
        return cls(**{**raw, "area_weights": dict(weights)})

    def check(self, framework: Framework) -> None:
        """Raise if ``area_weights`` names a code the framework lacks, or leaves every area with weight 0."""
        codes = [*framework.areas.index, *framework.indicators.index]
        unknown = sorted(c for c in self.area_weights if c not in codes)
        if unknown:
            raise DanvanEvalError(CATALOG.both("options.error.weight_code", codes=", ".join(unknown),
                                               known=", ".join(framework.areas.index)))
        areas = {a: float(self.area_weights.get(a, w)) for a, w in framework.areas["weight"].items()}
        if not any(areas.values()):
            raise DanvanEvalError(CATALOG.both("options.error.weights_zero"))

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["area_weights"] = dict(sorted(self.area_weights.items()))
        return out


def _number(value: object) -> bool:
    """A finite int or float, not a boolean (YAML reads ``yes`` as true)."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def _shown(value: object) -> str:
    return repr(value) if isinstance(value, str) else str(value)
