"""The yearly run: every report executed with papermill on the demo data, what the reports show, failures that
stay local, atomic outputs, reruns, Dask, and the warm kernels underneath.

The whole demo year runs once (module fixture); the other tests use one unit or tiny notebooks.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from danvan_eval import cli
from danvan_eval.errors import RunError
from danvan_eval.evaluation import narrative
from danvan_eval.evaluation.year import score_run
from danvan_eval.formatting import number
from danvan_eval.model.framework import default_framework_path, load_framework
from danvan_eval.reports import kernels, render, runner

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2024


@pytest.fixture(scope="module")
def library(run):
    """The scores as the library computes them, independently of the run."""
    return score_run(run).tables["scores"].set_index("unit_code")


@pytest.fixture(scope="module")
def year_run(run, tmp_path_factory):
    out = tmp_path_factory.mktemp("outputs")
    summary = runner.run_year(run, out, jobs=2)
    return out / str(YEAR), summary


def outputs_of(nb: nbformat.NotebookNode, mime: str = "text/plain") -> str:
    """Every output of ``mime`` (and every printed text) of the notebook."""
    return "\n".join(o.get("data", {}).get(mime, o.get("text", "")) for c in nb.cells if c.cell_type == "code"
                     for o in c.get("outputs", []))


def images(html: str) -> int:
    """Figures embedded in an exported report."""
    return len(re.findall(r'<img [^>]*src="data:image/png;base64', html))


def errors_of(nb: nbformat.NotebookNode) -> list:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]


def key_figures(nb: nbformat.NotebookNode) -> str:
    """The text of the key figures table (the first table the unit report displays)."""
    return next(o["data"]["text/plain"] for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
                if "Điểm tổng hợp" in o.get("data", {}).get("text/plain", "") and "Nội dung" in o["data"]["text/plain"])


# ---------------------------------------------------------------- the whole demo year
def test_every_report_is_executed_and_exported(year_run, library):
    folder, summary = year_run
    assert summary.failed == []
    for code in library.index:
        assert (folder / "units" / f"{code}.ipynb").exists() and (folder / "units" / f"{code}.html").exists()
    assert (folder / "province.ipynb").exists() and (folder / "province.html").exists()
    assert (folder / "methodology_audit.ipynb").exists() and (folder / "methodology_audit.html").exists()
    # scored once: the audit's tables are written by the run, the audit notebook only reads them
    for table in ("removal", "coherence_areas", "coherence_indicators", "correlations", "uncertainty"):
        assert (folder / f"{table}.csv").exists(), table
    assert not list(folder.parent.glob(f".{YEAR}.*"))  # no temporary folder left behind
    for path in [*folder.glob("units/*.ipynb"), folder / "province.ipynb", folder / "methodology_audit.ipynb"]:
        nb = nbformat.read(path, as_version=4)
        assert errors_of(nb) == [], path
        counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
        assert counts == list(range(1, len(counts) + 1)), path  # a clean kernel for every notebook


def test_the_manifest_records_every_notebook_and_its_timing(year_run, library):
    folder, _ = year_run
    man = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert set(man["notebooks"]) == {*library.index, "province", "methodology_audit"}
    assert all(v["ok"] and v["seconds"] > 0 for v in man["notebooks"].values())
    assert man["notebooks"]["540"]["files"] == ["units/540.ipynb", "units/540.html"]
    assert man["failed"] == []
    assert {"notebooks_s", "score_s", "total_s"} <= set(man["timings"])
    assert man["uncertainty"]["draws"] == 1000 and man["uncertainty"]["seed"] == 20241125  # what the audit shows


def test_unit_reports_show_the_library_scores(year_run, library):
    folder, _ = year_run
    for code, row in library.iterrows():
        nb = nbformat.read(folder / "units" / f"{code}.ipynb", as_version=4)
        table = key_figures(nb)
        assert number(row["composite"]) in table, code
        assert f"{int(row['rank'])}/{int(row['n_ranked'])}" in table, code
        lo, hi = int(row["rank_p05"]), int(row["rank_p95"])
        assert (f"{lo}–{hi}" in table) == (lo != hi), code  # the rank interval; one rank when that is all it is
        assert row["band_vi"] in table, code
        assert f"{row['name_vi']} ({code})" in outputs_of(nb, "text/markdown"), code


def test_the_unit_page_lists_its_sections_in_reading_order(year_run):
    """What the unit notebook displays comes from one library call, in the order a reader expects."""
    from IPython.display import Markdown

    from danvan_eval.reports import plots, unit_page, views

    folder, _ = year_run
    shown = unit_page.sections(views.load(folder.parent, YEAR, ""), "540", "vi", folder.parent)
    headings = [o.data for o in shown if isinstance(o, Markdown) and o.data.startswith("### ")]
    assert headings == [views.section(k).data for k in ("narrative", "areas", "indicators", "improve", "to_verify",
                                                        "appraisal", "trend", "compliance")]
    figures = [o for o in shown if isinstance(o, plots.ReportFigure)]
    assert len(figures) == 2 and shown[0] is not figures[0]  # area bars, trend, after the heading


def test_the_values_to_verify_reach_the_unit_report_and_the_console(year_run):
    folder, summary = year_run
    html = (folder / "units" / "544.html").read_text(encoding="utf-8")
    assert "Các giá trị cần xác minh" in html and "bằng 6,5 lần năm trước (57)" in html
    assert "tự đánh giá của đơn vị (chưa áp dụng kết quả thẩm định)" in html
    assert "Không có giá trị nào cần xác minh" in (folder / "units" / "540.html").read_text(encoding="utf-8")
    assert "Cần xác minh: 2 giá trị của 1 đơn vị" in summary.describe("vi")
    assert "[peer_outlier]" in summary.describe("en") and (folder / "plausibility.csv").is_file()


def test_unit_reports_are_in_vietnamese_without_code(year_run):
    folder, _ = year_run
    html = (folder / "units" / "546.html").read_text(encoding="utf-8")
    for label in ("Điểm tổng hợp", "Mức độ thực hiện", "Nhận xét", "Điểm theo lĩnh vực", "Chi tiết các chỉ tiêu",
                  "Diễn biến qua các năm", "Thời hạn và mức đầy đủ của báo cáo", "Căn cứ (mục của Kế hoạch)",
                  "Báo cáo gửi chậm 8 ngày so với hạn", "03/12/2024", "Chậm hạn", "Khoảng thứ hạng"):
        assert label in html, label
    assert images(html) == 2  # area bars, trend
    alts = re.findall(r'<img [^>]*alt="([^"]*)"', html)  # each figure described for a screen reader
    assert len(alts) == 2 and all(alts) and "Điểm tổng hợp qua các năm" in alts[1]
    assert "views.load(" not in html and "display(" not in html  # code cells are left out
    assert "Chạy bởi" not in html and "danvan-eval run" not in html  # no developer text at the top
    heads = re.findall(r"<thead>(.*?)</thead>", html, re.DOTALL)
    assert heads and all(h.count("<tr") == 1 for h in heads)  # one header row: no pandas index-name row
    assert "Trong 90% số lần tính lại, đơn vị có thể xếp từ hạng" in html
    assert "Chỉ tiêu cần cải thiện" in html and "ngưỡng mức “Khá” (65 điểm)" in html
    assert "thay đổi +" not in html and " %" not in html


def test_every_page_of_the_demo_year_opens_with_the_synthetic_banner(year_run):
    """The demo's data are synthetic: every exported page says so before anything else (manifest too)."""
    folder, _ = year_run
    from danvan_eval.messages import tr

    banner = tr("synthetic.banner", "vi")
    assert json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["synthetic"] is True
    pages = [*sorted((folder / "units").glob("*.html")), folder / "province.html", folder / "methodology_audit.html"]
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert banner in text, page.name
        assert text.index(banner) < text.index("<h1"), page.name  # above the title


def test_the_province_report_ranks_each_peer_group(year_run, library):
    folder, _ = year_run
    nb = nbformat.read(folder / "province.ipynb", as_version=4)
    assert errors_of(nb) == []
    text = outputs_of(nb)
    for code, row in library.iterrows():
        assert row["name_vi"] in text, code
    html = (folder / "province.html").read_text(encoding="utf-8")
    for label in ("Xếp hạng khối huyện, thị xã, thành phố", "Xếp hạng khối sở, ban, ngành", "Phân bố mức độ thực hiện",
                  "Độ tin cậy của thứ hạng", "Điểm lĩnh vực của tất cả đơn vị", "Thay đổi so với năm trước",
                  "Điểm tổng hợp trên bản đồ", "Không có trên bản đồ (không có ranh giới riêng): Sở, ban, ngành (8).",
                  "sapnhap.bando.com.vn", "Giấy phép của dữ liệu gốc chưa rõ",
                  "Kết quả thực hiện (số liệu báo cáo của các đơn vị)", "Số hội nghị, buổi tuyên truyền (buổi)"):
        assert label in html, label
    fw = load_framework(default_framework_path())
    for paragraph in narrative.province_narrative(library.reset_index(), fw):  # the library's own text
        assert paragraph in outputs_of(nb, "text/markdown")
    assert images(html) == 6  # two rankings, rank intervals of each group, map, bands
    assert 'class="dv-area-scores"' in html and "Thành phố Quy Nhơn" in html  # the heatmap as a table


def test_a_rerun_of_one_unit_keeps_the_scores_byte_identical(year_run, run, tmp_path):
    folder, _ = year_run
    copy = tmp_path / "outputs"
    shutil.copytree(folder, copy / str(YEAR))
    before = {p.name: p.read_bytes() for p in (copy / str(YEAR)).glob("*.csv")}
    old_html = (copy / str(YEAR) / "units" / "SNV.html").read_bytes()
    old_province = (copy / str(YEAR) / "province.html").read_bytes()
    old_figures = key_figures(nbformat.read(copy / str(YEAR) / "units" / "540.ipynb", as_version=4))
    summary = runner.run_year(run, copy, units=["540"], jobs=1)
    after = copy / str(YEAR)
    assert {p.name: p.read_bytes() for p in after.glob("*.csv")} == before
    assert key_figures(nbformat.read(after / "units" / "540.ipynb", as_version=4)) == old_figures
    # the other units' reports were made from the same input files: they are kept, and the manifest says so
    assert (after / "units" / "SNV.html").read_bytes() == old_html
    assert "SNV" in summary.carried_over and "540" not in summary.carried_over
    assert "SNV" in json.loads((after / "manifest.json").read_text(encoding="utf-8"))["carried_over"]
    # so are the province report and the audit (the same tables): rerunning one unit renders one notebook
    assert [r.name for r in summary.rendered] == ["540"]
    assert {"province", "methodology_audit"} <= set(summary.carried_over)
    assert (after / "province.html").read_bytes() == old_province
    assert (after / "methodology_audit.ipynb").is_file()
    # and it does not score the year again: the tables are the year's, as the manifest says
    manifest = json.loads((after / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tables_reused"] is True and "score_s" not in manifest["timings"]
    assert manifest["notebooks"].keys() == {"540"} and manifest["inputs"]


def test_a_rerun_of_one_unit_on_changed_inputs_scores_the_year_again(year_run, run, tiny_notebooks, tmp_path,
                                                                      monkeypatch):
    """Tables are reused only when made from the same files: a changed input file means scoring again (and the
    other units' reports, made from the old files, are dropped and named)."""
    folder, _ = year_run
    copy = tmp_path / "outputs"
    shutil.copytree(folder, copy / str(YEAR))
    old = json.loads((copy / str(YEAR) / "manifest.json").read_text(encoding="utf-8"))
    old["inputs"]["run"]["sha256"] = "0" * 64  # as if the run file had changed since
    (copy / str(YEAR) / "manifest.json").write_text(json.dumps(old), encoding="utf-8")
    scored = []
    monkeypatch.setattr(runner, "score_run", lambda *a: scored.append(a) or score_run(*a))
    summary = runner.run_year(run, copy, units=["540"], jobs=1)
    manifest = json.loads((copy / str(YEAR) / "manifest.json").read_text(encoding="utf-8"))
    assert scored and "tables_reused" not in manifest and "score_s" in manifest["timings"]
    assert "SNV" in summary.dropped and not (copy / str(YEAR) / "units" / "SNV.html").exists()


def test_a_report_in_english(year_run, tmp_path):
    folder, _ = year_run
    job = render.Job("540", runner.NOTEBOOKS / runner.UNIT_NOTEBOOK, tmp_path / "540.ipynb",
                     {"year": YEAR, "unit_code": "540", "lang": "en", "outputs_dir": str(folder.parent)})
    try:
        result = render.render(job)
    finally:
        kernels.close()
    assert result.ok, result.error
    html = job.html.read_text(encoding="utf-8")
    for label in ("Composite score", "Quy Nhơn City", "Every indicator", "Reporting timeliness and completeness"):
        assert label in html, label
    assert "Điểm tổng hợp" not in html


# ---------------------------------------------------------------- failures, atomicity
@pytest.fixture
def tiny_notebooks(tmp_path, monkeypatch):
    """Tiny report notebooks: the unit report fails for unit 546 and for no other."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    params = 'year = 2024\nunit_code = "540"\nlang = "vi"\noutputs_dir = ""\nrun_file = ""'
    cells = {
        runner.UNIT_NOTEBOOK: [
            'if unit_code == "546":\n    raise ValueError("số liệu hỏng / broken data")',
            'print("Đơn vị", unit_code)',
        ],
        runner.PROVINCE_NOTEBOOK: ['print("Toàn tỉnh", year)'],
    }
    for name, sources in cells.items():
        nb = new_notebook(cells=[new_code_cell(params, metadata={"tags": ["parameters"]}),
                                 *[new_code_cell(s) for s in sources]])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, folder / name)
    monkeypatch.setattr(runner, "NOTEBOOKS", folder)
    return folder


def test_a_failing_unit_does_not_stop_the_others(run, tiny_notebooks, tmp_path, capsys):
    out = tmp_path / "outputs"
    status = cli.main(["run", "--year", str(YEAR), "--out", str(out), "--units", "540,546", "--jobs", "2"])
    assert status == 1
    printed = capsys.readouterr().out
    assert "✘ Lỗi báo cáo 546: ValueError: số liệu hỏng / broken data" in printed
    folder = out / str(YEAR)
    man = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert man["failed"] == ["546"]
    assert man["notebooks"]["546"]["ok"] is False and "ValueError" in man["notebooks"]["546"]["error"]
    assert man["notebooks"]["540"]["ok"] and man["notebooks"]["province"]["ok"]
    failed = nbformat.read(folder / "units" / "546.ipynb", as_version=4)  # kept, up to the failing cell
    assert [e.ename for e in errors_of(failed)] == ["ValueError"]
    assert "số liệu hỏng" in (folder / "units" / "546.html").read_text(encoding="utf-8")
    assert "Đơn vị 540" in outputs_of(nbformat.read(folder / "units" / "540.ipynb", as_version=4))
    assert (folder / "scores.csv").exists()


def test_an_interrupted_run_leaves_the_previous_outputs(year_run, run, tmp_path, monkeypatch):
    folder, _ = year_run
    out = tmp_path / "outputs"
    shutil.copytree(folder, out / str(YEAR))
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def interrupted(self, jobs, on_done=None):
        raise KeyboardInterrupt

    monkeypatch.setattr(render.Renderer, "run", interrupted)
    with pytest.raises(KeyboardInterrupt):
        runner.run_year(run, out, units=["540"], jobs=2)
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before  # nothing half-written
    assert sorted(p.name for p in out.iterdir()) == [str(YEAR)]  # no temporary or staging folder left


def test_unknown_unit_codes_are_refused_before_anything_runs(run, tmp_path):
    with pytest.raises(RunError, match=r"Mã đơn vị không có trong năm đánh giá: \['999', '../x'\]"):
        runner.run_year(run, tmp_path, units=["540", "999", "../x"], jobs=1)
    assert not (tmp_path / str(YEAR)).exists()


# ---------------------------------------------------------------- Dask, warm kernels
def test_reports_on_a_dask_cluster(run, tiny_notebooks, tmp_path):
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster:
        summary = runner.run_year(run, tmp_path, units=["540", "542"], scheduler=cluster.scheduler_address)
    assert summary.failed == []
    assert sorted(r.name for r in summary.rendered) == ["540", "542", "province"]
    for code in ("540", "542"):
        nb = nbformat.read(tmp_path / str(YEAR) / "units" / f"{code}.ipynb", as_version=4)
        assert f"Đơn vị {code}" in outputs_of(nb)
        assert (tmp_path / str(YEAR) / "units" / f"{code}.html").exists()


def test_a_warm_kernel_starts_every_notebook_from_a_clean_namespace(tmp_path):
    source = tmp_path / "probe.ipynb"
    nb = new_notebook(cells=[new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
                             new_code_cell("import os\nprint(sorted(k for k in globals() if k.startswith('leftover')),"
                                           " os.getpid())\nleftover = x")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, source)
    try:
        results = [render.render(render.Job(str(i), source, tmp_path / f"out{i}.ipynb", {"x": i})) for i in range(2)]
    finally:
        kernels.close()
    assert all(r.ok for r in results)
    printed = [nbformat.read(tmp_path / f"out{i}.ipynb", as_version=4).cells[-1].outputs[0]["text"].split()
               for i in range(2)]
    assert printed[0][0] == printed[1][0] == "[]"  # what the first notebook defined is gone
    assert printed[0][1] == printed[1][1]  # the same kernel process served both
    second = nbformat.read(tmp_path / "out1.ipynb", as_version=4)
    assert [c.execution_count for c in second.cells] == [1, 2, 3]


def test_a_preloaded_kernel_keeps_the_libraries_out_of_its_garbage_collections():
    """What a report imports is loaded once per kernel and frozen (``gc.freeze``): a full collection in a report
    walks only what the report made."""
    try:
        kernels.preload()
        kernels.warm_kernel().run_code("import gc, sys\nassert 'danvan_eval.reports.unit_page' in sys.modules\n"
                                       "assert gc.get_freeze_count() > 50_000, gc.get_freeze_count()")
    finally:
        kernels.close()


def probe_notebook(path: Path, *sources: str) -> Path:
    """A notebook of a ``parameters`` cell (``x = 0``) and the code cells ``sources``."""
    nb = new_notebook(cells=[new_code_cell("x = 0", metadata={"tags": ["parameters"]}),
                             *[new_code_cell(s) for s in sources]])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def test_a_warm_kernel_records_every_kind_of_output(tmp_path):
    """Outputs are built without validating each (one validation of the saved notebook): printed text, values,
    displays updated by id or cleared, text and displays in the order they came (a display flushes stdout and
    stderr only when they hold text), on every notebook of the kernel, with its language."""
    source = probe_notebook(
        tmp_path / "probe.ipynb",
        "print('kept')\nx + 1",
        "from IPython.display import clear_output, display\nprint('cleared')\nclear_output(wait=True)\n"
        "handle = display('first', display_id=True)\nhandle.update('updated')",
        "import sys\nprint('a')\ndisplay('b')\nprint('c', file=sys.stderr)\ndisplay('d')\nprint('e')")
    try:
        results = [render.render(render.Job(str(i), source, tmp_path / f"out{i}.ipynb", {"x": i})) for i in range(2)]
    finally:
        kernels.close()
    assert all(r.ok for r in results), results
    for i in range(2):
        nb = nbformat.read(tmp_path / f"out{i}.ipynb", as_version=4)
        nbformat.validate(nb)
        first, second, third = (c.outputs for c in nb.cells[-3:])
        assert [o.output_type for o in first] == ["stream", "execute_result"]
        assert first[0].text == "kept\n" and first[1].data["text/plain"] == str(i + 1)
        assert [o.data["text/plain"] for o in second] == ["'updated'"]  # 'cleared' is gone
        assert [o.get("text") or o.data["text/plain"] for o in third] == ["a\n", "'b'", "c\n", "'d'", "e\n"]
        assert nb.metadata.language_info.name == "python"
        assert (tmp_path / f"out{i}.html").is_file()


def test_a_failing_cell_keeps_the_notebook_up_to_it(tmp_path):
    source = probe_notebook(tmp_path / "probe.ipynb", "print('before')", "1 / x", "print('never')")
    job = render.Job("probe", source, tmp_path / "out.ipynb", {"x": 0}, record={"output_path": "/final/out.ipynb"})
    try:
        result = render.render(job)
    finally:
        kernels.close()
    assert not result.ok and result.error.startswith("ZeroDivisionError") and result.cell == 4
    assert result.files == [str(job.output), str(job.html)]
    nb = nbformat.read(job.output, as_version=4)  # written once, with papermill's marks, what it should record
    assert "papermill-error-cell-tag" in nb.cells[0].metadata.tags
    assert [o.text for o in nb.cells[3].outputs] == ["before\n"] and nb.cells[-1].outputs == []
    assert nb.metadata.papermill.output_path == "/final/out.ipynb"
    assert "ZeroDivisionError" in job.html.read_text(encoding="utf-8")


def test_a_malformed_notebook_fails_and_is_kept(tmp_path):
    """Outputs are no longer validated one by one as they arrive: the saved notebook is, once."""
    source = probe_notebook(tmp_path / "probe.ipynb",
                            "from IPython.display import publish_display_data\npublish_display_data({'text/plain': 1})")
    job = render.Job("probe", source, tmp_path / "out.ipynb", {"x": 1})
    try:
        result = render.render(job)
    finally:
        kernels.close()
    assert not result.ok and "ValidationError" in result.error
    assert result.files == [str(job.output)]
    assert json.loads(job.output.read_text(encoding="utf-8"))["cells"][-1]["outputs"][0]["data"] == {"text/plain": 1}


def test_the_input_notebook_is_read_again_when_it_changes(tmp_path):
    source = probe_notebook(tmp_path / "probe.ipynb", "print('one')")
    job = render.Job("probe", source, tmp_path / "out.ipynb", {"x": 1})
    first = render.prepare(job)
    assert [c.source for c in first.cells] == ["x = 0", "# Parameters\nx = 1\n", "print('one')"]
    first.cells.pop()  # a prepared notebook is a copy: changing it changes nothing of the next one
    assert render.prepare(job).cells[-1].source == "print('one')"
    probe_notebook(source, "print('two')", "print('three')")
    assert [c.source for c in render.prepare(job).cells][2:] == ["print('two')", "print('three')"]


def test_a_page_has_no_mermaid_script_and_its_headings_in_utf8(tmp_path):
    nb = new_notebook(cells=[new_code_cell(outputs=[nbformat.v4.new_output(
        "display_data", data={"text/markdown": "### Nhận xét", "text/plain": "x"})])])
    first = render.export_html(nb, tmp_path / "a.html", "page").read_text(encoding="utf-8")
    again = render.export_html(nb, tmp_path / "b.html", "page").read_text(encoding="utf-8")  # the cached Markdown
    assert first == again and ">Nhận xét<" in first and "&#7853;" not in first
    assert "mermaid" not in first.lower()


def test_a_kernel_that_dies_keeps_the_notebook_up_to_it_and_the_next_one_runs(tmp_path):
    dying = probe_notebook(tmp_path / "dying.ipynb", "print('before')", "import os\nos._exit(1)", "print('never')")
    healthy = probe_notebook(tmp_path / "healthy.ipynb", "print(x)")
    try:
        died = render.render(render.Job("dying", dying, tmp_path / "dying-out.ipynb", {"x": 1}))
        after = render.render(render.Job("healthy", healthy, tmp_path / "healthy-out.ipynb", {"x": 2}))
    finally:
        kernels.close()
    assert not died.ok and "DeadKernelError" in died.error and died.files == [
        str(tmp_path / "dying-out.ipynb"), str(tmp_path / "dying-out.html")]
    nb = nbformat.read(tmp_path / "dying-out.ipynb", as_version=4)
    assert [o.text for o in nb.cells[2].outputs] == ["before\n"] and nb.cells[-1].outputs == []
    assert after.ok and nbformat.read(tmp_path / "healthy-out.ipynb", as_version=4).cells[-1].outputs[0].text == "2\n"
