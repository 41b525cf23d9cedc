"""Message catalogs as data: one YAML file per language, ``{key: text}``, texts are ``str.format`` templates.

A translator edits ``<folder>/<lang>.yaml`` without touching code; ``Catalog.tr`` fills the ``{fields}``.
The engine keeps its own catalog (it imports nothing of the rest of the package); the package's messages use
the same class on their own folder.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import yaml

LANGS = ("vi", "en")
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it: same data, faster


class Catalog:
    """The texts of one folder of ``<lang>.yaml`` files, loaded on first use."""

    def __init__(self, folder: Path, langs: tuple[str, ...] = LANGS):
        self.folder = Path(folder)
        self.langs = langs

    @cached_property
    def texts(self) -> dict[str, dict[str, str]]:
        """``{lang: {key: text}}`` as read from the files."""
        out = {}
        for lang in self.langs:
            with open(self.folder / f"{lang}.yaml", encoding="utf-8") as fh:
                out[lang] = {str(k): str(v) for k, v in (yaml.load(fh, Loader=_SafeLoader) or {}).items()}
        return out

    def __contains__(self, key: str) -> bool:
        return key in self.texts[self.langs[0]]

    def __iter__(self):
        return iter(self.texts[self.langs[0]])

    def tr(self, key: str, /, lang: str = "vi", **fields: object) -> str:
        """The text of ``key`` in ``lang`` with ``fields`` filled in.

        Raises
        ------
        KeyError
            ``key`` is not in the catalog.
        ValueError
            ``lang`` is not one of the catalog's languages.
        """
        if lang not in self.langs:
            raise ValueError(f"ngôn ngữ không hỗ trợ / unsupported language {lang!r}; use one of {self.langs}")
        try:
            text = self.texts[lang][key]
        except KeyError:
            raise KeyError(f"không có thông điệp / no message {key!r}") from None
        return text.format(**fields)

    def both(self, key: str, /, **fields: object) -> str:
        """``"<Vietnamese> / <English>"``: the form of every error message."""
        return " / ".join(self.tr(key, lang, **fields) for lang in self.langs)
