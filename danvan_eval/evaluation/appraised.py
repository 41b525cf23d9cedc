"""A year scored on appraised values, shown beside the self-assessment: what changed, where, and why.

Pure functions of two evaluations of the same year (``self_assessed``: the units' own figures; ``appraised``: after
the Department's appraisal) and of the appraisal decisions in force (``model.appraisal.latest``).
"""

from __future__ import annotations

import pandas as pd

from .scoring import Evaluation

SELF_COLUMNS = ["composite_self_assessed", "rank_self_assessed", "rank_shift", "n_adjusted"]
ADJUSTMENT_COLUMNS = ["year", "unit_code", "name_vi", "kind", "area", "indicator_id", "label_vi", "decision",
                      "reported_value", "appraised_value", "score_self_assessed", "score_appraised", "reason",
                      "evidence", "appraiser", "date"]


def with_self_assessed(scores: pd.DataFrame, self_assessed: Evaluation, decisions: pd.DataFrame) -> pd.DataFrame:
    """``scores`` (of the appraised evaluation) with the self-assessed composite and rank beside them, the rank
    shift the appraisal caused (``rank_self_assessed − rank``: negative when the unit fell) and how many of the
    unit's values were adjusted or rejected."""
    own = self_assessed.of_year("units").set_index("unit_code")
    changed = decisions[decisions["decision"].isin(["adjusted", "rejected"])]
    counts = changed.groupby("unit_code").size()
    out = scores.copy()
    out["composite_self_assessed"] = out["unit_code"].map(own["composite"])
    out["rank_self_assessed"] = out["unit_code"].map(own["rank"]).astype("Int64")
    out["rank_shift"] = (out["rank_self_assessed"] - out["rank"].astype("Int64")).astype("Int64")
    out["n_adjusted"] = out["unit_code"].map(counts).fillna(0).astype(int)
    return out


def adjustments(decisions: pd.DataFrame, self_assessed: Evaluation, appraised: Evaluation) -> pd.DataFrame:
    """One row per value the appraisal changed (adjusted or rejected), with the indicator's score before and
    after, the reason and the evidence, in unit then framework order."""
    fw = appraised.framework
    changed = decisions[decisions["decision"].isin(["adjusted", "rejected"])]
    key = ["unit_code", "indicator_id"]
    before = self_assessed.of_year("indicators").set_index(key)["score"].rename("score_self_assessed")
    after = appraised.of_year("indicators").set_index(key)["score"].rename("score_appraised")
    units = appraised.of_year("units").set_index("unit_code")[["name_vi", "kind"]]
    labels = pd.concat([fw.indicators[["area", "label_vi"]], fw.auxiliary[["label_vi"]].assign(area=None)])
    out = (changed.join(units, on="unit_code").join(labels, on="indicator_id")
           .join(before, on=key).join(after, on=key))
    order = {i: k for k, i in enumerate(labels.index)}
    out = out.assign(_o=out["indicator_id"].map(order)).sort_values(["unit_code", "_o"], kind="stable")
    return out.reindex(columns=ADJUSTMENT_COLUMNS).reset_index(drop=True)


def by_area(adjusted: pd.DataFrame) -> pd.DataFrame:
    """How many values were adjusted and rejected in each area, with the reasons given (for the annual report)."""
    if adjusted.empty:
        return pd.DataFrame(columns=["area", "adjusted", "rejected", "reasons"])
    rows = []
    for area, part in adjusted.groupby(adjusted["area"].fillna(""), sort=True):
        rows.append({"area": area or None, "adjusted": int((part["decision"] == "adjusted").sum()),
                     "rejected": int((part["decision"] == "rejected").sum()),
                     "reasons": "; ".join(dict.fromkeys(part["reason"].astype(str)))})
    return pd.DataFrame(rows)
