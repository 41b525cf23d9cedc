"""Serving the dashboard: one tornado server (Voila's) with the kernel-free reviewers' page at ``/`` and the Voila
widget dashboard at ``/widgets`` for what needs Python.

Why two: each Voila page holds its own kernel (~190 MB, seconds of CPU to start), so 20 reviewers on 2 cores would
wait minutes and need ~4 GB. The reviewers' page needs no kernel: its data is made once per year (``site``) and
its script recomputes composites, levels and ranks when a weight moves. Kernels remain for ``/widgets`` only: a
small preheated pool, culled when idle, shut down when their page closes, and at most ``widget_pages`` pages at
once: one more is told at once that the server is busy and when to retry, instead of waiting on a kernel that two
cores cannot start in time.

Safety: beyond 127.0.0.1 sign-in is required (``auth``: accounts with argon2 hashes kept outside the repository,
read-only reviewers, sessions that expire, attempts limited); only the expected Host names are answered (DNS
rebinding); HTTPS with ``certfile``/``keyfile`` or behind a reverse proxy (``docs/office/nginx.conf``).
"""

from __future__ import annotations

import contextlib
import html
import ipaddress
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import jinja2
import tornado.httpserver
import tornado.ioloop
import tornado.netutil
import tornado.web
from jupyter_server.utils import url_path_join
from traitlets import Bool, Int, List, Unicode
from voila.app import Voila
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.static_file_handler import MultiStaticFileHandler, TemplateStaticFileHandler
from voila.tornado.handler import TornadoVoilaHandler

from ..errors import DanvanEvalError
from ..messages import CATALOG, tr
from ..paths import PROJECT_ROOT
from .accounts import default_accounts_path, load_accounts
from .data import ENV_OUTPUTS, default_outputs
from .web import HostRefused, handlers, host_pattern, warm

NOTEBOOK = PROJECT_ROOT / "notebooks" / "dashboard.ipynb"
TEMPLATES = Path(__file__).parent / "templates"
WIDGETS = "/widgets"  # the Voila dashboard's address
POOL_SIZE = 1  # preheated Voila kernels (each ~190 MB); the reviewers' page needs none
CULL_IDLE_S = 300  # a kernel idle for 5 min is shut down
WIDGET_PAGES = 4  # /widgets pages holding a kernel at once (~190 MB each); one more gets "busy, retry"
RETRY_S = 30  # when a busy page reloads itself
IOPUB_TIMEOUT_S = 60  # nbclient waits 4 s for a cell's outputs: on a loaded machine the page then stays blank
CDN_STYLES = (  # Voila's lab template asks a public CDN for Font Awesome; the office network may drop it
    b'<link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@^5/css/all.min.css"'
    b' type="text/css" />',
    b'<link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@^5/css/v4-shims.min.css"'
    b' type="text/css" />',
)
LOOPBACK_NAMES = ["localhost", "127.0.0.1", "::1"]


class ShutdownHandler(VoilaShutdownKernelHandler):
    """Voila's page asks for its kernel's shutdown when it closes, without the ``_xsrf`` token
    (voila-dashboards/voila#1458): accepted here for a signed-in user (the session cookie is ``SameSite=Strict``,
    so another site cannot send it) instead of keeping the kernel until it is culled."""

    def check_xsrf_cookie(self) -> None:
        return None


class WidgetsHandler(TornadoVoilaHandler):
    """Voila's page at ``/widgets`` while fewer than ``widget_pages`` pages hold a kernel; beyond, a plain page
    (503, ``Retry-After``) that says the server is busy and reloads itself, rather than a page left blank.

    In use: the kernels not waiting in the preheated pool, or the pages being rendered now if more (a pool being
    refilled hides a kernel for a moment). Nothing outside the server is asked for: the CDN stylesheets of
    Voila's template are left out of the page."""

    rendering: ClassVar[int] = 0

    def in_use(self) -> int:
        kernels = len(self.kernel_manager.list_kernel_ids()) - self.kernel_manager.get_pool_size(self.notebook_path)
        return max(kernels, WidgetsHandler.rendering)

    @tornado.web.authenticated
    async def get(self, path=None):
        if self.in_use() >= self.settings["danvan_widget_pages"]:
            return self.busy()
        WidgetsHandler.rendering += 1
        try:
            await super().get(path)
        finally:
            WidgetsHandler.rendering -= 1

    def write(self, chunk) -> None:
        if isinstance(chunk, str):
            chunk = chunk.encode("utf-8")
        for link in CDN_STYLES:
            chunk = chunk.replace(link, b"")
        super().write(chunk)

    def busy(self) -> None:
        lang = self.get_query_argument("lang", "") or self.settings["danvan_lang"]
        lang = lang if lang in ("vi", "en") else "vi"
        text = html.escape(tr("page.widgets_busy", lang, n=self.settings["danvan_widget_pages"], s=RETRY_S))
        self.set_status(503)
        self.set_header("Retry-After", str(RETRY_S))
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
                    f'<meta http-equiv="refresh" content="{RETRY_S}"><title>{html.escape(tr("page.busy_title", lang))}'
                    f'</title></head><body><h1>{html.escape(tr("page.busy_title", lang))}</h1>'
                    f'<p class="dv-busy">{text}</p><p><a href="./?lang={lang}">{html.escape(tr("page.home", lang))}'
                    f'</a></p></body></html>')


class TemplateStaticHandler(TemplateStaticFileHandler):
    """Voila's template assets; an address it cannot parse (``…/static/../…``) is a 404, not an assertion (500)."""

    def parse_url_path(self, path: str) -> str:
        try:
            return super().parse_url_path(path)
        except (AssertionError, ValueError):
            raise tornado.web.HTTPError(404) from None

    @classmethod
    def get_absolute_path(cls, root: str, path: str) -> str:
        try:
            return super().get_absolute_path(root, path)
        except (AssertionError, ValueError):
            raise tornado.web.HTTPError(404) from None


class VoilaStaticHandler(MultiStaticFileHandler):
    """Voila's scripts, styles and fonts for ``/widgets`` (~90 files): a name carrying a content hash is kept a
    year, the others are revalidated (a 304, no download) instead of having no cache header at all."""

    def set_extra_headers(self, path: str) -> None:
        hashed = re.search(r"(^|/)[0-9a-f]{20}\.\w+$", path) or self.get_query_argument("v", default=None)
        self.set_header("Cache-Control", "private, max-age=31536000, immutable" if hashed else "private, no-cache")


class DashboardApp(Voila):
    """Voila with the reviewers' page, sign-in, a Host allow-list, TLS and a port bound with ``SO_REUSEADDR``."""

    outputs = Unicode(config=True, help="the outputs folder")
    lang = Unicode("vi", config=True, help="the language of a page that does not ask for one")
    allowed_hosts = List(Unicode(), config=True, help="the Host names the server answers")
    certfile = Unicode("", config=True)
    keyfile = Unicode("", config=True)
    behind_proxy = Bool(False, config=True, help="trust X-Forwarded-For/-Proto (a reverse proxy on this machine)")
    widget_pages = Int(WIDGET_PAGES, config=True, help="the /widgets pages holding a kernel at once")

    def init_settings(self) -> dict:
        settings = super().init_settings()
        # error pages of Jupyter's handlers: ours, plain (Jupyter's need a page template Voila does not set up)
        errors = jinja2.Environment(loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(TEMPLATES)),
                                                               settings["jinja2_env"].loader]), autoescape=True)
        return {**settings, "danvan_outputs": self.outputs, "danvan_lang": self.lang,
                "danvan_widget_pages": self.widget_pages, "compress_response": True,
                "xsrf_cookie_kwargs": {"samesite": "Strict"}, "jinja2_env": errors}

    def init_handlers(self) -> list:
        voila = []
        for route in super().init_handlers():
            pattern, handler = route[0], route[1]
            if pattern == url_path_join(self.server_url, r"/(.*)"):  # the notebook at /widgets, not everywhere
                route = (url_path_join(self.server_url, WIDGETS + "()"), WidgetsHandler, *route[2:])
            elif pattern.endswith("/voila/files/(.*)"):
                continue  # the notebooks' folder has nothing to serve
            elif handler is VoilaShutdownKernelHandler:
                route = (pattern, ShutdownHandler, *route[2:])
            elif handler is TemplateStaticFileHandler:
                route = (pattern, TemplateStaticHandler, *route[2:])
            elif handler is MultiStaticFileHandler:
                route = (pattern, VoilaStaticHandler, *route[2:])
            voila.append(route)
        return [*handlers(self.server_url, self.outputs), *voila]

    def start(self) -> None:
        # Voila.start, with the Host allow-list routed before every handler
        self.connection_dir = tempfile.mkdtemp(prefix="voila_", dir=self.connection_dir_root)
        settings = self.init_settings()
        self.app = tornado.web.Application(**settings)
        self.app.settings.update(self.tornado_settings)
        self.app.add_handlers(host_pattern(self.allowed_hosts), [(r"/.*", HostRefused)])
        self.app.add_handlers(".*$", self.init_handlers())
        threading.Thread(target=warm, args=(Path(self.outputs), self.lang), daemon=True).start()
        self.listen()

    def listen(self) -> None:
        ssl_options = None
        if self.certfile:
            ssl_options = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ssl_options.load_cert_chain(self.certfile, self.keyfile or None)
        sockets = tornado.netutil.bind_sockets(self.port, self.ip)  # SO_REUSEADDR: a restart is not refused
        server = tornado.httpserver.HTTPServer(self.app, ssl_options=ssl_options, xheaders=self.behind_proxy)
        server.add_sockets(sockets)
        self.ioloop = tornado.ioloop.IOLoop.current()
        try:
            self.ioloop.start()
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()


def is_loopback(host: str) -> bool:
    with contextlib.suppress(ValueError):
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    return host == "localhost"


def expected_hosts(host: str, extra: list[str]) -> list[str]:
    """The names a browser may use for this server: loopback names, the address listened on, this machine's
    names when it listens beyond loopback, and those given (``--allow-host``, e.g. the proxy's public name)."""
    names = [*LOOPBACK_NAMES, *extra]
    if not is_loopback(host):
        names += [socket.gethostname(), socket.getfqdn()]
        if host not in ("0.0.0.0", "::"):
            names.append(host)
    return list(dict.fromkeys(n.lower() for n in names if n))


def port_free(host: str, port: int) -> bool:
    """Whether ``port`` can be listened on, as the server will (``SO_REUSEADDR``: TIME-WAIT sockets do not count)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, int(port)))
        except OSError:
            return False
    return True


def voila_argv(port: int, host: str, open_browser: bool, kernels: int = POOL_SIZE, notebook: Path = NOTEBOOK
               ) -> list[str]:
    """Voila's command line: this address and port only, a small preheated pool, idle kernels culled."""
    argv = [
        str(notebook),
        f"--port={int(port)}",
        f"--Voila.ip={host}",
        "--Voila.port_retries=0",
        f"--preheat_kernel={kernels > 0}",
        f"--pool_size={max(kernels, 0)}",
        "--theme=light",
        "--strip_sources=True",
        f"--MappingKernelManager.cull_idle_timeout={CULL_IDLE_S}",
        "--MappingKernelManager.cull_interval=30",
        f"--VoilaExecutor.iopub_timeout={IOPUB_TIMEOUT_S}",
        # code highlighting for a page that shows no code: 3 requests and a script less for each page
        "--VoilaConfiguration.extension_denylist=['jupyterlab_pygments']",
    ]
    return argv if open_browser else [*argv, "--no-browser"]


def serve(port: int = 8866, outputs: Path | None = None, open_browser: bool = True, host: str = "127.0.0.1",
          sign_in: bool = False, accounts: Path | None = None, certfile: str = "", keyfile: str = "",
          allow_hosts: list[str] | None = None, lang: str = "vi", behind_proxy: bool = False,
          kernels: int = POOL_SIZE, widget_pages: int = WIDGET_PAGES) -> int:
    """Serve the dashboard on ``http(s)://<host>:<port>/`` until interrupted; returns 0.

    Beyond loopback sign-in is always required, and at least one reviewer account must exist. ``sign_in`` asks
    for it on loopback too (behind a reverse proxy). A port in use or a missing certificate is a clear error.
    """
    if not NOTEBOOK.exists():
        raise DanvanEvalError(f"Không tìm thấy sổ tay bảng điều khiển {NOTEBOOK} / dashboard notebook not found")
    required = sign_in or not is_loopback(host)
    accounts = Path(accounts) if accounts else default_accounts_path()
    if required and not load_accounts(accounts):
        raise DanvanEvalError(CATALOG.both("server.no_accounts", path=accounts))
    for f in (certfile, keyfile):
        if f and not Path(f).is_file():
            raise DanvanEvalError(CATALOG.both("server.no_certificate", path=f))
    if not port_free(host, port):  # Voila would only log it, in English, and exit
        raise DanvanEvalError(CATALOG.both("server.port_in_use", port=port))
    folder = Path(outputs).resolve() if outputs else default_outputs().resolve()
    os.environ[ENV_OUTPUTS] = str(folder)
    names = expected_hosts(host, allow_hosts or [])
    app = DashboardApp(outputs=str(folder), lang=lang, allowed_hosts=names, certfile=certfile, keyfile=keyfile,
                       behind_proxy=behind_proxy, widget_pages=widget_pages)
    app.initialize([*voila_argv(port, host, open_browser and not required, kernels),
                    "--Voila.identity_provider_class=danvan_eval.dashboard.auth.ReviewerIdentityProvider",
                    "--Voila.authorizer_class=danvan_eval.dashboard.auth.ReviewerAuthorizer",
                    f"--ReviewerIdentityProvider.accounts_file={accounts}",
                    f"--ReviewerIdentityProvider.required={required}",
                    f"--ReviewerIdentityProvider.lang={lang}"])
    scheme = "https" if certfile else "http"
    shown = host if ":" not in host else f"[{host}]"
    print(CATALOG.both("server.listening", url=f"{scheme}://{shown}:{port}/",
                       widgets=f"{scheme}://{shown}:{port}{WIDGETS}", folder=folder,
                       hosts=", ".join(names), signin="✔" if required else "✘"), file=sys.stderr, flush=True)
    app.start()  # returns when the server stops (Ctrl-C, SIGTERM)
    return 0


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def background(outputs: Path, port: int | None = None, start_timeout: float = 180, extra: list[str] = (),
               env: dict | None = None) -> Iterator[str]:
    """Serve the dashboard in a child process (tests, benchmarks); yields its address once it listens.

    ``extra``: more arguments of ``danvan-eval dashboard``. On exit the server is stopped, then its kernels: they
    run in process groups of their own and would outlive it.
    """
    port = port or free_port()
    command = [sys.executable, "-m", "danvan_eval.cli", "dashboard", "--port", str(port), "--outputs", str(outputs),
               "--no-browser", *extra]
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                env={**os.environ, **(env or {})})
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
