"""The units' own words: the canonical free-text table (``year, unit_code, field, text``), validated lazily.

Intake reads the free-text sheet of the templates into this table (``free_text_<Y>.csv``, kept with the year's
inputs and named by the run file's ``free_text``); the annual report compiles it into its sections, the units
named. ``FIELDS`` are the five questions of the template, in their order.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import ValidationError
from ..outputs import unneutralise
from ..problems import problem, problems_frame
from .units import Registry

FIELDS = ("highlights", "models", "difficulties", "causes", "proposals")
COLUMNS = ["year", "unit_code", "field", "text"]
MAX_CHARS = 4000  # per answer: about a page; longer answers belong in the unit's own report


def read_free_text(path: Path, registry: Registry, year: int) -> pd.DataFrame:
    """The table of ``year`` at ``path`` (``COLUMNS``), sorted by unit then field.

    Raises
    ------
    ValidationError
        Every problem at once, each at its row: a missing column, another year, a unit not expected that year, a
        field not in ``FIELDS``, an empty or too long text, a unit and field given twice.
    """
    path = Path(path)
    # as written by intake (``outputs.write_csv``: a text that a spreadsheet would run as a formula got an apostrophe)
    df = unneutralise(pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig"))
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise ValidationError(problems_frame([problem("missing_column", file=str(path), column=c) for c in missing]))
    known = set(registry.active(year)["code"])
    found = []
    for i, r in enumerate(df[COLUMNS].itertuples(index=False), start=2):
        where = {"file": str(path), "row": i, "unit": r.unit_code}
        if r.year.strip() != str(year):
            found.append(problem("free_text_year", value=r.year, year=year, **where))
        if r.unit_code not in known:
            found.append(problem("unknown_unit", **where))
        if r.field not in FIELDS:
            found.append(problem("free_text_field", value=r.field, allowed=", ".join(FIELDS), **where))
        if not r.text.strip() or len(r.text) > MAX_CHARS:
            found.append(problem("free_text_length", n=len(r.text), max=MAX_CHARS, **where))
    twice = df[df.duplicated(["unit_code", "field"], keep="first")]
    found += [problem("free_text_twice", file=str(path), row=int(i) + 2, unit=r["unit_code"], value=r["field"])
              for i, r in twice.iterrows()]
    if found:
        raise ValidationError(problems_frame(found))
    out = df[COLUMNS].assign(year=int(year))
    order = {f: i for i, f in enumerate(FIELDS)}
    return out.sort_values(["unit_code", "field"], key=lambda s: s.map(order) if s.name == "field" else s,
                           kind="stable").reset_index(drop=True)
