"""A papermill engine that keeps one warm kernel per worker thread: ``danvan-warm``.

A fresh kernel per notebook costs ~1.9 s here (start, client handshake, importing pandas and matplotlib); a
warm kernel reset between notebooks costs a few ms. Before each notebook but the first, the kernel's namespace
is cleared (IPython's ``reset``, what ``%reset -f`` does) and its execution counter set back to 1, so every
notebook starts from a clean namespace and numbers its cells as a fresh kernel would; imported modules stay
loaded, which is the point.
A kernel that died is replaced; after a failed notebook the caller closes the kernel, so nothing a failed
notebook left behind reaches the next one; ``close`` kills the thread's kernel at once.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

from jupyter_core.utils import run_sync
from nbformat import from_dict
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import Engine, papermill_engines
from papermill.log import logger
from papermill.utils import merge_kwargs, remove_args

from .. import processes

ENGINE = "danvan-warm"
RESET = "get_ipython().reset(new_session=False)\nget_ipython().execution_count = 1"
# No history database (execution counts restart at 1 for every notebook, which it would reject) and no output
# cache (a report needs no ``Out``; without it a reset does not run a full garbage collection, ~0.1 s).
KERNEL_ARGS = ["--HistoryManager.enabled=False", "--InteractiveShell.cache_size=0"]
# Imports a report needs, run once in a new kernel so that the first notebook does not pay for them; then what
# the kernel holds is frozen for the garbage collector (``gc.freeze``): its full collections, a few in every unit
# report, no longer walk the ~150,000 objects of the libraries (6 ms of a unit report's kernel CPU).
PRELOAD = "import gc, pandas, matplotlib, danvan_eval.reports.unit_page; gc.freeze()"
# Run once in a new kernel: before each display, flush stdout and stderr only when they hold text (what keeps
# the outputs in order). ipykernel flushes both unconditionally, each flush a wait on its IO thread: ~40% of
# publishing a display, 5 ms of kernel CPU a unit report (24 displays). It defines no name; ``sys`` is bound
# when it is defined, so a reset of the namespace keeps it working.
QUIET_FLUSH = ("get_ipython().display_pub._flush_streams = lambda sys=__import__('sys'): [stream.flush() for stream "
               "in (sys.stdout, sys.stderr) if getattr(stream, '_flush_pending', True) "
               "or getattr(stream, '_subprocess_flush_pending', False)]")
TIMEOUT = 60  # seconds for a kernel to start, or to answer a reset
# what an output of each type holds (``nbformat.v4.output_from_msg``)
OUTPUT_FIELDS = {"execute_result": ("metadata", "data", "execution_count"), "display_data": ("metadata", "data"),
                 "stream": ("name", "text"), "error": ("ename", "evalue", "traceback")}

_local = threading.local()


class WarmKernel:
    """One kernel manager and one client, reused for every notebook this thread executes."""

    def __init__(self, kernel_name: str):
        self.kernel_name = kernel_name
        self.km = None
        self.kc = None
        self.dirty = False  # the namespace holds what the last notebook left
        self.folder: Path | None = None
        self.language_info: dict | None = None  # what the kernel says of its language, for every notebook

    def execute(self, nb_man, **client_kwargs):
        """Execute ``nb_man``'s notebook in the warm kernel (started on first use); returns the notebook."""
        if self.km is not None and not run_sync(_is_alive)(self.km):
            self.close()
        if self.kc is None:
            self._start()
        elif self.dirty:
            self.run_code(RESET)
        client = ReportClient(nb_man, km=self.km, kernel_name=self.kernel_name, **client_kwargs)
        client.owns_km = False  # keep the kernel alive after the notebook: it is ours to reuse
        client.kc = self.kc  # a new client would sleep 0.2 s in its handshake
        client.language_info = self.language_info
        self.dirty = True
        try:
            return client.execute()
        finally:
            self.km, self.kc = client.km, client.kc

    def run_code(self, code: str) -> None:
        """Run ``code`` silently (no history, no execution count), starting the kernel if needed."""
        if self.kc is None:
            self._start()
        run_sync(_run_silently)(self.kc, code)
        self.dirty = code != RESET

    def _start(self) -> None:
        from jupyter_client.manager import AsyncKernelManager

        # IPC sockets in a private folder: no TCP port open to other users, and each kernel its own paths
        # (the default IPC path is shared by every kernel started from the same working directory).
        self.folder = processes.kernel_folder()
        self.km = AsyncKernelManager(kernel_name=self.kernel_name, transport="ipc", ip=str(self.folder / "kernel"))
        run_sync(self.km.start_kernel)(extra_arguments=KERNEL_ARGS)
        self.kc = self.km.client()
        self.kc.start_channels()
        run_sync(self.kc.wait_for_ready)(timeout=TIMEOUT)
        self.kc.allow_stdin = False
        self.language_info = run_sync(_reply)(self.kc, self.kc.kernel_info())["content"]["language_info"]
        run_sync(_run_silently)(self.kc, QUIET_FLUSH)
        if processes.guard_kernels():  # the kernel dies with this process, however it ends
            run_sync(_run_silently)(self.kc, processes.kernel_guard(os.getpid()))

    def close(self) -> None:
        """Stop the client and kill the kernel at once (``shutdown_kernel="immediate"``)."""
        km, kc, self.km, self.kc, self.dirty = self.km, self.kc, None, None, False
        if kc is not None:
            kc.stop_channels()
        if km is not None:
            run_sync(_shutdown)(km)
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None


class ReportClient(PapermillNotebookClient):
    """papermill's notebook client on a warm kernel, with less work per notebook: no request for the kernel's
    ``language_info`` (asked once when the kernel started: a round trip less), and no validation of every
    output against the notebook schema as it arrives (jsonschema, ~0.1 ms an output, 3 ms of a unit report):
    the caller validates the finished notebook once."""

    language_info: dict | None = None

    def execute(self, **kwargs):
        # papermill's ``execute``, with the known language_info
        self.reset_execution_trackers()
        with self.setup_kernel(**kwargs):
            self.papermill_execute_cells()
            self.nb.metadata["language_info"] = self.language_info
            self.set_widgets_metadata()
        return self.nb

    def output(self, outs, msg, display_id, cell_index):
        kind = msg["msg_type"]
        if kind not in OUTPUT_FIELDS or self.output_hook_stack[msg["parent_header"].get("msg_id")]:
            return super().output(outs, msg, display_id, cell_index)  # widgets' hooks, unknown types: nbclient's
        # the rest is nbclient's own handling: a pending clear_output, outputs to update by display id
        if self.clear_before_next_output:
            outs[:] = []
            self.clear_display_id_mapping(cell_index)
            self.clear_before_next_output = False
        if display_id:
            self._display_id_map.setdefault(display_id, {}).setdefault(cell_index, []).append(len(outs))
        out = from_dict({"output_type": kind, **{key: msg["content"][key] for key in OUTPUT_FIELDS[kind]}})
        outs.append(out)
        return out


async def _is_alive(km) -> bool:
    return bool(await km.is_alive()) if km.has_kernel else False


async def _shutdown(km) -> None:
    try:
        if km.has_kernel:
            await km.shutdown_kernel(now=True)
    finally:
        await km.cleanup_resources()


async def _run_silently(kc, code: str) -> None:
    reply = await _reply(kc, kc.execute(code, silent=True, store_history=False))
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"the kernel failed to run {code.splitlines()[0]!r}…: {reply['content'].get('evalue')}")


async def _reply(kc, msg_id: str) -> dict:
    """The kernel's reply to the request ``msg_id``."""
    while True:
        reply = await kc.get_shell_msg(timeout=TIMEOUT)
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply


def warm_kernel(kernel_name: str = "python3") -> WarmKernel:
    """This thread's warm kernel (created on first use)."""
    kernels = _local.__dict__.setdefault("kernels", {})
    if kernel_name not in kernels:
        kernels[kernel_name] = WarmKernel(kernel_name)
    return kernels[kernel_name]


def preload(kernel_name: str = "python3") -> None:
    """Start this thread's kernel now and import what the reports need."""
    warm_kernel(kernel_name).run_code(PRELOAD)


def close() -> None:
    """Close this thread's kernels; the next notebook starts a fresh one (the end of a run, or a failure)."""
    for kernel in _local.__dict__.pop("kernels", {}).values():
        kernel.close()


class WarmEngine(Engine):
    """papermill engine ``danvan-warm``: like the default ``nbclient`` engine, on this thread's warm kernel."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
                                 start_timeout=60, execution_timeout=None, **kwargs):
        kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
        final = merge_kwargs(kwargs, timeout=execution_timeout, startup_timeout=start_timeout, log=logger,
                             log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file)
        return warm_kernel(kernel_name).execute(nb_man, **final)


papermill_engines.register(ENGINE, WarmEngine)
