"""Peer groups: the sets of units ranked among themselves, with their names and order, as data.

A registry may declare its peer groups (``peer_groups:`` with ``id, label_vi, label_en``); one that does not
(Bình Định 2022–2024) has one group per kind of unit, named by the catalog (``kind.district`` …). Loading a
registry registers its groups here, so that reports and the dashboard, which read the written tables, show the
same names in the same order.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..messages import tr

LEGACY_ORDER = ("district", "department", "commune", "ward", "agency")
_LABELS: dict[str, dict[str, str]] = {}
_ORDER: list[str] = []


def register(groups: Iterable[dict]) -> None:
    """Record the declared groups (``id, label_vi, label_en``) in their order, after any registered before."""
    for g in groups:
        _LABELS[g["id"]] = {"vi": g["label_vi"], "en": g["label_en"]}
        if g["id"] not in _ORDER:
            _ORDER.append(g["id"])


def label(group: str, lang: str) -> str:
    """The group's name: the registry's, else the catalog's ``kind.<group>``."""
    own = _LABELS.get(str(group))
    return own[lang] if own else tr(f"kind.{group}", lang)


def order(present: Iterable[str]) -> list[str]:
    """``present`` groups in display order: declared groups first (in their order), then the kinds' order."""
    rank = {g: i for i, g in enumerate([*_ORDER, *(k for k in LEGACY_ORDER if k not in _ORDER)])}
    return sorted(set(map(str, present)), key=lambda g: (rank.get(g, len(rank)), g))
