"""Sign-in for the reviewers, with what the Jupyter server provides: an ``IdentityProvider`` and an ``Authorizer``.

``ReviewerIdentityProvider`` checks a user name and password against the accounts file (``accounts``), limits
failed attempts per address and per name, and keeps the session in Jupyter's signed cookie, refused once it is
older than ``session_hours`` or once the account is removed. ``ReviewerAuthorizer`` makes every reviewer
read-only: no contents, terminals, sessions or settings; of the kernels only what a Voila page needs (its
websocket, through which Voila passes widget messages only, and shutting its own kernel down).
"""

from __future__ import annotations

import html
import time
from collections import defaultdict, deque
from pathlib import Path

from jupyter_server.auth.authorizer import Authorizer
from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.auth.identity import IdentityProvider, User
from jupyter_server.base.handlers import JupyterHandler
from traitlets import Bool, Float, Int, Unicode

from ..messages import tr
from .accounts import check_password, load_accounts

# what a Voila page does with its kernel: the websocket ("execute": Voila lets only comm messages through) and the
# shutdown when the page closes ("write"); everything else a Jupyter server could offer is refused
KERNEL_ACTIONS = {"read", "execute", "write"}


class ReviewerAuthorizer(Authorizer):
    """Read-only reviewers: any other resource or action (contents, terminals, sessions…) is refused."""

    def is_authorized(self, handler, user: User, action: str, resource: str) -> bool:
        if resource == "kernels":
            return action in KERNEL_ACTIONS
        return action == "read" and resource not in {"terminals", "contents", "sessions", "kernelspecs"}


class ReviewerIdentityProvider(IdentityProvider):
    """Reviewers sign in with a name and a password of the accounts file; the session is a signed cookie."""

    accounts_file = Unicode("", config=True, help="the accounts file (danvan-eval reviewer add)")
    required = Bool(True, config=True, help="sign-in required (False: loopback use, everyone is the evaluator)")
    session_hours = Float(8.0, config=True, help="a session ends this many hours after sign-in")
    max_failures = Int(5, config=True, help="failed sign-ins allowed per address and per name within the window")
    failure_window_s = Float(900.0, config=True, help="the window of max_failures, in seconds")
    lang = Unicode("vi", config=True)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.token = ""  # no Jupyter token: a reviewer signs in with a name and a password
        self.login_handler_class = SignInHandler
        self.logout_handler_class = SignOutHandler
        self.cookie_name = "danvan-session"
        self.cookie_options = {"samesite": "Strict"}
        self.get_secure_cookie_kwargs = {"max_age_days": self.session_hours / 24}
        self._failures: dict[str, deque] = defaultdict(deque)
        self._accounts: tuple[float, dict] = (-1.0, {})

    @property
    def auth_enabled(self) -> bool:
        return self.required

    @property
    def logout_available(self) -> bool:
        return self.required

    def get_user(self, handler):
        if not self.required:  # loopback: the evaluator at their own machine, as before
            return User("evaluator", name="evaluator", display_name="evaluator")
        return super().get_user(handler)

    def accounts(self) -> dict[str, dict]:
        """The accounts file, read again whenever it changes (a removed reviewer is refused at once)."""
        path = Path(self.accounts_file)
        mtime = path.stat().st_mtime if path.exists() else 0.0
        if mtime != self._accounts[0]:
            self._accounts = (mtime, load_accounts(path))
        return self._accounts[1]

    def user_to_cookie(self, user: User) -> str:
        return user.username

    def user_from_cookie(self, cookie_value: str) -> User | None:
        if cookie_value not in self.accounts():
            return None
        return User(cookie_value, name=cookie_value, display_name=cookie_value)

    def locked(self, *keys: str) -> bool:
        """Whether one of ``keys`` (an address, a name) has used up its failed attempts in the window."""
        now = time.monotonic()
        for key in keys:
            fails = self._failures[key]
            while fails and now - fails[0] > self.failure_window_s:
                fails.popleft()
            if len(fails) >= self.max_failures:
                return True
        return False

    def process_login_form(self, handler) -> User | None:
        name = handler.get_argument("username", default="").strip().lower()
        password = handler.get_argument("password", default="")
        keys = (f"ip:{handler.request.remote_ip}", f"name:{name}")
        if self.locked(*keys):
            handler.locked_out = True
            return None
        if name and check_password(self.accounts(), name, password):
            for key in keys:
                self._failures.pop(key, None)
            self.log.info("reviewer %s signed in from %s", name, handler.request.remote_ip)
            return User(name, name=name, display_name=name)
        now = time.monotonic()
        for key in keys:
            self._failures[key].append(now)
        self.log.warning("failed sign-in for %r from %s", name, handler.request.remote_ip)
        return None


def _page_lang(handler) -> str:
    lang = handler.get_argument("lang", default="")
    return lang if lang in ("vi", "en") else handler.identity_provider.lang


def sign_in_page(lang: str, next_url: str, xsrf: str, message: str = "") -> str:
    """The sign-in form: one page, no script, the project's own stylesheet."""
    t = lambda key: html.escape(tr(key, lang))
    note = f'<p class="dv-signin-error" role="alert">{html.escape(message)}</p>' if message else ""
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{t("signin.title")}</title><link rel="stylesheet" href="danvan/static/dashboard.css"></head>'
            f'<body class="dv-signin"><main><h1>{t("dashboard.title")}</h1><h2>{t("signin.title")}</h2>{note}'
            f'<form method="post" action="login?lang={lang}"><input type="hidden" name="_xsrf" value="{xsrf}">'
            f'<input type="hidden" name="next" value="{html.escape(next_url)}">'
            f'<label>{t("signin.username")} <input name="username" autocomplete="username" required></label>'
            f'<label>{t("signin.password")} <input name="password" type="password" '
            f'autocomplete="current-password" required></label>'
            f'<button type="submit">{t("signin.submit")}</button></form>'
            f'<p class="dv-signin-help">{t("signin.help")}</p></main></body></html>')


class SignInHandler(JupyterHandler):
    """``/login``: the form (GET) and the check (POST); failures answer 401, too many 429."""

    @property
    def content_security_policy(self) -> str:
        return "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    def _next(self) -> str:
        nxt = self.get_argument("next", default=self.base_url)
        # only a path of this server: no scheme, no host, no backslash tricks
        return nxt if nxt.startswith("/") and not nxt.startswith("//") and "\\" not in nxt else self.base_url

    def _form(self, message: str = "") -> None:
        self.set_header("Cache-Control", "no-store")
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(sign_in_page(_page_lang(self), self._next(), self.xsrf_token.decode(), message))

    @allow_unauthenticated
    def get(self) -> None:
        if self.current_user and self.identity_provider.auth_enabled:
            self.redirect(self._next())
            return
        self._form()

    @allow_unauthenticated
    def post(self) -> None:
        user = self.identity_provider.process_login_form(self)
        if user is None:
            locked = getattr(self, "locked_out", False)
            self.set_status(429 if locked else 401)
            self._form(tr("signin.locked" if locked else "signin.wrong", _page_lang(self)))
            return
        self.identity_provider.set_login_cookie(self, user)
        self.redirect(self._next())


class SignOutHandler(JupyterHandler):
    """``/logout``: the session cookie is cleared, then the sign-in form."""

    @allow_unauthenticated
    def get(self) -> None:
        self.identity_provider.clear_login_cookie(self)
        self.redirect(self.base_url + "login")
