"""Synthetic free text of the demo (the units' own words of the ``Nhận xét`` sheet), seeded and marked synthetic.

Some units of the last demo year answer some of the five questions with sentences picked from the pools below;
every answer ends with ``(nội dung mô phỏng)``, so that a demo text can never pass for a unit's real words.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .model.free_text import COLUMNS, FIELDS

MARK = " (nội dung mô phỏng)"
SHARE = 0.45  # of the units answer each question
POOLS = {
    "highlights": (
        "Tổ chức hội nghị quán triệt Chỉ thị số 33/CT-TTg đến toàn thể cán bộ, công chức, viên chức; 100% cơ quan,"
        " đơn vị trực thuộc ban hành kế hoạch thực hiện.",
        "Đẩy mạnh tiếp nhận hồ sơ trực tuyến; tỷ lệ hồ sơ giải quyết đúng hạn tăng so với năm trước.",
        "Người đứng đầu tiếp công dân định kỳ đúng quy định, đối thoại trực tiếp với Nhân dân về giải phóng mặt bằng.",
        "Tuyên truyền trên Cổng thông tin điện tử và mạng xã hội, kịp thời thông tin các chính sách mới đến người dân.",
    ),
    "models": (
        "Mô hình “Ngày thứ Bảy cùng dân”: giải quyết thủ tục hành chính cho người dân ngoài giờ hành chính.",
        "Mô hình “Bộ phận một cửa thân thiện”: hướng dẫn tận tình, không để người dân đi lại nhiều lần.",
        "Mô hình “Cán bộ bám cơ sở” ở thôn, làng đồng bào dân tộc thiểu số.",
        "Mô hình “Dân vận khéo trong chuyển đổi số”: hỗ trợ người dân cài đặt, sử dụng dịch vụ công trực tuyến.",
    ),
    "difficulties": (
        "Đội ngũ làm công tác dân vận kiêm nhiệm, thường xuyên thay đổi; kinh phí cho hoạt động tuyên truyền còn hạn chế.",
        "Một số vụ việc khiếu nại về đất đai tồn đọng, kéo dài, phức tạp.",
        "Hạ tầng công nghệ thông tin ở một số xã vùng sâu còn thiếu, ảnh hưởng việc tiếp nhận hồ sơ trực tuyến.",
        "Việc đánh giá, công nhận mô hình “Dân vận khéo” ở một số nơi còn hình thức.",
    ),
    "causes": (
        "Khách quan: địa bàn rộng, giao thông khó khăn; chủ quan: một số người đứng đầu chưa quan tâm đúng mức.",
        "Văn bản hướng dẫn về bồi thường, hỗ trợ tái định cư thay đổi nhiều lần.",
        "Kỹ năng công tác dân vận của một bộ phận cán bộ, công chức trẻ còn hạn chế.",
    ),
    "proposals": (
        "Đề nghị Ủy ban nhân dân tỉnh bố trí kinh phí tập huấn kỹ năng công tác dân vận cho cán bộ cơ sở.",
        "Đề nghị Sở Nội vụ ban hành hướng dẫn tiêu chí đánh giá, công nhận mô hình “Dân vận khéo” thống nhất.",
        "Đề nghị các sở, ngành hướng dẫn kịp thời vướng mắc về đất đai để giải quyết dứt điểm vụ việc tồn đọng.",
    ),
}


def generate(units: list[str], year: int, seed: int) -> pd.DataFrame:
    """The demo's free-text table of ``year`` (``model.free_text.COLUMNS``), the same for the same seed."""
    rng = np.random.default_rng([seed, year, 33])
    rows = []
    for field_ in FIELDS:
        pool = POOLS[field_]
        chosen = sorted(rng.choice(units, size=max(1, round(SHARE * len(units))), replace=False))
        rows += [(year, code, field_, pool[int(rng.integers(len(pool)))] + MARK) for code in chosen]
    out = pd.DataFrame(rows, columns=COLUMNS)
    order = {f: i for i, f in enumerate(FIELDS)}
    return out.sort_values(["unit_code", "field"], key=lambda s: s.map(order) if s.name == "field" else s,
                           kind="stable").reset_index(drop=True)
