"""The province profile: who issues the annual report, where, and to whom (``parameters/province/<p>.yaml``).

The .docx takes its header (issuing body), place, the units that reported and the recipients from here, so that
Bình Định's 2022–2024 reports and Gia Lai's since 2025 come from data, not from the code. ``load_province``
validates the file and raises one ``RegistryError`` listing every problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import RegistryError
from ..paths import PROJECT_ROOT
from ..problems import YamlProblems, read_yaml

_TEXTS = ("province_vi", "issuer_parent", "issuer", "issuer_name", "place", "signer", "number", "reporting_units")
_REQUIRED = {*_TEXTS, "recipients", "source"}


@dataclass(frozen=True)
class Province:
    """A validated province profile (see the YAML files for the meaning of each field)."""

    province_vi: str
    issuer_parent: str
    issuer: str
    issuer_name: str
    place: str
    signer: str
    number: str
    reporting_units: str
    recipients: tuple[str, ...]
    source: str
    path: Path


def default_province_path() -> Path:
    """The profile of the 2022–2024 runs (Bình Định), used when a run names none."""
    return PROJECT_ROOT / "parameters" / "province" / "binh-dinh.yaml"


def load_province(path: str | Path | None = None) -> Province:
    """Read and validate a province profile.

    Raises
    ------
    RegistryError
        With every problem found, each placed at its line and key.
    """
    path = Path(path) if path is not None else default_province_path()
    data, found = read_yaml(path)
    entry = found.entry(data, (), _REQUIRED) if data is not None else None
    if entry is not None:
        _check(found, entry)
    if found.found or entry is None:
        raise RegistryError(found.frame(), file=path)
    return Province(**{k: entry[k].strip() for k in _TEXTS}, recipients=tuple(entry["recipients"]),
                    source=_joined(entry["source"]), path=path)


def _check(found: YamlProblems, entry: dict) -> None:
    for key in _TEXTS:
        if key in entry and not (isinstance(entry[key], str) and entry[key].strip()):
            found.add("missing_label", (key,), key=key)
    recipients = entry.get("recipients")
    if "recipients" in entry and not (
        isinstance(recipients, list) and recipients and all(isinstance(r, str) and r.strip() for r in recipients)
    ):
        found.add("not_list", ("recipients",))
    if "source" in entry and not _joined(entry["source"]):
        found.add("missing_source", ("source",))


def _joined(value: object) -> str:
    lines = value if isinstance(value, list) else [value]
    return "; ".join(s.strip() for s in lines if isinstance(s, str) and s.strip())
