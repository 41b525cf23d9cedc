"""The Department of Home Affairs' annual synthesis report (.docx, Vietnamese), drafted from a scored year.

Plan, section III.1: every year the Department synthesises and evaluates the results of Directive 33/CT-TTg in
the province and reports to the Ministry of Home Affairs and the provincial People's Committee. This module
writes that report as a draft in the form of Decree 30/2020/NĐ-CP: every figure comes from ``outputs/<Y>/`` (so
it equals the scores), and the parts only a person can write (assessment, proposals) are highlighted
placeholders. The registry's peer groups are separate throughout; the issuing body, place and recipients come
from the run's province profile (``parameters/province/``). Word formatting lives in ``report_docx``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..evaluation import appraised as appraised_mod
from ..evaluation import compliance as compliance_mod
from ..evaluation import narrative
from ..evaluation.comparison import group_mean, paired_change
from ..formatting import number, percent, quoted
from ..messages import tr
from ..model import groups as peer_groups
from ..model.framework import Framework, default_framework_path, load_framework
from ..model.province import Province, load_province
from ..model.runs import load_run
from ..model.units import in_sentence, load_registry
from ..outputs import read_year, sha256
from ..paths import PROJECT_ROOT
from . import continuity_views, maps, plots, results_views
from . import word as dx

DIRECTIVE = "Chỉ thị số 33/CT-TTg ngày 26/11/2021 của Thủ tướng Chính phủ"
NOTABLE_CHANGE = 10.0  # points: a change of an area score this large is named in the report
MAX_MISSING_INDICATORS = 5
PAGE_ROWS = 40  # units on one printed heatmap or ranking: 7 to 8-point names keep a row each on an A4 page
METHOD_NAMES = {"goalposts": "mốc chuẩn cố định của khung chỉ tiêu", "amean": "bình quân cộng có trọng số",
                "gmean": "bình quân nhân có trọng số", "hmean": "bình quân điều hòa có trọng số",
                "none": "không ước tính số liệu thiếu", "previous": "lấy số liệu năm gần nhất của đơn vị"}
PLACEHOLDER = "[Phần do cán bộ viết: {}]"
PLAN_PLACEHOLDER = "Kế hoạch số …/KH-UBND ngày …/01/2022"  # the run file's ``plan`` while it is empty
CRITERIA_PLACEHOLDER = "[Văn bản thông qua tiêu chí và mức độ thực hiện: số, ngày, cơ quan ban hành]"


@dataclass(frozen=True)
class ReportData:
    """What the report is drafted from: the year's scored tables read back, the framework, last year's scores."""

    year: int
    framework: Framework
    scores: pd.DataFrame
    previous: pd.DataFrame | None
    indicators: pd.DataFrame | None
    compliance: pd.DataFrame | None
    manifest: dict[str, Any]
    continuity: dict[str, pd.DataFrame] = field(default_factory=dict)  # from 2025: the tables across the reform
    province: Province | None = None
    plausibility: pd.DataFrame | None = None  # the values to verify
    appraisal: pd.DataFrame | None = None  # the values the appraisal changed (a year scored on appraised values)
    unit_kinds: pd.Series | None = None  # code → the registry's kind of unit (how its name reads in a sentence)
    results: pd.DataFrame | None = None  # the actual results by peer group and for the province (results.csv)
    registry_figures: pd.DataFrame | None = None  # registry figures unknown or estimated (evaluation.registry_figures)
    free_text: pd.DataFrame | None = None  # the units' own words (free_text.csv): compiled into sections III–IV
    ministry: bool = False  # the version for the Ministry of Home Affairs: no ranking, no unit named as best or worst
    ranks_note: str = ""  # a run without ranks (ranks: false): why, from its run file; "" when the year is ranked

    @property
    def ranked(self) -> bool:
        return not self.ranks_note

    @property
    def kinds(self) -> list[str]:
        return peer_groups.order(self.scores["kind"])

    @property
    def has_interval(self) -> bool:
        cols = ["rank_p05", "rank_p95"]
        return set(cols) <= set(self.scores.columns) and bool(self.scores[cols].notna().any().all())

    def of_kind(self, kind: str) -> pd.DataFrame:
        return self.scores[self.scores["kind"] == kind]

    def named(self, unit: pd.Series) -> str:
        """The unit's name inside a sentence (``huyện Hoài Ân``, ``Sở Nội vụ``)."""
        kind = self.unit_kinds.get(str(unit["unit_code"])) if self.unit_kinds is not None else None
        return in_sentence(unit["name_vi"], kind)


MINISTRY_SUFFIX = "-bo-noi-vu"  # the Ministry's version sits beside the province's: bao-cao-chi-thi-33-<Y>-bo-noi-vu.docx


def write_reports(outputs_dir: Path, year: int, out: Path | None = None) -> list[Path]:
    """Both versions of the report of ``year``: to the provincial People's Committee (``out``, with every unit's
    assessment and rank) and to the Ministry of Home Affairs (beside it, ``…-bo-noi-vu.docx``: no ranking)."""
    data = load_data(Path(outputs_dir), year)
    out = Path(out) if out else Path(outputs_dir) / str(year) / f"bao-cao-chi-thi-33-{year}.docx"
    ministry = out.with_name(f"{out.stem}{MINISTRY_SUFFIX}{out.suffix}")
    return [dx.save_atomic(build_document(data), out),
            dx.save_atomic(build_document(dataclasses.replace(data, ministry=True)), ministry)]


def write_report(outputs_dir: Path, year: int, out: Path | None = None) -> Path:
    """Draft the annual report of ``year`` from ``outputs_dir/<year>/`` and save it (atomically).

    Parameters
    ----------
    outputs_dir : the folder holding ``<year>/scores.csv`` and the other tables of a run.
    year : the evaluated year.
    out : the .docx to write; default ``outputs_dir/<year>/bao-cao-chi-thi-33-<year>.docx``.

    Returns
    -------
    The path written.
    """
    data = load_data(Path(outputs_dir), year)
    out = Path(out) if out else Path(outputs_dir) / str(year) / f"bao-cao-chi-thi-33-{year}.docx"
    return dx.save_atomic(build_document(data), out)


def load_data(outputs_dir: Path, year: int) -> ReportData:
    """Read the scored year (raises a bilingual error if it was not scored) and the framework it used."""
    yo = read_year(outputs_dir, year)
    unit_kinds = None
    if (units := _pinned(yo.manifest, "units")) is not None:  # loading registers the names and order of its groups
        unit_kinds = load_registry(units).units.drop_duplicates("code", keep="last").set_index("code")["kind"]
    scores = yo.scores
    unc = yo.uncertainty
    extra = [c for c in ("rank_median", "rank_p05", "rank_p95") if unc is not None and c in unc.columns]
    if extra and "unit_code" in unc.columns and not {"rank_p05", "rank_p95"} <= set(scores.columns):
        scores = scores.merge(unc[["unit_code", *extra]], on="unit_code", how="left")
    trend = yo.trend
    previous = trend[trend["year"] == year - 1] if trend is not None else None
    return ReportData(
        year=year,
        framework=_framework(yo.manifest),
        scores=scores.reset_index(drop=True),
        previous=previous if previous is not None and len(previous) else None,
        indicators=yo.indicators,
        compliance=yo.compliance,
        manifest=yo.manifest,
        continuity=continuity_views.read_continuity(outputs_dir, year),
        province=load_province(_pinned(yo.manifest, "province")),
        plausibility=yo.plausibility,
        appraisal=yo.appraisal,
        unit_kinds=unit_kinds,
        results=yo.results,
        free_text=yo.free_text,
        registry_figures=yo.registry_figures,
        ranks_note=_ranks_note(yo.manifest),
    )


def _ranks_note(manifest: dict[str, Any]) -> str:
    """Why the year has no ranks (the run file's ``ranks_note``), or "" for a ranked year."""
    path = _pinned(manifest, "run")
    if path is None:
        return ""
    run = load_run(path)
    return "" if run.ranks else run.ranks_note.get("vi", "")


def _pinned(manifest: dict[str, Any], key: str) -> Path | None:
    """An input file the run's manifest names (relative to the project root), if it still exists."""
    recorded = manifest.get("inputs", {}).get(key, {}).get("path")
    path = PROJECT_ROOT / recorded if recorded else None
    return path if path is not None and path.is_file() else None


def _framework(manifest: dict[str, Any]) -> Framework:
    """The framework the run used: the file its manifest names (relative to the project root) when its hash
    still matches, else the shipped file of the same version, else the default framework."""
    root = PROJECT_ROOT
    recorded = manifest.get("inputs", {}).get("framework", {})
    candidates = [root / recorded["path"]] if recorded.get("path") else []  # an absolute path stays as it is
    if manifest.get("framework_version"):
        candidates.append(default_framework_path(manifest["framework_version"]))
    existing = [p for p in candidates if p.is_file()]
    same = [p for p in existing if recorded.get("sha256") in (None, sha256(p))]
    return load_framework(next(iter(same + existing), default_framework_path()))


# ---------------------------------------------------------------- the document
def build_document(data: ReportData):
    """The whole report as a python-docx ``Document``."""
    y = data.year
    # the subject line (Decree 30/2020, Appendix I): the year, the directive with its date and issuer, its subject;
    # it breaks where an official would break it, not where the margin falls
    subject = (f"Kết quả thực hiện năm {y} Chỉ thị số 33/CT-TTg ngày 26/11/2021", "của Thủ tướng Chính phủ về tiếp"
               " tục tăng cường và đổi mới công tác dân vận", "của cơ quan hành chính nhà nước, chính quyền các cấp"
               " trong tình hình mới")
    prov = data.province or load_province()
    doc = dx.new_document(f"Báo cáo kết quả thực hiện năm {y} {DIRECTIVE}", prov.issuer_name, "DỰ THẢO")
    _header(doc, y, prov)
    if data.manifest.get("synthetic"):  # on every page: a synthetic run must never pass for a real report
        dx.footer_mark(doc, tr("synthetic.mark"))
    dx.paragraph(doc, [("BÁO CÁO", "b")], align="center", indent=False, before=18, after=0)
    dx.paragraph(doc, [(subject[0], "b"), ("\n", ""), (subject[1], "b"), ("\n", ""), (subject[2], "b")],
                 align="center", indent=False, after=2)
    dx.rule(doc, dx.TITLE_RULE_MM, dx.TEXT_WIDTH_MM, after=12)
    dx.paragraph(doc, [("Thực hiện ", ""), *_plan_runs(data), (" của Ủy ban nhân dân tỉnh triển khai thực hiện"
                       f" {DIRECTIVE} về tiếp tục tăng cường và đổi mới công tác dân vận của cơ quan hành chính nhà"
                       f" nước, chính quyền các cấp trong tình hình mới; trên cơ sở báo cáo của {prov.reporting_units},"
                       f" Sở Nội vụ tổng hợp, đánh giá kết quả thực hiện năm {y} như sau:", "")])
    counter = {"table": 0, "figure": 0}
    _section_reporting(doc, data, counter)
    _section_results(doc, data, counter)
    if data.continuity:
        _section_continuity(doc, data, counter)
    _section_assessment(doc, data)
    _section_proposals(doc, data)
    dx.paragraph(doc, f"Trên đây là báo cáo kết quả thực hiện {DIRECTIVE} năm {y} trên địa bàn tỉnh {prov.province_vi},"
                      " Sở Nội vụ báo cáo Bộ Nội vụ, Ủy ban nhân dân tỉnh theo quy định./.")
    _recipients_and_signature(doc, prov)
    _appendix(doc, data, counter)
    return doc


def _header(doc, year: int, prov: Province) -> None:
    """Issuing body left, national title and motto right, then the number and the place and date (Decree 30)."""
    left, right = dx.HEADER_COLUMNS_MM
    table = dx.layout_table(doc, dx.HEADER_COLUMNS_MM)
    body, nation = table.rows[0].cells
    dx.cell_line(body, prov.issuer_parent, 13, first=True)
    dx.cell_line(body, [(prov.issuer, "b")], 13)
    dx.rule(body, dx.AGENCY_RULE_MM, left)
    dx.cell_line(nation, [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "b")], 12, first=True)
    dx.cell_line(nation, [("Độc lập - Tự do - Hạnh phúc", "b")], 13)
    dx.rule(nation, dx.MOTTO_RULE_MM, right)
    number, place = table.add_row().cells
    dx.cell_line(number, prov.number, 13, first=True, before=6)
    dx.cell_line(place, [(f"{prov.place}, ngày       tháng       năm {year}", "i")], 14, first=True, before=6)


def _plan_runs(data: ReportData) -> list[tuple[str, str]]:
    """The plan cited by number and date (run file ``plan``), or a highlighted blank to fill in."""
    plan = str(data.manifest.get("plan") or "")
    return [(plan, "")] if plan else [(PLAN_PLACEHOLDER, "h")]


def _criteria_runs(data: ReportData) -> list[tuple[str, str]]:
    """The document adopting the criteria and levels (run file ``criteria_document``), or a highlighted blank."""
    document = str(data.manifest.get("criteria_document") or "")
    return [(document, "")] if document else [(CRITERIA_PLACEHOLDER, "h")]


# ---------------------------------------------------------------- I. reporting
def _section_reporting(doc, data: ReportData, counter: dict) -> None:
    dx.heading(doc, "I. TÌNH HÌNH TRIỂN KHAI VÀ CHẤP HÀNH CHẾ ĐỘ BÁO CÁO", 1)
    dx.heading(doc, "1. Công tác lãnh đạo, chỉ đạo, triển khai thực hiện", 2)
    dx.placeholder(doc, PLACEHOLDER.format("công tác lãnh đạo, chỉ đạo, quán triệt và ban hành văn bản triển"
                                           " khai của Ủy ban nhân dân tỉnh, các sở, ban, ngành và địa phương …"))
    dx.heading(doc, "2. Tình hình báo cáo của các cơ quan, đơn vị", 2)
    comp = data.compliance
    if comp is None or comp.empty:
        dx.paragraph(doc, "Không có số liệu về tình hình gửi báo cáo của các cơ quan, đơn vị trong kết quả đánh giá.")
        return
    summary = compliance_mod.summary(comp).set_index("group")
    p = summary.loc["province"]
    groups = "; ".join(f"{int(summary.loc[k, 'expected'])} {_kind_label(k)}" for k in data.kinds)
    dx.paragraph(doc, f"Theo Kế hoạch, các cơ quan, đơn vị báo cáo kết quả thực hiện trước ngày"
                      f" {_date(_deadline(data))}. Năm {data.year} có {int(p['expected'])} cơ quan, đơn vị phải báo"
                      f" cáo ({groups}); Sở Nội vụ đã nhận được báo cáo của {int(p['received'])} đơn vị"
                      f" ({percent(p['received_pct'])}), trong đó {int(p['on_time'])} đơn vị báo cáo đúng hạn"
                      f" ({percent(p['on_time_pct'])}) và {int(p['complete'])} đơn vị báo cáo đầy đủ số liệu các"
                      f" chỉ tiêu ({percent(p['complete_pct'])}). Chi tiết tại Bảng {counter['table'] + 1}.",
                 keep_next=True)
    rows = []
    for group in [*data.kinds, "province"]:
        s = summary.loc[group]
        label = tr("label.province") if group == "province" else peer_groups.label(group, "vi")
        rows.append([label, str(int(s["expected"])), *(f"{int(s[k])} ({percent(s[f'{k}_pct'])})"
                                                       for k in ("received", "on_time", "complete"))])
    _table_caption(doc, counter, f"Tình hình báo cáo của các cơ quan, đơn vị năm {data.year}")
    dx.data_table(doc, ["Khối", "Phải báo cáo", "Đã gửi báo cáo", "Đúng hạn", "Đầy đủ số liệu"], rows,
                  dx.columns_mm([None, 25, 30, 30, 30]), ["left", "center", "center", "center", "center"])
    dx.paragraph(doc, "", after=0)
    for text in _appraisal_words(data):
        dx.paragraph(doc, text)


def _appraisal_words(data: ReportData) -> list[str]:
    """The appraisal of the units' figures: how many values were adjusted or rejected, and why, area by area; in a
    year scored on self-assessed figures, how many values the plausibility checks flagged."""
    found = data.plausibility if data.plausibility is not None else pd.DataFrame(columns=["unit", "indicator"])
    flagged = found.drop_duplicates(["unit", "indicator"])
    checked = (f"Kiểm tra tính hợp lý của số liệu (so với năm trước, với các đơn vị cùng khối, giữa các chỉ tiêu)"
               f" phát hiện {len(flagged)} giá trị của {flagged['unit'].nunique()} đơn vị cần xác minh.")
    if "composite_self_assessed" not in data.scores.columns:
        return [checked + f" Kết quả năm {data.year} được tính trên số liệu tự đánh giá của các đơn vị, chưa qua"
                          " thẩm định."] if len(flagged) else []
    changed = data.appraisal if data.appraisal is not None else pd.DataFrame(columns=["decision", "area"])
    n_adj, n_rej = int((changed["decision"] == "adjusted").sum()), int((changed["decision"] == "rejected").sum())
    lines = [checked + f" Sở Nội vụ đã thẩm định số liệu tự đánh giá: {n_adj} giá trị được điều chỉnh và {n_rej} giá"
                       f" trị không được chấp nhận vì không có căn cứ, của {changed['unit_code'].nunique()} đơn vị;"
                       f" kết quả năm {data.year} được tính trên số liệu đã thẩm định (điểm theo số liệu tự đánh giá"
                       " ghi kèm trong bảng kết quả)."]
    labels = data.framework.areas["short_vi"]
    for rec in appraised_mod.by_area(changed).itertuples(index=False):
        area = f"Lĩnh vực {rec.area[1:]} ({labels.get(rec.area, rec.area)})" if rec.area else "Số liệu bổ trợ"
        lines.append(f"- {area}: {rec.adjusted} giá trị điều chỉnh, {rec.rejected} giá trị không chấp nhận;"
                     f" lý do: {rec.reasons}.")
    return lines


def _deadline(data: ReportData) -> dt.date:
    """The deadline the run used: any arrival date minus its days late; else the framework's."""
    comp = data.compliance
    known = comp.dropna(subset=["received", "days_late"]) if comp is not None else pd.DataFrame()
    if len(known):
        row = known.iloc[0]
        return dt.date.fromisoformat(str(row["received"])[:10]) - dt.timedelta(days=int(row["days_late"]))
    return dt.date(data.year, *data.framework.deadline)


# ---------------------------------------------------------------- II. results
def _section_results(doc, data: ReportData, counter: dict) -> None:
    y, prev = data.year, data.previous
    dx.heading(doc, "II. KẾT QUẢ THỰC HIỆN", 1)
    dx.heading(doc, "1. Kết quả chung", 2)
    for kind in data.kinds:
        s = data.of_kind(kind)
        scored = int(s["composite"].notna().sum())
        unscored = f"; {len(s) - scored} đơn vị chưa đủ số liệu" if scored < len(s) else ""
        text = (f"- {_kind_words(kind, capital=True)} ({scored} đơn vị có điểm tổng hợp{unscored}): điểm tổng hợp"
                f" bình quân {_points(group_mean(s['composite']))}{_change_words(data, kind, 'composite')}"
                f"{_best_worst(data, s, 'composite')}. Mức độ thực hiện: {_band_counts(data, s)}.")
        dx.paragraph(doc, text + ("" if data.ministry else _composite_movers(data, s)))
    if prev is None:
        dx.paragraph(doc, f"Chưa có kết quả đánh giá năm {y - 1} để so sánh.")
    dx.figure(doc, plots.band_distribution(data.scores, data.framework),
              _figure_caption(counter, f"Số đơn vị theo mức độ thực hiện năm {y}"))

    dx.heading(doc, "2. Kết quả thực hiện các nội dung của Kế hoạch", 2)
    figures = results_views.area_tables(data.results, data.framework)
    pages = plots.page_parts(data.scores, PAGE_ROWS)
    first = counter["figure"] + 1
    where = f"Hình {first}" if len(pages) == 1 else f"Hình {first}–{first + len(pages) - 1}"
    dx.paragraph(doc, f"Điểm từng lĩnh vực của các cơ quan, đơn vị tại {where}; kết quả"
                      " từng lĩnh vực (điểm và số liệu thực hiện) như sau:", keep_next=True)
    sizes = data.scores["kind"].value_counts().to_dict()
    _paged_figures(doc, counter, pages, lambda part: plots.area_heatmap(part, data.framework, sizes=sizes),
                   f"Điểm từng lĩnh vực của các cơ quan, đơn vị năm {y}")
    letters = "abcdđeghiklmn"
    for i, (letter, (area, row)) in enumerate(zip(letters, data.framework.areas.iterrows()), start=1):
        dx.heading(doc, f"{letter}) Lĩnh vực {i}: {row['label_vi']} (mục {row['clause']} của Kế hoạch)", 3)
        for kind in data.kinds:
            s = data.of_kind(kind)
            text = (f"- {_kind_words(kind, capital=True)}: điểm bình quân {_points(group_mean(s[area]))}"
                    f"{_scored_of(s, area)}{_change_words(data, kind, area)}{_best_worst(data, s, area)}.")
            dx.paragraph(doc, text + _indicator_words(data, kind, area))
        if prev is not None and not data.ministry:
            dx.paragraph(doc, _area_movers(data, area))
        if area in figures:
            _results_table(doc, data, counter, figures[area], i)
    if figures:
        dx.paragraph(doc, [(results_views.note(y), "i")], size=12)

    dx.heading(doc, "3. Kết quả đánh giá mức độ thực hiện của các cơ quan, đơn vị", 2)
    if data.ministry:
        dx.paragraph(doc, [("Các cơ quan, đơn vị được đánh giá mức độ thực hiện theo thang 100 điểm, theo ", ""),
                           *_criteria_runs(data), (f": {_band_rules(data.framework)}; số đơn vị theo từng mức tại"
                                                   " Hình 1. Kết quả đánh giá từng cơ quan, đơn vị được báo cáo Ủy ban"
                                                   " nhân dân tỉnh.", "")])
        return
    groups = "; ".join(_kind_words(k) for k in data.kinds)
    ranked = "được đánh giá, xếp hạng" if data.ranked else "được đánh giá (không xếp hạng)"
    dx.paragraph(doc, [(f"Các cơ quan, đơn vị {ranked} trong khối của mình ({groups}). Điểm tổng"
                        " hợp theo thang 100 điểm; mức độ thực hiện theo ", ""),
                       *_criteria_runs(data), (f": {_band_rules(data.framework)}.", "")])
    if not data.ranked:
        dx.paragraph(doc, data.ranks_note)
    for kind in data.kinds:
        _table_caption(doc, counter, f"Kết quả đánh giá {_kind_words(kind)} năm {y}")
        header, rows, widths, align = _unit_table(data, kind)
        dx.data_table(doc, header, rows, widths, align)
        dx.paragraph(doc, "", after=0)
    if _marked(data):
        note = ("(*) Đơn vị có số liệu danh mục (dân số …) chưa rõ hoặc là số ước tính: kết quả dựa trên các chỉ tiêu"
                " còn lại hoặc trên số ước tính (xem mục III.2).")
        dx.paragraph(doc, [(note, "i")], size=12)
    if data.has_interval:
        note = ("Khoảng xếp hạng: thứ hạng của đơn vị nằm trong khoảng này ở 90% số lần tính lại khi thay đổi"
                " các lựa chọn về phương pháp (phân tích độ bất định); khoảng càng hẹp thì thứ hạng càng ổn định.")
        dx.paragraph(doc, [(note, "i")], size=12)
    if narrative.has_levels(data.scores):
        share = percent(100 * data.framework.level_stability, digits=0)
        note = ("Mức độ thực hiện ghi “(chưa ổn định)”: khi thay đổi các lựa chọn về phương pháp trên thang điểm"
                f" tuyệt đối (mốc chuẩn cố định), dưới {share} số lần tính lại cho cùng mức; các mức khác là ổn định.")
        dx.paragraph(doc, [(f"{note} {narrative.unstable_levels(data.scores, data.framework)}", "i")], size=12)
    _paged_figures(doc, counter, plots.page_parts(data.scores, PAGE_ROWS),
                   lambda part: plots.ranking_chart(part, framework=data.framework, ranked=data.ranked),
                   f"Điểm tổng hợp và mức độ thực hiện của các cơ quan, đơn vị năm {y}")
    if (chart := maps.choropleth(data.scores, data.framework)) is not None:
        dx.figure(doc, chart, _figure_caption(counter, maps.caption(data.scores, y)), max_height_mm=160)
    if data.has_interval and "rank_median" in data.scores.columns:
        _paged_figures(doc, counter, plots.page_parts(data.scores.dropna(subset=["rank_median"]), PAGE_ROWS),
                       plots.rank_interval_chart, f"Khoảng xếp hạng của các cơ quan, đơn vị năm {y}")


def _results_table(doc, data: ReportData, counter: dict, table: pd.DataFrame, i: int) -> None:
    """The actual figures of area ``i``: a row per indicator, a column per peer group and the province."""
    _table_caption(doc, counter, f"Kết quả thực hiện lĩnh vực {i} năm {data.year}"
                                 + (f" so với năm {data.year - 1}" if data.previous is not None else ""))
    header = [str(table.columns.name), *map(str, table.columns)]
    rows = [[str(k), *v] for k, v in zip(table.index, table.to_numpy().tolist())]
    n = len(table.columns)
    dx.data_table(doc, header, rows, dx.columns_mm([None, *[min(32, 100 // n)] * n]), ["left", *["center"] * n],
                  size=11)
    dx.paragraph(doc, "", after=0)


def _section_continuity(doc, data: ReportData, counter: dict) -> None:
    """The province series 2022→ on the indicators whose definition did not change, the 2025 break marked."""
    dx.heading(doc, f"4. {tr('report.section_continuity', 'vi', year=data.year)}", 2)
    _table_caption(doc, counter, tr("report.section_continuity", "vi", year=data.year))
    _, table, notes = continuity_views.province_series(data.continuity, "vi")
    header = [table.index.name, *map(str, table.columns)]
    rows = [[i, *row] for i, row in zip(table.index, table.to_numpy().tolist())]
    dx.data_table(doc, header, rows, dx.columns_mm([70, *[None] * (len(header) - 1)]),
                  ["left", *["right"] * (len(header) - 1)], size=11)
    dx.paragraph(doc, [(notes.data, "i")], size=12)


def _unit_table(data: ReportData, kind: str) -> tuple[list[str], list[list[str]], list[float], list[str]]:
    """Header, rows, widths and alignment of the table of every unit of a peer group, best rank first."""
    s = data.of_kind(kind).sort_values(["rank", "name_vi"], na_position="last", kind="stable")
    prev = f"So với năm {data.year - 1}"
    header = ["TT", "Cơ quan, đơn vị", "Điểm tổng hợp", prev, "Mức độ thực hiện", "Xếp hạng"]
    widths = [10, None, 20, 20, 28, 18, 24] if data.has_interval else [10, None, 22, 22, 32, 20]
    if data.has_interval:
        header.append("Khoảng xếp hạng")
    if not data.ranked:  # a year without ranks: the units by name, scores and levels only
        header, widths = header[:5], [10, None, 24, 24, 36]
        s = s.sort_values("name_vi", kind="stable")
    rows = []
    together = narrative.tied(s)
    for i, (k, u) in enumerate(s.iterrows(), start=1):
        insufficient = pd.isna(u["composite"])
        row = [str(i), str(u["name_vi"]) + (" (*)" if u["unit_code"] in _marked(data) else ""),
               tr("label.insufficient_data") if insufficient else number(u["composite"]),
               number(u["composite_change"], sign=True), _band_label(data, u["band"]) + _unstable_mark(u),
               narrative.rank_label(u["rank"], together[k])]
        if data.has_interval:
            row.append(_interval(u))
        rows.append(row[: len(header)])
    align = ["center", "left", "center", "center", "left", "center", "center"][: len(header)]
    return header, rows, dx.columns_mm(widths), align


# ---------------------------------------------------------------- III. assessment, IV. proposals
def _section_assessment(doc, data: ReportData) -> None:
    dx.heading(doc, "III. ĐÁNH GIÁ CHUNG", 1)
    dx.heading(doc, "1. Ưu điểm", 2)
    _their_words(doc, data, "highlights", "Kết quả nổi bật do các cơ quan, đơn vị báo cáo:")
    dx.placeholder(doc, PLACEHOLDER.format("đánh giá chung về ưu điểm, kết quả nổi bật, mô hình “Dân vận khéo”"
                                           " tiêu biểu …"))
    dx.heading(doc, "2. Tồn tại, hạn chế và nguyên nhân", 2)
    found = _difficulties(data)
    dx.paragraph(doc, "Qua tổng hợp số liệu báo cáo của các cơ quan, đơn vị:" if found else
                 "Các cơ quan, đơn vị đã gửi báo cáo đúng hạn, đầy đủ số liệu các chỉ tiêu.")
    for line in found:
        dx.paragraph(doc, f"- {line}")
    _their_words(doc, data, "difficulties", "Khó khăn, vướng mắc, tồn tại, hạn chế do các cơ quan, đơn vị nêu:")
    _their_words(doc, data, "causes", "Nguyên nhân do các cơ quan, đơn vị nêu:")
    dx.placeholder(doc, PLACEHOLDER.format("đánh giá chung về tồn tại, hạn chế và nguyên nhân (khách quan, chủ"
                                           " quan) …"))
    dx.heading(doc, "3. Bài học kinh nghiệm", 2)
    _their_words(doc, data, "models", "Mô hình, cách làm tiêu biểu do các cơ quan, đơn vị báo cáo:")
    dx.placeholder(doc, PLACEHOLDER.format("bài học kinh nghiệm rút ra từ kết quả thực hiện và các mô hình, cách"
                                           " làm tiêu biểu …"))


def _their_words(doc, data: ReportData, field_: str, lead: str) -> None:
    """The units' own words on one question, each unit named (``- Huyện An Lão: …``), groups in their order."""
    words = data.free_text
    mine = words[words["field"] == field_] if words is not None else pd.DataFrame()
    if mine.empty:
        return
    units = data.scores.set_index("unit_code")
    rank = {k: i for i, k in enumerate(data.kinds)}
    mine = mine.assign(_g=mine["unit_code"].map(units["kind"]).map(rank)).sort_values(["_g", "unit_code"])
    dx.paragraph(doc, lead, keep_next=True)
    for r in mine.itertuples(index=False):
        name = units.at[r.unit_code, "name_vi"] if r.unit_code in units.index else r.unit_code
        text = " ".join(str(r.text).split())  # the cell's line breaks as spaces: one paragraph per unit
        dx.paragraph(doc, f"- {name}: {text}")


def _section_proposals(doc, data: ReportData) -> None:
    dx.heading(doc, "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ VÀ ĐỀ XUẤT, KIẾN NGHỊ", 1)
    dx.heading(doc, f"1. Phương hướng, nhiệm vụ năm {data.year + 1}", 2)
    dx.placeholder(doc, PLACEHOLDER.format(f"phương hướng, nhiệm vụ trọng tâm năm {data.year + 1} …"))
    dx.heading(doc, "2. Đề xuất, kiến nghị", 2)
    _their_words(doc, data, "proposals", "Đề xuất, kiến nghị của các cơ quan, đơn vị:")
    dx.placeholder(doc, PLACEHOLDER.format("đề xuất, kiến nghị của Sở Nội vụ với Bộ Nội vụ, Ủy ban nhân dân tỉnh …"))


def _difficulties(data: ReportData) -> list[str]:
    """Sentences on missing and late reports, incomplete data and unscored units, drawn from the tables."""
    out, comp = [], data.compliance
    silent: set[str] = set()
    if comp is not None and not comp.empty:
        not_received = comp[~comp["reported"].astype(bool)]
        silent = set(not_received["unit_code"])
        if len(not_received):
            out.append(f"{len(not_received)} đơn vị chưa gửi báo cáo: {_names(data, not_received)}.")
        late = comp[pd.to_numeric(comp["days_late"], errors="coerce") > 0].sort_values("days_late", ascending=False)
        if len(late):
            items = [f"{data.named(r)} (chậm {int(r['days_late'])} ngày)" for _, r in late.iterrows()]
            out.append(f"{len(late)} đơn vị gửi báo cáo chậm so với thời hạn: {', '.join(items)}.")
        partial = comp[(comp["completeness_pct"] < 100) & ~comp["unit_code"].isin(silent)]
        if len(partial):
            items = [f"{data.named(r)} ({percent(r['completeness_pct'])})"
                     for _, r in partial.sort_values("completeness_pct").iterrows()]
            out.append(f"{len(partial)} đơn vị báo cáo chưa đầy đủ số liệu các chỉ tiêu (tỷ lệ chỉ tiêu có số"
                       f" liệu): {', '.join(items)}.")
    ind = data.indicators
    if ind is not None and not ind.empty:
        missing = ind[(ind["status"] == "missing") & ~ind["unit_code"].isin(silent)]
        counts = missing.groupby("indicator_id").size().sort_values(ascending=False, kind="stable")
        if len(counts):
            labels = data.framework.indicators["label_vi"]
            items = [f"{quoted(labels.get(i, i))} ({n} đơn vị)" for i, n in counts.head(MAX_MISSING_INDICATORS).items()]
            out.append(f"Các chỉ tiêu thường thiếu số liệu: {', '.join(items)}.")
    out += _figure_words(data.registry_figures)
    unscored = data.scores[data.scores["composite"].isna() & ~data.scores["unit_code"].isin(silent)]
    if len(unscored):
        areas = list(data.framework.areas.index)
        items = [f"{data.named(u)} (thiếu số liệu lĩnh vực "
                 f"{', '.join(str(areas.index(a) + 1) for a in areas if pd.isna(u[a]))})"
                 for _, u in unscored.iterrows()]
        out.append(f"{len(unscored)} đơn vị chưa đủ số liệu để tính điểm tổng hợp và đánh giá mức độ thực hiện: {', '.join(items)}.")
    return out


def _marked(data: ReportData) -> set[str]:
    """The units whose result rests on a registry figure that is unknown or an estimate."""
    table = data.registry_figures
    return set() if table is None else set(table["unit_code"].astype(str))


def _figure_words(table: pd.DataFrame | None) -> list[str]:
    """Sentences naming the units whose registry figure is unknown (indicators not scored) or an estimate."""
    if table is None or table.empty:
        return []
    out = []
    unknown = ("chưa có số liệu chính thức về {a} trong danh mục đơn vị (không tự đặt số), nên các chỉ tiêu tính"
               " theo {a} của các đơn vị này không được chấm điểm")
    estimate = "được đánh giá trên số liệu {a} ước tính; kết quả các chỉ tiêu tính theo số liệu này là ước tính"
    for status, words in (("unknown", unknown), ("estimate", estimate)):
        for attribute, rows in table[table["status"] == status].groupby("attribute", sort=False):
            a = tr(f"figures.attribute.{attribute}", "vi")
            items = [in_sentence(r.name_vi) if pd.isna(r.value)
                     else f"{in_sentence(r.name_vi)} ({number(r.value, digits=0)}, ước tính)"
                     for r in rows.itertuples(index=False)]
            out.append(f"{len(rows)} đơn vị {words.format(a=a)}: {', '.join(items)}.")
    return out


# ---------------------------------------------------------------- recipients, signature, appendix
def _recipients_and_signature(doc, prov: Province) -> None:
    table = dx.layout_table(doc, (80, 85))
    left, right = table.rows[0].cells
    dx.cell_line(left, [("Nơi nhận:", "bi")], 12, align="left", first=True, before=12)
    for item in prov.recipients:
        dx.cell_line(left, f"- {item}", 11, align="left")
    dx.cell_line(right, [(prov.signer, "b")], 14, first=True, before=12, after=72)
    dx.cell_line(right, [("[Họ và tên]", "bh")], 14)


def _appendix(doc, data: ReportData, counter: dict) -> None:
    """Every unit's area scores (the figures behind the heat map), and how the scores were computed."""
    dx.page_break(doc)
    dx.paragraph(doc, [("Phụ lục", "b")], align="center", indent=False, after=0)
    dx.paragraph(doc, [(f"ĐIỂM TỪNG LĨNH VỰC CỦA CÁC CƠ QUAN, ĐƠN VỊ NĂM {data.year}", "b")], align="center",
                 indent=False, after=0)
    attached = f"(Kèm theo Báo cáo số        /BC-SNV ngày       tháng       năm {data.year} của Sở Nội vụ)"
    dx.paragraph(doc, [(attached, "i")], align="center", indent=False, after=12)
    areas = list(data.framework.areas.index)
    for kind in data.kinds:
        s = data.of_kind(kind).sort_values("unit_code", kind="stable")
        rows = [[str(i), str(u["name_vi"]), *(number(u[a]) for a in areas), number(u["composite"])]
                for i, (_, u) in enumerate(s.iterrows(), start=1)]
        _table_caption(doc, counter, f"Điểm từng lĩnh vực, {_kind_words(kind)}")
        dx.data_table(doc, ["TT", "Cơ quan, đơn vị", *(f"LV{i}" for i in range(1, len(areas) + 1)), "Tổng hợp"],
                      rows, dx.columns_mm([9, None, *([14] * len(areas)), 18]),
                      ["center", "left", *(["center"] * (len(areas) + 1))], size=11)
        dx.paragraph(doc, "", after=0)
    legend = "; ".join(f"LV{i}: {r['short_vi']} (mục {r['clause']})"
                       for i, (_, r) in enumerate(data.framework.areas.iterrows(), start=1))
    dx.paragraph(doc, [(f"Ghi chú: {legend}; “—”: {tr('label.insufficient_data', 'vi').lower()}.", "i")], size=12)
    opts = data.manifest.get("options", {})
    method = (f"Điểm từng chỉ tiêu được quy đổi về thang 100 điểm theo {_method(opts.get('normalisation', 'goalposts'))};"
              f" điểm từng lĩnh vực và điểm tổng hợp tính theo {_method(opts.get('aggregation', 'amean'))}; số liệu"
              f" thiếu: {_method(opts.get('imputation', 'none'))}. Khung chỉ tiêu {data.framework.version}.")
    dx.paragraph(doc, [(f"Phương pháp: {method}", "i")], size=12)


# ---------------------------------------------------------------- words
def _kind_label(kind: str) -> str:
    """``huyện, thị xã, thành phố`` / ``sở, ban, ngành``: the peer group's name inside a sentence."""
    label = peer_groups.label(kind, "vi")
    return f"{label[0].lower()}{label[1:]}"


def _paged_figures(doc, counter: dict, pages: list, draw, text: str) -> None:
    """One figure per part of ``plots.page_parts``, its caption naming the peer group and the part."""
    for group, part, k, parts in pages:
        caption = text if group is None else (f"{text}: {_kind_words(group)}"
                                              + (f" (phần {k}/{parts})" if parts > 1 else ""))
        dx.figure(doc, draw(part), _figure_caption(counter, caption))


def _kind_words(kind: str, capital: bool = False) -> str:
    return f"{'K' if capital else 'k'}hối {_kind_label(kind)}"


def _points(x: float) -> str:
    return tr("label.insufficient_data").lower() if pd.isna(x) else f"{number(x)} điểm"


def _scored_of(s: pd.DataFrame, column: str) -> str:
    """`` (9/10 đơn vị có điểm)`` when some units of the group have no score in ``column``; else nothing."""
    n = int(s[column].notna().sum())
    return f" ({n}/{len(s)} đơn vị có điểm)" if 0 < n < len(s) else ""


def _change_words(data: ReportData, kind: str, column: str) -> str:
    """The group's change since last year on the units scored in both years, saying on how many."""
    if data.previous is None:
        return ""
    before = data.previous[data.previous["kind"] == kind]
    paired = paired_change(data.of_kind(kind), before, column)
    last = data.year - 1
    if not paired.n:
        return f" (không có đơn vị nào có điểm cả năm {last} và năm {data.year} để so sánh)"
    delta = round(paired.change, 1)
    on = f"tính trên {paired.n} đơn vị có điểm cả hai năm"
    if delta == 0:
        return f" (so với năm {last}, {on}: không thay đổi)"
    return f" (so với năm {last}, {on}: {'tăng' if delta > 0 else 'giảm'} {number(abs(delta))} điểm)"


def _best_worst(data: ReportData, s: pd.DataFrame, column: str) -> str:
    scored = s.dropna(subset=[column]).sort_values([column, "unit_code"], ascending=[False, True], kind="stable")
    if data.ministry:  # no unit is named as best or worst in the Ministry's version
        return ""
    if scored.empty:
        return "; chưa có đơn vị nào đủ số liệu"
    best, worst = scored.iloc[0], scored.iloc[-1]
    return (f"; cao nhất là {data.named(best)} ({number(best[column])} điểm), thấp nhất là {data.named(worst)}"
            f" ({number(worst[column])} điểm)")


def _band_counts(data: ReportData, s: pd.DataFrame) -> str:
    parts = [f"{n} đơn vị “{_band_label(data, code)}”" for code in data.framework.bands["code"]
             if (n := int((s["band"] == code).sum()))]
    if n := int(s["band"].isna().sum()):
        parts.append(f"{n} đơn vị chưa đủ số liệu để đánh giá mức độ thực hiện")
    return "; ".join(parts)


def _unstable_mark(u: pd.Series) -> str:
    """" (chưa ổn định)" after the level of a unit whose level is not stable; "" otherwise."""
    unstable = pd.notna(u.get("p_level")) and pd.notna(u["band"]) and not narrative.stable(u["level_stable"])
    return " (chưa ổn định)" if unstable else ""


def _band_label(data: ReportData, code: Any) -> str:
    if pd.isna(code):
        return tr("label.insufficient_data")
    return str(data.framework.bands.set_index("code")["label_vi"].get(code, code))


def _band_rules(fw: Framework) -> str:
    """``từ 90 điểm trở lên: “…”; từ 70 đến dưới 90 điểm: “…”; …; dưới 50 điểm: “…”``, from the framework."""
    bands = fw.bands.sort_values("min", ascending=False).reset_index(drop=True)
    parts = []
    for i, b in bands.iterrows():
        lo, up = number(b["min"], digits=0), number(bands.loc[i - 1, "min"], digits=0) if i else ""
        rule = (f"từ {lo} điểm trở lên" if not i else f"dưới {up} điểm" if b["min"] <= 0
                else f"từ {lo} đến dưới {up} điểm")
        parts.append(f"{rule}: “{b['label_vi']}”")
    return "; ".join(parts)


def _composite_movers(data: ReportData, s: pd.DataFrame) -> str:
    moved = s.dropna(subset=["composite_change"]).sort_values(["composite_change", "unit_code"], kind="stable")
    if moved.empty:
        return ""
    up, down = moved.iloc[-1], moved.iloc[0]
    parts = []
    if up["composite_change"] > 0:
        parts.append(f"tăng nhiều nhất là {data.named(up)} ({number(up['composite_change'])} điểm)")
    if down["composite_change"] < 0:
        parts.append(f"giảm nhiều nhất là {data.named(down)} ({number(-down['composite_change'])} điểm)")
    return f" So với năm trước, {'; '.join(parts)}." if parts else ""


def _area_movers(data: ReportData, area: str) -> str:
    prev = data.previous.set_index("unit_code")[area]
    delta = (data.scores.set_index("unit_code")[area] - prev.reindex(data.scores["unit_code"]).to_numpy()).dropna()
    notable = delta[delta.abs() >= NOTABLE_CHANGE].sort_values(ascending=False, kind="stable")
    names = {u["unit_code"]: data.named(u) for _, u in data.scores.iterrows()}
    if notable.empty:
        return (f"- So với năm {data.year - 1}, không có đơn vị nào tăng hoặc giảm từ"
                f" {number(NOTABLE_CHANGE, digits=0)} điểm trở lên ở lĩnh vực này.")
    items = [f"{names[c]} {'tăng' if d > 0 else 'giảm'} {number(abs(d))} điểm" for c, d in notable.items()]
    return f"- Biến động đáng chú ý so với năm {data.year - 1}: {'; '.join(items)}."


def _indicator_words(data: ReportData, kind: str, area: str) -> str:
    ind = data.indicators
    if ind is None or ind.empty:
        return ""
    codes = set(data.of_kind(kind)["unit_code"])
    mine = ind[(ind["area"] == area) & ind["unit_code"].isin(codes) & ind["score"].notna()]
    means = mine.groupby("indicator_id")["score"].mean()
    if len(means) < 2:
        return ""
    order = means.sort_values(ascending=False, kind="stable")
    labels = data.framework.indicators["label_vi"]
    hi, lo = order.index[0], order.index[-1]
    return (f" Chỉ tiêu đạt cao nhất: {quoted(labels.get(hi, hi))} (bình quân {number(order[hi])} điểm); thấp nhất:"
            f" {quoted(labels.get(lo, lo))} (bình quân {number(order[lo])} điểm).")


def _interval(u: pd.Series) -> str:
    """``2–5``; a single rank when the interval is one rank wide (``1``, not ``1–1``)."""
    if pd.isna(u["rank_p05"]):
        return "—"
    lo, hi = number(u["rank_p05"], digits=0), number(u["rank_p95"], digits=0)
    return lo if lo == hi else f"{lo}–{hi}"


def _names(data: ReportData, df: pd.DataFrame) -> str:
    return ", ".join(data.named(u) for _, u in df.iterrows())


def _date(d: dt.date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def _method(name: str) -> str:
    return METHOD_NAMES.get(str(name), str(name))


def _table_caption(doc, counter: dict, text: str) -> None:
    counter["table"] += 1
    dx.paragraph(doc, [(f"Bảng {counter['table']}. {text}", "b")], align="center", indent=False, size=13,
                 keep_next=True)


def _figure_caption(counter: dict, text: str) -> str:
    counter["figure"] += 1
    return f"Hình {counter['figure']}. {text}"
