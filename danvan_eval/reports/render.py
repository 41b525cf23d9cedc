"""Executing report notebooks with papermill and exporting them to HTML, in parallel.

One ``Job`` is one notebook to execute with its parameters; ``render`` executes it as papermill does (the
parameters injected after the ``parameters`` cell, papermill's metadata and error cells) but from the input
notebook read once per process, writes the executed ``.ipynb`` once, validated (also when a cell failed: the
notebook up to that cell), and exports it to ``.html`` without code cells, with an exporter reused by the
process (10–50 ms instead of 1.6 s for ``jupyter nbconvert``).

A ``Renderer`` runs the jobs on a process pool of warm kernels (``kernels.ENGINE``), or on a Dask cluster when
a scheduler address is given. A failing notebook is a result, not an exception: the others go on.
"""

from __future__ import annotations

import contextvars
import copy
import functools
import gc
import multiprocessing
import multiprocessing.util
import os
import re
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

import nbformat
from jupyter_core.utils import ensure_event_loop
from papermill.engines import papermill_engines
from papermill.exceptions import PapermillExecutionError
from papermill.execute import prepare_notebook_metadata, raise_for_execution_errors, remove_error_markers
from papermill.inspection import inspect_notebook
from papermill.iorw import load_notebook_node
from papermill.log import logger
from papermill.parameterize import parameterize_notebook

from .. import processes
from ..outputs import file_stamp
from . import kernels, recorded

KERNEL = "python3"
CELL_TIMEOUT = 600  # seconds; a report cell that runs longer is stuck

_local = threading.local()


@dataclass(frozen=True)
class Job:
    """One notebook to execute: ``name`` (unit code, ``province``…), input, output ``.ipynb``, parameters."""

    name: str
    notebook: Path
    output: Path
    parameters: dict[str, Any]
    title: str = ""
    # what the saved notebook records instead (``recorded.record``): the final paths, not the staging ones
    record: dict[str, Any] = field(default_factory=dict)

    @property
    def html(self) -> Path:
        return self.output.with_suffix(".html")


@dataclass(frozen=True)
class Rendered:
    """What became of a job: ``ok``, seconds spent, and for a failure the error and the failing cell."""

    name: str
    ok: bool
    seconds: float
    error: str = ""
    cell: int | None = None
    files: list[str] = field(default_factory=list)


TEMPLATES = Path(__file__).with_name("templates")
_CHARACTER_REF = re.compile(r"&#(\d+);")


def exporter():
    """This thread's HTML exporter: outputs only, no code, no prompts (built once; building costs ~0.3 s)."""
    if not hasattr(_local, "exporter"):
        _local.exporter = _report_exporter()
    return _local.exporter


def _report_exporter():
    """nbconvert's lab HTML page (template ``danvan_report``: a figure's ``alt`` text from its PNG metadata),
    without the pass of ``HTMLExporter`` that parses the page again with BeautifulSoup to add a generic ``alt``
    and ``tabindex`` (a third of an export), without copying, normalising and validating the notebook again
    (``render`` validated it when saving it), and with each Markdown text rendered once per process."""
    import jinja2
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class ReportExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            resources = self._init_resources(resources)
            self.register_filter("highlight_code", Highlight2HTML(pygments_lexer="ipython3", parent=self))
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

        def _preprocess(self, nb, resources):
            # ``nb`` is already the exporter's own copy (``Exporter.from_notebook_node``), valid (``_save``)
            for preprocessor in self._preprocessors:
                nb, resources = preprocessor(nb, resources)
            return nb, resources

        @jinja2.pass_context
        def markdown2html(self, context, source):
            if context.get("cell", {}).get("attachments"):
                return _utf8_text(super().markdown2html(context, source))
            return self._markdown(source)

        @functools.lru_cache(maxsize=4096)  # noqa: B019 - one exporter a thread, kept for the process
        def _markdown(self, source):
            # most of a report's Markdown (headings, fixed sentences) is the same in every report
            return _utf8_text(super().markdown2html({}, source))

    return ReportExporter(template_name="danvan_report", extra_template_basedirs=[str(TEMPLATES)],
                          exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)


def _utf8_text(html: str) -> str:
    """Rendered Markdown whose headings come as character references (``Nh&#7853;n x&#233;t``) in the page's
    own UTF-8 instead."""
    return _CHARACTER_REF.sub(_utf8, html)


def _utf8(ref: re.Match) -> str:
    """A character reference beyond ASCII as its character (never markup); ``&#60;`` and the like stay."""
    code = int(ref.group(1))
    return chr(code) if code > 127 else ref.group(0)


def export_html(nb: nbformat.NotebookNode, path: Path, title: str = "") -> Path:
    """Write ``nb`` as HTML without code cells."""
    body, _ = exporter().from_notebook_node(nb, resources={"metadata": {"name": title or path.stem}})
    path.write_text(body, encoding="utf-8")
    return path


def render(job: Job) -> Rendered:
    """Execute ``job`` with papermill and export it to HTML; a failure is returned, never raised."""
    start = time.perf_counter()
    nb = None
    try:
        nb = prepare(job)
        execute(nb, job)
    except PapermillExecutionError as err:
        kernels.close()  # whatever the failed notebook left in its kernel must not reach the next one
        return _failed(job, nb, start, f"{err.ename}: {err.evalue}", err.exec_count)
    except Exception as err:  # noqa: BLE001 - a dead kernel, a bad notebook: still a result of this job alone
        kernels.close()
        return _failed(job, nb, start, f"{type(err).__name__}: {err}\n{traceback.format_exc(limit=3)}", None)
    try:
        _save(nb, job)
        export_html(nb, job.html, job.title)
    except Exception as err:  # noqa: BLE001 - an export that fails (a full disk…) is this report's failure
        return _failed(job, None, start, f"{type(err).__name__}: {err}", None)  # what was written is kept
    return Rendered(job.name, True, round(time.perf_counter() - start, 4), files=[str(job.output), str(job.html)])


def prepare(job: Job) -> nbformat.NotebookNode:
    """``job``'s notebook as papermill prepares it: its parameters injected, its papermill metadata."""
    nb, known = _source(job.notebook)
    if unknown := [name for name in job.parameters if name not in known]:
        logger.warning("Passed unknown parameters: %s", ", ".join(unknown))  # as papermill warns
    if job.parameters:
        nb = parameterize_notebook(nb, job.parameters, kernel_name=KERNEL, engine_name=kernels.ENGINE)
    return remove_error_markers(prepare_notebook_metadata(nb, str(job.notebook), str(job.output)))


def execute(nb: nbformat.NotebookNode, job: Job) -> None:
    """Execute the prepared ``nb`` in place on this thread's warm kernel; a failing cell raises papermill's
    error after papermill marked the cell in ``nb`` (nothing is written: ``render`` writes the notebook once)."""
    papermill_engines.execute_notebook_with_engine(
        kernels.ENGINE, nb, kernel_name=KERNEL, input_path=str(job.notebook), output_path=None,
        progress_bar=False, log_output=False, execution_timeout=CELL_TIMEOUT)
    raise_for_execution_errors(nb, None)


def _source(path: Path) -> tuple[nbformat.NotebookNode, frozenset[str]]:
    """A copy of the input notebook at ``path`` and the names of its parameters, read once per process and
    again when the file changes (every unit report of a run starts from the same notebook)."""
    nb, names = _read_source(file_stamp(path))
    return copy.deepcopy(nb), names


@functools.lru_cache(maxsize=8)
def _read_source(stamp: tuple) -> tuple[nbformat.NotebookNode, frozenset[str]]:
    return load_notebook_node(stamp[0]), frozenset(inspect_notebook(stamp[0]))


def _save(nb: nbformat.NotebookNode, job: Job) -> None:
    """Write the executed notebook once, with what it should record (final paths, fixed ids), and validate it
    once: a malformed notebook is kept to be looked at, and fails here."""
    invalid = {}
    nbformat.write(recorded.record(nb, **job.record), job.output, capture_validation_error=invalid)
    if invalid:
        raise invalid["ValidationError"]


def _failed(job: Job, nb: nbformat.NotebookNode | None, start: float, error: str, cell: int | None) -> Rendered:
    """A failure; ``nb``, the notebook executed up to the failing cell, is saved and exported when given."""
    files = [str(job.output)] if job.output.exists() else []
    try:
        if nb is not None:
            _save(nb, job)
            files = [str(job.output), str(export_html(nb, job.html, job.title))]
    except Exception as err:  # noqa: BLE001 - the failure stays this report's, with what could be kept
        error = f"{error}\n{type(err).__name__}: {err}"
        files = [str(job.output)] if job.output.exists() else []
    return Rendered(job.name, False, round(time.perf_counter() - start, 4), error=error, cell=cell, files=files)


def render_alone(job: Job) -> Rendered:
    """``render`` on a kernel of its own, shut down after the notebook (a Dask task leaves nothing running).

    It runs in an empty context: Dask runs tasks in threads that inherit the submitter's context, and with it
    jupyter's event loop, which two threads cannot run at once.
    """
    return contextvars.Context().run(_render_alone, job)


def _render_alone(job: Job) -> Rendered:
    try:
        return render(job)
    finally:
        kernels.close()
        ensure_event_loop().close()  # the loop this context created


def _init_worker(parent: int | None = None) -> None:
    # What the worker inherited from the run (the libraries) is left out of its garbage collections.
    gc.freeze()
    # A pool worker exits without running atexit hooks; multiprocessing's finalizers do run.
    multiprocessing.util.Finalize(None, kernels.close, exitpriority=10)
    if parent is not None:
        processes.pool_worker(parent)


def _preload() -> None:
    kernels.preload(KERNEL)


class Renderer:
    """Where notebooks execute: ``workers`` processes with a warm kernel each, or the Dask cluster at
    ``scheduler``. Enter it early: the pool's kernels start while the caller is still scoring."""

    def __init__(self, workers: int = 2, scheduler: str | None = None):
        self.workers, self.scheduler = max(1, int(workers)), scheduler
        self._pool: ProcessPoolExecutor | None = None
        self._client = None

    def __enter__(self) -> Self:
        if self.scheduler:
            from distributed import Client

            self._client = Client(self.scheduler)
        elif self.workers > 1:
            # fork: the workers inherit the imported libraries instead of importing them again (~1 s each);
            # they are forked now, before the caller starts threads (progress bar).
            context = multiprocessing.get_context("fork")
            self._pool = ProcessPoolExecutor(self.workers, mp_context=context, initializer=_init_worker,
                                             initargs=(os.getpid(),))
            for _ in range(self.workers):
                self._pool.submit(_preload)
        return self

    def __exit__(self, *exc) -> None:
        if self._client is not None:
            self._client.close()
        if self._pool is not None:
            if exc[0] is not None:  # interrupted or failed: stop the notebooks now (their kernels die with them)
                for process in list((self._pool._processes or {}).values()):
                    process.kill()
            self._pool.shutdown(wait=True, cancel_futures=True)
        kernels.close()

    def run(self, jobs: list[Job], on_done: Callable[[Rendered], None] | None = None) -> list[Rendered]:
        """Render every job; returns the results in completion order, calling ``on_done`` on each."""
        results = []
        for result in self._results(jobs):
            results.append(result)
            if on_done:
                on_done(result)
        return results

    def _results(self, jobs: list[Job]) -> Iterator[Rendered]:
        if self._client is not None:
            from distributed import as_completed as dask_completed

            futures = [self._client.submit(render_alone, job, pure=False) for job in jobs]
            yield from (f.result() for f in dask_completed(futures))
        elif self._pool is not None:
            yield from (f.result() for f in as_completed([self._pool.submit(render, job) for job in jobs]))
        else:  # one worker: this process keeps one warm kernel for the run
            yield from (render(job) for job in jobs)
