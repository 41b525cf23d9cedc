"""danvan-eval: đánh giá kết quả thực hiện Chỉ thị 33/CT-TTg về công tác dân vận.

Evaluation of Directive 33/CT-TTg on mass-mobilisation work. The package is built in wings that mirror the flow
(docs/ARCHITECTURE.md): ``engine`` (the composite-indicator engine, COINr's counterpart, importable alone),
``model`` (framework, registry, observations, run files), ``evaluation`` (scoring, uncertainty, audit, narrative),
``intake``, ``reports`` and ``dashboard``. The public API is re-exported here and imported on first use, so that
``import danvan_eval.engine`` loads nothing of the rest.
"""

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("danvan-eval")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0"

_API = {
    "Coin": "engine.coin", "new_coin": "engine.coin", "regen": "engine.coin", "EngineError": "engine.errors",
    "DanvanEvalError": "errors", "FrameworkError": "errors", "RegistryError": "errors", "RunError": "errors",
    "ValidationError": "errors",
    "Framework": "model.framework", "load_framework": "model.framework",
    "Registry": "model.units", "load_registry": "model.units",
    "check": "model.observations", "read_observations": "model.observations", "validate": "model.observations",
    "RunConfig": "model.runs", "load_run": "model.runs", "ScoringOptions": "model.options",
    "Evaluation": "evaluation.scoring", "classify": "evaluation.scoring", "rank": "evaluation.scoring",
    "rebuild": "evaluation.scoring", "recompose": "evaluation.scoring", "score": "evaluation.scoring",
    "ScoredYear": "evaluation.year", "score_run": "evaluation.year",
}
__all__ = sorted(_API)


def __getattr__(name: str):
    if name in _API:
        return getattr(import_module(f".{_API[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
