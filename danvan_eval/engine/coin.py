"""The composite-index engine: one immutable object that records every step it was built with.

Modelled on COINr's "coin": named data sets (Raw → Denominated → Imputed → Screened → Treated → Normalised →
Aggregated) plus a log of each verb's arguments, so that ``regen(coin)`` rebuilds the same result and
``regen(coin, normalise={"method": "zscore"})`` rebuilds it with one step changed. The engine knows nothing of
the Directive 33 framework: any tree indicator → … → index given as ``meta`` works.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from . import methods
from .errors import EngineError

META_COLUMNS = ("parent", "level", "weight", "direction")


@dataclass(frozen=True)
class Step:
    """One verb applied to a coin: its name, the data set it read and its arguments."""

    verb: str
    dset: str
    args: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class Coin:
    """Data sets, structure and build log of a composite index.

    Attributes
    ----------
    meta : DataFrame indexed by code with ``parent, level, weight, direction`` (and optional ``lo, hi, target,
        denominator``); level 1 = indicators, the single top code has no parent.
    data : mapping of data-set name to a DataFrame (rows = units, columns = codes).
    groups : per-unit grouping and denominator columns, same rows as ``Raw``, or None.
    not_applicable : boolean mask over the indicators of ``Raw`` (True = does not apply to that unit), or None.
    log : the verbs applied since ``new_coin``, in order.
    """

    meta: pd.DataFrame
    data: Mapping[str, pd.DataFrame]
    groups: pd.DataFrame | None = None
    not_applicable: pd.DataFrame | None = None
    log: tuple[Step, ...] = ()

    def __getitem__(self, name: str) -> pd.DataFrame:
        try:
            return self.data[name]
        except KeyError:
            raise EngineError("engine.no_dataset", name=name, names=list(self.data)) from None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Coin):
            return NotImplemented
        return (
            self.log == other.log
            and self.meta.equals(other.meta)
            and _same(self.groups, other.groups)
            and _same(self.not_applicable, other.not_applicable)
            and list(self.data) == list(other.data)
            and all(self.data[k].equals(other.data[k]) for k in self.data)
        )

    __hash__ = None  # type: ignore[assignment]

    @property
    def indicators(self) -> list[str]:
        """Codes of level 1, in meta order."""
        return self.meta.index[self.meta["level"] == 1].tolist()

    @property
    def top(self) -> str:
        """The code of the index (the one code without a parent)."""
        return str(self.meta.index[self.meta["parent"].isna()][0])

    def with_data(self, name: str, df: pd.DataFrame, step: Step) -> Coin:
        """A copy with one more data set and one more log step."""
        data = dict(self.data)
        data[name] = df
        return replace(self, data=MappingProxyType(data), log=self.log + (step,))


def _same(a: pd.DataFrame | None, b: pd.DataFrame | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and a.equals(b))


def new_coin(
    raw: pd.DataFrame,
    meta: pd.DataFrame,
    groups: pd.DataFrame | None = None,
    not_applicable: pd.DataFrame | None = None,
) -> Coin:
    """Assemble a coin from raw indicator data and its structure.

    Parameters
    ----------
    raw : rows = units, columns include every level-1 code of ``meta``.
    meta : index = codes; columns ``parent, level, weight, direction`` at least.
    groups : optional per-unit columns (group labels, denominators), same index as ``raw``.
    not_applicable : optional boolean mask (same rows, indicator columns): True where an indicator does not
        apply; such cells leave the weights instead of counting as missing.
    """
    missing = [c for c in META_COLUMNS if c not in meta.columns]
    if missing:
        raise EngineError("engine.meta_columns", missing=missing)
    tops = meta.index[meta["parent"].isna()]
    if len(tops) != 1:
        raise EngineError("engine.one_root", roots=list(tops))
    unknown_parents = set(meta["parent"].dropna().unique()) - set(meta.index.tolist())
    if unknown_parents:
        raise EngineError("engine.unknown_parents", codes=sorted(unknown_parents))
    inds = meta.index[meta["level"] == 1].tolist()
    absent = list(pd.Index(inds).difference(raw.columns, sort=False))
    if absent:
        raise EngineError("engine.raw_lacks", codes=absent)
    raw = raw[inds].astype(float)
    if groups is not None and not groups.index.equals(raw.index):
        raise EngineError("engine.groups_rows")
    if not_applicable is not None:
        not_applicable = not_applicable.reindex(index=raw.index, columns=inds, fill_value=False).astype(bool)
    return Coin(meta=meta.copy(), data=MappingProxyType({"Raw": raw}), groups=groups, not_applicable=not_applicable)


# ---------------------------------------------------------------- verbs
VERBS: dict[str, tuple[Callable[..., pd.DataFrame], str]] = {}


def verb(name: str, output: str) -> Callable:
    """Register ``fn(coin, dset, **args) -> DataFrame`` as the verb ``name`` writing data set ``output``."""

    def register(fn: Callable[..., pd.DataFrame]) -> Callable[..., pd.DataFrame]:
        VERBS[name] = (fn, output)
        return fn

    return register


_PIPELINE = ["Raw", "Denominated", "Imputed", "Screened", "Treated", "Normalised", "Aggregated"]


def _default_input(coin: Coin, verb_name: str) -> str:
    """The latest data set of the pipeline that exists before the verb's own output."""
    own = VERBS[verb_name][1]
    before = _PIPELINE[: _PIPELINE.index(own)] if own in _PIPELINE else _PIPELINE
    for name in reversed(before):
        if name in coin.data:
            return name
    return "Raw"


def _rows(coin: Coin, df: pd.DataFrame) -> pd.DataFrame | None:
    """The groups table restricted to the rows of ``df`` (screening may have removed some)."""
    return None if coin.groups is None else _on_rows(coin.groups, df.index)


def _on_rows(table: pd.DataFrame, index: pd.Index) -> pd.DataFrame:
    """``table.loc[index]``, without the copy (costly on a MultiIndex) when ``table`` has those rows already."""
    return table if table.index is index or table.index.equals(index) else table.loc[index]


@verb("denominate", "Denominated")
def _denominate(coin: Coin, dset: str, scale: float = 1.0) -> pd.DataFrame:
    """Divide each indicator that names a ``denominator`` (a column of ``groups``) by it."""
    df = coin[dset].copy()
    if "denominator" not in coin.meta.columns:
        return df
    groups = _rows(coin, df)
    named = coin.meta.loc[coin.indicators, "denominator"].dropna()
    for code, den in named.items():
        if groups is None or den not in groups.columns:
            raise EngineError("engine.denominator", denominator=den, code=code)
    if named.empty:
        return df
    # each denominator once, all columns set at once: a column at a time costs a copy of the frame each
    dens = {den: groups[den].astype(float).to_numpy() for den in dict.fromkeys(named)}
    dens = {den: np.where(d > 0, d, np.nan) for den, d in dens.items()}
    df[list(named.index)] = np.column_stack(
        [df[code].to_numpy(float) / dens[den] * scale for code, den in named.items()]
    )
    return df


@verb("impute", "Imputed")
def _impute(coin: Coin, dset: str, method: str = "none", **params: Any) -> pd.DataFrame:
    """Fill missing (not not-applicable) cells with a method of ``methods.IMPUTE``."""
    df = coin[dset]
    fill = methods.IMPUTE[method](df, _rows(coin, df), **params)
    if coin.not_applicable is not None:
        fill = fill.mask(_on_rows(coin.not_applicable, df.index))
    return fill


@verb("screen", "Screened")
def _screen(coin: Coin, dset: str, dat_thresh: float = 0.0) -> pd.DataFrame:
    """Keep units whose share of non-missing applicable indicators is at least ``dat_thresh``."""
    df = coin[dset]
    present = df[coin.indicators].notna()
    applicable = pd.DataFrame(True, index=df.index, columns=coin.indicators)
    if coin.not_applicable is not None:
        applicable = ~coin.not_applicable.loc[df.index]
    share = (present & applicable).sum(axis=1) / applicable.sum(axis=1).replace(0, np.nan)
    return df.loc[share.fillna(0) >= dat_thresh]


@verb("treat", "Treated")
def _treat(coin: Coin, dset: str, method: str = "none", **params: Any) -> pd.DataFrame:
    """Treat outliers indicator by indicator with a method of ``methods.TREAT``."""
    return methods.TREAT[method](coin[dset], **params)


@verb("normalise", "Normalised")
def _normalise(coin: Coin, dset: str, method: str = "minmax", **params: Any) -> pd.DataFrame:
    """Normalise each indicator with a method of ``methods.NORMALISE`` (statistics over the rows given: all of
    them, COINr's ``global = TRUE`` for panels, or each group's with ``by``)."""
    return methods.NORMALISE[method](coin[dset][coin.indicators], coin.meta.loc[coin.indicators], **params)


@verb("aggregate", "Aggregated")
def _aggregate(
    coin: Coin,
    dset: str,
    method: str | Mapping[int, str] = "amean",
    weights: Mapping[str, float] | None = None,
    dat_thresh: float | Mapping[int, float] | None = None,
    weight_thresh: float | Mapping[int, float] | None = None,
) -> pd.DataFrame:
    """Aggregate level by level up to the index.

    Parameters
    ----------
    method : a name of ``methods.AGGREGATE`` or a mapping level → name (the level being built).
    weights : code → weight overriding ``meta.weight`` (e.g. the dashboard's sliders).
    dat_thresh : COINr's threshold: a parent is NA when the share of its applicable children with data is
        below it (per level when a mapping).
    weight_thresh : the same on the share of applicable weight present (the Directive 33 two-thirds rule).
    """
    df = coin[dset][coin.indicators].copy()
    w = coin.meta["weight"].astype(float).copy()
    if weights:
        w.update(pd.Series(weights, dtype=float))
    na = None if coin.not_applicable is None else coin.not_applicable.loc[df.index]
    for level in sorted(coin.meta["level"].unique())[1:]:
        fn = methods.AGGREGATE[_at(method, level)]
        for code in coin.meta.index[coin.meta["level"] == level]:
            kids = coin.meta.index[coin.meta["parent"] == code].tolist()
            x = df[kids].to_numpy(float)
            wk = w[kids].to_numpy(float)
            value = fn(x, wk)
            applicable = np.ones_like(x, bool) if na is None else ~na[kids].to_numpy(bool)
            present = ~np.isnan(x) & applicable
            value = _threshold(value, present, applicable, wk, _at(dat_thresh, level), _at(weight_thresh, level))
            df[code] = value
            if na is not None:  # a parent none of whose children apply does not apply either
                na[code] = ~applicable.any(axis=1)
    return df


def _at(value: Any, level: int) -> Any:
    return value.get(level) if isinstance(value, Mapping) else value


def _threshold(value, present, applicable, w, dat_thresh, weight_thresh) -> np.ndarray:
    value = np.asarray(value, float).copy()
    with np.errstate(invalid="ignore", divide="ignore"):
        if dat_thresh is not None:
            share = present.sum(axis=1) / applicable.sum(axis=1)
            value[~(share >= dat_thresh)] = np.nan
        if weight_thresh is not None:
            share = (present * w).sum(axis=1) / (applicable * w).sum(axis=1)
            value[~(share >= weight_thresh - 1e-12)] = np.nan
    return value


def coverage(coin: Coin, dset: str = "Aggregated", weights: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Share of each parent's applicable weight that has data (1.0 = complete; NaN = nothing applies)."""
    df = coin[dset]
    w = coin.meta["weight"].astype(float).copy()
    if weights:
        w.update(pd.Series(weights, dtype=float))
    na = coin.not_applicable
    out = {}
    for code in coin.meta.index[coin.meta["level"] > 1]:
        kids = coin.meta.index[coin.meta["parent"] == code].tolist()
        applicable = pd.DataFrame(True, index=df.index, columns=kids)
        if na is not None:
            applicable = ~na.reindex(index=df.index, columns=kids, fill_value=False)
            applicable = applicable.astype(bool)
        present = df[kids].notna() & applicable
        den = (applicable * w[kids]).sum(axis=1)
        out[code] = (present * w[kids]).sum(axis=1) / den.replace(0, np.nan)
    return pd.DataFrame(out, index=df.index)


def regen(coin: Coin, **changes: Mapping[str, Any]) -> Coin:
    """Replay the log from ``Raw``; ``changes`` maps a verb name to arguments that replace its own.

    ``regen(coin) == coin``; ``regen(coin, aggregate={"method": "gmean"})`` is the same index aggregated
    geometrically. A changed verb that is not in the log is an error (nothing is silently ignored).
    """
    unknown = set(changes) - {s.verb for s in coin.log}
    if unknown:
        raise EngineError("engine.unknown_steps", steps=sorted(unknown))
    out = new_coin(coin["Raw"], coin.meta, coin.groups, coin.not_applicable)
    for step in coin.log:
        args = {**step.args, **changes.get(step.verb, {})}
        out = APPLY[step.verb](out, step.dset, **args)
    return out


def _restrict(coin: Coin, rows: pd.Index) -> Coin:
    """The coin with only ``rows`` (in each data set's own order), its groups and not-applicable mask alike."""
    data = {k: v.loc[v.index.isin(rows)] for k, v in coin.data.items()}
    groups = None if coin.groups is None else coin.groups.loc[coin.groups.index.isin(rows)]
    na = None if coin.not_applicable is None else coin.not_applicable.loc[coin.not_applicable.index.isin(rows)]
    return replace(coin, data=MappingProxyType(data), groups=groups, not_applicable=na)


def _per_group(coin: Coin, dset: str, by: str, run: Callable[[Coin], pd.DataFrame]) -> pd.DataFrame:
    """``run`` on each group of rows (the values of the ``groups`` column ``by``, e.g. ``"year"``), as COINr treats,
    screens, imputes and normalises each year of a panel separately; rows come back in the input's order."""
    df = coin[dset]
    if coin.groups is None or by not in coin.groups.columns:
        raise EngineError("engine.no_group_column", by=by)
    keys = _on_rows(coin.groups, df.index)[by]
    only = replace(coin, data=MappingProxyType({dset: df}))  # a verb reads its data set only: restrict that one
    out = pd.concat([run(_restrict(only, part.index)) for _, part in df.groupby(keys, sort=False)])
    return out.loc[df.index[df.index.isin(out.index)]]


def _apply(name: str) -> Callable[..., Coin]:
    """The verb ``name`` as a function of a coin; ``by`` (a ``groups`` column) runs it within each group."""
    fn, output = VERBS[name]

    def apply(coin: Coin, dset: str | None = None, by: str | None = None, **args: Any) -> Coin:
        dset = dset or _default_input(coin, name)
        if by is None:
            return coin.with_data(output, fn(coin, dset, **args), Step(name, dset, MappingProxyType(dict(args))))
        out = _per_group(coin, dset, by, lambda part: fn(part, dset, **args))
        return coin.with_data(output, out, Step(name, dset, MappingProxyType({**args, "by": by})))

    apply.__name__ = name
    apply.__doc__ = fn.__doc__
    return apply


APPLY: dict[str, Callable[..., Coin]] = {name: _apply(name) for name in VERBS}
denominate = APPLY["denominate"]
impute = APPLY["impute"]
screen = APPLY["screen"]
treat = APPLY["treat"]
normalise = APPLY["normalise"]
aggregate = APPLY["aggregate"]


def read_coinr(idata: str | Path, imeta: str | Path) -> Coin:
    """A coin from COINr's two input tables (``iData``, ``iMeta``), e.g. to rerun a COINr index here.

    ``iMeta`` rows of type Indicator and Aggregate form the tree; the ``iData`` columns named by rows of type
    Group or Denominator (and ``Time``) become the coin's ``groups``. Units are indexed by ``uCode``.
    """
    data = pd.read_csv(idata).set_index("uCode")
    table = pd.read_csv(imeta)
    tree = table[table["Type"].isin(["Indicator", "Aggregate"])]
    meta = tree.rename(columns={"iCode": "code", "Level": "level", "Parent": "parent", "Weight": "weight",
                                "Direction": "direction", "Denominator": "denominator", "Target": "target"})
    meta = meta.set_index("code").astype({"level": int})
    keep = [c for c in ("parent", "level", "weight", "direction", "denominator", "target") if c in meta.columns]
    extra = list(table.loc[table["Type"].isin(["Group", "Denominator"]), "iCode"])
    extra += [c for c in ("Time",) if c in data.columns]
    groups = data[[c for c in extra if c in data.columns]]
    return new_coin(data, meta[keep], groups=groups if len(groups.columns) else None)
