"""The kernel-free reviewers' page and its data, as tornado handlers inside the server that also runs Voila.

``/`` is the page (``static/dashboard.js`` draws it), ``/danvan/data/<year>.json`` a year's data (``site``),
``/danvan/geo/<layer>.json`` the map's shapes, ``/danvan/static/…`` the page's own script and stylesheet (nothing
is fetched from elsewhere), ``/danvan/reports/<year>/(units/<code>|province).html`` the year's reports and
``/danvan/export/<year>/<group>.<fmt>`` the table as a file. Every handler needs a signed-in reviewer when sign-in
is on; a request for any other name than the expected hosts is refused before any handler (``HostRefused``).
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import hashlib
import html
import re
import threading
from pathlib import Path

import tornado.ioloop
import tornado.web
from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.base.handlers import JupyterHandler

from ..errors import DanvanEvalError
from ..outputs import available_years
from ..reports import maps
from .data import EXPORT_FORMATS, export_file, load_year
from .site import dumps, page_texts, year_payload

STATIC = Path(__file__).parent / "static"
# the page's scripts and styles are its own files: no inline code, nothing from another origin
PAGE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
YEAR_PATH = r"(\d{4})"
EXPORT_ROUTE = r"/danvan/export/(\d{4})/([a-z_]+)\.([a-z]+)"  # see data.export_url
# the only files served from the outputs folder: a year's HTML reports (see data.REPORT_URL)
REPORT_ROUTE = r"/danvan/reports/(\d{4}/(?:units/[A-Za-z0-9][A-Za-z0-9_-]*|province|methodology_audit)\.html)"


class Handler(JupyterHandler):
    """A handler of ours: the strict CSP, never cached unless said, errors as short plain text (no paths)."""

    @property
    def content_security_policy(self) -> str:
        return PAGE_CSP

    def set_default_headers(self) -> None:
        super().set_default_headers()
        self.set_header("Cache-Control", "no-cache")
        self.set_header("Referrer-Policy", "same-origin")

    def write_error(self, status_code: int, **kwargs) -> None:
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(f"{status_code} {self._reason}")

    @property
    def outputs(self) -> Path:
        return Path(self.settings["danvan_outputs"])

    def finish_compressed(self, body: bytes) -> None:
        """Finish with ``body`` gzipped once and kept, when the browser accepts gzip: compressing the communes'
        map (0.7 MB) anew for each reviewer cost more CPU than everything else the page asks for."""
        if "gzip" in self.request.headers.get("Accept-Encoding", ""):
            self.set_header("Content-Encoding", "gzip")  # tornado's own compression then leaves it as it is
            body = gzipped(body)
        self.finish(body)

    def lang(self) -> str:
        lang = self.get_query_argument("lang", default="")
        return lang if lang in ("vi", "en") else self.settings["danvan_lang"]


@functools.lru_cache(maxsize=16)
def gzipped(body: bytes) -> bytes:
    """``body`` compressed (a year's data, a map layer: the same bytes for every reviewer)."""
    return gzip.compress(body, compresslevel=6, mtime=0)


@functools.cache
def geo_body(layer: str, lang: str) -> bytes:
    return maps.svg_layer(layer, lang).encode()


class HostRefused(tornado.web.RequestHandler):
    """Any request whose Host is not one of the server's names (DNS rebinding): 403, nothing else."""

    def prepare(self) -> None:
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.set_status(403)
        self.finish("403 Forbidden: unexpected Host")


def host_pattern(names: list[str]) -> str:
    """A tornado host pattern matching every name *but* ``names`` (compared without the port, lower-case)."""
    alternatives = "|".join(re.escape(n.lower().strip("[]")) for n in names)
    return rf"^(?!(?:{alternatives})$).*$"


def static_version(name: str) -> str:
    return hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]


class PageHandler(Handler):
    """The reviewers' page: a shell whose script loads the year's data; its ``lang`` and title are the page's."""

    @tornado.web.authenticated
    def get(self) -> None:
        lang = self.lang()
        years = available_years(self.outputs)
        config = {"lang": lang, "years": years, "texts": page_texts(lang),
                  "user": self.current_user.username if self.identity_provider.auth_enabled else None,
                  "widgets": "notebook"}
        t = page_texts(lang)
        body = (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
                f'<meta name="viewport" content="width=device-width, initial-scale=1">'
                f'<title>{html.escape(t["dashboard.title"])}</title>'
                f'<link rel="stylesheet" href="danvan/static/dashboard.css?v={static_version("dashboard.css")}">'
                f'<script id="dv-config" type="application/json">{dumps(config)}</script>'
                f'<script defer src="danvan/static/dashboard.js?v={static_version("dashboard.js")}"></script>'
                f'</head><body><div id="dv-app" class="dv-app" aria-busy="true">'
                f'<p class="dv-loading">{html.escape(t["page.loading"])}</p></div>'
                f'<noscript>JavaScript</noscript></body></html>')
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(body)

    head = get


class DataHandler(Handler):
    """A year's data in the page's language (``year_data``), made off the server's event loop."""

    @tornado.web.authenticated
    async def get(self, year: str) -> None:
        try:
            key = year_key(self.outputs, int(year), self.lang())
            body = _years.get(key) or await tornado.ioloop.IOLoop.current().run_in_executor(
                None, year_data, self.outputs, int(year), self.lang())
        except FileNotFoundError:
            raise tornado.web.HTTPError(404) from None
        except DanvanEvalError as err:
            raise tornado.web.HTTPError(404, reason="year not readable") from err
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish_compressed(body)  # tornado adds an ETag: a reload is a 304

    head = get


_years: dict[tuple, bytes] = {}
_years_lock = threading.Lock()  # one year made at a time: a page asking while it is made waits for it


def year_key(outputs: Path, year: int, lang: str) -> tuple:
    """What a year's data depends on: its scores' time of change (FileNotFoundError: no such year)."""
    return str(outputs), year, lang, (outputs / str(year) / "scores.csv").stat().st_mtime_ns


def year_data(outputs: Path, year: int, lang: str) -> bytes:
    """A year's data (``site.year_payload``) as JSON, made once per change of the year's scores and kept."""
    key = year_key(outputs, year, lang)
    body = _years.get(key)
    if body is None:
        with _years_lock:
            body = _years.get(key)
            if body is None:
                body = _years[key] = dumps(year_payload(load_year(outputs, year), lang)).encode()
    return body


def warm(outputs: Path, lang: str) -> None:
    """Make the latest year's data in both languages (``lang`` first) before any page asks for it: the first
    reviewer after a start would otherwise wait for it (~2 s of CPU). Failures are left to the page's request."""
    years = available_years(outputs)
    for code in dict.fromkeys([lang, "vi", "en"]) if years else ():
        with contextlib.suppress(Exception):  # the page's own request will say what is wrong
            year_data(outputs, years[-1], code)


class GeoHandler(Handler):
    """A map layer's shapes, projected once (``reports.maps``); they never change while the server runs."""

    @tornado.web.authenticated
    def get(self, layer: str) -> None:
        if layer not in maps.LAYERS:
            raise tornado.web.HTTPError(404)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "private, max-age=86400")
        self.finish_compressed(geo_body(layer, self.lang()))

    head = get


class StaticHandler(Handler, tornado.web.StaticFileHandler):
    """The page's script and stylesheet (the sign-in form needs the stylesheet before sign-in: nothing secret in
    either); versioned addresses (``?v=<hash>``) are cached a year, the others revalidated."""

    @allow_unauthenticated
    def get(self, path: str, include_body: bool = True):
        return tornado.web.StaticFileHandler.get(self, path, include_body)

    @allow_unauthenticated
    def head(self, path: str):
        return tornado.web.StaticFileHandler.get(self, path, include_body=False)

    def set_extra_headers(self, path: str) -> None:
        versioned = self.get_query_argument("v", default=None)
        self.set_header("Cache-Control", "private, max-age=31536000, immutable" if versioned else "no-cache")


class ReportHandler(Handler, tornado.web.StaticFileHandler):
    """A year's HTML reports: ``<year>/units/<code>.html``, ``<year>/province.html``,
    ``<year>/methodology_audit.html``; the route admits nothing else, and tornado refuses a path resolving outside
    the outputs folder."""

    def get(self, path: str, include_body: bool = True):
        return tornado.web.StaticFileHandler.get(self, path, include_body)

    def head(self, path: str):
        return tornado.web.StaticFileHandler.get(self, path, include_body=False)

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "private, no-cache")

    @property
    def content_security_policy(self) -> str:
        # the reports are self-contained HTML: inline styles and images, no script needed
        return "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'self'"


class ExportHandler(Handler):
    """The table a reader sees, as CSV or Excel, recomputed from the outputs with the weights in the address."""

    @tornado.web.authenticated
    def get(self, year: str, kind: str, fmt: str) -> None:
        query = {k: self.get_query_argument(k) for k in self.request.query_arguments}
        try:
            body, name = export_file(self.outputs, int(year), kind, fmt, query)
        except DanvanEvalError as err:
            self.set_status(400)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            # the message names the wrong parameter; a server path is never shown
            self.finish(str(err).replace(str(self.outputs), "outputs"))
            return
        self.set_header("Content-Type", EXPORT_FORMATS[fmt])
        self.set_header("Content-Disposition", f'attachment; filename="{name}"')
        self.finish(body)


class NotFound(Handler):
    """Any other address: 404 (before Voila's catch-all would answer it with the notebook)."""

    def prepare(self) -> None:
        raise tornado.web.HTTPError(404)


def handlers(base: str, outputs: str) -> list[tuple]:
    """The routes of the reviewers' page, before Voila's own."""
    from jupyter_server.utils import url_path_join as join

    return [
        (base, PageHandler),
        (join(base, rf"/danvan/data/{YEAR_PATH}\.json"), DataHandler),
        (join(base, r"/danvan/geo/([a-z_]+)\.json"), GeoHandler),
        (join(base, r"/danvan/static/(dashboard\.(?:js|css))"), StaticHandler, {"path": str(STATIC)}),
        (join(base, REPORT_ROUTE), ReportHandler, {"path": outputs}),
        (join(base, EXPORT_ROUTE), ExportHandler),
        (join(base, r"/danvan/.*"), NotFound),
    ]
