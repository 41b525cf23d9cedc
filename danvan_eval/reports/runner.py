"""The yearly run: validate → score once → write ``outputs/<Y>/`` atomically (→ notebooks, see ``run_year``)."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from ..errors import RunError
from ..evaluation import registry_figures as figures_mod
from ..evaluation.continuity import FIRST_NEW_YEAR
from ..evaluation.continuity_run import continuity_for_run, past_run_path, write_continuity
from ..evaluation.uncertainty import UncertaintySettings
from ..evaluation.year import ScoredYear, load_inputs, score_run, write_tables
from ..formatting import number
from ..locks import year_lock
from ..messages import tr
from ..model.runs import RunConfig, load_run
from ..model.units import supplements_path
from ..outputs import atomic_dir, manifest, package_versions, read_csv, safe_child, sha256, write_json
from ..paths import PROJECT_ROOT
from ..problems import format_problems
from .render import Job, Rendered, Renderer


def score_year(run: RunConfig, out_root: Path) -> Path:
    """Score ``run.year`` and replace ``out_root/<year>/`` with its tables and manifest; returns that folder."""
    start = time.perf_counter()
    final = Path(out_root) / str(run.year)
    with year_lock(out_root, run.year), atomic_dir(final) as tmp:
        scored = score_run(run)
        write_tables(scored, tmp)
        _write_continuity(run, scored.evaluation.observations, tmp)
        write_manifest(scored, tmp, {**scored.timings, "total_s": round(time.perf_counter() - start, 4)})
    return final


def _write_continuity(run: RunConfig, observations, folder: Path) -> None:
    """From 2025, when the run file of 2024 is there: the tables comparing the former districts' territory
    across the reform (``evaluation.continuity_run``), which the reports show as context."""
    if run.year >= FIRST_NEW_YEAR and past_run_path(run).is_file():
        write_continuity(continuity_for_run(run, observations), folder)


def scoring_inputs(run: RunConfig) -> dict[str, Path]:
    """Every file the year's tables are made from: the run's inputs and, from 2025, those of the run file of
    2024 that the continuity tables read (``continuity_<name>``)."""
    out = run.inputs()
    past = past_run_path(run)
    if run.year >= FIRST_NEW_YEAR and past.is_file():
        out.update({f"continuity_{k}": p for k, p in load_run(past).inputs().items()})
    return out


def write_manifest(scored: ScoredYear, folder: Path, timings: dict, **extra) -> Path:
    """The run's manifest: input hashes, framework version, options, uncertainty settings, package versions,
    timings."""
    ev = scored.evaluation
    data = manifest(
        scored.run.year,
        scoring_inputs(scored.run),
        ev.framework.version,
        ev.options.as_dict(),
        scored.run.root,
        framework_sha256=ev.framework.sha256,
        uncertainty=dataclasses.asdict(UncertaintySettings.from_mapping(scored.run.uncertainty)),
        units_expected=len(ev.of_year("units")),
        registry_figures=figures_mod.manifest_entry(scored.tables.get("registry_figures")),
        synthetic=scored.synthetic,
        plan=scored.run.plan,
        criteria_document=scored.run.criteria_document,
        timings=timings,
        **extra,
    )
    return write_json(data, Path(folder) / "manifest.json")


# ---------------------------------------------------------------- the yearly run with its reports
NOTEBOOKS = PROJECT_ROOT / "notebooks"
UNIT_NOTEBOOK, PROVINCE_NOTEBOOK, AUDIT_NOTEBOOK = "unit_report.ipynb", "province_master.ipynb", "methodology_audit.ipynb"
PROVINCE, AUDIT = "province", "methodology_audit"


@dataclass(frozen=True)
class RunSummary:
    """What a yearly run did: its folder, every notebook's result, the failed ones, reports carried over."""

    year: int
    folder: Path
    rendered: list[Rendered]
    carried_over: list[str]
    dropped: list[str]
    seconds: float
    to_verify: pd.DataFrame | None = None  # the plausibility findings of the year (warnings)
    figures: pd.DataFrame | None = None  # registry figures unknown or estimated (evaluation.registry_figures)
    supply: str = ""  # where an evaluator supplies a missing figure (the registry's supplements file)

    @property
    def failed(self) -> list[str]:
        """Names of the notebooks that failed: unit codes, ``province``, ``methodology_audit``."""
        return sorted(r.name for r in self.rendered if not r.ok)

    def describe(self, lang: str = "vi") -> str:
        """A few lines for the person who ran it: where the reports are, what failed and why."""
        ok = sum(r.ok for r in self.rendered)
        lines = [tr("run.done", lang, year=self.year, ok=ok, n=len(self.rendered),
                    seconds=number(self.seconds, lang), folder=self.folder)]
        if self.carried_over:
            lines.append(tr("run.carried_over", lang, n=len(self.carried_over), names=", ".join(self.carried_over)))
        if self.dropped:
            lines.append(tr("run.dropped", lang, n=len(self.dropped), names=", ".join(self.dropped)))
        for r in sorted((r for r in self.rendered if not r.ok), key=lambda r: r.name):
            where = f"{r.files[0]}" if r.files else ""
            lines.append(tr("run.failed", lang, name=r.name, error=r.error.splitlines()[0], file=where))
        if self.to_verify is not None and len(self.to_verify):
            lines.append("⚠ " + tr("plausibility.to_verify_run", lang, n=len(self.to_verify),
                                    units=self.to_verify["unit"].nunique(), path=self.folder / "plausibility.csv"))
            lines.append(format_problems(self.to_verify, lang, limit=20))
        lines += figures_mod.describe(self.figures, lang, self.supply)
        return "\n".join(lines)


def run_year(run: RunConfig, out_root: Path, units: list[str] | None = None, jobs: int = 2,
             scheduler: str | None = None, lang: str = "vi") -> RunSummary:
    """The yearly run: validate and score once, write the tables, execute every report notebook, export HTML.

    Everything is written into a temporary folder that replaces ``out_root/<year>`` only when the run is over.
    A failing notebook does not stop the others: its executed notebook (up to the failing cell) is kept, the
    manifest and the summary name it, and the other reports land with it (the caller exits non-zero). A crash
    of the run itself (invalid input, interruption) lands nothing: the previous outputs of the year stay.

    Parameters
    ----------
    units : unit codes to report on (default: every unit of the year); the other units' previous reports are
        kept only if they were made from the same input files (same hashes), else dropped and named.
    jobs : notebooks executed at a time, each worker with one warm kernel.
    scheduler : address of a Dask scheduler (``tcp://host:8786``) to execute the notebooks on instead; its
        workers must see the same file system and have danvan-eval installed.
    lang : language of the reports, ``vi`` or ``en``.
    """
    start = time.perf_counter()
    final = Path(out_root) / str(run.year)
    with year_lock(out_root, run.year):  # one run of a year at a time (what a dead run left is swept first)
        # a run of some units: the year's previous manifest if made from the same files in the same language
        before = _same_inputs(final, run, lang) if units else None
        previous = before if _tables_reusable(final, before) else None
        # Nesting order matters: the workers (their kernels warm up while the year is scored) stop before the
        # temporary folder is swapped in or, on an error or an interruption, removed. Everything the run file
        # names is read and checked before any kernel starts.
        with contextlib.nullcontext(None if previous else load_inputs(run)) as inputs, atomic_dir(final) as tmp, \
                Renderer(jobs, scheduler) as renderer:
            if previous:  # some units again on the same inputs: the year's tables as they are, not scored again
                scored, tables = None, _copy_tables(final, tmp)
            else:
                scored = score_run(run, inputs)
                tables = scored.tables
            codes = _select_units(tables["scores"], units)
            t0 = time.perf_counter()
            if scored is not None:
                write_tables(scored, tmp)
                _write_continuity(run, inputs[2], tmp)
                # the notebooks read the tables with the manifest of the scoring (the methodology audit: the
                # framework and the uncertainty settings); it is written again, complete, once they are done
                write_manifest(scored, tmp, scored.timings)
            with _staged(tmp, run.year) as stage:
                # a run of some units on unchanged inputs keeps the province report and the audit (same tables)
                kept = _kept_year_reports(final, before)
                notebook_jobs = [j for j in _jobs(run, tmp, stage, codes, lang) if j.name not in kept]
                t1 = time.perf_counter()
                with tqdm(total=len(notebook_jobs), desc=tr("run.progress", lang), unit="nb", disable=None) as bar:
                    rendered = renderer.run(notebook_jobs, on_done=lambda r: bar.update(1))
            t2 = time.perf_counter()
            carried, dropped = _carry_over(final, tmp, before, tables["scores"], codes) if units else ([], [])
            for name in kept:
                for suffix in (".ipynb", ".html"):
                    shutil.copy2(final / f"{name}{suffix}", tmp / f"{name}{suffix}")
            carried += kept
            rendered.sort(key=lambda r: r.name)
            timings = {**(scored.timings if scored else {}), "tables_s": round(t1 - t0, 4),
                       "notebooks_s": round(t2 - t1, 4), "total_s": round(time.perf_counter() - start, 4)}
            record = {"notebooks": _notebook_records(rendered, tmp),
                      "failed": sorted(r.name for r in rendered if not r.ok),
                      "carried_over": carried, "lang": lang, "jobs": jobs, "scheduler": scheduler}
            if scored is not None:
                write_manifest(scored, tmp, timings, **record)
            else:  # the scoring's record stays that of the run that scored the year
                write_json({**previous, "command": sys.argv, "timings": timings, "tables_reused": True, **record},
                           tmp / "manifest.json")
    return RunSummary(run.year, final, rendered, carried, dropped, round(time.perf_counter() - start, 2),
                      to_verify=tables.get("plausibility"), figures=tables.get("registry_figures"),
                      supply=supply_path(run))


def supply_path(run: RunConfig) -> str:
    """Where an evaluator supplies a figure the registry lacks: its supplements file (else the registry itself),
    relative to the project."""
    path = Path(supplements_path(run.units) or run.units).resolve()
    root = Path(run.root).resolve()
    return path.relative_to(root).as_posix() if root in path.parents else str(path)


def _tables_reusable(final: Path, before: dict | None) -> bool:
    """Whether the year's tables can serve a run of some units as they are: made from the same files
    (``before``, the previous manifest of ``_same_inputs``) by the same packages, and none missing; else the
    year is scored again."""
    return bool(before) and before.get("packages") == package_versions() and (final / "scores.csv").is_file() \
        and (final / "units").is_dir()


def _copy_tables(final: Path, tmp: Path) -> dict[str, pd.DataFrame]:
    """Copy the year's tables and manifest (not its reports) from ``final`` into ``tmp``; returns the tables
    the run reads itself (``scores``, ``plausibility``, ``registry_figures``), by name."""
    for path in final.iterdir():
        if path.is_file() and path.suffix in (".csv", ".json"):
            shutil.copy2(path, tmp / path.name)
    return {name: read_csv(tmp / f"{name}.csv") for name in ("scores", "plausibility", "registry_figures")
            if (tmp / f"{name}.csv").is_file()}


def _select_units(scores: pd.DataFrame, units: list[str] | None) -> list[str]:
    """The unit codes to report on, checked against the year's units (a bilingual error lists the unknown)."""
    known = list(scores["unit_code"].astype(str))
    if units is None:
        return known
    chosen = [str(u).strip() for u in units if str(u).strip()]
    unknown = [u for u in chosen if u not in known]
    if unknown or not chosen:
        raise RunError(f"{tr('run.unknown_units', 'vi', units=unknown, known=known)} / "
                       f"{tr('run.unknown_units', 'en', units=unknown, known=known)}")
    return list(dict.fromkeys(chosen))


@contextlib.contextmanager
def _staged(tmp: Path, year: int) -> Iterator[Path]:
    """An outputs folder whose ``<year>`` is the run's temporary folder (a link beside it), so that notebooks
    read the new tables with ``read_year(outputs_dir, year)`` before they are moved into place."""
    stage = Path(tempfile.mkdtemp(prefix=f".{year}.stage-", dir=tmp.parent))
    try:
        (stage / str(year)).symlink_to(Path("..") / tmp.name, target_is_directory=True)
        yield stage
    finally:
        shutil.rmtree(stage)  # removes the link, never what it points to


def _jobs(run: RunConfig, folder: Path, stage: Path, codes: list[str], lang: str) -> list[Job]:
    """One job per unit, the province master, and the methodology audit when that notebook exists."""
    common = {"year": run.year, "lang": lang, "outputs_dir": str(stage), "run_file": str(run.path)}
    final = folder.parent / str(run.year)  # where the folder lands: what the saved notebooks record

    def record(output: Path) -> dict:
        return {"parameters": {"outputs_dir": str(final.parent)}, "output_path": str(final / output.relative_to(folder))}

    (folder / "units").mkdir()
    names = {}
    if codes:
        scores = read_csv(folder / "scores.csv").set_index("unit_code")["name_vi"]
        names = {c: str(scores.get(c, c)) for c in codes}
    jobs = [
        Job(code, NOTEBOOKS / UNIT_NOTEBOOK, safe_child(folder / "units", code, ".ipynb"),
            {**common, "unit_code": code}, f"{names[code]} — {run.year}",
            record(safe_child(folder / "units", code, ".ipynb")))
        for code in codes
    ]
    jobs.append(Job(PROVINCE, NOTEBOOKS / PROVINCE_NOTEBOOK, folder / "province.ipynb", common,
                    f"{tr('label.province', lang)} — {run.year}", record(folder / "province.ipynb")))
    if (NOTEBOOKS / AUDIT_NOTEBOOK).exists():
        jobs.append(Job(AUDIT, NOTEBOOKS / AUDIT_NOTEBOOK, folder / f"{AUDIT}.ipynb", common, f"{AUDIT} — {run.year}",
                        record(folder / f"{AUDIT}.ipynb")))
    # the slowest first, so that no worker is left with it at the end
    return sorted(jobs, key=lambda j: j.name not in (PROVINCE, AUDIT))


def _same_inputs(final: Path, run: RunConfig, lang: str) -> dict | None:
    """The previous manifest of the year if its run read the same input files (hashes) in the same language."""
    old = json.loads((final / "manifest.json").read_text(encoding="utf-8")) if (final / "manifest.json").exists() else {}
    same = old.get("lang") == lang and {k: v.get("sha256") for k, v in old.get("inputs", {}).items()} == {
        k: sha256(p) for k, p in scoring_inputs(run).items()
    }
    return old if same else None


def _kept_year_reports(final: Path, before: dict | None) -> list[str]:
    """The province report and the audit of the previous run (``before``: its manifest, when made from the same
    input files in the same language), if it rendered them without error: the year's tables are the same, so
    are they."""
    done, kept = (before or {}).get("notebooks", {}), (before or {}).get("carried_over", [])
    return [name for name in (PROVINCE, AUDIT) if (done.get(name, {}).get("ok") or name in kept)
            and all((final / f"{name}{suffix}").is_file() for suffix in (".ipynb", ".html"))]


def _carry_over(final: Path, tmp: Path, before: dict | None, scores: pd.DataFrame, codes: list[str]):
    """Copy the previous reports of the units not rendered now, if they came from the same input files and are
    in the same language (``before``: the previous manifest then, else None); returns (carried over, dropped)."""
    others = [c for c in scores["unit_code"].astype(str) if c not in codes]
    previous = [c for c in others if (final / "units" / f"{c}.ipynb").exists()]
    if not previous:
        return [], []
    if before is None:
        return [], previous
    for code in previous:
        for suffix in (".ipynb", ".html"):
            source = safe_child(final / "units", code, suffix)
            if source.exists():
                shutil.copy2(source, safe_child(tmp / "units", code, suffix))
    return previous, []


def _notebook_records(rendered: list[Rendered], folder: Path) -> dict[str, dict]:
    """Manifest entries: per notebook, its files (relative to the year folder), status, seconds, error."""
    out = {}
    for r in rendered:
        entry = {"ok": r.ok, "seconds": r.seconds,
                 "files": [str(Path(f).relative_to(folder)) for f in r.files]}
        if not r.ok:
            entry.update(error=r.error, cell=r.cell)
        out[r.name] = entry
    return out
