"""Which shares of a framework can be summed over units: ``parameters/results/<version>.yaml``, validated.

A share (%) is never averaged over units. It can be summed as numerator and denominator when the framework also
collects the count it is a share of (``of``: an auxiliary input or a count indicator); the file lists those
shares. A framework without a file sums its counts (and numerator/denominator pairs) only.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import FrameworkError
from ..problems import read_yaml
from .framework import Framework


def default_results_path(framework: Framework) -> Path:
    """``parameters/results/<version>.yaml`` beside the framework's folder."""
    return Path(framework.path).resolve().parent.parent / "results" / f"{framework.version}.yaml"


def load_weights(framework: Framework, path: str | Path | None = None) -> dict[str, str]:
    """``{share indicator: the count it is a share of}`` for ``framework`` ({} when it has no file).

    Raises
    ------
    FrameworkError
        With every problem of the file, each at its line.
    """
    path = Path(path) if path is not None else default_results_path(framework)
    if not path.is_file():
        return {}
    data, found = read_yaml(path)
    top = found.entry(data, (), {"version", "weights"}) if data is not None else None
    weights: dict[str, str] = {}
    if top is not None:
        if top["version"] != framework.version:
            found.add("plausibility_version", ("version",), found=top["version"], expected=framework.version)
        fw = framework.indicators
        counts = {*framework.auxiliary.index, *fw.index[fw["type"] == "count"]}
        for share, spec in (top["weights"] or {}).items():
            entry = found.entry(spec, ("weights", share), {"of"}, {"note"})
            if entry is None:
                continue
            if share not in fw.index or fw.at[share, "type"] != "pct":
                found.add("results_not_share", ("weights", share), indicator=share)
            elif entry["of"] not in counts:
                found.add("results_not_count", ("weights", share, "of"), indicator=share, value=entry["of"])
            else:
                weights[share] = entry["of"]
    if found.found or top is None:
        raise FrameworkError(found.frame(), file=path)
    return weights
