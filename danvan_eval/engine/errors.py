"""The engine's one exception: ``EngineError``, a ``ValueError`` whose message comes from the engine's catalog."""

from __future__ import annotations

from pathlib import Path

from .catalog import Catalog

CATALOG = Catalog(Path(__file__).parent / "locale")


class EngineError(ValueError):
    """A verb was given something it cannot use; ``key`` and ``fields`` name the message (Vietnamese / English)."""

    def __init__(self, key: str, **fields: object):
        self.key, self.fields = key, fields
        super().__init__(CATALOG.both(key, **fields))
