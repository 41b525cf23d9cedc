"""Issue 14: nothing silent, nothing lost, no traceback — each fault an adversarial run found, reproduced.

Every case asserts the message (Vietnamese and English), the exit code, and that nothing was written or lost.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from danvan_eval import cli, locks, outputs
from danvan_eval.errors import DanvanEvalError, RunError, ValidationError
from danvan_eval.model.observations import read_observations
from danvan_eval.model.options import ScoringOptions
from danvan_eval.model.runs import load_run
from danvan_eval.reports import runner

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "data" / "demo"
YEAR = 2024


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative path → bytes)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def no_traceback(text: str) -> None:
    assert "Traceback" not in text and 'File "' not in text, text


@pytest.fixture
def project(tmp_path):
    """A copy of the project's parameters and demo data, so a run file can point at edited inputs."""
    shutil.copytree(ROOT / "parameters", tmp_path / "parameters")
    shutil.copytree(DEMO, tmp_path / "data" / "demo")
    return tmp_path


def run_file(project: Path, **changes) -> Path:
    """The 2024 run file of ``project`` with top-level ``changes`` (None removes a key); no Monte Carlo."""
    path = project / "parameters" / "runs" / "2024.yaml"
    raw = yaml.safe_load((ROOT / "parameters" / "runs" / "2024.yaml").read_text(encoding="utf-8"))
    raw["uncertainty"] = {"draws": 0}
    for key, value in changes.items():
        if value is None:
            raw.pop(key, None)
        else:
            raw[key] = value
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def score_cli(run: Path, out: Path, capsys) -> tuple[int, str]:
    status = cli.main(["score", "--year", str(YEAR), "--run", str(run), "--out", str(out)])
    captured = capsys.readouterr()
    return status, captured.out + captured.err


# ---------------------------------------------------------------- 1. malformed CSV
def _edit_line(path: Path, line: int, old: str, new: str) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path.write_text("\n".join(lines), encoding="utf-8")


def test_an_unclosed_quote_is_refused_at_its_line(project, tmp_path, capsys):
    obs = project / "data" / "demo" / "observations_2024.csv"
    _edit_line(obs, 5, ",demo,", ',"demo,')
    assert cli.main(["validate", str(obs), "--year", str(YEAR)]) == 1
    err = capsys.readouterr().err
    assert "dòng 5" in err and "không bao giờ đóng" in err and "row 5" in err and "never closes" in err
    no_traceback(err)
    # the run refuses it as well, and writes nothing
    out = tmp_path / "out"
    status, text = score_cli(run_file(project), out, capsys)
    assert status == 1 and "[quote_unclosed]" in text and not (out / str(YEAR)).exists()


def test_a_quote_swallowing_lines_is_refused(project, capsys):
    obs = project / "data" / "demo" / "observations_2024.csv"
    _edit_line(obs, 5, ",demo,", ',"demo,')
    _edit_line(obs, 9, ",demo,", ',demo",')  # the quote closes four lines later: one cell of four lines
    with pytest.raises(ValidationError) as err:
        read_observations(obs)
    assert err.value.problems[["row", "code"]].values.tolist() == [[5, "quote_spans_lines"]]
    assert "đến dòng 9" in err.value.problems.loc[0, "message_vi"]


@pytest.mark.parametrize(("keep", "code", "vi", "en"), [
    (0, "no_rows", "không có dòng nào của năm 2024", "no row for year 2024"),
    (40, "too_few_rows", "Chỉ có 40 dòng của năm 2024", "Only 40 rows for year 2024"),
])
def test_a_header_only_or_truncated_year_is_refused(project, tmp_path, capsys, keep, code, vi, en):
    obs = project / "data" / "demo" / "observations_2024.csv"
    lines = obs.read_text(encoding="utf-8").splitlines()
    obs.write_text("\n".join(lines[: keep + 1]) + "\n", encoding="utf-8")
    assert cli.main(["validate", str(obs), "--year", str(YEAR)]) == 1
    text = capsys.readouterr().out
    assert f"[{code}]" in text and vi in text and en in text
    out = tmp_path / "out"
    status, text = score_cli(run_file(project), out, capsys)
    assert status == 1 and f"[{code}]" in text and not (out / str(YEAR)).exists()


def test_a_semicolon_csv_says_so(project, capsys):
    obs = project / "data" / "demo" / "observations_2024.csv"
    obs.write_text(obs.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")
    assert cli.main(["validate", str(obs), "--year", str(YEAR)]) == 1
    text = capsys.readouterr().out
    assert "[semicolon_separator]" in text and "dấu chấm phẩy" in text and "semicolons" in text
    assert "[missing_column]" not in text


def test_a_huge_cell_and_control_characters(project, capsys):
    obs = project / "data" / "demo" / "observations_2024.csv"
    _edit_line(obs, 9, ",demo,", ',"' + "x" * 140_000 + '",')
    assert cli.main(["validate", str(obs), "--year", str(YEAR)]) == 1
    err = capsys.readouterr().err
    assert "dòng 9" in err and "[field_too_long]" in err
    no_traceback(err)
    obs.write_bytes((DEMO / "observations_2024.csv").read_bytes().replace(b"2024,540,i1_plan_issued", b"2024\x1b[2J,540,i1_plan_issued"))
    assert cli.main(["validate", str(obs), "--year", str(YEAR)]) == 1
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\\x1b[2J" in out


# ---------------------------------------------------------------- 2. scoring options
@pytest.mark.parametrize(("options", "vi", "en"), [
    ({"area_weights": {"a1": -5}}, "area_weights.a1: trọng số phải là số từ 0 đến", "a weight is a number from 0 to"),
    ({"area_weights": {a: 0 for a in ("a1", "a2", "a3", "a4", "a5", "a6")}}, "mọi trọng số lĩnh vực đều bằng 0",
     "every area weight is 0"),
    ({"area_weights": {"a1": 1e308}}, "area_weights.a1", "got 1e+308"),
    ({"area_weights": {"a1": float("nan")}}, "area_weights.a1", "got nan"),
    ({"area_weights": "heavy"}, "area_weights phải gán", "got 'heavy'"),
    ({"coverage_threshold": 5}, "coverage_threshold phải là số từ 0 đến 1", "got 5"),
    ({"coverage_threshold": "abc"}, "coverage_threshold phải là số từ 0 đến 1", "got 'abc'"),
    ({"pooled": "no"}, "options.pooled phải là true hoặc false", "got 'no'"),
    ({"normalisation": ["goalposts"]}, "options.normalisation: phương pháp", "unknown method ['goalposts']"),
    ({"smoothing": 3}, "Tùy chọn chấm điểm không hợp lệ: smoothing", "Unknown scoring options: smoothing"),
])
def test_scoring_options_are_checked(project, tmp_path, capsys, options, vi, en):
    out = tmp_path / "out"
    status, text = score_cli(run_file(project, options=options), out, capsys)
    assert status == 1 and vi in text and en in text, text
    no_traceback(text)
    assert not (out / str(YEAR)).exists()


def test_an_unknown_area_weight_code_is_refused_before_scoring(project, tmp_path, capsys):
    out = tmp_path / "out"
    status, text = score_cli(run_file(project, options={"area_weights": {"a9": 3}}), out, capsys)
    assert status == 1 and "mã không có a9" in text and "unknown codes a9" in text
    assert not (out / str(YEAR)).exists()


def test_valid_options_still_load():
    opts = ScoringOptions.from_dict({"area_weights": {"a1": 2, "a2": 0}, "coverage_threshold": 0.5, "pooled": False})
    assert opts.area_weights == {"a1": 2, "a2": 0} and opts.coverage_threshold == 0.5 and opts.pooled is False
    with pytest.raises(DanvanEvalError, match="true or false"):
        ScoringOptions.from_dict({"pooled": 1})


# ---------------------------------------------------------------- 3. the run file
@pytest.mark.parametrize(("text", "vi", "en"), [
    ("year: 2024\nframework: [unclosed\n", "Lỗi cú pháp YAML", "YAML syntax error"),
    ("- year: 2024\n", "không phải list", "not a list"),
    ("year: 2024\nyear: 2025\nframework: a\nunits: b\nobservations: {}\n", "Khóa “year” xuất hiện hai lần (dòng 2; lần đầu ở dòng 1)",
     "Key “year” is given twice (row 2; first at row 1)"),
    ("year: true\nframework: parameters/framework/dv33-2022.1.yaml\nunits: parameters/units/binh-dinh.yaml\n"
     "observations: {2024: data/demo/observations_2024.csv}\n", "year phải là số nguyên", "year must be an integer: True"),
    ("year: 2024\nframework: parameters/framework/dv33-2022.1.yaml\nunits: parameters/units/binh-dinh.yaml\n"
     "observations: {2024: data/demo}\n", "là thư mục, không phải tệp", "is a folder, not a file"),
    ("year: 2024\nframework: parameters/framework/dv33-2022.1.yaml\nunits: parameters/units/binh-dinh.yaml\n"
     "observations: {2024: data/demo/observations_2024.csv}\nsubmissions: {2024: /etc/passwd}\n",
     "nằm ngoài dự án", "lies outside the project"),
    ("year: 2024\nframework: parameters/framework/dv33-2022.1.yaml\nunits: parameters/units/binh-dinh.yaml\n"
     "observations: {2024: data/demo/observations_2024.csv}\nsubmissions: /etc/passwd\n",
     "submissions phải là bảng năm", "submissions must map year"),
    ("year: 2024\nframework: parameters/framework/dv33-2022.1.yaml\nunits: parameters/units/binh-dinh.yaml\n"
     "observations: {2024: data/demo/observations_2024.csv}\noptions: heavy\n", "options phải là bảng", "options must be a mapping"),
    ("year: 2024\nframework: parameters/framework/dv33-2022.1.yaml\nunits: parameters/units/binh-dinh.yaml\n"
     "observations: {2024: data/demo/observations_2024.csv}\nuncertainty: 1000\n", "uncertainty phải là bảng",
     "uncertainty must be a mapping"),
])
def test_a_broken_run_file_is_a_message(project, tmp_path, capsys, text, vi, en):
    path = project / "parameters" / "runs" / "2024.yaml"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    status, printed = score_cli(path, out, capsys)
    assert status == 1 and vi in printed and en in printed, printed
    no_traceback(printed)
    assert not (out / str(YEAR)).exists()


def test_a_run_file_not_in_utf8_names_its_line(project, capsys, tmp_path):
    path = project / "parameters" / "runs" / "2024.yaml"
    path.write_bytes("year: 2024\n# Đánh giá\n".encode("cp1258"))
    status, printed = score_cli(path, tmp_path / "out", capsys)
    assert status == 1 and "không dùng bảng mã UTF-8 (lỗi từ dòng 2)" in printed and "not UTF-8 (from row 2)" in printed


def test_a_bad_uncertainty_block_stops_the_run_before_any_kernel(project, tmp_path, monkeypatch):
    from danvan_eval.reports import render

    def no_kernels(*args, **kwargs):
        raise AssertionError("a kernel pool was started")

    monkeypatch.setattr(render.Renderer, "__enter__", no_kernels)
    run = load_run(run_file(project, uncertainty={"draws": -1}))
    with pytest.raises(DanvanEvalError, match="draws"):
        runner.run_year(run, tmp_path / "out", jobs=2)
    obs = project / "data" / "demo" / "observations_2023.csv"
    _edit_line(obs, 3, ",reported,", ",reportd,")
    with pytest.raises(ValidationError, match="reportd"):
        runner.run_year(load_run(run_file(project)), tmp_path / "out", jobs=2)


# ---------------------------------------------------------------- 4. files the run does not make are kept
def test_score_and_run_keep_the_report_draft_and_user_files(run, tmp_path, monkeypatch):
    out = tmp_path / "out"
    (out / str(YEAR)).mkdir(parents=True)
    draft = out / str(YEAR) / f"bao-cao-chi-thi-33-{YEAR}.docx"
    draft.write_bytes(b"my edited draft")
    (out / str(YEAR) / "notes").mkdir()
    (out / str(YEAR) / "notes" / "ghi-chu.txt").write_text("ghi chú", encoding="utf-8")
    (out / str(YEAR) / "province.html").write_text("old report", encoding="utf-8")  # made by a run: replaced
    runner.score_year(run, out)
    assert draft.read_bytes() == b"my edited draft"
    assert (out / str(YEAR) / "notes" / "ghi-chu.txt").read_text(encoding="utf-8") == "ghi chú"
    assert not (out / str(YEAR) / "province.html").exists() and (out / str(YEAR) / "scores.csv").exists()
    assert oct((out / str(YEAR)).stat().st_mode & 0o777) == oct(0o777 & ~_umask())  # item 11: readable


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# ---------------------------------------------------------------- 6. one run of a year at a time, the swap
def test_a_second_run_of_the_same_year_refuses(run, tmp_path, capsys):
    out = tmp_path / "out"
    with locks.year_lock(out, YEAR):
        with pytest.raises(RunError, match=rf"Một lần chạy khác của năm {YEAR} đang diễn ra \(tiến trình {os.getpid()}"):
            runner.score_year(run, out)
        assert cli.main(["report", "--year", str(YEAR), "--outputs", str(out)]) == 1
        assert "Another run of 2024 is under way" in capsys.readouterr().err
    assert not (out / str(YEAR)).exists()
    runner.score_year(run, out)  # released
    assert (out / str(YEAR) / "scores.csv").exists()


def test_a_forked_child_does_not_keep_a_dead_runs_lock(tmp_path):
    """A pool worker outliving its killed parent (however briefly) must not hold the year's lock."""
    script = (
        "import os, sys, time\n"
        "from danvan_eval import locks\n"
        "with locks.year_lock(sys.argv[1], 2024):\n"
        "    if os.fork() == 0:\n"
        "        time.sleep(60); os._exit(0)\n"
        "    print('held', flush=True)\n"
        "    os._exit(0)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script, str(tmp_path)], stdout=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        assert proc.stdout.readline().strip() == "held"
        proc.wait(timeout=30)
        assert (tmp_path / ".2024.lock").exists()  # the parent died holding it, the child lives on
        # the child lets go of its copy as soon as it runs (at fork), which on a loaded machine can be a moment
        # after its parent ended; without that it would hold the lock for its whole minute
        deadline = time.monotonic() + 10
        while True:
            try:
                with locks.year_lock(tmp_path, 2024):
                    break
            except RunError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)


def test_a_swap_cut_between_its_renames_is_recovered(run, tmp_path):
    out = tmp_path / "out"
    runner.score_year(run, out)
    before = snapshot(out / str(YEAR))
    # a run killed after setting the previous outputs aside, before renaming the new folder into place
    (out / str(YEAR)).rename(out / f".{YEAR}.old-99999999")
    (out / f".{YEAR}.tmp-dead").mkdir()
    (out / f".{YEAR}.tmp-dead" / "scores.csv").write_text("half", encoding="utf-8")
    (out / f".{YEAR}.stage-dead").mkdir()
    with locks.year_lock(out, YEAR):
        pass
    assert snapshot(out / str(YEAR)) == before
    assert sorted(p.name for p in out.iterdir()) == [str(YEAR)]


def test_the_swap_exchanges_in_one_step(tmp_path):
    final = tmp_path / "2024"
    final.mkdir()
    (final / "a").write_text("old")
    with outputs.atomic_dir(final) as tmp:
        (tmp / "a").write_text("new")
    assert (final / "a").read_text() == "new" and [p.name for p in tmp_path.iterdir()] == ["2024"]


# ---------------------------------------------------------------- 11. a full disk
def _disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "outputs/2024/scores.csv")


def test_a_full_disk_is_a_message_and_loses_nothing(run, tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    runner.score_year(run, out)
    before = snapshot(out)
    from danvan_eval.evaluation import year

    monkeypatch.setattr(year, "write_csv", _disk_full)
    status = cli.main(["score", "--year", str(YEAR), "--out", str(out)])
    err = capsys.readouterr().err
    assert status == 1 and "Đĩa đã đầy" in err and "The disk is full" in err
    no_traceback(err)
    assert snapshot(out) == before
    # the report: the .docx is saved beside its place, then renamed
    import docx.document

    monkeypatch.setattr(docx.document.Document, "save", _disk_full)
    assert cli.main(["report", "--year", str(YEAR), "--outputs", str(out)]) == 1
    err = capsys.readouterr().err
    assert "Đĩa đã đầy" in err and "The disk is full" in err
    no_traceback(err)
    assert snapshot(out) == before
    # the intake: the validation report is written first
    from danvan_eval.intake import report

    monkeypatch.setattr(report, "save_workbook", _disk_full)
    (tmp_path / "inbox").mkdir()
    assert cli.main(["intake", str(tmp_path / "inbox"), "--year", str(YEAR), "--out", str(tmp_path / "intake")]) == 1
    err = capsys.readouterr().err
    assert "Đĩa đã đầy" in err and "The disk is full" in err
    no_traceback(err)


# ---------------------------------------------------------------- 5. a real run killed
def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            tree.setdefault(int(fields[1]), []).append(int(entry.name))
    return tree


def _descendants(pid: int) -> set[int]:
    tree, out, todo = _children(), set(), [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            if child not in out:
                out.add(child)
                todo.append(child)
    return out


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def _kernels(pids: set[int]) -> set[int]:
    out = set()
    for pid in pids:
        try:
            if b"ipykernel" in Path(f"/proc/{pid}/cmdline").read_bytes():
                out.add(pid)
        except OSError:
            pass
    return out


def _run_until_notebooks_execute(project, tmp_path):
    """A real ``danvan-eval run`` over a scored year, returned once two kernels execute notebooks:
    (process, outputs folder, snapshot of the previous outputs, processes seen)."""
    run = load_run(run_file(project))
    out = tmp_path / "out"
    runner.score_year(run, out)
    before = snapshot(out / str(YEAR))
    exe = Path(sys.executable).with_name("danvan-eval")
    proc = subprocess.Popen([str(exe), "run", "--year", str(YEAR), "--run", str(run.path), "--out", str(out),
                             "--jobs", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline, seen = time.monotonic() + 180, set()
    while time.monotonic() < deadline and proc.poll() is None:
        seen |= _descendants(proc.pid)
        if len(_kernels(seen)) >= 2 and list(out.glob(f".{YEAR}.stage-*")):
            break  # the notebooks are executing
        time.sleep(0.2)
    return proc, out, before, seen


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("how", ["sigterm_then_group_sigkill", "sigkill_main_only"])
def test_a_killed_run_leaves_no_process_and_the_previous_outputs(project, tmp_path, how):
    proc, out, before, seen = _run_until_notebooks_execute(project, tmp_path)
    try:
        assert proc.poll() is None, proc.communicate()
        seen |= _descendants(proc.pid)
        assert len(_kernels(seen)) >= 2
        if how == "sigterm_then_group_sigkill":
            os.kill(proc.pid, signal.SIGTERM)
            time.sleep(0.3)
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and any(_running(p) for p in seen):
            time.sleep(0.2)
        assert [p for p in seen if _running(p)] == []  # no worker, no kernel survives
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert snapshot(out / str(YEAR)) == before
    with locks.year_lock(out, YEAR):  # the next run sweeps what the dead one left
        pass
    assert sorted(p.name for p in out.iterdir()) == [str(YEAR)]


def test_sigterm_is_handled_like_ctrl_c(project, tmp_path):
    proc, out, before, seen = _run_until_notebooks_execute(project, tmp_path)
    try:
        os.kill(proc.pid, signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    text = err.decode("utf-8")
    assert proc.returncode == 130 and "Đã ngắt" in text and "Interrupted" in text
    no_traceback(text)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(_running(p) for p in seen):
        time.sleep(0.2)
    assert [p for p in seen if _running(p)] == []
    assert snapshot(out / str(YEAR)) == before
    assert sorted(p.name for p in out.iterdir()) == [str(YEAR)]  # cleaned up by itself


# ---------------------------------------------------------------- 9. numbers stay numbers in exports
def test_only_text_is_neutralised_and_reading_strips_it(tmp_path):
    import pandas as pd

    df = pd.DataFrame({"unit_code": ["540", "542", "543", "544"],
                       "change": ["+5,9", "=", "-3", "=HYPERLINK(\"http://x\")"],
                       "note": ["'=already", "@SUM(A1)", "-x", "Huyện An Lão"],
                       "rank": [1, 2, 3, 4], "composite": [81.5, -2.25, 0.0, 12.0]})
    path = outputs.write_csv(df, tmp_path / "t.csv")
    text = path.read_text(encoding="utf-8-sig")
    assert "540,+5,9" not in text and '"+5,9"' in text  # quoted by the CSV writer, no apostrophe
    assert "'=HYPERLINK" in text and "'@SUM" in text and "'-x" in text and "''=already" in text
    assert ",=," in text and ",1,81.5" in text and ",2,-2.25" in text  # numbers unquoted, no apostrophe
    back = outputs.read_csv(path)
    pd.testing.assert_frame_equal(back, df)


# ---------------------------------------------------------------- 10, 11. saved notebooks, export errors
@pytest.fixture
def probe_notebooks(tmp_path, monkeypatch):
    """Report notebooks that read the run's tables through ``outputs_dir`` (as the real ones do)."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    folder = tmp_path / "notebooks"
    folder.mkdir()
    params = 'year = 2024\nunit_code = "540"\nlang = "vi"\noutputs_dir = ""\nrun_file = ""'
    body = ("from danvan_eval.outputs import read_year\n"
            "print(len(read_year(outputs_dir, year).scores), unit_code)")
    for name in (runner.UNIT_NOTEBOOK, runner.PROVINCE_NOTEBOOK):
        nb = new_notebook(cells=[new_code_cell(params, metadata={"tags": ["parameters"]}, id="parameters"),
                                 new_code_cell(body, id="body")])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, folder / name)
    monkeypatch.setattr(runner, "NOTEBOOKS", folder)
    return folder


def test_saved_notebooks_record_the_final_paths_and_fixed_ids(project, tmp_path, probe_notebooks):
    import nbformat
    import papermill

    run = load_run(run_file(project))
    out = tmp_path / "out"
    runner.run_year(run, out, units=["540"], jobs=1)
    first = snapshot(out / str(YEAR) / "units")
    saved = nbformat.read(out / str(YEAR) / "units" / "540.ipynb", as_version=4)
    assert saved.metadata.papermill.parameters["outputs_dir"] == str(out)
    assert saved.metadata.papermill.output_path == str(out / str(YEAR) / "units" / "540.ipynb")
    injected = [c for c in saved.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert [c.id for c in injected] == ["injected-parameters"] and f'outputs_dir = "{out}"' in injected[0].source
    assert ".stage-" not in (out / str(YEAR) / "units" / "540.ipynb").read_text(encoding="utf-8")
    # executing the saved notebook again works: the folder it names exists
    again = papermill.execute_notebook(str(out / str(YEAR) / "units" / "540.ipynb"), str(tmp_path / "again.ipynb"),
                                       progress_bar=False, kernel_name="python3")
    assert "19 540" in again.cells[-1].outputs[0]["text"]
    # an identical run gives identical reports
    runner.run_year(run, out, units=["540"], jobs=1)
    assert snapshot(out / str(YEAR) / "units")["540.html"] == first["540.html"]


def test_an_html_export_error_is_that_reports_failure(project, tmp_path, probe_notebooks, monkeypatch):
    from danvan_eval.reports import render

    real = render.export_html

    def export(nb, path, title=""):
        if path.stem == "542":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return real(nb, path, title)

    monkeypatch.setattr(render, "export_html", export)
    summary = runner.run_year(load_run(run_file(project)), tmp_path / "out", units=["540", "542"], jobs=1)
    assert summary.failed == ["542"]
    assert "OSError" in next(r.error for r in summary.rendered if r.name == "542")
    assert (tmp_path / "out" / str(YEAR) / "units" / "540.html").exists()


# ---------------------------------------------------------------- 7. intake
@pytest.fixture(scope="module")
def corpus():
    import importlib.util

    folder = ROOT / "tests" / "fixtures" / "intake_malformed"
    name = "make_corpus"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, folder / "make_corpus.py")
        sys.modules[name] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules[name])
    return sys.modules[name]


def _intake(files, run, out):
    from danvan_eval.intake.read import intake

    return intake(files, run, out)


def test_a_value_typed_beside_its_cell_is_a_located_problem(run, fw, reg, corpus, tmp_path):
    from danvan_eval.intake import templates as tpl

    wb = corpus.filled_template(fw, reg, unit="540")
    slot = next(s for s in tpl.layout(fw, "district") if s.indicator_id == "i1_subunits_plan_pct")
    wb[slot.sheet][slot.cell("G")] = None  # the value moved one column right, and one far away
    wb[slot.sheet][f"K{slot.row}"] = 95.5
    wb["LV2"]["Z40"] = "12"
    path = tpl.save_workbook(wb, tmp_path / "in" / "mau-bao-cao_2024_540.xlsx")
    result = _intake([path], run, tmp_path / "out")
    assert not result.ok and not (tmp_path / "out" / "observations_2024.csv").exists()
    found = result.problems[result.problems["code"] == "value_outside_inputs"]
    assert found[["sheet", "cell"]].values.tolist() == [[slot.sheet, f"K{slot.row}"], ["LV2", "Z40"]]
    assert "“95,5”" in found.iloc[0]["message_vi"] or "“95.5”" in found.iloc[0]["message_vi"]
    assert "yellow cells" in found.iloc[0]["message_en"]


def test_a_zip_bomb_is_refused_without_unpacking(run, fw, reg, corpus, tmp_path):
    import tracemalloc
    import zipfile

    from danvan_eval.intake import templates as tpl

    path = tpl.save_workbook(corpus.filled_template(fw, reg, unit="540"), tmp_path / "in" / "mau-bao-cao_2024_540.xlsx")
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        # an extra sheet of ~64 MB of cells that compresses to little
        row = "".join(f'<c r="A{i}"><v>1</v></c>' for i in range(1, 2))
        archive.writestr("xl/worksheets/sheet99.xml", "<sheetData>" + row * 3_000_000 + "</sheetData>")
    assert path.stat().st_size < 2 * 2**20
    tracemalloc.start()
    start = time.perf_counter()
    result = _intake([path], run, tmp_path / "out")
    seconds, (_, peak) = time.perf_counter() - start, tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert result.problems["code"].tolist() == ["file_too_large"]
    assert "unpacks to" in result.problems.loc[0, "message_en"]
    assert seconds < 10 and peak < 200 * 2**20


def test_a_macro_workbook_is_refused_and_not_kept(run, fw, reg, corpus, tmp_path):
    import zipfile

    from danvan_eval.intake import templates as tpl

    path = tpl.save_workbook(corpus.filled_template(fw, reg, unit="540"), tmp_path / "in" / "mau-bao-cao_2024_540.xlsx")
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"\x00macro")
    macro = path.rename(path.with_suffix(".xlsm"))
    result = _intake([macro], run, tmp_path / "out")
    assert result.problems["code"].tolist() == ["macro_file"] and "macro" in result.problems.loc[0, "message_en"]
    assert not (tmp_path / "out" / "raw").exists()


@pytest.mark.parametrize("name", ["mau-bao-cao_2024_540 (1).xlsx", "mau-bao-cao_2024_540_final.xlsx"])
def test_a_renamed_copy_of_the_units_template_is_accepted(run, fw, reg, corpus, tmp_path, name):
    from danvan_eval.intake import templates as tpl

    path = tpl.save_workbook(corpus.filled_template(fw, reg, unit="540"), tmp_path / "in" / name)
    result = _intake([path], run, tmp_path / "out")
    assert "file_name_mismatch" not in result.problems["code"].tolist()
    other = tpl.save_workbook(corpus.filled_template(fw, reg, unit="540"), tmp_path / "in2" / "mau-bao-cao_2024_5401.xlsx")
    assert "file_name_mismatch" in _intake([other], run, tmp_path / "out2").problems["code"].tolist()


def test_a_correction_dated_before_its_original_is_refused(run, fw, reg, corpus, tmp_path):
    import datetime as dt

    from danvan_eval.intake import templates as tpl

    original = corpus.filled_template(fw, reg, unit="540", received=dt.date(2024, 11, 20))
    corrected = corpus.filled_template(fw, reg, unit="540", received=dt.date(2024, 11, 10), correction=True)
    files = [tpl.save_workbook(original, tmp_path / "in" / "goc.xlsx"),
             tpl.save_workbook(corrected, tmp_path / "in" / "sua.xlsx")]
    os.utime(files[1], (time.mktime((2024, 11, 29, 9, 0, 0, 0, 0, -1)),) * 2)  # the file came in on 29/11
    result = _intake(files, run, tmp_path / "out")
    assert result.problems[["file", "code"]].values.tolist() == [["sua.xlsx", "correction_before_original"]]
    assert "10/11/2024" in result.problems.loc[0, "message_vi"] and "20/11/2024" in result.problems.loc[0, "message_en"]
    dates = result.files.set_index("file")[["received", "file_date"]]
    assert dates.loc["sua.xlsx"].tolist() == ["2024-11-10", "2024-11-29"]  # the typed date and the file's own


# ---------------------------------------------------------------- 8. validate at scale: a capped listing
def test_many_problems_are_counted_listed_first_and_written_in_full(project, capsys):
    obs = project / "data" / "demo" / "observations_2024.csv"
    obs.write_text(obs.read_text(encoding="utf-8").replace(",540,", ",999,").replace(",reported,", ",reportd,"),
                   encoding="utf-8")
    assert cli.main(["validate", str(obs), "--year", str(YEAR)]) == 1
    out = capsys.readouterr().out
    full = obs.with_name("observations_2024.problems.csv")
    table = outputs.read_csv(full)
    n_status = int((table["code"] == "unknown_status").sum())
    assert n_status == 573 - sum(1 for line in (DEMO / "observations_2024.csv").read_text().splitlines()[1:]
                                 if ",reported," not in line)
    assert f"{len(table)} lỗi, theo loại:" in out and f"{len(table)} problems, by kind:" in out
    assert f"{n_status:>11} × [unknown_status]" in out and "× [unknown_unit]" in out
    assert "50 lỗi đầu tiên" in out and out.count("[unknown_") == 2 + 50 and str(full) in out
    assert set(table.columns) >= {"file", "row", "cell", "code", "message_vi", "message_en"}
