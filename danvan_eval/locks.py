"""One run of a year at a time, and recovery from a run that died.

``year_lock(out_root, year)`` holds ``out_root/.<year>.lock`` (an advisory ``flock``, released by the kernel
when the process ends, however it ends; a forked child closes its copy at once, so the lock never outlives the
process that took it, even when a pool worker dies later than its parent), so a second ``run``, ``score`` or ``report`` of the same year refuses
with a message naming the process that holds it. Holding the lock, nothing else works on that year, so what a
dead run left is swept (``recover``): temporary and staging folders, and a swap cut between its two renames is
completed backwards (the previous outputs are put back).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from .errors import RunError
from .messages import CATALOG
from .processes import sweep_kernel_folders

_HELD: set[int] = set()  # descriptors of the locks this process holds


def _release_in_child() -> None:
    for fd in _HELD:
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD.clear()


os.register_at_fork(after_in_child=_release_in_child)


@contextlib.contextmanager
def year_lock(out_root: Path, year: int | str) -> Iterator[Path]:
    """Hold the lock of ``out_root/<year>`` for the block, after recovering what a dead run left.

    The lock file is removed on release (a killed process leaves it, unlocked, for the next one to take).
    """
    out_root = Path(out_root)
    out_root.mkdir(parents=True, exist_ok=True)
    path = out_root / f".{year}.lock"
    fd = _acquire(path, year)
    _HELD.add(fd)
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        recover(out_root, year)
        yield path
    finally:
        path.unlink(missing_ok=True)  # still held: whoever opens the path next gets a new file
        _HELD.discard(fd)
        os.close(fd)


def _acquire(path: Path, year: int | str) -> int:
    for _ in range(10):
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            os.close(fd)
            raise RunError(CATALOG.both("lock.busy", year=year, pid=holder, path=path)) from None
        try:
            if os.stat(path).st_ino == os.fstat(fd).st_ino:
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)  # the holder removed that file as we opened it: take the new one
    raise RunError(CATALOG.both("lock.busy", year=year, pid="?", path=path))


def recover(out_root: Path, year: int | str) -> list[Path]:
    """Sweep what dead runs of ``year`` left in ``out_root``; call it only while holding the year's lock.

    ``.<Y>.old-*`` is the previous outputs set aside during a swap: put back if ``<Y>`` is missing (the run died
    between the two renames), else removed. ``.<Y>.tmp-*`` and ``.<Y>.stage-*`` are removed.
    """
    out_root, final = Path(out_root), Path(out_root) / str(year)
    removed = []
    olds = sorted(out_root.glob(f".{year}.old-*"), key=lambda p: p.stat().st_mtime)
    if olds and not final.exists():
        olds.pop().rename(final)
    for leftover in [*olds, *out_root.glob(f".{year}.tmp-*"), *out_root.glob(f".{year}.stage-*")]:
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)
        removed.append(leftover)
    removed += sweep_kernel_folders()
    return removed
