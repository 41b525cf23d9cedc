"""The unit report, section by section: what ``notebooks/unit_report.ipynb`` displays, in order.

One call returns every section's displayed objects, so that the notebook runs them in one cell (each cell costs
a kernel round trip: ~8 ms, a tenth of a warm report) and the report's order is tested like any function.
"""

from __future__ import annotations

from pathlib import Path

from . import continuity_views, plots, registry_views, views
from .views import ReportData


def sections(data: ReportData, unit_code: str, lang: str, outputs_dir: str | Path) -> list:
    """The unit's report: heading and key figures (with any registry figure unknown or estimated, in words),
    comments, area scores (table and bars: a radar, as on the dashboard, would repeat the same six numbers),
    indicators, what to improve, values to verify and the appraisal, trend, timeliness, and from 2025 its
    former district's results as the territory's context (never as the unit's own past)."""
    return [
        views.unit_heading(data, unit_code, lang), views.key_figures(data, unit_code, lang),
        *registry_views.unit_figures(data, unit_code, lang),
        views.section("narrative", lang), views.unit_narrative(data, unit_code, lang),
        views.section("areas", lang), views.area_table(data, unit_code, lang),
        plots.area_bars(data.scores, unit_code, data.framework, lang),
        views.section("indicators", lang), views.indicator_table(data, unit_code, lang),
        views.section("improve", lang), views.improve(data, unit_code, lang),
        views.section("to_verify", lang), views.to_verify_table(data, unit_code, lang),
        views.section("appraisal", lang), views.adjustment_table(data, unit_code, lang),
        views.section("trend", lang), views.trend_table(data, unit_code, lang),
        plots.trend_chart(data.trend, unit_code, lang),
        views.section("compliance", lang), views.compliance_table(data, unit_code, lang),
        *continuity_views.former_district_context(continuity_views.read_continuity(outputs_dir, data.year),
                                                  unit_code, lang),
    ]
