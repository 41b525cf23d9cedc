"""Every user-facing string, Vietnamese first, then English.

``MESSAGES`` is a plain dict ``{key: {"vi": ..., "en": ...}}`` grouped by topic (the key's prefix); modules add
their keys to it under their own topic. Texts are ``str.format`` templates: ``tr(key, lang, **fields)`` fills them.
"""

from __future__ import annotations

LANGS = ("vi", "en")

MESSAGES: dict[str, dict[str, str]] = {
    # ---------------------------------------------------------------- labels of the results
    "label.composite": {"vi": "Điểm tổng hợp", "en": "Composite score"},
    "label.rank": {"vi": "Xếp hạng", "en": "Rank"},
    "label.band": {"vi": "Xếp loại", "en": "Rating"},
    "label.area": {"vi": "Lĩnh vực", "en": "Area"},
    "label.indicator": {"vi": "Chỉ tiêu", "en": "Indicator"},
    "label.unit": {"vi": "Đơn vị", "en": "Unit"},
    "label.year": {"vi": "Năm", "en": "Year"},
    "label.value": {"vi": "Giá trị", "en": "Value"},
    "label.raw": {"vi": "Số liệu báo cáo", "en": "Reported value"},
    "label.denominated": {"vi": "Giá trị quy đổi", "en": "Value per denominator"},
    "label.score": {"vi": "Điểm", "en": "Score"},
    "label.weight": {"vi": "Trọng số", "en": "Weight"},
    "label.clause": {"vi": "Căn cứ (mục của Kế hoạch)", "en": "Plan clause"},
    "label.source": {"vi": "Nguồn số liệu", "en": "Data source"},
    "label.sample_size": {"vi": "Cỡ mẫu khảo sát", "en": "Survey sample size"},
    "label.coverage": {"vi": "Độ phủ số liệu", "en": "Data coverage"},
    "label.insufficient_data": {"vi": "Không đủ số liệu", "en": "Insufficient data"},
    "label.change": {"vi": "Thay đổi so với năm trước", "en": "Change from previous year"},
    "label.rank_change": {"vi": "Thay đổi thứ hạng", "en": "Change in rank"},
    "label.province": {"vi": "Toàn tỉnh", "en": "Province"},
    "label.status": {"vi": "Tình trạng số liệu", "en": "Data status"},
    # ---------------------------------------------------------------- data status of one indicator
    "status.reported": {"vi": "Đã báo cáo", "en": "Reported"},
    "status.missing": {"vi": "Thiếu số liệu", "en": "Missing"},
    "status.not_applicable": {"vi": "Không áp dụng", "en": "Not applicable"},
    "status.imputed": {"vi": "Ước tính (bổ khuyết)", "en": "Estimated (imputed)"},
    # ---------------------------------------------------------------- kinds of reporting unit
    "kind.district": {"vi": "Huyện, thị xã, thành phố", "en": "Districts, towns and city"},
    "kind.department": {"vi": "Sở, ban, ngành", "en": "Provincial departments and agencies"},
    # ---------------------------------------------------------------- denominators (a count is divided by them)
    "denominator.population_10k": {"vi": "trên 10.000 dân", "en": "per 10,000 inhabitants"},
    "denominator.communes": {"vi": "trên một xã, phường, thị trấn", "en": "per commune"},
    "denominator.remote_communes": {
        "vi": "trên một xã vùng đồng bào dân tộc thiểu số và miền núi",
        "en": "per commune in ethnic-minority and mountainous areas",
    },
    "denominator.dossiers_10k": {"vi": "trên 10.000 hồ sơ tiếp nhận", "en": "per 10,000 dossiers received"},
    # ---------------------------------------------------------------- reporting compliance
    "compliance.deadline": {"vi": "Hạn báo cáo", "en": "Reporting deadline"},
    "compliance.received": {"vi": "Ngày nhận báo cáo", "en": "Date received"},
    "compliance.days_late": {"vi": "Số ngày chậm", "en": "Days late"},
    "compliance.on_time": {"vi": "Đúng hạn", "en": "On time"},
    "compliance.late": {"vi": "Chậm hạn", "en": "Late"},
    "compliance.not_received": {"vi": "Chưa nhận được báo cáo", "en": "Not received"},
    "compliance.completeness": {"vi": "Mức đầy đủ của báo cáo", "en": "Report completeness"},
    # ---------------------------------------------------------------- where a problem is
    "where.file": {"vi": "tệp {file}", "en": "file {file}"},
    "where.row": {"vi": "dòng {row}", "en": "row {row}"},
    "where.cell": {"vi": "tại {cell}", "en": "at {cell}"},
    "where.unit": {"vi": "đơn vị {unit}", "en": "unit {unit}"},
    "where.indicator": {"vi": "chỉ tiêu {indicator}", "en": "indicator {indicator}"},
    "where.more": {"vi": "… và {n} lỗi khác", "en": "… and {n} more problems"},
    # ---------------------------------------------------------------- error titles
    "error.framework": {
        "vi": "Khung chỉ tiêu không hợp lệ ({n} lỗi)",
        "en": "Invalid indicator framework ({n} problems)",
    },
    "error.registry": {
        "vi": "Danh mục đơn vị không hợp lệ ({n} lỗi)",
        "en": "Invalid registry of units ({n} problems)",
    },
    "error.validation": {
        "vi": "Số liệu báo cáo không hợp lệ ({n} lỗi); chưa chấm điểm",
        "en": "Invalid reported data ({n} problems); nothing was scored",
    },
    "error.unknown_unit_code": {
        "vi": "Không có đơn vị mã “{unit}” trong danh mục",
        "en": "No unit with code “{unit}” in the registry",
    },
    # ---------------------------------------------------------------- problems in YAML parameter files
    "problem.yaml_syntax": {"vi": "Tệp YAML sai cú pháp: {detail}", "en": "YAML syntax error: {detail}"},
    "problem.not_mapping": {
        "vi": "Mục này phải là một bảng khóa: giá trị",
        "en": "This entry must be a mapping of key: value",
    },
    "problem.not_list": {"vi": "Mục này phải là một danh sách", "en": "This entry must be a list"},
    "problem.unknown_key": {"vi": "Khóa không hợp lệ “{key}”", "en": "Unknown key “{key}”"},
    "problem.missing_key": {"vi": "Thiếu khóa bắt buộc “{key}”", "en": "Required key “{key}” is missing"},
    "problem.duplicate_key": {
        "vi": "Khóa “{key}” khai báo hai lần (lần đầu ở dòng {first})",
        "en": "Key “{key}” is given twice (first at row {first})",
    },
    "problem.duplicate_id": {
        "vi": "Mã “{id}” bị trùng (đã khai báo ở dòng {first})",
        "en": "Duplicate id “{id}” (already declared at row {first})",
    },
    "problem.missing_label": {
        "vi": "Thiếu nội dung “{key}” (bắt buộc có cả tiếng Việt và tiếng Anh)",
        "en": "Text “{key}” is missing (Vietnamese and English are both required)",
    },
    "problem.missing_source": {
        "vi": "Thiếu nguồn số liệu (source)",
        "en": "The source line is missing",
    },
    "problem.bad_bool": {
        "vi": "“{key}” phải là true hoặc false, nhận được “{value}”",
        "en": "“{key}” must be true or false, got “{value}”",
    },
    "problem.bad_number": {
        "vi": "“{key}” phải là số nguyên, nhận được “{value}”",
        "en": "“{key}” must be a whole number, got “{value}”",
    },
    "problem.negative_number": {
        "vi": "“{key}” không được âm, nhận được {value}",
        "en": "“{key}” must not be negative, got {value}",
    },
    "problem.bad_date": {
        "vi": "“{key}” phải là ngày dạng YYYY-MM-DD, nhận được “{value}”",
        "en": "“{key}” must be a date YYYY-MM-DD, got “{value}”",
    },
    # ---------------------------------------------------------------- problems in the framework
    "problem.unknown_area": {
        "vi": "Lĩnh vực “{area}” không có trong danh sách lĩnh vực",
        "en": "Area “{area}” is not among the declared areas",
    },
    "problem.bad_goalposts": {
        "vi": "Mốc chuẩn hóa phải là hai số [giá trị được 0 điểm, giá trị được 100 điểm], nhận được {value}",
        "en": "Goalposts must be two numbers [value scored 0, value scored 100], got {value}",
    },
    "problem.goalposts_equal": {
        "vi": "Hai mốc chuẩn hóa bằng nhau ({lo}), không thể quy đổi ra điểm",
        "en": "Both goalposts are equal ({lo}); no score can be computed",
    },
    "problem.goalposts_direction": {
        "vi": "Mốc chuẩn hóa {lo} → {hi} ngược với chiều của chỉ tiêu ({direction})",
        "en": "Goalposts {lo} → {hi} run against the indicator's direction ({direction})",
    },
    "problem.goalposts_range": {
        "vi": "Mốc chuẩn hóa {lo} → {hi} nằm ngoài miền giá trị của kiểu “{type}”",
        "en": "Goalposts {lo} → {hi} lie outside the range of type “{type}”",
    },
    "problem.bad_weight": {
        "vi": "Trọng số phải là số dương, nhận được “{value}”",
        "en": "The weight must be a positive number, got “{value}”",
    },
    "problem.missing_clause": {
        "vi": "Thiếu căn cứ (mục của Kế hoạch, ví dụ II.4.đ)",
        "en": "The plan clause is missing (e.g. II.4.đ)",
    },
    "problem.bad_type": {
        "vi": "Kiểu chỉ tiêu “{value}” không hợp lệ; chỉ nhận: {allowed}",
        "en": "Unknown indicator type “{value}”; allowed: {allowed}",
    },
    "problem.bad_direction": {
        "vi": "Chiều “{value}” không hợp lệ; chỉ nhận 1 (càng cao càng tốt) hoặc -1 (càng thấp càng tốt)",
        "en": "Unknown direction “{value}”; allowed: 1 (higher is better) or -1 (lower is better)",
    },
    "problem.bad_denominator": {
        "vi": "Mẫu số “{value}” không hợp lệ; chỉ nhận: {allowed}",
        "en": "Unknown denominator “{value}”; allowed: {allowed}",
    },
    "problem.bad_kind": {
        "vi": "Loại đơn vị “{value}” không hợp lệ; chỉ nhận: {allowed}",
        "en": "Unknown kind of unit “{value}”; allowed: {allowed}",
    },
    "problem.bad_survey": {
        "vi": "Chỉ tiêu khảo sát (survey) phải có kiểu tỷ lệ pct",
        "en": "A survey indicator must be of type pct",
    },
    "problem.empty_area": {
        "vi": "Lĩnh vực {area} không có chỉ tiêu nào áp dụng cho khối “{kind}”",
        "en": "Area {area} has no indicator that applies to “{kind}”",
    },
    "problem.bad_band": {
        "vi": "Ngưỡng xếp loại phải là số từ 0 đến 100, nhận được “{value}”",
        "en": "A band threshold must be a number from 0 to 100, got “{value}”",
    },
    "problem.bands_not_descending": {
        "vi": "Ngưỡng xếp loại phải giảm dần: {value} đứng sau {previous}",
        "en": "Band thresholds must descend: {value} comes after {previous}",
    },
    "problem.bands_no_floor": {
        "vi": "Mức xếp loại thấp nhất phải có ngưỡng 0 để điểm nào cũng được xếp loại",
        "en": "The lowest band must start at 0 so that every score gets a band",
    },
    "problem.bad_deadline": {
        "vi": "Hạn báo cáo không phải là ngày hợp lệ (tháng {month}, ngày {day})",
        "en": "The reporting deadline is not a valid date (month {month}, day {day})",
    },
    "problem.bad_threshold": {
        "vi": "Ngưỡng độ phủ số liệu phải là số trong khoảng (0, 1], nhận được “{value}”",
        "en": "The coverage threshold must be a number in (0, 1], got “{value}”",
    },
    # ---------------------------------------------------------------- problems in the registry of units
    "problem.dates_reversed": {
        "vi": "Ngày hết hiệu lực {valid_to} trước ngày bắt đầu {valid_from}",
        "en": "valid_to {valid_to} is before valid_from {valid_from}",
    },
    "problem.bad_dated_value": {
        "vi": "“{key}” phải là một số hoặc danh sách các mục {{from: ngày, value: số}}",
        "en": "“{key}” must be a number or a list of {{from: date, value: number}} entries",
    },
    "problem.dated_not_ascending": {
        "vi": "Các mốc thời gian của “{key}” phải tăng dần",
        "en": "The dates of “{key}” must ascend",
    },
    "problem.dated_gap": {
        "vi": "“{key}” chưa có giá trị cho ngày bắt đầu hiệu lực {valid_from}",
        "en": "“{key}” has no value on valid_from {valid_from}",
    },
    "problem.remote_exceeds_communes": {
        "vi": "Số xã vùng đồng bào dân tộc thiểu số, miền núi ({remote}) lớn hơn tổng số xã ({communes})",
        "en": "Communes in ethnic-minority and mountainous areas ({remote}) exceed all communes ({communes})",
    },
    # ---------------------------------------------------------------- problems in reported observations
    "problem.not_utf8": {
        "vi": "Tệp không dùng bảng mã UTF-8 (lỗi từ dòng {row}); hãy lưu lại bằng định dạng “CSV UTF-8”",
        "en": "The file is not UTF-8 (from row {row}); save it again as “CSV UTF-8”",
    },
    "problem.too_many_cells": {
        "vi": "Dòng có {got} ô dữ liệu, nhiều hơn {expected} cột của dòng tiêu đề",
        "en": "The row has {got} cells, more than the {expected} columns of the header",
    },
    "problem.duplicate_column": {
        "vi": "Cột “{column}” xuất hiện nhiều lần trong dòng tiêu đề",
        "en": "Column “{column}” appears more than once in the header",
    },
    "problem.missing_column": {
        "vi": "Thiếu cột bắt buộc “{column}”",
        "en": "Required column “{column}” is missing",
    },
    "problem.bad_year": {
        "vi": "Năm “{value}” không phải là số nguyên",
        "en": "Year “{value}” is not a whole number",
    },
    "problem.other_year": {
        "vi": "Dòng thuộc năm {value}, không phải năm đang đánh giá {year}",
        "en": "Row is for year {value}, not the year under evaluation {year}",
    },
    "problem.unknown_unit": {
        "vi": "Mã đơn vị “{unit}” không có trong danh mục đơn vị",
        "en": "Unit code “{unit}” is not in the registry of units",
    },
    "problem.unit_inactive": {
        "vi": "Đơn vị {unit} không hoạt động vào ngày {date} (hiệu lực {valid_from} – {valid_to})",
        "en": "Unit {unit} did not exist on {date} (valid {valid_from} – {valid_to})",
    },
    "problem.unknown_indicator": {
        "vi": "Mã chỉ tiêu “{indicator}” không có trong khung chỉ tiêu {version}",
        "en": "Indicator code “{indicator}” is not in framework {version}",
    },
    "problem.indicator_not_for_kind": {
        "vi": "Chỉ tiêu {indicator} không áp dụng cho khối “{kind}”",
        "en": "Indicator {indicator} does not apply to “{kind}”",
    },
    "problem.duplicate_row": {
        "vi": "Trùng (năm, đơn vị, chỉ tiêu) với dòng {first}",
        "en": "Same (year, unit, indicator) as row {first}",
    },
    "problem.unknown_status": {
        "vi": "Trạng thái “{value}” không hợp lệ; chỉ nhận: {allowed}",
        "en": "Unknown status “{value}”; allowed: {allowed}",
    },
    "problem.value_missing": {
        "vi": "Trạng thái “reported” (đã báo cáo) nhưng không có giá trị",
        "en": "Status “reported” but no value is given",
    },
    "problem.not_numeric": {
        "vi": "“{value}” không phải là số (dùng dấu chấm thập phân, ví dụ 12.5)",
        "en": "“{value}” is not a number (use a decimal point, e.g. 12.5)",
    },
    "problem.pct_out_of_range": {
        "vi": "Tỷ lệ {value} nằm ngoài khoảng 0–100",
        "en": "Share {value} is outside 0–100",
    },
    "problem.negative_value": {
        "vi": "Giá trị {value} âm; số lượng và số ngày không được âm",
        "en": "Value {value} is negative; counts and days cannot be negative",
    },
    "problem.bool_not_01": {
        "vi": "Chỉ tiêu có/không chỉ nhận 0 (không) hoặc 1 (có), nhận được {value}",
        "en": "A yes/no indicator takes 0 (no) or 1 (yes), got {value}",
    },
    "problem.n_missing": {
        "vi": "Chỉ tiêu khảo sát cần cỡ mẫu n (số người được khảo sát)",
        "en": "A survey share needs its sample size n (number of people surveyed)",
    },
    "problem.n_invalid": {
        "vi": "Cỡ mẫu n phải là số nguyên dương, nhận được “{value}”",
        "en": "Sample size n must be a positive whole number, got “{value}”",
    },
    "problem.value_not_expected": {
        "vi": "Trạng thái “{status}” không được kèm giá trị (nhận được “{value}”)",
        "en": "Status “{status}” must come without a value (got “{value}”)",
    },
    "problem.na_not_allowed": {
        "vi": "Chỉ tiêu {indicator} không được đánh dấu “không áp dụng” (not_applicable)",
        "en": "Indicator {indicator} cannot be marked not_applicable",
    },
}


def tr(key: str, /, lang: str = "vi", **fields: object) -> str:
    """The text of ``key`` in ``lang`` with ``fields`` filled in (a field may itself be called ``key``).

    Raises
    ------
    KeyError
        ``key`` is not in ``MESSAGES``.
    ValueError
        ``lang`` is not one of ``LANGS``.
    """
    if lang not in LANGS:
        raise ValueError(f"ngôn ngữ không hỗ trợ / unsupported language {lang!r}; use one of {LANGS}")
    try:
        text = MESSAGES[key][lang]
    except KeyError:
        raise KeyError(f"không có thông điệp / no message {key!r}") from None
    return text.format(**fields)


# ==================================================================== plots / narrative / runner
# Appended by the yearly-run work; topics plot.*, report.*, narrative.*, run.*.
MESSAGES.update({
    # ---------------------------------------------------------------- figures
    "plot.ranking_title": {"vi": "Xếp hạng theo điểm tổng hợp", "en": "Ranking by composite score"},
    "plot.rank_interval_title": {
        "vi": "Khoảng thứ hạng (5 %–95 % các lần mô phỏng)",
        "en": "Rank interval (5 %–95 % of the simulations)",
    },
    "plot.rank_interval": {"vi": "Khoảng thứ hạng 5 %–95 %", "en": "Rank interval 5 %–95 %"},
    "plot.rank_median": {"vi": "Thứ hạng trung vị", "en": "Median rank"},
    "plot.heatmap_title": {"vi": "Điểm từng lĩnh vực của các đơn vị", "en": "Area scores of every unit"},
    "plot.peer_median": {"vi": "Trung vị khối {group}", "en": "Median of {group}"},
    "plot.trend_title": {"vi": "Điểm tổng hợp qua các năm", "en": "Composite score over the years"},
    "plot.band_distribution_title": {"vi": "Số đơn vị theo mức xếp loại", "en": "Units by rating"},
    "plot.n_units": {"vi": "Số đơn vị", "en": "Number of units"},
    # ---------------------------------------------------------------- report notebooks
    "report.unit_title": {
        "vi": "Kết quả thực hiện Chỉ thị 33/CT-TTg về công tác dân vận năm {year}",
        "en": "Implementation of Directive 33/CT-TTg on mass-mobilisation work, {year}",
    },
    "report.province_title": {
        "vi": "Tổng hợp kết quả thực hiện Chỉ thị 33/CT-TTg toàn tỉnh Bình Định năm {year}",
        "en": "Directive 33/CT-TTg in Bình Định province, {year}: all units",
    },
    "report.measure": {"vi": "Nội dung", "en": "Measure"},
    "report.rank_interval": {"vi": "Khoảng thứ hạng (5 %–95 %)", "en": "Rank interval (5 %–95 %)"},
    "report.peer_median": {"vi": "Trung vị của khối", "en": "Median of the group"},
    "report.difference": {"vi": "Chênh lệch", "en": "Difference"},
    "report.denominator": {"vi": "Mẫu số", "en": "Denominator"},
    "report.group": {"vi": "Khối", "en": "Group"},
    "report.yes": {"vi": "Có", "en": "Yes"},
    "report.no": {"vi": "Không", "en": "No"},
    "report.days_vs_deadline": {
        "vi": "Số ngày so với hạn (âm: trước hạn)",
        "en": "Days against the deadline (negative: early)",
    },
    "report.timeliness": {"vi": "Đúng hạn / chậm hạn", "en": "On time / late"},
    "report.section_narrative": {"vi": "Nhận xét", "en": "Comments"},
    "report.section_areas": {"vi": "Điểm theo lĩnh vực", "en": "Scores by area"},
    "report.section_indicators": {"vi": "Chi tiết các chỉ tiêu", "en": "Every indicator"},
    "report.section_trend": {"vi": "Diễn biến qua các năm", "en": "Trend over the years"},
    "report.section_compliance": {
        "vi": "Thời hạn và mức đầy đủ của báo cáo",
        "en": "Reporting timeliness and completeness",
    },
    "report.section_ranking": {"vi": "Xếp hạng khối {group}", "en": "Ranking: {group}"},
    "report.section_intervals": {"vi": "Độ tin cậy của thứ hạng", "en": "How certain the ranks are"},
    "report.section_heatmap": {"vi": "Điểm lĩnh vực của tất cả đơn vị", "en": "Area scores of all units"},
    "report.section_bands": {"vi": "Phân bố xếp loại", "en": "Distribution of ratings"},
    "report.section_changes": {"vi": "Thay đổi so với năm trước", "en": "Changes since last year"},
    "denominator.population_10k": {"vi": "10.000 dân", "en": "10,000 inhabitants"},
    "denominator.communes": {"vi": "xã, phường, thị trấn", "en": "communes"},
    "denominator.remote_communes": {
        "vi": "xã vùng đồng bào DTTS, miền núi",
        "en": "ethnic-minority and mountainous communes",
    },
    "denominator.dossiers_10k": {"vi": "10.000 hồ sơ", "en": "10,000 dossiers"},
    # ---------------------------------------------------------------- the yearly run
    "run.progress": {"vi": "Báo cáo", "en": "Reports"},
    "run.done": {
        "vi": "✔ Năm {year}: {ok}/{n} báo cáo hoàn thành trong {seconds} giây → {folder}",
        "en": "✔ {year}: {ok} of {n} reports done in {seconds} s → {folder}",
    },
    "run.failed": {
        "vi": "✘ Lỗi báo cáo {name}: {error} (xem {file})",
        "en": "✘ Report {name} failed: {error} (see {file})",
    },
    "run.carried_over": {
        "vi": "Giữ lại báo cáo cũ của {n} đơn vị (cùng dữ liệu đầu vào): {names}",
        "en": "Kept the previous reports of {n} units (same input files): {names}",
    },
    "run.dropped": {
        "vi": "Bỏ báo cáo cũ của {n} đơn vị vì dữ liệu đầu vào đã thay đổi; chạy lại không có --units: {names}",
        "en": "Dropped the previous reports of {n} units, their input files changed; run without --units: {names}",
    },
    "run.unknown_units": {
        "vi": "Mã đơn vị không có trong năm đánh giá: {units}; các mã hợp lệ: {known}",
        "en": "Unit codes not among the year's units: {units}; valid codes: {known}",
    },
    # ---------------------------------------------------------------- generated narrative
    "narrative.position": {
        "vi": "{name} đạt {score} điểm, xếp loại “{band}”, đứng thứ {rank}/{n} trong khối {group}.",
        "en": "{name} scored {score}, rated “{band}”, ranked {rank} of {n} among {group}.",
    },
    "narrative.no_composite": {
        "vi": "{name} chưa đủ số liệu để tính điểm tổng hợp và xếp hạng (độ phủ số liệu {coverage} %).",
        "en": "{name} lacks the data for a composite score and a rank (data coverage {coverage} %).",
    },
    "narrative.interval": {
        "vi": "Khoảng thứ hạng (90 % các lần mô phỏng): từ {lo} đến {hi}.",
        "en": "Rank interval (90 % of the simulations): {lo} to {hi}.",
    },
    "narrative.indistinct": {
        "vi": "Không thể khẳng định thứ hạng này khác với: {names} (khoảng thứ hạng chồng lấn nhiều).",
        "en": "This rank cannot be told apart from that of: {names} (their rank intervals overlap heavily).",
    },
    "narrative.distinct": {
        "vi": "Khoảng thứ hạng không chồng lấn nhiều với đơn vị nào khác trong khối.",
        "en": "The rank interval overlaps heavily with no other unit of the group.",
    },
    "narrative.too_few_areas": {
        "vi": "Chưa đủ số liệu để so sánh các lĩnh vực.",
        "en": "Too few area scores to compare the areas.",
    },
    "narrative.strengths": {
        "vi": "Lĩnh vực mạnh nhất: {best} ({best_score} điểm; trung vị khối {best_median}). "
              "Lĩnh vực yếu nhất: {worst} ({worst_score} điểm; trung vị khối {worst_median}).",
        "en": "Strongest area: {best} ({best_score}; group median {best_median}). "
              "Weakest area: {worst} ({worst_score}; group median {worst_median}).",
    },
    "narrative.no_previous": {
        "vi": "Chưa có kết quả năm {year} để so sánh.",
        "en": "No result for {year} to compare with.",
    },
    "narrative.composite_change": {
        "vi": "So với năm {year}, điểm tổng hợp thay đổi {change} điểm; {ranks}.",
        "en": "Since {year}, the composite score changed by {change}; {ranks}.",
    },
    "narrative.no_composite_change": {
        "vi": "Không so sánh được điểm tổng hợp với năm {year} (một trong hai năm không đủ số liệu).",
        "en": "The composite cannot be compared with {year} (one of the two years lacks data).",
    },
    "narrative.rank_up": {"vi": "thứ hạng tăng {n} bậc", "en": "up {n} places in rank"},
    "narrative.rank_down": {"vi": "thứ hạng giảm {n} bậc", "en": "down {n} places in rank"},
    "narrative.rank_same": {"vi": "thứ hạng không đổi", "en": "rank unchanged"},
    "narrative.rank_new": {"vi": "năm trước chưa được xếp hạng", "en": "not ranked the year before"},
    "narrative.area_up": {"vi": "Tăng nhiều nhất: {area} ({change}).", "en": "Largest rise: {area} ({change})."},
    "narrative.area_down": {"vi": "Giảm nhiều nhất: {area} ({change}).", "en": "Largest fall: {area} ({change})."},
    "narrative.not_received": {"vi": "Chưa nhận được báo cáo của đơn vị.", "en": "The unit's report was not received."},
    "narrative.late": {
        "vi": "Báo cáo gửi chậm {days} ngày so với hạn.",
        "en": "The report arrived {days} days after the deadline.",
    },
    "narrative.missing": {"vi": "Thiếu số liệu {n} chỉ tiêu: {list}.", "en": "{n} indicators missing: {list}."},
    "narrative.imputed": {
        "vi": "{n} chỉ tiêu được ước tính (bổ khuyết): {list}.",
        "en": "{n} indicators estimated (imputed): {list}.",
    },
    "narrative.empty_areas": {
        "vi": "Lĩnh vực không đủ số liệu để tính điểm: {list}.",
        "en": "Areas without enough data for a score: {list}.",
    },
    "narrative.complete": {
        "vi": "Báo cáo đầy đủ, đúng hạn: không thiếu chỉ tiêu nào.",
        "en": "The report is complete and on time: no indicator is missing.",
    },
    "narrative.leader": {"vi": "Khối {group}: dẫn đầu là {names}.", "en": "{group}: {names} leads."},
    "narrative.leaders": {
        "vi": "Khối {group}: nhóm dẫn đầu gồm {names} (khoảng thứ hạng chồng lấn nhiều, không phân biệt rõ thứ tự).",
        "en": "{group}: the leading group is {names} (their rank intervals overlap heavily; no clear order).",
    },
    "narrative.no_clear_leader": {
        "vi": "Khối {group}: {name} có điểm cao nhất, nhưng khoảng thứ hạng chồng lấn nhiều với {n} đơn vị khác"
              " nên chưa thể khẳng định đơn vị dẫn đầu.",
        "en": "{group}: {name} has the highest score, but its rank interval overlaps heavily with {n} other units,"
              " so no unit can be said to lead.",
    },
    "narrative.leaders_tied": {"vi": "Khối {group}: đồng dẫn đầu là {names}.", "en": "{group}: {names} share the lead."},
    "narrative.bands": {"vi": "Xếp loại {n} đơn vị — {list}.", "en": "Ratings of {n} units — {list}."},
    "narrative.late_units": {
        "vi": "Số đơn vị báo cáo chậm hoặc chưa báo cáo: {n} ({names}).",
        "en": "Units that reported late or not at all: {n} ({names}).",
    },
})


# ==================================================================== the dashboard
# Appended by the dashboard work (danvan_eval/dashboard.py); topic dashboard.*.
MESSAGES.update({
    "dashboard.title": {
        "vi": "Đánh giá kết quả thực hiện Chỉ thị số 33/CT-TTg về công tác dân vận",
        "en": "Evaluation of Directive 33/CT-TTg on mass-mobilisation work",
    },
    "dashboard.tab_ranking": {"vi": "Xếp hạng", "en": "Ranking"},
    "dashboard.tab_areas": {"vi": "Theo lĩnh vực", "en": "By area"},
    "dashboard.tab_profile": {"vi": "Hồ sơ đơn vị", "en": "Unit profile"},
    "dashboard.summary": {
        "vi": "Năm {year} — {kind}: {n} đơn vị, {ranked} đơn vị được xếp hạng.",
        "en": "{year} — {kind}: {n} units, {ranked} ranked.",
    },
    "dashboard.unranked": {
        "vi": "{n} đơn vị không đủ số liệu để xếp hạng.",
        "en": "{n} units lack the data to be ranked.",
    },
    "dashboard.no_units": {"vi": "Năm {year} không có đơn vị nào thuộc khối này.", "en": "No unit of this group in {year}."},
    "dashboard.sort_by": {"vi": "Sắp xếp theo", "en": "Sort by"},
    "dashboard.ascending": {"vi": "Tăng dần", "en": "Ascending"},
    "dashboard.descending": {"vi": "Giảm dần", "en": "Descending"},
    "dashboard.rank_interval": {"vi": "Khoảng xếp hạng (5–95 %)", "en": "Rank interval (5–95 %)"},
    "dashboard.rank_shift": {"vi": "Thay đổi hạng do trọng số", "en": "Rank shift from the weights"},
    "dashboard.rank_of": {"vi": "Hạng {rank}/{n}", "en": "Rank {rank} of {n}"},
    "dashboard.late_days": {"vi": "Chậm {n} ngày", "en": "{n} days late"},
    "dashboard.report": {"vi": "Báo cáo đơn vị", "en": "Unit report"},
    "dashboard.open": {"vi": "Mở", "en": "Open"},
    "dashboard.composite_change": {"vi": "Điểm tăng/giảm so với năm trước", "en": "Score change since last year"},
    "dashboard.rank_change_year": {"vi": "Hạng tăng/giảm so với năm trước", "en": "Rank change since last year"},
    "dashboard.on_time": {"vi": "Báo cáo đúng hạn", "en": "Reported on time"},
    "dashboard.error": {
        "vi": "Không hiển thị được phần này: {error}",
        "en": "This part could not be shown: {error}",
    },
    "dashboard.open_report": {"vi": "Mở báo cáo của đơn vị", "en": "Open the unit's report"},
    "dashboard.no_report": {"vi": "Chưa có báo cáo HTML của đơn vị", "en": "No HTML report of the unit yet"},
    "dashboard.indicators_title": {"vi": "Các chỉ tiêu", "en": "Indicators"},
    "dashboard.unit_code": {"vi": "Mã đơn vị", "en": "Unit code"},
    "dashboard.composite_value": {"vi": "Điểm tổng hợp (số)", "en": "Composite score (number)"},
    "dashboard.download_csv": {"vi": "Tải bảng (CSV)", "en": "Download the table (CSV)"},
    "dashboard.download_excel": {"vi": "Tải bảng (Excel)", "en": "Download the table (Excel)"},
    "dashboard.weights_title": {"vi": "Trọng số các lĩnh vực", "en": "Area weights"},
    "dashboard.weights_help": {
        "vi": "Kéo thanh trượt để thử trọng số khác: điểm, xếp hạng và xếp loại được tính lại ngay.",
        "en": "Move a slider to try other weights: scores, ranks and ratings are recomputed at once.",
    },
    "dashboard.weights_reset": {"vi": "Về trọng số chính thức", "en": "Official weights"},
    "dashboard.weights_official": {
        "vi": "Đang dùng trọng số chính thức: bảng là kết quả chính thức.",
        "en": "Official weights: the table is the official result.",
    },
    "dashboard.weights_modified": {
        "vi": "Đang thử trọng số khác: bảng KHÔNG phải kết quả chính thức.",
        "en": "Other weights: the table is NOT the official result.",
    },
    "dashboard.weights_zero": {
        "vi": "Cần ít nhất một trọng số lớn hơn 0.",
        "en": "At least one weight must be above 0.",
    },
    "dashboard.area_missing": {
        "vi": "Không đủ số liệu ở mọi đơn vị của khối cho lĩnh vực: {areas}.",
        "en": "Insufficient data for every unit of the group in: {areas}.",
    },
    "dashboard.broken_year": {
        "vi": "Không đọc được kết quả năm {year}: {error}",
        "en": "The outputs of {year} could not be read: {error}",
    },
    "dashboard.no_outputs": {
        "vi": "Chưa có kết quả đánh giá nào trong {folder}. Hãy chấm điểm trước: `make demo` (dữ liệu mô phỏng) "
              "hoặc `danvan-eval run --year 2024`, rồi tải lại trang.",
        "en": "No evaluation results in {folder} yet. Score a year first: `make demo` (synthetic data) "
              "or `danvan-eval run --year 2024`, then reload the page.",
    },
})


# ==================================================================== intake and templates
# Keys of ``templates``, ``intake``, ``intake_values`` and ``intake_report``: template texts (Vietnamese; the
# English is for readers of the code and a future English template), the intake's problems and its report.
MESSAGES.update({
    # ---------------------------------------------------------------- the template
    "template.title": {
        "vi": "BÁO CÁO KẾT QUẢ THỰC HIỆN CHỈ THỊ SỐ 33/CT-TTg VỀ CÔNG TÁC DÂN VẬN NĂM {year}",
        "en": "REPORT ON THE IMPLEMENTATION OF DIRECTIVE 33/CT-TTg ON MASS-MOBILISATION WORK, {year}",
    },
    "template.area": {"vi": "Lĩnh vực {n}", "en": "Area {n}"},
    "template.aux_title": {
        "vi": "Số liệu bổ trợ (không chấm điểm; dùng làm mẫu số khi tính chỉ tiêu)",
        "en": "Supplementary data (not scored; used as denominators)",
    },
    "template.cover.unit_code": {"vi": "Mã đơn vị", "en": "Unit code"},
    "template.cover.unit_name": {"vi": "Tên đơn vị", "en": "Unit name"},
    "template.cover.year": {"vi": "Năm báo cáo", "en": "Reporting year"},
    "template.cover.framework": {"vi": "Khung chỉ tiêu (phiên bản)", "en": "Indicator framework (version)"},
    "template.cover.deadline": {"vi": "Hạn gửi báo cáo", "en": "Reporting deadline"},
    "template.cover.submitted": {"vi": "Ngày gửi báo cáo (ngày/tháng/năm)", "en": "Date sent (dd/mm/yyyy)"},
    "template.cover.responsible": {
        "vi": "Người chịu trách nhiệm số liệu (họ tên, chức vụ)",
        "en": "Person responsible for the data (name, position)",
    },
    "template.cover.contact": {"vi": "Điện thoại, thư điện tử liên hệ", "en": "Contact phone, e-mail"},
    "template.cover.correction": {
        "vi": "Bản sửa đổi, thay thế báo cáo đã gửi?",
        "en": "Correction replacing a report already sent?",
    },
    "template.instructions": {
        "vi": "HƯỚNG DẪN ĐIỀN MẪU\n"
              "1. Chỉ điền vào các ô nền vàng; các ô khác đã được khóa. Không thêm, xóa, di chuyển dòng, cột "
              "hay trang tính: hệ thống sẽ không nhận tệp đã bị sửa cấu trúc.\n"
              "2. Điền ngày gửi, người chịu trách nhiệm ở trang này, rồi điền số liệu ở các trang LV1 đến LV6 "
              "(sáu lĩnh vực của Kế hoạch) và trang Bổ trợ.\n"
              "3. Tỷ lệ (%) ghi số từ 0 đến 100, có thể dùng dấu phẩy thập phân (95,5). Số lượng ghi số nguyên "
              "(1.234 được hiểu là một nghìn hai trăm ba mươi tư). Chỉ tiêu có/không chọn “{yes}” hoặc “{no}”.\n"
              "4. Chưa có số liệu thì để trống ô Giá trị. Chỉ chọn “{na}” ở cột Tình trạng khi chỉ tiêu thật sự "
              "không phát sinh ở đơn vị (ví dụ không có dự án, không có vụ việc).\n"
              "5. Gửi tệp về Sở Nội vụ trước ngày {deadline}. Nếu cần sửa báo cáo đã gửi, sửa trên chính tệp đã "
              "gửi, chọn “{yes}” ở ô “Bản sửa đổi” và ghi ngày gửi lại.",
        "en": "HOW TO FILL IN THIS TEMPLATE\n"
              "1. Fill in the yellow cells only; the others are locked. Do not add, delete or move rows, columns "
              "or sheets: a file whose structure was changed is refused.\n"
              "2. Enter the date sent and the person responsible on this sheet, then the data on sheets LV1 to "
              "LV6 (the plan's six areas) and Bổ trợ.\n"
              "3. Shares (%) are numbers from 0 to 100; a decimal comma is fine (95,5). Counts are whole numbers "
              "(1.234 means one thousand two hundred and thirty-four). Yes/no indicators take “{yes}” or “{no}”.\n"
              "4. Leave the value empty when there is no data. Choose “{na}” in the status column only when the "
              "indicator does not arise at the unit (e.g. no project, no case).\n"
              "5. Send the file to the Department of Home Affairs before {deadline}. To correct a report already "
              "sent, edit that same file, choose “{yes}” under “Correction” and enter the new date.",
    },
    "template.sheet_help": {
        "vi": "Điền ô nền vàng. Tỷ lệ: 0–100 (95,5 hoặc 95.5). Số lượng: số nguyên. Có/không: “{yes}”/“{no}”. "
              "Không có số liệu: để trống. Không phát sinh: chọn “{na}” ở cột Tình trạng (nếu được phép).",
        "en": "Fill in the yellow cells. Shares: 0–100 (95,5 or 95.5). Counts: whole numbers. Yes/no: “{yes}”/“{no}”. "
              "No data: leave empty. Does not arise: choose “{na}” in the status column (where allowed).",
    },
    "template.how": {"vi": "Cách ghi", "en": "How to fill"},
    "template.col.no": {"vi": "STT", "en": "No."},
    "template.col.id": {"vi": "Mã chỉ tiêu", "en": "Indicator code"},
    "template.col.label": {"vi": "Chỉ tiêu", "en": "Indicator"},
    "template.col.measure": {"vi": "Nội dung, cách tính", "en": "What is measured, how"},
    "template.col.unit": {"vi": "Đơn vị tính", "en": "Unit of measure"},
    "template.col.clause": {"vi": "Căn cứ (mục Kế hoạch)", "en": "Plan clause"},
    "template.col.value": {"vi": "Giá trị", "en": "Value"},
    "template.col.n": {"vi": "Cỡ mẫu khảo sát (n)", "en": "Survey sample size (n)"},
    "template.col.status": {"vi": "Tình trạng", "en": "Status"},
    "template.col.note": {"vi": "Ghi chú, tài liệu kiểm chứng", "en": "Notes, supporting documents"},
    "template.prompt.submitted": {
        "vi": "Ngày đơn vị gửi báo cáo, dạng ngày/tháng/năm. Hạn gửi: {deadline}.",
        "en": "The date the unit sends the report, dd/mm/yyyy. Deadline: {deadline}.",
    },
    "template.prompt.correction": {
        "vi": "Chọn “có” nếu tệp này sửa đổi, thay thế báo cáo đã gửi trước đó.",
        "en": "Choose “có” (yes) if this file corrects and replaces a report sent earlier.",
    },
    "template.prompt.bool": {"vi": "Chọn “có” hoặc “không”.", "en": "Choose “có” (yes) or “không” (no)."},
    "template.prompt.pct": {"vi": "Số từ 0 đến 100.", "en": "A number from 0 to 100."},
    "template.prompt.count": {"vi": "Số nguyên, không âm.", "en": "A whole number, not negative."},
    "template.prompt.days": {"vi": "Số ngày, số nguyên không âm.", "en": "Days, a whole number, not negative."},
    "template.prompt.n": {
        "vi": "Số người được khảo sát (số nguyên dương).",
        "en": "Number of people surveyed (a positive whole number).",
    },
    "template.prompt.status": {
        "vi": "Chỉ chọn “{na}” khi chỉ tiêu không phát sinh ở đơn vị; để trống nếu có số liệu hoặc chưa có số liệu.",
        "en": "Choose “{na}” only when the indicator does not arise at the unit; otherwise leave empty.",
    },
    "template.error.title": {"vi": "Giá trị không hợp lệ", "en": "Invalid value"},
    "template.error.date": {
        "vi": "Ghi ngày dạng ngày/tháng/năm, trong năm báo cáo hoặc năm sau.",
        "en": "Enter a date dd/mm/yyyy in the reporting year or the next.",
    },
    "template.error.bool": {"vi": "Chỉ chọn “có” hoặc “không”.", "en": "Choose “có” (yes) or “không” (no) only."},
    "template.error.pct": {"vi": "Tỷ lệ phải là số từ 0 đến 100.", "en": "A share must be a number from 0 to 100."},
    "template.error.count": {"vi": "Ghi số nguyên, không âm.", "en": "Enter a whole number, not negative."},
    "template.error.n": {"vi": "Cỡ mẫu phải là số nguyên dương.", "en": "The sample size must be a positive whole number."},
    "template.error.status": {"vi": "Để trống hoặc chọn “không áp dụng”.", "en": "Leave empty or choose “không áp dụng”."},
    # ---------------------------------------------------------------- the intake, on the console
    "intake.ok": {
        "vi": "Đã nhận số liệu năm {year}: {files} tệp, {units} đơn vị, không có lỗi. Đã ghi:",
        "en": "Data of {year} taken in: {files} files, {units} units, no problem. Written:",
    },
    "intake.failed": {
        "vi": "Năm {year}: {n} lỗi trong {files} tệp; chưa ghi số liệu nào (bảng số liệu cũ giữ nguyên).",
        "en": "Year {year}: {n} problems in {files} files; no data written (the previous tables are unchanged).",
    },
    "intake.not_received": {
        "vi": "Chưa nhận được báo cáo của {n}/{expected} đơn vị: {units}",
        "en": "No report yet from {n} of {expected} units: {units}",
    },
    "intake.report": {"vi": "Báo cáo kiểm tra: {path}", "en": "Validation report: {path}"},
    # ---------------------------------------------------------------- problems found by the intake
    "problem.no_files": {
        "vi": "Không tìm thấy tệp Excel (.xlsx) nào trong: {paths}",
        "en": "No Excel file (.xlsx) found in: {paths}",
    },
    "problem.path_not_found": {"vi": "Không tìm thấy tệp hoặc thư mục", "en": "File or folder not found"},
    "problem.unsupported_file": {
        "vi": "Không đọc được tệp dạng “{suffix}”: mở bằng Excel hoặc LibreOffice và lưu lại dạng .xlsx",
        "en": "Cannot read a “{suffix}” file: open it in Excel or LibreOffice and save it as .xlsx",
    },
    "problem.file_unreadable": {
        "vi": "Không mở được tệp: không phải tệp Excel .xlsx hoặc tệp bị hỏng ({detail})",
        "en": "Cannot open the file: not an Excel .xlsx file, or damaged ({detail})",
    },
    "problem.not_our_template": {
        "vi": "Tệp không phải mẫu báo cáo do Sở Nội vụ phát hành (không có dấu nhận dạng của mẫu); "
              "hãy điền số liệu vào mẫu đã được gửi",
        "en": "Not a template issued by the Department of Home Affairs (its markers are missing); "
              "fill in the template that was sent",
    },
    "problem.marker_changed": {
        "vi": "Dấu nhận dạng ẩn của mẫu đã bị sửa (mã kiểm tra không khớp); hãy điền lại vào mẫu gốc",
        "en": "The template's hidden markers were edited (checksum mismatch); fill in an original template",
    },
    "problem.framework_version_mismatch": {
        "vi": "Mẫu theo khung chỉ tiêu {found}, nhưng đợt đánh giá dùng khung {expected}; hãy dùng mẫu mới",
        "en": "The template follows framework {found}, but this evaluation uses {expected}; use a new template",
    },
    "problem.template_other_year": {
        "vi": "Đây là mẫu của năm {found}, không phải năm {year}",
        "en": "This is the template of {found}, not of {year}",
    },
    "problem.template_unit_not_expected": {
        "vi": "Mẫu của đơn vị mã “{found}”, không phải đơn vị phải báo cáo năm {year}",
        "en": "The template is for unit “{found}”, which is not expected to report in {year}",
    },
    "problem.framework_changed": {
        "vi": "Mẫu được tạo theo nội dung khác của khung chỉ tiêu {version} (hoặc loại đơn vị đã đổi); hãy tạo lại mẫu",
        "en": "The template was made from other contents of framework {version} (or the unit's kind changed); "
              "make the template again",
    },
    "problem.file_name_mismatch": {
        "vi": "Tên tệp {name} không khớp với mẫu bên trong (đơn vị {found}, năm {year}): có thể đã gửi nhầm mẫu "
              "của đơn vị khác",
        "en": "File name {name} does not match the template inside (unit {found}, year {year}): another unit's "
              "template may have been sent",
    },
    "problem.sheet_missing": {
        "vi": "Thiếu trang tính “{sheet}” (đã bị xóa hoặc đổi tên)",
        "en": "Sheet “{sheet}” is missing (deleted or renamed)",
    },
    "problem.extra_sheet": {
        "vi": "Có thêm trang tính “{sheet}” không thuộc mẫu",
        "en": "Sheet “{sheet}” is not part of the template",
    },
    "problem.structure_changed": {
        "vi": "Cấu trúc mẫu đã bị thay đổi: ô này phải là “{expected}”, nhưng là “{found}” (không thêm, xóa, "
              "di chuyển dòng, cột)",
        "en": "The template's structure was changed: this cell must hold “{expected}” but holds “{found}” "
              "(do not add, delete or move rows or columns)",
    },
    "problem.submitted_missing": {
        "vi": "Chưa ghi ngày gửi báo cáo",
        "en": "The date the report was sent is missing",
    },
    "problem.submitted_bad": {
        "vi": "“{value}” không phải là ngày; ghi dạng ngày/tháng/năm, ví dụ 20/11/2024",
        "en": "“{value}” is not a date; write it as dd/mm/yyyy, e.g. 20/11/2024",
    },
    "problem.submitted_out_of_range": {
        "vi": "Ngày gửi {value} không hợp lệ: phải từ 01/01/{year} đến hôm nay",
        "en": "Date sent {value} is not possible: it must be between 01/01/{year} and today",
    },
    "problem.responsible_missing": {
        "vi": "Chưa ghi người chịu trách nhiệm số liệu",
        "en": "The person responsible for the data is missing",
    },
    "problem.not_yes_no": {
        "vi": "“{value}” không phải “có” hoặc “không”",
        "en": "“{value}” is not “có” (yes) or “không” (no)",
    },
    "problem.not_a_number": {
        "vi": "“{value}” không phải là số",
        "en": "“{value}” is not a number",
    },
    "problem.not_whole_number": {
        "vi": "“{value}” không phải là số nguyên; số lượng, số ngày và cỡ mẫu ghi số nguyên (dấu chấm hoặc phẩy "
              "chỉ dùng ngăn cách hàng nghìn: 1.234 = 1234)",
        "en": "“{value}” is not a whole number; counts, days and sample sizes are whole numbers (a point or comma "
              "only separates thousands: 1.234 = 1234)",
    },
    "problem.date_in_value": {
        "vi": "Ô chứa ngày {value} thay vì số (Excel có thể đã tự đổi số thành ngày): định dạng ô là Số rồi nhập lại",
        "en": "The cell holds the date {value} instead of a number (Excel may have turned the number into a date): "
              "format the cell as Number and type it again",
    },
    "problem.bad_status_text": {
        "vi": "Tình trạng “{value}” không hợp lệ: để trống hoặc chọn “không áp dụng”",
        "en": "Status “{value}” is not valid: leave it empty or choose “không áp dụng” (not applicable)",
    },
    "problem.formula_without_value": {
        "vi": "Ô chứa công thức {value} chưa được tính: mở tệp bằng Excel hoặc LibreOffice rồi lưu lại, "
              "hoặc ghi trực tiếp con số",
        "en": "The cell holds the formula {value} with no computed value: open and save the file in Excel or "
              "LibreOffice, or type the number",
    },
    "problem.duplicate_unit": {
        "vi": "Đơn vị {unit} có nhiều báo cáo gốc (cùng với {others}); nếu một tệp là bản sửa đổi, chọn “có” ở ô "
              "“Bản sửa đổi” của tệp đó, nếu không hãy bỏ tệp thừa",
        "en": "Unit {unit} has several original reports (with {others}); if one is a correction, choose “có” "
              "(yes) under “Correction” in it, otherwise remove the extra file",
    },
    "problem.duplicate_correction": {
        "vi": "Đơn vị {unit} có nhiều bản sửa đổi cùng ngày {date} (cùng với {others}): không biết bản nào thay thế",
        "en": "Unit {unit} has several corrections dated {date} (with {others}): which one replaces the report "
              "is unclear",
    },
    # ---------------------------------------------------------------- the intake's validation report
    "intake_report.title": {
        "vi": "Kết quả kiểm tra số liệu báo cáo năm {year}",
        "en": "Validation of the reported data, {year}",
    },
    "intake_report.ok": {
        "vi": "Đạt: {files} tệp, không có lỗi; số liệu đã được nhận",
        "en": "Passed: {files} files, no problem; the data were taken in",
    },
    "intake_report.failed": {
        "vi": "Không đạt: {n} lỗi trong {files} tệp; chưa nhận số liệu nào, cần đơn vị sửa và gửi lại",
        "en": "Failed: {n} problems in {files} files; no data taken in, the units must correct and resend",
    },
    "intake_report.part.summary": {"vi": "Tình hình nộp báo cáo toàn tỉnh", "en": "Reporting across the province"},
    "intake_report.part.problems": {"vi": "Các lỗi cần sửa", "en": "Problems to correct"},
    "intake_report.part.files": {"vi": "Các tệp đã đọc", "en": "Files read"},
    "intake_report.part.compliance": {
        "vi": "Tình hình nộp báo cáo của từng đơn vị",
        "en": "Reporting by unit",
    },
    "intake_report.sheet.summary": {"vi": "Tóm tắt", "en": "Summary"},
    "intake_report.sheet.problems": {"vi": "Lỗi", "en": "Problems"},
    "intake_report.sheet.files": {"vi": "Tệp", "en": "Files"},
    "intake_report.sheet.compliance": {"vi": "Nộp báo cáo", "en": "Reporting"},
    "intake_report.missing": {
        "vi": "Số đơn vị chưa gửi báo cáo: {n}",
        "en": "Units that have not reported: {n}",
    },
    "intake_report.none": {"vi": "Không có", "en": "None"},
    "intake_report.yes": {"vi": "có", "en": "yes"},
    "intake_report.no": {"vi": "không", "en": "no"},
    "intake_report.state.accepted": {"vi": "đã nhận", "en": "accepted"},
    "intake_report.state.replaced": {"vi": "đã được bản sửa đổi thay thế", "en": "replaced by a correction"},
    "intake_report.state.rejected": {"vi": "không nhận", "en": "rejected"},
    "intake_report.col.file": {"vi": "Tệp", "en": "File"},
    "intake_report.col.sheet": {"vi": "Trang tính", "en": "Sheet"},
    "intake_report.col.cell": {"vi": "Ô", "en": "Cell"},
    "intake_report.col.unit": {"vi": "Đơn vị", "en": "Unit"},
    "intake_report.col.indicator": {"vi": "Chỉ tiêu", "en": "Indicator"},
    "intake_report.col.code": {"vi": "Mã lỗi", "en": "Code"},
    "intake_report.col.message_vi": {"vi": "Nội dung lỗi", "en": "Problem (Vietnamese)"},
    "intake_report.col.message_en": {"vi": "Nội dung (tiếng Anh)", "en": "Problem"},
    "intake_report.col.sha256": {"vi": "Mã băm SHA-256 (đầu)", "en": "SHA-256 (prefix)"},
    "intake_report.col.unit_code": {"vi": "Mã đơn vị", "en": "Unit code"},
    "intake_report.col.name_vi": {"vi": "Tên đơn vị", "en": "Unit name"},
    "intake_report.col.kind": {"vi": "Khối", "en": "Group"},
    "intake_report.col.received": {"vi": "Ngày gửi", "en": "Date sent"},
    "intake_report.col.correction": {"vi": "Bản sửa đổi", "en": "Correction"},
    "intake_report.col.state": {"vi": "Kết quả", "en": "Outcome"},
    "intake_report.col.problems": {"vi": "Số lỗi", "en": "Problems"},
    "intake_report.col.days_late": {"vi": "Số ngày chậm", "en": "Days late"},
    "intake_report.col.on_time": {"vi": "Đúng hạn", "en": "On time"},
    "intake_report.col.completeness_pct": {"vi": "Mức đầy đủ (%)", "en": "Completeness (%)"},
    "intake_report.col.group": {"vi": "Khối", "en": "Group"},
    "intake_report.col.sum_expected": {"vi": "Số đơn vị phải báo cáo", "en": "Units expected"},
    "intake_report.col.sum_received": {"vi": "Đã gửi", "en": "Reported"},
    "intake_report.col.sum_received_pct": {"vi": "Tỷ lệ đã gửi (%)", "en": "Reported (%)"},
    "intake_report.col.sum_on_time": {"vi": "Đúng hạn", "en": "On time"},
    "intake_report.col.sum_on_time_pct": {"vi": "Tỷ lệ đúng hạn (%)", "en": "On time (%)"},
    "intake_report.col.sum_complete": {"vi": "Đầy đủ", "en": "Complete"},
    "intake_report.col.sum_complete_pct": {"vi": "Tỷ lệ đầy đủ (%)", "en": "Complete (%)"},
})
# ==================================================================== end of the intake and templates block

# ==================================================================== uncertainty and sensitivity block
MESSAGES.update({
    # ---------------------------------------------------------------- the evaluator's choices (factors)
    "uncertainty.factor.indicator_weights": {"vi": "Trọng số chỉ tiêu", "en": "Indicator weights"},
    "uncertainty.factor.area_weights": {"vi": "Trọng số lĩnh vực", "en": "Area weights"},
    "uncertainty.factor.normalisation": {"vi": "Phương pháp chuẩn hóa", "en": "Normalisation"},
    "uncertainty.factor.imputation": {"vi": "Xử lý số liệu thiếu", "en": "Imputation"},
    "uncertainty.factor.aggregation": {"vi": "Phương pháp tổng hợp", "en": "Aggregation"},
    "uncertainty.factor.survey": {"vi": "Sai số chọn mẫu khảo sát", "en": "Survey sampling error"},
    # ---------------------------------------------------------------- columns and axis labels
    "uncertainty.p_insufficient": {"vi": "Không đủ số liệu", "en": "Insufficient data"},
    "uncertainty.share_of_draws": {"vi": "Tỷ lệ số lần mô phỏng", "en": "Share of draws"},
    "uncertainty.factor": {"vi": "Lựa chọn phương pháp", "en": "Choice"},
    "uncertainty.group": {"vi": "Khối", "en": "Peer group"},
    "uncertainty.s1": {"vi": "Ảnh hưởng riêng (S1)", "en": "Main effect (S1)"},
    "uncertainty.st": {"vi": "Ảnh hưởng toàn phần (ST)", "en": "Total effect (ST)"},
    "uncertainty.interactions": {"vi": "Tương tác (ST − S1)", "en": "Interactions (ST − S1)"},
    "uncertainty.sobol_axis": {"vi": "Tỷ lệ phương sai của mức dịch chuyển thứ hạng", "en": "Share of the variance of rank shifts"},
    "uncertainty.correlation": {"vi": "Hệ số tương quan", "en": "Correlation"},
    "uncertainty.alpha": {"vi": "Hệ số Cronbach alpha", "en": "Cronbach's alpha"},
    "uncertainty.r_area": {"vi": "Tương quan với lĩnh vực", "en": "Correlation with its area"},
    "uncertainty.r_index": {"vi": "Tương quan với điểm tổng hợp", "en": "Correlation with the composite"},
    "uncertainty.negative": {"vi": "Tương quan âm với lĩnh vực của mình", "en": "Negative correlation with its own area"},
    "uncertainty.mean_abs_shift": {"vi": "Dịch chuyển thứ hạng trung bình (bậc)", "en": "Mean absolute rank shift (places)"},
    # ---------------------------------------------------------------- figure titles
    "uncertainty.title.sobol": {
        "vi": "Lựa chọn phương pháp nào quyết định thứ hạng — {group}",
        "en": "Which choice drives the ranks — {group}",
    },
    "uncertainty.title.correlation": {
        "vi": "Tương quan giữa chỉ tiêu, lĩnh vực và điểm tổng hợp — {group}, năm {year}",
        "en": "Correlations of indicators, areas and the composite — {group}, {year}",
    },
    "uncertainty.title.removal": {
        "vi": "Ảnh hưởng đến thứ hạng khi bỏ một chỉ tiêu hoặc lĩnh vực — {group}",
        "en": "Rank impact of removing one indicator or area — {group}",
    },
    "uncertainty.title.bands": {
        "vi": "Xác suất xếp loại theo mô phỏng — {group}, năm {year}",
        "en": "Probability of each rating across draws — {group}, {year}",
    },
    # ---------------------------------------------------------------- the methodology audit notebook
    "audit.title": {
        "vi": "Kiểm định phương pháp đánh giá năm {year}: độ tin cậy của thứ hạng",
        "en": "Methodology audit {year}: how sure is each rank",
    },
    "audit.intro": {
        "vi": "Thứ hạng chính thức phụ thuộc vào các lựa chọn của người đánh giá (trọng số, chuẩn hóa, tổng hợp, xử lý "
              "số liệu thiếu) và sai số chọn mẫu của khảo sát. Phân tích mô phỏng {draws} lần các lựa chọn đó "
              "(hạt giống {seed}); mỗi đơn vị có thứ hạng trung vị và khoảng 5–95 %. Hai đơn vị có khoảng thứ hạng "
              "trùng nhau nhiều không nên được coi là khác nhau.",
        "en": "Official ranks depend on the evaluator's choices (weights, normalisation, aggregation, imputation) and "
              "on survey sampling error. The analysis redraws those choices {draws} times (seed {seed}); each unit "
              "gets a median rank and a 5–95 % interval. Two units whose intervals overlap heavily should not be "
              "called different.",
    },
    "audit.no_uncertainty": {
        "vi": "Năm {year} chưa tính khoảng thứ hạng: đặt uncertainty.draws > 0 trong tệp tham số năm rồi chấm điểm lại.",
        "en": "No rank intervals for {year}: set uncertainty.draws > 0 in the run file and score again.",
    },
    "audit.section.intervals": {"vi": "1. Khoảng thứ hạng", "en": "1. Rank intervals"},
    "audit.section.sobol": {"vi": "2. Phân tích độ nhạy (chỉ số Sobol)", "en": "2. Sensitivity analysis (Sobol indices)"},
    "audit.section.removal": {"vi": "3. Bỏ một chỉ tiêu hoặc lĩnh vực", "en": "3. Removing one indicator or area"},
    "audit.section.coherence": {"vi": "4. Tính nhất quán thống kê", "en": "4. Statistical coherence"},
    # ---------------------------------------------------------------- errors
    "audit.error.outputs": {
        "vi": "Kết quả năm {year} trong {folder} thiếu {missing} (tạo bởi phiên bản cũ): chạy lại "
              "`danvan-eval score --year {year}`",
        "en": "The {year} outputs in {folder} lack {missing} (written by an older version): run "
              "`danvan-eval score --year {year}` again",
    },
    "audit.error.framework": {
        "vi": "Không tìm thấy khung chỉ tiêu {file} mà kết quả trong {folder} đã dùng",
        "en": "Framework {file} used by the outputs in {folder} not found",
    },
    "uncertainty.error.no_level": {"vi": "Không có mã nào ở cấp {level} để thay đổi trọng số",
                                   "en": "No code at level {level} to perturb weights of"},
    "uncertainty.error.noise": {"vi": "Biên độ nhiễu trọng số phải trong [0, 1), nhận được {noise}",
                                "en": "Weight noise must lie in [0, 1), got {noise}"},
    "uncertainty.error.concentration": {"vi": "Tham số tập trung Dirichlet phải dương, nhận được {value}",
                                        "en": "Dirichlet concentration must be positive, got {value}"},
    "uncertainty.error.survey_unknown": {"vi": "Chỉ tiêu khảo sát không có trong dữ liệu: {codes}",
                                         "en": "Survey indicators not in the data: {codes}"},
    "uncertainty.error.survey_range": {"vi": "Tỷ lệ khảo sát {code} phải trong 0–100 % tại các dòng {rows}",
                                       "en": "Survey share {code} must lie in 0–100 % at rows {rows}"},
    "uncertainty.error.factor_name": {"vi": "Tên yếu tố “{name}” không được chứa “:” hoặc “@”",
                                      "en": "Factor name “{name}” must not contain “:” or “@”"},
    "uncertainty.error.no_options": {"vi": "Yếu tố “{name}” không có phương án nào",
                                     "en": "Factor “{name}” has no alternative"},
    "uncertainty.error.choice": {"vi": "Yếu tố “{name}”: loại lựa chọn không hỗ trợ {kind}",
                                 "en": "Factor “{name}”: unsupported kind of choice {kind}"},
    "uncertainty.error.verb": {"vi": "Bước “{verb}” không có trong nhật ký của bộ chỉ số",
                               "en": "Step “{verb}” is not in the coin's log"},
    "uncertainty.error.verb_twice": {"vi": "Mỗi bước chỉ được một yếu tố phương án, bước lặp lại: {verbs}",
                                     "en": "Each step takes one factor of alternatives; repeated steps: {verbs}"},
    "uncertainty.error.method": {"vi": "Phép tổng hợp “{method}” chưa hỗ trợ trong mô phỏng (amean, gmean, hmean)",
                                 "en": "Aggregation “{method}” is not supported by the simulation (amean, gmean, hmean)"},
    "uncertainty.error.no_aggregate": {"vi": "Bộ chỉ số chưa được tổng hợp (thiếu bước aggregate)",
                                       "en": "The coin was never aggregated (no aggregate step)"},
    "uncertainty.error.settings": {"vi": "Khóa không hợp lệ trong mục uncertainty: {keys}; hợp lệ: {known}",
                                   "en": "Unknown keys in the uncertainty block: {keys}; allowed: {known}"},
    "uncertainty.error.settings_values": {
        "vi": "Giá trị không hợp lệ trong mục uncertainty: {keys} (draws, seed, sensitivity_draws, bootstrap: số "
              "nguyên không âm; weight_noise trong [0, 1); survey: true/false; normalisation, imputation, "
              "aggregation: danh sách tên phương pháp)",
        "en": "Invalid values in the uncertainty block: {keys} (draws, seed, sensitivity_draws, bootstrap: "
              "non-negative integers; weight_noise in [0, 1); survey: true/false; normalisation, imputation, "
              "aggregation: lists of method names)",
    },
    "uncertainty.error.scale": {
        "vi": "Xếp loại cần thang điểm 0–100: không dùng được phương pháp chuẩn hóa {methods} (chỉ {allowed})",
        "en": "Ratings need the 0–100 scale: normalisation {methods} cannot be used (only {allowed})",
    },
    "uncertainty.error.no_intervals": {"vi": "Bảng thiếu cột khoảng thứ hạng {columns}",
                                       "en": "The table lacks the rank-interval columns {columns}"},
    "uncertainty.error.unknown_unit": {"vi": "Không có đơn vị “{unit}” trong bảng", "en": "No unit “{unit}” in the table"},
    "uncertainty.error.peer_groups": {
        "vi": "{a} và {b} thuộc hai nhóm khác nhau, không xếp hạng cùng nhau",
        "en": "{a} and {b} belong to different peer groups and are not ranked together",
    },
})
# ==================================================================== end of the uncertainty and sensitivity block
