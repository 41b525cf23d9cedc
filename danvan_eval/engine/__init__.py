"""The composite-indicator engine: COINr's build (denominate, impute, screen, treat, normalise, aggregate) as
verbs on an immutable ``Coin`` that logs every step, its analyses, Monte Carlo uncertainty and Sobol sensitivity.

It knows nothing of Directive 33 and imports nothing from the rest of the package (a test checks it).
"""

from .coin import Coin, new_coin, regen
from .errors import EngineError

__all__ = ["Coin", "EngineError", "new_coin", "regen"]
