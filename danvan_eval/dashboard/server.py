"""Serving the dashboard: Voila on 127.0.0.1 with preheated kernels, the units' reports and the table's downloads.

The outputs folder reaches the notebook through ``$DANVAN_OUTPUTS``: preheated kernels run the notebook before
any request arrives, so they cannot read a query string, but they inherit the server's environment. The unit
reports (``outputs/<Y>/units/<code>.html``) and the downloads of the table are served by two extra routes.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import tornado.web
from jupyter_server.utils import url_path_join
from traitlets import Unicode
from voila.app import Voila

from ..errors import DanvanEvalError
from ..paths import PROJECT_ROOT
from .data import ENV_OUTPUTS, EXPORT_FORMATS, default_outputs, export_file

NOTEBOOK = PROJECT_ROOT / "notebooks" / "dashboard.ipynb"
# the only files served from the outputs folder: a unit's report of a year (see dashboard.REPORT_URL)
REPORT_ROUTE = r"/danvan/reports/(\d{4}/units/[A-Za-z0-9][A-Za-z0-9_-]*\.html)"
EXPORT_ROUTE = r"/danvan/export/(\d{4})/([a-z]+)\.([a-z]+)"  # see dashboard_data.export_url
POOL_SIZE = 2  # preheated kernels: a page is shown in ~1.2 s instead of ~2.3 s
CULL_IDLE_S = 900  # a kernel whose page was closed 15 min ago is shut down (each holds ~140 MiB)


class ReportHandler(tornado.web.StaticFileHandler):
    """Serves a unit's HTML report; tornado refuses any path that resolves outside the outputs folder."""


class ExportHandler(tornado.web.RequestHandler):
    """The table a reader sees, as CSV or Excel, recomputed from the outputs with the weights in the address."""

    def initialize(self, outputs: str) -> None:
        self.outputs = Path(outputs)

    def get(self, year: str, kind: str, fmt: str) -> None:
        query = {k: self.get_query_argument(k) for k in self.request.query_arguments}
        try:
            body, name = export_file(self.outputs, int(year), kind, fmt, query)
        except DanvanEvalError as err:
            self.set_status(400)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish(str(err))
            return
        self.set_header("Content-Type", EXPORT_FORMATS[fmt])
        self.set_header("Content-Disposition", f'attachment; filename="{name}"')
        self.finish(body)


class DashboardApp(Voila):
    """Voila with two more routes: the units' HTML reports, and the current table as a file."""

    outputs = Unicode(config=True, help="the outputs folder (outputs/<Y>/units/<code>.html are served)")

    def init_handlers(self) -> list:
        # before Voila's catch-all route, which would otherwise answer every address with the notebook
        ours = [
            (url_path_join(self.server_url, REPORT_ROUTE), ReportHandler, {"path": self.outputs}),
            (url_path_join(self.server_url, EXPORT_ROUTE), ExportHandler, {"outputs": self.outputs}),
        ]
        return [*ours, *super().init_handlers()]


def voila_argv(port: int, open_browser: bool, notebook: Path = NOTEBOOK) -> list[str]:
    """Voila's command line: 127.0.0.1 only (Voila has no token), exactly this port, preheated kernels."""
    argv = [
        str(notebook),
        f"--port={int(port)}",
        "--Voila.ip=127.0.0.1",
        "--Voila.port_retries=0",
        "--preheat_kernel=True",
        f"--pool_size={POOL_SIZE}",
        "--theme=light",
        "--strip_sources=True",
        f"--MappingKernelManager.cull_idle_timeout={CULL_IDLE_S}",
        "--MappingKernelManager.cull_interval=60",
    ]
    return argv if open_browser else [*argv, "--no-browser"]


def serve(port: int = 8866, outputs: Path | None = None, open_browser: bool = True) -> int:
    """Serve ``notebooks/dashboard.ipynb`` on ``http://127.0.0.1:<port>/`` until interrupted; returns 0.

    Parameters
    ----------
    port : the port; already in use is an error (Voila would otherwise silently take another one).
    outputs : the outputs folder (default ``$DANVAN_OUTPUTS``, else the project's ``outputs/``).
    open_browser : open the page in the default browser.
    """
    if not NOTEBOOK.exists():
        raise DanvanEvalError(f"Không tìm thấy sổ tay bảng điều khiển {NOTEBOOK} / dashboard notebook not found")
    with socket.socket() as probe:  # Voila would only log it, in English, and exit
        try:
            probe.bind(("127.0.0.1", int(port)))
        except OSError:
            raise DanvanEvalError(f"Cổng {port} đang được dùng: chọn cổng khác bằng --port / port {port} is in use: "
                                  f"choose another with --port") from None
    folder = Path(outputs).resolve() if outputs else default_outputs().resolve()
    os.environ[ENV_OUTPUTS] = str(folder)
    app = DashboardApp(outputs=str(folder))
    app.initialize(voila_argv(port, open_browser))
    print(f"Bảng điều khiển / dashboard: http://127.0.0.1:{port}/  (Ctrl-C để dừng / to stop)\n"
          f"Kết quả / outputs: {folder}", file=sys.stderr, flush=True)
    app.start()  # returns when the server stops (Ctrl-C, SIGTERM)
    return 0


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def background(outputs: Path, port: int | None = None, start_timeout: float = 180) -> Iterator[str]:
    """Serve the dashboard in a child process (tests, benchmarks); yields its address once it listens.

    On exit the server is stopped, then its kernels: they run in process groups of their own and would outlive it.
    """
    port = port or free_port()
    command = [sys.executable, "-m", "danvan_eval.cli", "dashboard", "--port", str(port), "--outputs", str(outputs),
               "--no-browser"]
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            _wait_listening(proc, port, start_timeout, log)
            yield f"http://127.0.0.1:{port}/"
        finally:
            kernels = _children(proc.pid)
            _stop(proc.pid)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                _stop(proc.pid, signal.SIGKILL)
                proc.wait()
            for pid in kernels:
                _stop(pid)


def _wait_listening(proc: subprocess.Popen, port: int, timeout: float, log) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            raise DanvanEvalError(f"Bảng điều khiển không khởi động được / the dashboard did not start:\n"
                                  f"{log.read().decode(errors='replace')}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.1)
    raise DanvanEvalError(f"Bảng điều khiển không mở cổng {port} sau {timeout} s / the dashboard did not listen")


def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (Linux ``/proc``; elsewhere none are found)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
    return found


def _stop(pid: int, sig: int = signal.SIGTERM) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)  # each was started as the leader of its own process group
