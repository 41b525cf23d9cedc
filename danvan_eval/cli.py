"""``danvan-eval``: a thin command line over the library; every command is one library call.

Messages are Vietnamese first, then English. Exit codes: 0 success, 1 invalid input or a failed unit,
2 wrong usage.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import USER_ERRORS, DanvanEvalError, system_error
from .messages import CATALOG
from .paths import PROJECT_ROOT
from .processes import terminate_as_interrupt


def _run_config(args: argparse.Namespace):
    from .model.runs import default_run_path, load_run

    return load_run(Path(args.run) if args.run else default_run_path(args.year, PROJECT_ROOT))


def cmd_validate(args: argparse.Namespace) -> int:
    from .model.framework import default_framework_path, load_framework
    from .model.observations import check, read_observations, row_count_problems, validate
    from .model.units import default_registry_path, load_registry

    framework = load_framework(Path(args.framework) if args.framework else default_framework_path())
    registry = load_registry(Path(args.units) if args.units else default_registry_path())
    status, valid = 0, []
    for file in args.files:
        obs = read_observations(Path(file))
        year = args.year if args.year is not None else _single_year(obs, file)
        problems = validate(obs, framework, registry, year, file=str(file))
        if problems.empty:
            problems = row_count_problems(obs, framework, registry, year, file=str(file))
        if len(problems):
            status = 1
            print(_listing(problems, Path(file), "both" if args.lang == "vi" else "en"))
        else:
            print(f"✔ {file}: hợp lệ ({len(obs)} dòng, năm {year}) / valid ({len(obs)} rows, year {year})")
            valid.append((file, year, check(obs, framework, registry, year, file=str(file)).assign(row=obs["row"].to_numpy())))
    _plausibility(args, valid, framework, registry)
    return status


def _plausibility(args: argparse.Namespace, valid: list, framework, registry) -> None:
    """Print the values to verify of every valid file (warnings: the exit code stays that of the validation).
    Last year's values come from the other files given and, when the year has a run file, from its earlier
    years."""
    import pandas as pd

    from .evaluation.plausibility import findings
    from .evaluation.year import earlier_observations
    from .model.plausibility import load_plausibility
    from .model.runs import default_run_path, load_run
    from .problems import format_problems

    if not valid:
        return
    rules = load_plausibility(framework)
    lang = "both" if args.lang == "vi" else "en"
    for file, year, table in valid:
        history = [t for f, y, t in valid if y < year]
        run_path = Path(args.run) if args.run else default_run_path(year, PROJECT_ROOT)
        if run_path.is_file():
            history.append(earlier_observations(load_run(run_path), framework, registry, year))
        found = findings(pd.concat([*history, table], ignore_index=True), framework, registry, year, rules,
                         files=str(file))
        if len(found):
            print("⚠ " + " / ".join(CATALOG.tr("plausibility.to_verify", one, n=len(found),
                                                units=found["unit"].nunique()) for one in ("vi", "en")))
            print(format_problems(found, lang))


LISTED = 50  # problems printed one by one; beyond, counts per kind and the full table in a file


def _listing(problems, file: Path, lang: str) -> str:
    """Every problem (Vietnamese first with English under each; ``en`` for English only); past ``LISTED``, the
    count of each kind, the first ``LISTED`` and the full table written beside the file."""
    from .outputs import neutralise
    from .problems import format_problems

    if len(problems) <= LISTED:
        return format_problems(problems, lang)
    langs = ("vi", "en") if lang == "both" else (lang,)
    counts = problems.groupby("code", sort=False).size().sort_values(ascending=False, kind="stable")
    lines = [" / ".join(CATALOG.tr("validate.counts", one, n=len(problems)) for one in langs)]
    for code, n in counts.items():
        lines.append(f"  {n:>9} × [{code}]")
    lines.append(" / ".join(CATALOG.tr("validate.first", one, n=LISTED) for one in langs))
    lines.append(format_problems(problems.head(LISTED), lang))
    full = file.with_name(f"{file.stem}.problems.csv")
    try:
        # places and codes are made here (a letter then digits, snake_case): only the texts can hold a formula
        table = neutralise(problems.drop(columns=["cell", "code"])).assign(cell=problems["cell"], code=problems["code"])
        table[list(problems.columns)].to_csv(full, index=False, encoding="utf-8-sig", lineterminator="\n")
        lines.append(" / ".join(CATALOG.tr("validate.full", one, n=len(problems), path=full) for one in langs))
    except OSError as err:
        lines.append(f"✘ {system_error(err)}")
    return "\n".join(lines)


def _single_year(obs, file) -> int:
    years = sorted(set(obs["year"].dropna().astype(str)))
    if len(years) != 1 or not years[0].isdigit():
        raise DanvanEvalError(
            f"{file}: cần --year vì tệp có các năm {years} / pass --year: the file holds years {years}"
        )
    return int(years[0])


def cmd_score(args: argparse.Namespace) -> int:
    from .reports.runner import score_year

    folder = score_year(_run_config(args), Path(args.out))
    print(f"✔ Đã chấm điểm năm {args.year}: {folder / 'scores.csv'} / scored {args.year}")
    _registry_figures(folder, args.lang)
    return 0


def _registry_figures(folder: Path, lang: str) -> None:
    """Name the units whose registry figure is unknown or an estimate (Vietnamese, then English unless ``en``)."""
    import json

    from .evaluation.registry_figures import describe
    from .outputs import read_csv

    if not (folder / "registry_figures.csv").exists():
        return
    table = read_csv(folder / "registry_figures.csv")
    inputs = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["inputs"]
    supply = inputs.get("units_supplements", inputs["units"])["path"]
    for one in ("vi", "en") if lang == "vi" else (lang,):
        print("\n".join(describe(table, one, supply)))


def cmd_run(args: argparse.Namespace) -> int:
    from .reports.runner import run_year

    units = args.units.split(",") if args.units else None
    summary = run_year(
        _run_config(args), Path(args.out), units=units, jobs=args.jobs, scheduler=args.scheduler, lang=args.lang
    )
    print(summary.describe(args.lang))
    return 1 if summary.failed else 0


def cmd_continuity(args: argparse.Namespace) -> int:
    from .evaluation.continuity_run import TABLES, continuity_for_run, write_continuity
    from .locks import year_lock
    from .outputs import atomic_dir

    run = _run_config(args)
    tables = continuity_for_run(run, past_run=Path(args.past_run) if args.past_run else None)
    final = Path(args.out) / str(run.year)
    names = {f"{t}.csv" for t in TABLES}
    # the year's other outputs are carried over into the new folder; only these tables are replaced
    with year_lock(Path(args.out), run.year), atomic_dir(final, keep=lambda name: name not in names) as tmp:
        paths = write_continuity(tables, tmp)
    for p in paths:
        print(final / p.name)
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    from .intake.templates import write_templates

    run = _run_config(args)
    paths = write_templates(run, Path(args.out), units=None if args.all else [args.unit])
    for p in paths:
        print(p)
    return 0


def cmd_intake(args: argparse.Namespace) -> int:
    from .intake.read import intake

    result = intake([Path(p) for p in args.paths], _run_config(args), Path(args.out), workers=args.workers)
    print(result.describe(args.lang))
    return 0 if result.ok else 1


def cmd_appraise(args: argparse.Namespace) -> int:
    from .intake.appraisal import console, take_in, write_workbook
    from .problems import format_problems

    run = _run_config(args)
    lang = "both" if args.lang == "vi" else "en"
    if args.read is None:
        path = write_workbook(run, Path(args.out))
        print(f"✔ {CATALOG.both('appraisal.written', path=path)}")
        return 0
    read, added = take_in(Path(args.read), run)
    if not read.ok:
        print(f"✘ {CATALOG.both('appraisal.refused', n=len(read.problems), path=args.read)}")
        print(format_problems(console(read.problems), lang))
        return 1
    counts = read.rows["decision"].value_counts()
    print("✔ " + CATALOG.both("appraisal.read", n=len(read.rows), added=added, path=run.appraisal,
                              accepted=int(counts.get("accepted", 0)), adjusted=int(counts.get("adjusted", 0)),
                              rejected=int(counts.get("rejected", 0))))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from .locks import year_lock
    from .reports.annual import write_reports

    with year_lock(Path(args.outputs), args.year):  # not while a run replaces that year's folder
        province, ministry = write_reports(Path(args.outputs), args.year, Path(args.out) if args.out else None)
    print(f"✔ Báo cáo gửi UBND tỉnh / report to the provincial People's Committee: {province}")
    print(f"✔ Báo cáo gửi Bộ Nội vụ (không xếp hạng) / report to the Ministry of Home Affairs (no ranking): {ministry}")
    return 0


def cmd_dashboard(args: argparse.Namespace) -> int:
    from .dashboard.server import serve

    return serve(port=args.port, outputs=Path(args.outputs), open_browser=not args.no_browser, host=args.host,
                 sign_in=args.sign_in, accounts=Path(args.accounts) if args.accounts else None,
                 certfile=args.certfile or "", keyfile=args.keyfile or "", allow_hosts=args.allow_host,
                 lang=args.lang, behind_proxy=args.behind_proxy, kernels=args.kernels,
                 widget_pages=args.widget_pages)


def cmd_reviewer(args: argparse.Namespace) -> int:
    import getpass

    from .dashboard.accounts import add_reviewer, default_accounts_path, load_accounts, remove_reviewer

    path = Path(args.accounts) if args.accounts else default_accounts_path()
    if args.action == "list":
        accounts = load_accounts(path)
        for name, account in sorted(accounts.items()):
            print(f"{name}\t{account.get('added', '')}")
        if not accounts:
            print(CATALOG.tr("reviewer.none", args.lang, path=path))
        return 0
    if not args.name:
        raise DanvanEvalError("cần tên đăng nhập / a user name is needed")
    if args.action == "remove":
        remove_reviewer(path, args.name)
        print(f"✔ {CATALOG.tr('reviewer.removed', args.lang, name=args.name, path=path)}")
        return 0
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass(CATALOG.tr("reviewer.prompt", args.lang, name=args.name))
        if password != getpass.getpass(CATALOG.tr("reviewer.prompt_again", args.lang)):
            raise DanvanEvalError(CATALOG.both("reviewer.mismatch"))
    add_reviewer(path, args.name, password)
    print(f"✔ {CATALOG.tr('reviewer.added', args.lang, name=args.name, path=path)}")
    return 0


def cmd_demo_data(args: argparse.Namespace) -> int:
    from .demo import main as demo_main

    return demo_main(["--out", args.out, "--seed", str(args.seed)])


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="danvan-eval",
        description="Đánh giá kết quả thực hiện Chỉ thị 33/CT-TTg về công tác dân vận / "
        "evaluation of Directive 33/CT-TTg on mass-mobilisation work",
    )
    p.add_argument("--lang", choices=["vi", "en"], default="vi", help="ngôn ngữ / language")
    # --lang is accepted after the command too (danvan-eval run --year 2024 --lang en)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lang", choices=["vi", "en"], default=argparse.SUPPRESS, help="ngôn ngữ / language")
    sub = p.add_subparsers(dest="command", required=True)

    def add(name: str, **kwargs) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[common], **kwargs)

    def with_year(sp: argparse.ArgumentParser, required: bool = True) -> None:
        sp.add_argument("--year", type=int, required=required, help="năm đánh giá / evaluated year")
        sp.add_argument("--run", help="tệp tham số năm (mặc định parameters/runs/<năm>.yaml) / run file")

    sp = add("validate", help="kiểm tra tệp số liệu / validate observation files")
    sp.add_argument("files", nargs="+")
    sp.add_argument("--year", type=int)
    sp.add_argument("--framework")
    sp.add_argument("--units")
    sp.add_argument("--run", help="tệp tham số năm, cho số liệu năm trước / run file, for last year's values")
    sp.set_defaults(fn=cmd_validate)

    sp = add("score", help="chấm điểm một năm / score a year")
    with_year(sp)
    sp.add_argument("--out", default=str(PROJECT_ROOT / "outputs"))
    sp.set_defaults(fn=cmd_score)

    sp = add("run", help="chạy đánh giá năm: chấm điểm + báo cáo từng đơn vị / the yearly run")
    with_year(sp)
    sp.add_argument("--units", help="mã đơn vị, cách nhau bởi dấu phẩy / comma-separated unit codes")
    sp.add_argument("--jobs", type=int, default=2)
    sp.add_argument("--scheduler", help="địa chỉ Dask, ví dụ tcp://host:8786 / Dask scheduler address")
    sp.add_argument("--out", default=str(PROJECT_ROOT / "outputs"))
    sp.set_defaults(fn=cmd_run)

    sp = add("continuity", help="so sánh qua cuộc sắp xếp 01/07/2025 / continuity across the 2025 reform")
    with_year(sp)
    sp.add_argument("--past-run", help="tệp tham số năm 2024 (mặc định parameters/runs/2024.yaml) / 2024 run file")
    sp.add_argument("--out", default=str(PROJECT_ROOT / "outputs"))
    sp.set_defaults(fn=cmd_continuity)

    sp = add("template", help="tạo mẫu Excel cho đơn vị / make Excel templates")
    with_year(sp)
    g = sp.add_mutually_exclusive_group(required=True)
    g.add_argument("--unit")
    g.add_argument("--all", action="store_true")
    sp.add_argument("--out", default=str(PROJECT_ROOT / "outputs" / "templates"))
    sp.set_defaults(fn=cmd_template)

    sp = add("intake", help="đọc mẫu đã điền / read filled templates")
    sp.add_argument("paths", nargs="+")
    with_year(sp)
    # data, not outputs: the canonical tables and the raw files kept as evidence must survive `make clean-outputs`
    sp.add_argument("--out", default=str(PROJECT_ROOT / "data" / "intake"),
                    help="thư mục số liệu nhận được / folder of the data taken in (mặc định / default data/intake)")
    sp.add_argument("--workers", type=int, default=None,
                    help="số tiến trình đọc tệp (mặc định: một cho mỗi lõi đang rảnh) / processes reading the "
                         "files (default: one per idle core)")
    sp.set_defaults(fn=cmd_intake)

    sp = add("appraise", help="sổ thẩm định: lập, rồi đọc lại (--read) / the appraisal workbook: write, read back")
    with_year(sp)
    sp.add_argument("--read", help="sổ thẩm định đã điền / a filled appraisal workbook")
    sp.add_argument("--out", default=str(PROJECT_ROOT / "outputs" / "appraisal"))
    sp.set_defaults(fn=cmd_appraise)

    sp = add("report", help="dự thảo báo cáo tổng hợp (.docx) / draft the annual report")
    sp.add_argument("--year", type=int, required=True)
    sp.add_argument("--outputs", default=str(PROJECT_ROOT / "outputs"))
    sp.add_argument("--out")
    sp.set_defaults(fn=cmd_report)

    sp = add("dashboard", help="mở bảng điều khiển / serve the dashboard")
    sp.add_argument("--port", type=int, default=8866)
    sp.add_argument("--host", default="127.0.0.1",
                    help="địa chỉ lắng nghe; khác 127.0.0.1 thì bắt buộc đăng nhập / address; beyond loopback "
                         "sign-in is required")
    sp.add_argument("--sign-in", action="store_true", help="bắt buộc đăng nhập cả trên 127.0.0.1 (sau reverse "
                    "proxy) / require sign-in on loopback too (behind a reverse proxy)")
    sp.add_argument("--accounts", help="tệp tài khoản / accounts file (~/.config/danvan-eval/reviewers.json)")
    sp.add_argument("--certfile", help="chứng chỉ TLS (PEM) cho HTTPS / TLS certificate")
    sp.add_argument("--keyfile", help="khóa riêng TLS (PEM) / TLS private key")
    sp.add_argument("--allow-host", action="append", default=[],
                    help="tên máy được chấp nhận trong tiêu đề Host (lặp lại được) / an accepted Host name")
    sp.add_argument("--behind-proxy", action="store_true",
                    help="tin X-Forwarded-For/-Proto của reverse proxy / trust the proxy's X-Forwarded headers")
    sp.add_argument("--kernels", type=int, default=1,
                    help="số nhân Voila khởi động sẵn / preheated Voila kernels (0: none)")
    sp.add_argument("--widget-pages", type=int, default=4,
                    help="số trang /widgets mở cùng lúc (mỗi trang một nhân ~190 MB); quá thì báo bận / "
                         "/widgets pages at once (one kernel each); beyond, a 'busy, retry' page")
    sp.add_argument("--outputs", default=str(PROJECT_ROOT / "outputs"))
    sp.add_argument("--no-browser", action="store_true")
    sp.set_defaults(fn=cmd_dashboard)

    sp = add("reviewer", help="tài khoản người xem bảng điều khiển / the dashboard's reviewer accounts")
    sp.add_argument("action", choices=["add", "remove", "list"])
    sp.add_argument("name", nargs="?")
    sp.add_argument("--accounts", help="tệp tài khoản / accounts file (~/.config/danvan-eval/reviewers.json)")
    sp.add_argument("--password-stdin", action="store_true", help="đọc mật khẩu từ stdin / read the password "
                    "from standard input")
    sp.set_defaults(fn=cmd_reviewer)

    sp = add("demo-data", help="tạo lại dữ liệu mô phỏng / regenerate the synthetic demo data")
    sp.add_argument("--out", default=str(PROJECT_ROOT / "data" / "demo"))
    sp.add_argument("--seed", type=int, default=20221125)
    sp.set_defaults(fn=cmd_demo_data)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    terminate_as_interrupt()  # SIGTERM cleans up like Ctrl-C: temporary folders removed, workers stopped
    try:
        return args.fn(args)
    except USER_ERRORS as err:
        print(f"✘ {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"✘ {CATALOG.both('cli.interrupted')}", file=sys.stderr)
        return 130
    except OSError as err:  # a full disk, a folder one may not write: said plainly, no traceback
        print(f"✘ {system_error(err)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
