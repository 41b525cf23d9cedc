"""One exception family rooted at ``DanvanEvalError``.

``FrameworkError``, ``RegistryError`` and ``ValidationError`` carry every problem found (``.problems``, a
problems table); their ``str()`` is a bilingual title followed by the list. They subclass ``ValueError`` because
the input was wrong; ``RunError`` (a yearly run failed) subclasses ``RuntimeError``.
"""

from __future__ import annotations

import errno
from collections.abc import Iterable

import pandas as pd

from .engine.errors import EngineError
from .messages import CATALOG, tr
from .problems import Problem, format_problems, problems_frame

# str() lists this many problems; ``.problems`` always holds them all.
SHOWN_PROBLEMS = 50


class DanvanEvalError(Exception):
    """Root of every error raised by danvan_eval; the message should be bilingual (Vietnamese / English)."""


def tr_error(key: str, **fields: object) -> DanvanEvalError:
    """A ``DanvanEvalError`` whose message is the catalog ``key`` in Vietnamese / English."""
    return DanvanEvalError(CATALOG.both(key, **fields))


class _ProblemsError(DanvanEvalError, ValueError):
    """An input that failed validation: ``problems`` holds every finding; ``title_key`` names the catalog title."""

    title_key = ""

    def __init__(self, problems: pd.DataFrame | Iterable[Problem] | Problem | str, file: object = None):
        # A plain string is accepted so that a caller with a single ad-hoc message needs no Problem.
        self.message = problems if isinstance(problems, str) else None
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems = problems_frame(() if isinstance(problems, str) else problems)
        self.file = None if file is None else str(file)
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.message is not None:
            return self.message
        n = len(self.problems)
        where = f" — {self.file}" if self.file else ""
        title = f"{tr(self.title_key, 'vi', n=n)} / {tr(self.title_key, 'en', n=n)}{where}"
        return f"{title}\n{format_problems(self.problems, 'both', limit=SHOWN_PROBLEMS)}"


class FrameworkError(_ProblemsError):
    """The indicator framework file is invalid."""

    title_key = "error.framework"


class RegistryError(_ProblemsError):
    """The registry of reporting units is invalid."""

    title_key = "error.registry"


class ValidationError(_ProblemsError):
    """Reported observations failed validation; nothing is scored from them."""

    title_key = "error.validation"


class LineageError(_ProblemsError):
    """The commune crosswalk or the agency lineage across the 2025 reform is invalid."""

    title_key = "error.lineage"


class PlausibilityError(_ProblemsError):
    """A plausibility rules file is invalid."""

    title_key = "error.plausibility"


class RunError(DanvanEvalError, RuntimeError):
    """A yearly run (scoring, rendering, writing outputs) failed."""


def system_error(err: OSError) -> str:
    """A bilingual sentence for an operating-system error: a full disk, a denied permission, any other."""
    where = err.filename or ""
    if err.errno in (errno.ENOSPC, errno.EDQUOT):
        return CATALOG.both("system.disk_full", path=where)
    if err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return CATALOG.both("system.permission", path=where)
    return CATALOG.both("system.os_error", detail=err.strerror or str(err), path=where)


# What the command line answers with a message instead of a traceback: the package's errors and the engine's.
USER_ERRORS = (DanvanEvalError, EngineError)
