"""The yearly run: validate → score once → write ``outputs/<Y>/`` atomically (→ notebooks, see ``run_year``)."""

from __future__ import annotations

import time
from pathlib import Path

from .evaluate import ScoredYear, score_run, write_tables
from .outputs import atomic_dir, manifest, write_json
from .runs import RunConfig


def score_year(run: RunConfig, out_root: Path) -> Path:
    """Score ``run.year`` and replace ``out_root/<year>/`` with its tables and manifest; returns that folder."""
    start = time.perf_counter()
    scored = score_run(run)
    final = Path(out_root) / str(run.year)
    with atomic_dir(final) as tmp:
        write_tables(scored, tmp)
        write_manifest(scored, tmp, {**scored.timings, "total_s": round(time.perf_counter() - start, 4)})
    return final


def write_manifest(scored: ScoredYear, folder: Path, timings: dict, **extra) -> Path:
    """The run's manifest: input hashes, framework version, options, package versions, timings."""
    ev = scored.evaluation
    data = manifest(
        scored.run.year,
        scored.run.inputs(),
        ev.framework.version,
        ev.options.as_dict(),
        framework_sha256=ev.framework.sha256,
        units_expected=int(len(ev.of_year("units"))),
        timings=timings,
        **extra,
    )
    return write_json(data, Path(folder) / "manifest.json")
