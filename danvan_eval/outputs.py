"""Writing and reading a year's outputs: safe, deterministic files, written atomically, and the manifest.

Safe: text that a spreadsheet would run as a formula is neutralised, and no unit code or file name can place a
file outside the output folder. Deterministic: the same tables give the same bytes. Atomic: a run writes into
a temporary sibling folder and swaps it in only when it finished, so a failed run leaves the previous outputs.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import json
import os
import platform
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import DanvanEvalError

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
PACKAGES = ("danvan-eval", "pandas", "numpy", "scipy", "matplotlib", "papermill", "nbconvert", "ipywidgets",
            "voila", "openpyxl", "python-docx", "pyyaml", "dask")
# the tables ``read_year`` reads back (``uncertainty_draws.csv``, one row per draw, is left to who needs it)
TABLES = ("scores", "indicators", "trend", "compliance", "uncertainty", "sensitivity", "removal", "coherence_areas",
          "coherence_indicators", "correlations", "plausibility", "appraisal", "registry_figures", "results",
          "free_text")
# the continuity tables of a year from 2025 (``evaluation.continuity_run``), written by the run and by ``continuity``
CONTINUITY = ("continuity_measures", "former_districts", "continuity_districts", "continuity_province")


# A number written as text ("+5,9", "-3", "−12,5 %") or a sign alone ("=" for "unchanged") runs nothing: kept.
_PLAIN = re.compile(r"^(?:[=+\-−]|[+\-−]?\d+(?:[.,\u00a0\u202f ]\d+)*(?:\s?%)?)$")
# What ``neutralise`` prefixed: an apostrophe before a formula start (or before apostrophes that precede one).
_ESCAPED = re.compile(r"^'(?='*[=+\-@\t\r])")


def _risky(value: object) -> bool:
    if not isinstance(value, str):
        return False
    bare = value.lstrip("'")
    return bare.startswith(FORMULA_START) and not (bare == value and _PLAIN.match(value))


def _each_distinct(s: pd.Series, test) -> pd.Series:
    """``s.map(test)`` as booleans, calling ``test`` once per distinct value (a table of a million rows)."""
    codes, distinct = pd.factorize(s.astype(object), use_na_sentinel=True)
    flags = np.array([bool(test(v)) for v in distinct] + [False], dtype=bool)
    return pd.Series(flags.take(codes), index=s.index)


def neutralise(df: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that start like a formula (``= + - @``) with an apostrophe (OWASP CSV injection).

    Only text is touched: numbers stay numbers, and so does a number written as text with its sign (``+5,9``)
    or a sign alone. Text that already starts with apostrophes before a formula start gets one more, so that
    ``unneutralise`` gives back exactly what was written.
    """
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            s = out[col]
            risky = _each_distinct(s, _risky)
            if risky.any():
                out[col] = s.where(~risky, "'" + s.astype(str))
    return out


def unneutralise(df: pd.DataFrame) -> pd.DataFrame:
    """Remove the apostrophe ``neutralise`` added (reading back a table written by ``write_csv``)."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            s = out[col]
            escaped = _each_distinct(s, lambda v: isinstance(v, str) and _ESCAPED.match(v) is not None)
            if escaped.any():
                out[col] = s.where(~escaped, s.astype(str).str.slice(1))
    return out


def write_csv(df: pd.DataFrame, path: Path) -> Path:
    """Write a table as UTF-8 with BOM (Excel shows Vietnamese correctly), LF line ends, formulas neutralised."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    neutralise(df).to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n", float_format="%.12g")
    return path


def read_csv(path: Path) -> pd.DataFrame:
    """Read a table written by ``write_csv``; unit codes stay text, the apostrophes it added are removed."""
    return unneutralise(pd.read_csv(path, encoding="utf-8-sig", dtype={"unit_code": str, "code": str}))


def safe_child(base: Path, name: str, suffix: str = "") -> Path:
    """``base / (name + suffix)``, refusing any name that could leave ``base`` (separators, ``..``, absolute)."""
    if not SAFE_NAME.match(str(name)) or ".." in str(name):
        raise DanvanEvalError(
            f"Tên không an toàn cho tệp: {name!r} (chỉ chữ, số, '_', '-', '.') / unsafe file name: {name!r}"
        )
    base = Path(base).resolve()
    path = (base / f"{name}{suffix}").resolve()
    if base not in path.parents:
        raise DanvanEvalError(f"Đường dẫn ra ngoài thư mục kết quả / path escapes the output folder: {path}")
    return path


def file_stamp(path: Path) -> tuple[str, int, int, int]:
    """What tells a file apart from its next version without reading it: absolute path, modification time, size,
    inode (a cache keyed on it reads the file again once it changed)."""
    st = os.stat(path)
    return os.path.abspath(path), st.st_mtime_ns, st.st_size, st.st_ino


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# What a run or a scoring writes into ``outputs/<Y>/``; anything else there (the .docx draft of ``report``, a
# user's notes) is carried over into the new folder.
PRODUCED = frozenset({*(f"{t}.csv" for t in (*TABLES, "uncertainty_draws", *CONTINUITY)), "manifest.json", "units",
                      "province.ipynb", "province.html", "methodology_audit.ipynb", "methodology_audit.html"})


def produced(name: str) -> bool:
    """True if a run makes the entry ``name`` of a year folder (so the new run's replaces the old one)."""
    return name in PRODUCED


@contextlib.contextmanager
def atomic_dir(final: Path, keep=lambda name: not produced(name)) -> Iterator[Path]:
    """Yield a temporary folder beside ``final``; on success it replaces ``final``, on error it is removed.

    The previous ``final`` is kept until the new one is in place, so an interrupted run loses nothing. Entries
    of the previous folder for which ``keep(name)`` is true and that the new one lacks (files a run does not
    make) are carried over (hard links, or copies). The folder gets the usual permissions (``mkdtemp`` makes
    it private). The swap is one atomic exchange where Linux offers it; otherwise two renames, and a swap cut
    between them is completed by the next run (``locks.recover``).
    """
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.tmp-", dir=final.parent))
    try:
        os.chmod(tmp, 0o777 & ~_umask())
        yield tmp
        if final.is_dir():
            for old in sorted(final.iterdir()):
                if keep(old.name) and not (tmp / old.name).exists():
                    _carry(old, tmp / old.name)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    swap(tmp, final)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _carry(source: Path, target: Path) -> None:
    if source.is_dir() and not source.is_symlink():
        shutil.copytree(source, target, symlinks=True, copy_function=_link_or_copy)
    else:
        _link_or_copy(str(source), str(target))


def swap(new: Path, final: Path) -> None:
    """Put folder ``new`` in the place of ``final`` (which may not exist) and remove the previous one."""
    if final.exists() and _exchange(new, final):
        shutil.rmtree(new, ignore_errors=True)  # ``new`` now holds the previous outputs
        return
    old = final.parent / f".{final.name}.old-{os.getpid()}"
    if final.exists():
        final.rename(old)
    new.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2(RENAME_EXCHANGE)``); False where it is not available."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    errno_ = ctypes.get_errno()
    if errno_ in (errno.EINVAL, errno.ENOSYS, errno.EXDEV):
        return False
    raise OSError(errno_, os.strerror(errno_), str(b))


def package_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def write_json(data: dict[str, Any], path: Path) -> Path:
    path = Path(path)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")
    return path


def manifest(
    year: int, inputs: dict[str, Path], framework_version: str, options: dict[str, Any], root: Path, **extra: Any
) -> dict[str, Any]:
    """What a rerun needs to check it reproduced this run: input hashes, versions, options, argv.

    Input paths are written relative to the project ``root`` so that the manifest means the same on another
    machine; the hashes say whether the files are still the same.
    """
    return {
        "year": year,
        "framework_version": framework_version,
        "inputs": {k: {"path": _relative(p, root), "sha256": sha256(p)} for k, p in sorted(inputs.items())},
        "options": options,
        "packages": package_versions(),
        "command": sys.argv,
        **extra,
    }


def _relative(path: Path, root: Path) -> str:
    path = Path(path).resolve()
    return path.relative_to(Path(root).resolve()).as_posix() if Path(root).resolve() in path.parents else str(path)


@dataclass(frozen=True)
class YearOutputs:
    """The scored tables of one year, read back from ``outputs/<Y>/`` (absent tables are None): those of the
    reports, then the methodology audit's (``evaluation.audit.audit_tables``)."""

    year: int
    folder: Path
    scores: pd.DataFrame
    indicators: pd.DataFrame | None
    trend: pd.DataFrame | None
    compliance: pd.DataFrame | None
    uncertainty: pd.DataFrame | None
    manifest: dict[str, Any]
    sensitivity: pd.DataFrame | None = None
    removal: pd.DataFrame | None = None
    coherence_areas: pd.DataFrame | None = None
    coherence_indicators: pd.DataFrame | None = None
    correlations: pd.DataFrame | None = None
    plausibility: pd.DataFrame | None = None  # the values to verify (evaluation.plausibility)
    appraisal: pd.DataFrame | None = None  # the values the appraisal changed (evaluation.appraised), if any
    registry_figures: pd.DataFrame | None = None  # figures unknown or estimated (evaluation.registry_figures)
    results: pd.DataFrame | None = None  # the actual results by peer group and for the province (evaluation.results)
    free_text: pd.DataFrame | None = None  # the units' own words (model.free_text), when the run file names them


def read_year(outputs_dir: Path, year: int) -> YearOutputs:
    """Read what a run wrote for ``year``; raises a clear error if that year was not scored."""
    folder = Path(outputs_dir) / str(year)
    if not (folder / "scores.csv").exists():
        raise DanvanEvalError(
            f"Chưa có kết quả năm {year} trong {folder}: chạy `danvan-eval run --year {year}` /"
            f" no scores for {year} in {folder}: run `danvan-eval run --year {year}`"
        )
    tables = {t: read_csv(folder / f"{t}.csv") if (folder / f"{t}.csv").exists() else None for t in TABLES}
    man = folder / "manifest.json"
    return YearOutputs(
        year=year,
        folder=folder,
        manifest=json.loads(man.read_text(encoding="utf-8")) if man.exists() else {},
        **tables,
    )


def available_years(outputs_dir: Path) -> list[int]:
    """Years with a ``scores.csv`` under ``outputs_dir``, ascending."""
    root = Path(outputs_dir)
    if not root.exists():
        return []
    return sorted(int(p.name) for p in root.iterdir() if p.name.isdigit() and (p / "scores.csv").exists())
