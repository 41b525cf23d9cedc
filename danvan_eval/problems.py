"""The problems table: every validation finding, with its place and a message in Vietnamese and English.

Validation never stops at the first finding (pandera's lazy mode): each check appends ``Problem`` rows, and the
caller gets them all at once as a DataFrame with the fixed ``PROBLEM_COLUMNS``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd
import yaml

from .messages import LANGS, tr

PROBLEM_COLUMNS = ["file", "row", "cell", "unit", "indicator", "code", "message_vi", "message_en"]


@dataclass(frozen=True, kw_only=True)
class Problem:
    """One finding.

    ``row`` is the 1-based line as a user sees it in a spreadsheet or editor (the CSV header is row 1);
    ``cell`` is a spreadsheet reference (``D7``) or, in a YAML file, the key path (``indicators[i2_sessions].lo``).
    ``code`` is a short snake_case reason.
    """

    file: str | None = None
    row: int | None = None
    cell: str | None = None
    unit: str | None = None
    indicator: str | None = None
    code: str
    message_vi: str
    message_en: str


def problem(
    code: str,
    *,
    file: object = None,
    row: int | None = None,
    cell: str | None = None,
    unit: str | None = None,
    indicator: str | None = None,
    message_vi: str | None = None,
    message_en: str | None = None,
    **fields: object,
) -> Problem:
    """A ``Problem`` whose messages are the catalog key ``problem.<code>`` filled with ``fields``.

    ``file``, ``row``, ``unit`` and ``indicator`` are also available to the message. A field given as ``{"vi": ..., "en": ...}``
    is filled per language (e.g. a kind of unit named in the message). Explicit ``message_vi`` and
    ``message_en`` replace the catalog text, for a one-off problem of a caller without its own key.
    """
    fields = {"file": file, "row": row, "unit": unit, "indicator": indicator, **fields}

    def message(lang: str) -> str:
        given = message_vi if lang == "vi" else message_en
        if given is not None:
            return given
        own = {k: v[lang] if isinstance(v, dict) and lang in v else v for k, v in fields.items()}
        return tr(f"problem.{code}", lang, **own)

    return Problem(
        file=None if file is None else str(file),
        row=row,
        cell=cell,
        unit=unit,
        indicator=indicator,
        code=code,
        message_vi=message("vi"),
        message_en=message("en"),
    )


def printable(text: object) -> str:
    """``text`` with control characters shown as escapes (``\\x1b``): a terminal must not run what a file holds."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))


def problems_frame(problems: Iterable[Problem] | pd.DataFrame = ()) -> pd.DataFrame:
    """The problems as a DataFrame with columns ``PROBLEM_COLUMNS`` (``row`` is nullable Int64), in order."""
    if isinstance(problems, pd.DataFrame):
        df = problems.reindex(columns=PROBLEM_COLUMNS)
    else:
        df = pd.DataFrame([asdict(p) for p in problems], columns=PROBLEM_COLUMNS)
    df = df.astype({c: object for c in PROBLEM_COLUMNS if c != "row"})
    df["row"] = pd.array(df["row"], dtype="Int64")
    return df.reset_index(drop=True)


def _place(rec: pd.Series, lang: str) -> str:
    """``row 7, at D7 — unit 540, indicator i2_sessions`` in ``lang``; empty parts left out."""
    parts = [tr(f"where.{k}", lang, **{k: rec[k]}) for k in ("file", "row", "cell") if pd.notna(rec[k])]
    who = [tr(f"where.{k}", lang, **{k: rec[k]}) for k in ("unit", "indicator") if pd.notna(rec[k])]
    return ", ".join(parts) + (" — " if parts and who else "") + ", ".join(who)


def format_problems(df: pd.DataFrame, lang: str = "vi", limit: int | None = None) -> str:
    """A console listing, one problem per line (``lang="both"``: Vietnamese line, then English line).

    Parameters
    ----------
    df : a problems table (``problems_frame``).
    lang : ``"vi"``, ``"en"`` or ``"both"``.
    limit : show at most this many problems, then say how many more there are.
    """
    langs = LANGS if lang == "both" else (lang,)
    if lang != "both" and lang not in LANGS:
        raise ValueError(f"ngôn ngữ không hỗ trợ / unsupported language {lang!r}")
    shown = df if limit is None else df.head(limit)
    lines = []
    for _, rec in shown.iterrows():
        for i, one in enumerate(langs):
            place = _place(rec, one)
            text = printable(f"{place}: {rec[f'message_{one}']}" if place else rec[f"message_{one}"])
            lines.append(f"  - {text} [{rec['code']}]" if i == 0 else f"    {text}")
    if len(df) > len(shown):
        lines.append("  " + " / ".join(tr("where.more", one, n=len(df) - len(shown)) for one in langs))
    return "\n".join(lines)


# ---------------------------------------------------------------- problems placed in a YAML file
class YamlProblems:
    """Collects the problems of one YAML parameter file, each placed at its line and key path.

    ``lines`` maps a key path (tuple of keys and list positions) to its 1-based line; a path that does not
    exist (a missing key) is placed at its nearest existing parent.
    """

    def __init__(self, file: object):
        self.file = str(file)
        self.lines: dict[tuple, int] = {}
        self.found: list[Problem] = []
        self.names: dict[tuple, str] = {}  # list positions shown by their id: indicators[i2_sessions]

    def line(self, path: tuple) -> int | None:
        """The line of ``path``, or of its nearest existing parent."""
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path)

    def cell(self, path: tuple) -> str:
        """``path`` written for a reader: ``indicators[i2_sessions].goalposts``."""
        out = ""
        for i, key in enumerate(path):
            if isinstance(key, int):
                out += f"[{self.names.get(path[: i + 1], key)}]"
            else:
                out += f".{key}" if out else str(key)
        return out

    def add(self, code: str, path: tuple, **fields: object) -> None:
        """Record problem ``code`` at ``path``; ``fields`` fill the message (and ``unit``/``indicator``)."""
        self.found.append(
            problem(code, file=self.file, row=self.line(path), cell=self.cell(path) or None, **fields)
        )

    def entry(self, value: object, path: tuple, required: set[str], optional: set[str] = frozenset(), **who):
        """``value`` as a dict if it is a mapping, after reporting its missing and unknown keys; else None."""
        if not isinstance(value, dict):
            self.add("not_mapping", path, **who)
            return None
        for key in sorted(required - value.keys()):
            self.add("missing_key", path, key=key, **who)
        for key in sorted(set(map(str, value)) - required - optional):
            self.add("unknown_key", (*path, key), key=key, **who)
        return value

    def frame(self) -> pd.DataFrame:
        """The problems found so far as a problems table."""
        return problems_frame(self.found)


# libyaml's parser when PyYAML has it (about 7 times faster on the registry of 150 units), the same data
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: object) -> tuple[object, YamlProblems]:
    """Parse a YAML file; return its data (None if unreadable) and a collector holding any syntax problem.

    A key given twice in one mapping is reported (PyYAML would silently keep the last one).
    """
    text = Path(path).read_text(encoding="utf-8-sig")
    found = YamlProblems(path)
    loader = _SafeLoader(text)  # parsed once: the nodes (lines) and the data built from them
    try:
        node = loader.get_single_node()
        data = None if node is None else loader.construct_document(node)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        found.found.append(
            problem(
                "yaml_syntax",
                file=path,
                row=mark.line + 1 if mark else None,
                detail=getattr(err, "problem", None) or str(err),
            )
        )
        return None, found
    finally:
        loader.dispose()

    def walk(n: yaml.Node, at: tuple) -> None:
        if isinstance(n, yaml.MappingNode):
            for k, v in n.value:
                key = (*at, k.value)
                if key in found.lines:
                    found.found.append(
                        problem(
                            "duplicate_key",
                            file=path,
                            row=k.start_mark.line + 1,
                            cell=found.cell(key),
                            key=k.value,
                            first=found.lines[key],
                        )
                    )
                else:
                    found.lines[key] = k.start_mark.line + 1
                walk(v, key)
        elif isinstance(n, yaml.SequenceNode):
            for i, v in enumerate(n.value):
                found.lines[(*at, i)] = v.start_mark.line + 1
                walk(v, (*at, i))

    if node is not None:
        walk(node, ())
    return data, found
