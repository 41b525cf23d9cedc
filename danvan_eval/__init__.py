"""danvan-eval: đánh giá kết quả thực hiện Chỉ thị 33/CT-TTg về công tác dân vận (Bình Định).

Evaluation of Directive 33/CT-TTg on mass-mobilisation work: the indicator framework, validation of the units'
data, and the scoring engine. The public API is re-exported here; see docs/ARCHITECTURE.md.
"""

from importlib.metadata import PackageNotFoundError, version

from .coin import Coin, new_coin, regen
from .errors import DanvanEvalError, FrameworkError, RegistryError, RunError, ValidationError
from .evaluate import ScoredYear, score_run
from .framework import Framework, load_framework
from .observations import check, read_observations, validate
from .runs import RunConfig, load_run
from .scoring import Evaluation, ScoringOptions, classify, rank, rebuild, recompose, score
from .units import Registry, load_registry

try:
    __version__ = version("danvan-eval")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0"

__all__ = [
    "Coin", "DanvanEvalError", "Evaluation", "Framework", "FrameworkError", "Registry", "RegistryError",
    "RunConfig", "RunError", "ScoredYear", "ScoringOptions", "ValidationError", "check", "classify",
    "load_framework", "load_registry", "load_run", "new_coin", "rank", "read_observations", "rebuild",
    "recompose", "regen", "score", "score_run", "validate",
]
