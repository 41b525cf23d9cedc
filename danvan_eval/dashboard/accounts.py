"""The reviewers' accounts: a JSON file outside the repository, passwords hashed with argon2 (Jupyter's ``passwd``).

The file (default ``~/.config/danvan-eval/reviewers.json``, else ``$DANVAN_REVIEWERS``) maps a user name to
``{"hash": "argon2:…", "added": "2026-12-01"}``; it is written with mode 0600 and never holds a clear password.
``danvan-eval reviewer add|remove|list`` manages it; the server reads it again whenever it changes, so a removed
reviewer is refused at the next request.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import re
from pathlib import Path

from jupyter_server.auth.security import passwd, passwd_check

from ..errors import DanvanEvalError
from ..messages import CATALOG

ENV_ACCOUNTS = "DANVAN_REVIEWERS"
NAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,31}")
MIN_PASSWORD = 10


def default_accounts_path() -> Path:
    env = os.environ.get(ENV_ACCOUNTS)
    return Path(env) if env else Path.home() / ".config" / "danvan-eval" / "reviewers.json"


def _error(key: str, **fields) -> DanvanEvalError:
    return DanvanEvalError(CATALOG.both(key, **fields))


def load_accounts(path: Path) -> dict[str, dict]:
    """The accounts of ``path`` (none when the file does not exist); a damaged file is an error naming it."""
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not all(isinstance(v, dict) and "hash" in v for v in data.values()):
            raise ValueError("not a mapping of name → {hash}")
    except ValueError as err:
        raise _error("reviewer.bad_file", path=path, error=err) from None
    return data


def _save(path: Path, accounts: dict[str, dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(accounts, f, ensure_ascii=False, indent=1, sort_keys=True)
    os.replace(tmp, path)


def add_reviewer(path: Path, name: str, password: str) -> None:
    """Add ``name`` (or set a new password); the password is stored only as an argon2 hash."""
    if not NAME.fullmatch(name):
        raise _error("reviewer.bad_name", name=name)
    if len(password) < MIN_PASSWORD:
        raise _error("reviewer.short_password", n=MIN_PASSWORD)
    accounts = load_accounts(path)
    accounts[name] = {"hash": passwd(password, algorithm="argon2"), "added": dt.date.today().isoformat()}
    _save(path, accounts)


def remove_reviewer(path: Path, name: str) -> None:
    accounts = load_accounts(path)
    if name not in accounts:
        raise _error("reviewer.unknown", name=name, path=path)
    del accounts[name]
    _save(path, accounts)


def check_password(accounts: dict[str, dict], name: str, password: str) -> bool:
    """Whether ``password`` is ``name``'s; an unknown name costs a hash check too (no timing difference)."""
    account = accounts.get(name)
    if account is None:
        passwd_check(_dummy_hash(), password)
        return False
    return passwd_check(account["hash"], password)


@functools.cache
def _dummy_hash() -> str:
    return passwd(os.urandom(16).hex(), algorithm="argon2")
