"""Write parameters/units/gia-lai.yaml from the reference tables in data/reference/admin_units/.

    .venv/bin/python scripts/make_registry_gia_lai.py          # rewrites the registry (same input → same bytes)

Every value keeps its source and confidence; the 14 populations the reference could not establish are written
as ``value: null, status: unknown`` (an evaluator supplies them in gia-lai-supplements.yaml, with a source).
Peer groups: wards; communes in ethnic-minority and mountainous areas (classification ``yes``); other communes
(``possible`` or ``unknown``); provincial agencies.
"""

from __future__ import annotations

import csv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REF = ROOT / "data" / "reference" / "admin_units"
OUT = ROOT / "parameters" / "units" / "gia-lai.yaml"
VALID_FROM = "2025-07-01"

AGENCY_CODES = {  # seq of gialai_departments_2025-07-01.csv → unit code
    "1": "GL-VP", "2": "GL-TTR", "3": "GL-SNV", "4": "GL-STP", "5": "GL-STC", "6": "GL-SCT", "7": "GL-SXD",
    "8": "GL-SNNMT", "9": "GL-SKHCN", "10": "GL-SGDDT", "11": "GL-SYT", "12": "GL-SVHTTDL", "13": "GL-SDTTG",
    "14": "GL-SNGV", "15": "GL-BQLKKT",
}
AGENCY_EN = {
    "1": "Office of the Provincial People's Committee", "2": "Provincial Inspectorate",
    "3": "Department of Home Affairs", "4": "Department of Justice", "5": "Department of Finance",
    "6": "Department of Industry and Trade", "7": "Department of Construction",
    "8": "Department of Agriculture and Environment", "9": "Department of Science and Technology",
    "10": "Department of Education and Training", "11": "Department of Health",
    "12": "Department of Culture, Sports and Tourism", "13": "Department of Ethnic Minorities and Religions",
    "14": "Department of Foreign Affairs", "15": "Economic Zone Management Board",
}
GROUPS = [
    ("phuong", "Phường", "Wards",
     "Mọi phường (25), kể cả phường ở vùng đồng bào dân tộc thiểu số và miền núi"),
    ("xa_mien_nui", "Xã vùng đồng bào dân tộc thiểu số và miền núi",
     "Communes in ethnic-minority and mountainous areas",
     "Xã được xếp “yes” trong bảng tham chiếu (độ tin cậy trung bình)"),
    ("xa_dong_bang", "Xã đồng bằng, ven biển và trung du", "Lowland, coastal and midland communes",
     "Xã xếp “possible” (có thể có thôn vùng đồng bào dân tộc thiểu số) hoặc “unknown” (chưa xác định)"),
    ("co_quan_tinh", "Cơ quan chuyên môn, đơn vị thuộc UBND tỉnh", "Provincial agencies",
     "14 cơ quan chuyên môn và Ban Quản lý Khu kinh tế tỉnh"),
]
CONF = {"high", "medium", "low"}


def q(text: object) -> str:
    """A YAML double-quoted scalar."""
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


SOURCES: dict[str, str] = {}  # source line → its anchor in the registry's ``sources:`` section


def src(text: str) -> str:
    """An alias of the source line (declared once under ``sources:``)."""
    return "*" + SOURCES.setdefault(text, f"s{len(SOURCES) + 1}")


def _group(r: dict) -> str:
    if r["type"] == "phường":
        return "phuong"
    return "xa_mien_nui" if r["mountainous_ethnic"] == "yes" else "xa_dong_bang"


def commune(r: dict) -> list[str]:
    ward = r["type"] == "phường"
    base = r["name"].split(" ", 1)[1]
    status = r["mountainous_ethnic"]
    group = _group(r)
    conf = r["confidence"] if r["confidence"] in CONF else "medium"
    lines = [
        f"  - code: {q(r['code'])}",
        f"    kind: {'ward' if ward else 'commune'}",
        f"    peer_group: {group}",
        f"    name_vi: {r['name']}",
        f"    name_en: {base} {'Ward' if ward else 'Commune'}",
        f"    type_vi: {'Phường' if ward else 'Xã'}",
        f"    type_en: {'Ward' if ward else 'Commune'}",
    ]
    if r["population"]:
        note = f", note: {q(r['population_flag'])}" if r["population_flag"] else ""
        lines.append(f"    population: {{value: {int(r['population'])}, source: {src(r['population_source'])}, "
                     f"confidence: {conf}{note}}}")
    else:
        lines.append(
            "    population: {value: null, status: unknown, confidence: low, source: "
            + q("Chưa có số liệu chính thức: giá trị trên sapnhap.bando.com.vn "
                f"({r['population_bando_raw']}) mất chữ số cuối (Tổng điều tra 2019 cùng địa bàn: "
                f"{r['population_census2019'] or 'không tách được'}); data/reference/admin_units/README.md")
            + "}")
    lines.append(f"    area_km2: {{value: {float(r['area_km2'])}, source: {src(r['area_source'])}, confidence: medium}}")
    lines.append(f"    mountainous: {{value: {'true' if status in ('yes', 'possible') else 'false'}, status: {q(status)}, "
                 f"confidence: {r['mountainous_ethnic_confidence']}, basis: {q(r['mountainous_ethnic_basis'])}}}")
    lines += [
        f"    valid_from: {VALID_FROM}",
        f"    confidence: {conf}",
        f"    source: {src(r['source'])}",
        f"    note: {q('Hình thành từ / formed from: ' + r['predecessors_old_commune_names'].replace('|', ', ') + ' (' + r['predecessor_old_district_names'].replace('|', ', ') + '; NQ 1664/NQ-UBTVQH15 khoản ' + r['nq1664_clause'] + ')')}",
    ]
    return lines


def agency(r: dict) -> list[str]:
    note = f"Hình thành từ / formed from: {r['formed_from']}"
    if r["is_co_quan_chuyen_mon"] != "yes":
        note += ". Không phải cơ quan chuyên môn (đơn vị trực thuộc UBND tỉnh), vẫn báo cáo theo Kế hoạch."
    return [
        f"  - code: {AGENCY_CODES[r['seq']]}",
        "    kind: agency",
        "    peer_group: co_quan_tinh",
        f"    name_vi: {q(r['full_name'])}",
        f"    name_en: {q(AGENCY_EN[r['seq']] + ' of Gia Lai')}",
        f"    type_vi: {q(r['kind'][:1].upper() + r['kind'][1:])}",
        "    type_en: Provincial agency",
        f"    valid_from: {r['effective_from']}",
        f"    confidence: {r['confidence']}",
        f"    source: {src(r['source'])}",
        f"    note: {q(note)}",
    ]


def main() -> None:
    with open(REF / "gialai_units_2025-07-01.csv", encoding="utf-8") as f:
        units = list(csv.DictReader(f))
    with open(REF / "gialai_departments_2025-07-01.csv", encoding="utf-8") as f:
        agencies = list(csv.DictReader(f))
    units.sort(key=lambda r: (r["former_province"] != "Bình Định", r["code"]))
    out = [
        "# Danh mục đơn vị báo cáo — tỉnh Gia Lai (từ 01/07/2025) / registry of reporting units — Gia Lai province.",
        "# GENERATED by scripts/make_registry_gia_lai.py from data/reference/admin_units/ (see its README): do not",
        "# edit by hand; to supply a missing figure use gia-lai-supplements.yaml (with its source); to change a peer",
        "# group for one run use the run file's peer_groups; to add a unit, add it here or in the reference table.",
        "# population: {value, source, confidence} or {value: null, status: unknown}: never an invented number.",
        "# mountainous: value true = the remote-area indicators apply (classification yes or possible); status keeps",
        "# the classification found (yes / possible / unknown), confidence how sure it is.",
        "",
        "title:",
        "  vi: Các xã, phường và cơ quan cấp tỉnh báo cáo kết quả thực hiện Chỉ thị số 33/CT-TTg — tỉnh Gia Lai",
        "  en: Communes, wards and provincial agencies reporting on Directive 33/CT-TTg — Gia Lai province",
        "supplements: gia-lai-supplements.yaml",
        "",
        "peer_groups:",
    ]
    for gid, vi, en, note in GROUPS:
        out += [f"  - id: {gid}", f"    label_vi: {vi}", f"    label_en: {en}", f"    note: {q(note)}"]
    body = ["", "units:"]
    for group, vi, *_ in GROUPS[:3]:
        body.append(f"  # ---------------------------------------------------------------- {vi}")
        for r in units:
            if _group(r) == group:
                body += commune(r)
    body += ["  # ---------------------------------------------------------------- cơ quan cấp tỉnh"]
    for r in agencies:
        body += agency(r)
    out += ["", "sources:"] + [f"  {name}: &{name} {q(text)}" for text, name in SOURCES.items()] + body
    OUT.write_text("\n".join(out) + "\n", encoding="utf-8")
    print(f"{OUT.relative_to(ROOT)}: {len(units)} xã, phường + {len(agencies)} cơ quan")


if __name__ == "__main__":
    main()
