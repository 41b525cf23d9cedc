"""The modeller's choices of a run file (``options:``): normalisation, aggregation, imputation, weights, coverage."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from ..engine import methods
from ..errors import DanvanEvalError


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
        """Options from a mapping; an unknown key or method name is an error, not a warning."""
        raw = dict(raw or {})
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(raw) - known)
        if unknown:
            raise DanvanEvalError(
                f"Tùy chọn chấm điểm không hợp lệ / unknown scoring options: {unknown}; hợp lệ / allowed: {sorted(known)}"
            )
        opts = cls(**raw)
        for name, registry in (
            ("normalisation", methods.NORMALISE),
            ("aggregation", methods.AGGREGATE),
            ("imputation", methods.IMPUTE),
        ):
            if getattr(opts, name) not in registry:
                raise DanvanEvalError(
                    f"Phương pháp '{getattr(opts, name)}' không có / unknown {name} method; có / known: {sorted(registry)}"
                )
        return opts

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["area_weights"] = dict(sorted(self.area_weights.items()))
        return out
