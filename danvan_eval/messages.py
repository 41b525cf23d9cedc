"""Every user-facing string, Vietnamese first, then English: the catalogs ``locale/vi.yaml`` and ``locale/en.yaml``.

Keys are grouped by topic (their prefix: ``label.``, ``problem.``, ``report.`` …); texts are ``str.format``
templates. ``tr(key, lang, **fields)`` fills them; a test checks that both languages have the same keys and the
same ``{fields}`` and that every key is used.
"""

from __future__ import annotations

from pathlib import Path

from .engine.catalog import LANGS, Catalog

CATALOG = Catalog(Path(__file__).parent / "locale")
tr = CATALOG.tr

__all__ = ["CATALOG", "LANGS", "tr"]
