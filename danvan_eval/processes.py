"""Processes that die with their parent, and what a dead run left behind.

A yearly run is a tree: the command, its pool workers (forked), each worker's notebook kernel (its own session,
started by jupyter_client). Killing the command alone, or its process group, must not leave workers or kernels
running: each of them asks Linux to kill it when its parent dies (``prctl(PR_SET_PDEATHSIG, SIGKILL)``, set by
the process itself). Elsewhere (not Linux) this is a no-op and the pool's own shutdown is all there is.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import tempfile
import threading
from pathlib import Path

PR_SET_PDEATHSIG = 1
KERNEL_PREFIX = "danvan-kernel-"  # + owner pid + "-": the private folder of a kernel's IPC sockets


def die_with_parent(parent: int) -> None:
    """Have this process killed when ``parent`` (the process that forked it) dies; exit now if it already has."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux
        return
    if os.getppid() != parent:
        os._exit(1)


def pool_worker(parent: int) -> None:
    """Set up a forked pool worker: it dies with ``parent`` (SIGKILL to the command alone must not leave it) and
    leaves Ctrl-C and SIGTERM to the command, which stops the pool (a worker interrupted while idle would print
    a traceback)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent(parent)


def kernel_guard(parent: int) -> str:
    """Code a kernel runs once to die with ``parent`` (the worker that started it); it defines no name."""
    return (
        "__import__('ctypes').CDLL(None).prctl(1, 9) if __import__('sys').platform == 'linux' else None\n"
        f"__import__('os')._exit(1) if __import__('os').getppid() != {int(parent)} else None"
    )


def guard_kernels() -> bool:
    """True when a kernel started now may die with this process: only from the main thread (Linux signals the
    death of the thread that started the child, and the main thread lives as long as the process)."""
    return threading.current_thread() is threading.main_thread()


def kernel_folder() -> Path:
    """A private folder for one kernel's sockets, named after this process so that a later run can tell it is
    an orphan (``sweep_kernel_folders``)."""
    return Path(tempfile.mkdtemp(prefix=f"{KERNEL_PREFIX}{os.getpid()}-"))


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_kernel_folders() -> list[Path]:
    """Remove the kernel folders of processes that no longer exist; returns them."""
    removed = []
    for folder in Path(tempfile.gettempdir()).glob(f"{KERNEL_PREFIX}*"):
        pid = folder.name[len(KERNEL_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not alive(int(pid)) and folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def terminate_as_interrupt() -> None:
    """Handle SIGTERM as Ctrl-C (``KeyboardInterrupt``): the same clean-up runs. Main thread only."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _raise_interrupt)


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt
