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
        "vi": "Lĩnh vực {area} không có chỉ tiêu nào áp dụng cho {kind}",
        "en": "Area {area} has no indicator that applies to {kind}",
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
        "vi": "Chỉ tiêu {indicator} không áp dụng cho khối {kind}",
        "en": "Indicator {indicator} does not apply to {kind}",
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


def tr(key: str, lang: str = "vi", **fields: object) -> str:
    """The text of ``key`` in ``lang`` with ``fields`` filled in.

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


# ==================================================================== block of plots / narrative / runner (issue 3)
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
})
