"""The reviewers' page served to the office: sign-in, read-only reviewers, the Host allow-list, file addresses, the
page's own recomputation and its map — in a real server, and in Chromium for what a reviewer sees.

One server (sign-in on, no Voila kernel preheated) and one browser for the module; nothing is timed here (the load
is measured by ``benchmarks/bench_dashboard_load.py``).
"""

from __future__ import annotations

import contextlib
import gzip
import http.client
import json
import re
import shutil
import socket
import ssl
import stat
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode, urlparse

import pandas as pd
import pytest
from playwright.sync_api import sync_playwright

from danvan_eval.dashboard import accounts as acc
from danvan_eval.dashboard import web
from danvan_eval.dashboard.auth import ReviewerIdentityProvider
from danvan_eval.dashboard.data import load_year
from danvan_eval.dashboard.server import background, expected_hosts, free_port, port_free, serve
from danvan_eval.dashboard.site import dumps, value_text, year_payload
from danvan_eval.dashboard.web import host_pattern
from danvan_eval.errors import DanvanEvalError
from danvan_eval.evaluation import scoring
from danvan_eval.model.runs import default_run_path, load_run
from danvan_eval.outputs import read_csv, write_csv
from danvan_eval.reports import maps
from danvan_eval.reports.runner import score_year

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
AREAS = ["a1", "a2", "a3", "a4", "a5", "a6"]
ROWS = ".dv-ranking tr[data-unit]"
WAIT_MS = 120_000
NAME, PASSWORD = "lan.nguyen", "mật-khẩu-dài-2026"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("outputs")
    for year in (2023, 2024):
        score_year(load_run(default_run_path(year)), out)
    (out / "2024" / "units").mkdir()
    (out / "2024" / "units" / "540.html").write_text("<!doctype html><title>540</title>", encoding="utf-8")
    communes_2025(out)
    return out


def communes_2025(out: Path) -> None:
    """A stand-in 2025 of the 135 communes and wards of Gia Lai (scores only), to see them on the map."""
    units = read_csv(ROOT / "data" / "reference" / "crosswalks" / "gialai_unit_former_district.csv")
    folder = out / "2025"
    folder.mkdir()
    shutil.copy(out / "2024" / "manifest.json", folder / "manifest.json")
    scores = pd.DataFrame({"year": 2025, "unit_code": units["unit_code"], "name_vi": units["unit_name"],
                           "kind": "commune", "coverage": 1.0, "received": "2025-11-20", "days_late": -5,
                           "on_time": True, "completeness_pct": 100.0})
    for n, a in enumerate(AREAS):
        scores[a] = [40 + (i * (7 + n)) % 60 for i in range(len(units))]
    result = scoring.recompose(scores.set_index("unit_code")[AREAS], dict.fromkeys(AREAS, 1.0), "amean")
    scores["composite"] = result["composite"].to_numpy()
    scores["rank"] = result["rank"].to_numpy()
    scores["band"] = scoring.classify(scores["composite"], load_year(out, 2024).framework.bands).to_numpy()
    write_csv(scores, folder / "scores.csv")


@pytest.fixture(scope="module")
def accounts(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("config") / "reviewers.json"
    acc.add_reviewer(path, NAME, PASSWORD)
    return path


@pytest.fixture(scope="module")
def server(demo, accounts):
    with background(demo, extra=["--sign-in", "--accounts", str(accounts), "--kernels", "0"]) as url:
        yield url


def request(url: str, path: str, method: str = "GET", host: str | None = None, headers: dict | None = None,
            body: str | None = None) -> http.client.HTTPResponse:
    """A raw request (any Host header, any path byte for byte), without following redirects."""
    u = urlparse(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    conn.putheader("Host", host or u.netloc)
    for k, v in (headers or {}).items():
        conn.putheader(k, v)
    conn.endheaders(body.encode() if body else None)
    response = conn.getresponse()
    response.body = response.read()
    response.text = response.body.decode(errors="replace")
    return response


# ---------------------------------------------------------------- accounts, no server
def test_accounts_keep_only_argon2_hashes_in_a_private_file(tmp_path):
    path = tmp_path / "cfg" / "reviewers.json"
    acc.add_reviewer(path, "hoa", "mot-mat-khau-rat-dai")
    text = path.read_text(encoding="utf-8")
    assert "mot-mat-khau-rat-dai" not in text and '"hash": "argon2:$argon2id$' in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    accounts = acc.load_accounts(path)
    assert acc.check_password(accounts, "hoa", "mot-mat-khau-rat-dai")
    assert not acc.check_password(accounts, "hoa", "mot-mat-khau-rat-dai ")
    assert not acc.check_password(accounts, "nobody", "mot-mat-khau-rat-dai")
    with pytest.raises(DanvanEvalError, match="ít nhất 10 ký tự. / The password needs at least 10"):
        acc.add_reviewer(path, "hoa2", "short")
    with pytest.raises(DanvanEvalError, match='Tên đăng nhập "Hoa Lê" không hợp lệ'):
        acc.add_reviewer(path, "Hoa Lê", "mot-mat-khau-rat-dai")
    acc.remove_reviewer(path, "hoa")
    assert acc.load_accounts(path) == {}
    with pytest.raises(DanvanEvalError, match='Không có tài khoản "hoa"'):
        acc.remove_reviewer(path, "hoa")


def test_reviewer_command_adds_lists_and_removes(tmp_path):
    path = tmp_path / "reviewers.json"
    cli = [sys.executable, "-m", "danvan_eval.cli", "reviewer"]
    added = subprocess.run([*cli, "add", "minh", "--accounts", str(path), "--password-stdin"],
                           input="mat-khau-cua-minh\n", capture_output=True, text=True, check=True)
    assert f'Đã thêm (hoặc đổi mật khẩu) tài khoản "minh" vào {path}' in added.stdout
    listed = subprocess.run([*cli, "list", "--accounts", str(path)], capture_output=True, text=True, check=True)
    assert listed.stdout.startswith("minh\t")
    subprocess.run([*cli, "remove", "minh", "--accounts", str(path), "--lang", "en"], check=True, capture_output=True)
    assert acc.load_accounts(path) == {}


def test_sign_in_attempts_are_limited_per_address_and_per_name(accounts):
    provider = ReviewerIdentityProvider(accounts_file=str(accounts), max_failures=3)

    def attempt(name, password, ip="10.0.0.7"):
        handler = SimpleNamespace(request=SimpleNamespace(remote_ip=ip),
                                  get_argument=lambda k, default="": {"username": name, "password": password}[k])
        return provider.process_login_form(handler), getattr(handler, "locked_out", False)

    assert attempt(NAME, "wrong-1") == (None, False)
    assert attempt(NAME, "wrong-2") == (None, False)
    assert attempt("someone", "wrong-3") == (None, False)
    user, locked = attempt(NAME, PASSWORD)  # the address used up its three attempts: even the right one waits
    assert user is None and locked
    user, locked = attempt(NAME, PASSWORD, ip="10.0.0.8")  # the name failed twice only
    assert user.username == NAME and not locked


def test_beyond_loopback_needs_an_account(tmp_path):
    with pytest.raises(DanvanEvalError, match="cần đăng nhập nhưng chưa có tài khoản nào"):
        serve(port=1, outputs=tmp_path, open_browser=False, host="0.0.0.0", accounts=tmp_path / "none.json")


def test_expected_hosts_and_the_pattern_that_refuses_the_others():
    assert expected_hosts("127.0.0.1", []) == ["localhost", "127.0.0.1", "::1"]
    names = expected_hosts("192.168.1.20", ["danvan.snv.gialai.gov.vn"])
    assert {"localhost", "192.168.1.20", "danvan.snv.gialai.gov.vn"} <= set(names)
    refuse = re.compile(host_pattern(names))
    assert refuse.match("attacker.example") and refuse.match("192.168.1.200") and refuse.match("localhost.evil")
    assert not refuse.match("danvan.snv.gialai.gov.vn") and not refuse.match("192.168.1.20")
    assert port_free("127.0.0.1", 0)


# ---------------------------------------------------------------- the page's data
def test_year_data_is_the_official_result_with_values_by_type(demo):
    data = load_year(demo, 2024)
    payload = year_payload(data, "vi")
    scores = read_csv(demo / "2024" / "scores.csv").set_index("unit_code")
    unit = next(u for u in payload["units"] if u["code"] == "540")
    assert unit["name"] == "Thành phố Quy Nhơn" and unit["group"] == "district" and unit["rank"] == 1
    assert unit["composite"] == round(float(scores.loc["540", "composite"]), 6)
    assert unit["composite_text"] == "86,6" and unit["report"] == "danvan/reports/2024/units/540.html"
    assert [u["code"] for u in payload["units"] if u["group"] == "district"] == sorted(
        scores[scores["kind"] == "district"].index)
    assert payload["map"] == "districts" and [a["weight"] for a in payload["areas"]] == [1.0] * 6
    english = year_payload(data, "en")
    assert next(u for u in english["units"] if u["code"] == "540")["name"] == "Quy Nhơn City"
    assert (value_text(1, "bool", "reported", "vi"), value_text(0.0, "bool", "reported", "en")) == ("Có", "No")
    assert value_text(1234.0, "count", "reported", "vi") == "1.234"
    assert (value_text(83.75, "pct", "reported", "vi"), value_text(100, "pct", "reported", "vi")) == ("83,8%", "100%")
    assert value_text(None, "pct", "missing", "en") == "Missing"


def test_the_latest_years_data_is_made_before_a_page_asks_and_again_when_rescored(demo, tmp_path):
    folder = tmp_path / "outputs"
    shutil.copytree(demo / "2025", folder / "2025")
    web.warm(folder, "en")
    made = [k for k in web._years if k[0] == str(folder)]
    assert sorted((year, lang) for _, year, lang, _ in made) == [(2025, "en"), (2025, "vi")]
    assert web.year_data(folder, 2025, "vi") == dumps(year_payload(load_year(folder, 2025), "vi")).encode()
    scores = folder / "2025" / "scores.csv"
    scores.write_bytes(scores.read_bytes())  # rescored: the data is made anew
    assert web.year_key(folder, 2025, "vi") not in web._years
    assert json.loads(web.year_data(folder, 2025, "vi"))["year"] == 2025
    with pytest.raises(FileNotFoundError):
        web.year_data(folder, 2019, "vi")


def test_map_layers_match_the_registries_codes():
    districts = {s["code"] for s in maps.layer("districts")["shapes"]}
    assert districts == {"540", *map(str, range(542, 552))}
    assert len(maps.layer("communes")["shapes"]) == 135
    assert maps.layer_for(["540", "542", "dept_x"]) == "districts" and maps.layer_for(["s01"]) is None


# ---------------------------------------------------------------- the server, as an attacker tries it
def test_nothing_without_signing_in_and_only_expected_hosts(server):
    home = request(server, "/")
    assert home.status == 302 and home.getheader("Location").startswith("/login?next=")
    for path in ("/danvan/data/2024.json", "/danvan/geo/districts.json", "/danvan/reports/2024/units/540.html",
                 "/danvan/export/2024/district.csv?w=a1:1,a2:1,a3:1,a4:1,a5:1,a6:1", "/widgets"):
        assert request(server, path).status in (302, 403), path
    rebound = request(server, "/login", host=f"attacker.example:{urlparse(server).port}")
    assert rebound.status == 403 and "unexpected Host" in rebound.text
    socket = request(server, "/api/kernels/00000000-0000-0000-0000-000000000000/channels",
                     host="attacker.example", headers={"Upgrade": "websocket", "Connection": "Upgrade"})
    assert socket.status == 403
    wrong = request(server, "/login", "POST", body=f"username={NAME}&password=wrong",
                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert wrong.status == 403  # no _xsrf token: refused before any password is checked
    login = request(server, "/login")
    assert login.status == 200 and "default-src 'none'" in login.getheader("Content-Security-Policy")


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def sign_in(browser, server, password: str):
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(server)
    page.fill("input[name=username]", NAME)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    return context, page


def ranks(page) -> dict[str, int]:
    pairs = page.eval_on_selector_all(ROWS, "rows => rows.map(r => [r.dataset.unit, "
                                            "r.querySelector('td[data-col=rank]').innerText])")
    return {u: int(r.split()[0]) for u, r in pairs if r != "—"}  # "5 (đồng hạng)" → 5


def test_wrong_password_is_refused_in_the_browser(browser, server):
    context, page = sign_in(browser, server, "not-the-password")
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in page.inner_text(".dv-signin-error")
    assert page.locator(ROWS).count() == 0 and "/login" in page.url
    context.close()


def test_a_reviewer_signs_in_sees_the_ranking_moves_a_weight_and_the_map_follows(browser, server, demo):
    context, page = sign_in(browser, server, PASSWORD)
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(server) else None)
    page.wait_for_selector(ROWS)
    assert page.evaluate("document.documentElement.lang") == "vi"
    assert page.title() == "Đánh giá kết quả thực hiện Chỉ thị số 33/CT-TTg về công tác dân vận"

    # the latest year first: 2025, the 135 communes and wards, on their map, filtered by former district
    assert page.locator(ROWS).count() == 135
    page.select_option(".dv-district", label="Huyện Hoài Ân")
    assert {r["code"] for r in page.eval_on_selector_all(ROWS, "rs => rs.map(r => ({code: r.dataset.unit}))")} == \
        {"21688", "21697", "21703", "21715", "21727"}
    page.click(".dv-tab-map")
    page.wait_for_selector("path.dv-shape")
    assert page.locator("path.dv-shape").count() == 135
    page.select_option(".dv-year select", "2024")
    page.wait_for_selector(".dv-tabs")
    page.click(".dv-tab-ranking")
    page.wait_for_selector(".dv-ranking[data-year='2024'] tr[data-unit='540']")
    official = read_csv(demo / "2024" / "scores.csv")
    official = official[official["kind"] == "district"].set_index("unit_code")
    assert ranks(page) == official["rank"].astype(int).to_dict()
    assert page.inner_text(".dv-synthetic").startswith("⚠ DỮ LIỆU MÔ PHỎNG")  # the demo year is synthetic
    stability = page.eval_on_selector_all(
        "tr[data-unit] td[data-col=stability]", "cs => cs.map(c => [c.parentElement.dataset.unit, c.textContent])")
    assert dict(stability)["545"].startswith("Chưa ổn định") and len(stability) == len(official)

    page.click(".dv-tab-map")
    page.wait_for_selector("path.dv-shape")
    assert page.locator("path.dv-shape").count() == 11
    assert "licence" not in page.inner_text(".dv-credit") and "Giấy phép" in page.inner_text(".dv-credit")
    fills = "shapes => Object.fromEntries(shapes.map(s => [s.dataset.unit, s.getAttribute('fill')]))"
    before = page.eval_on_selector_all("path.dv-shape", fills)

    # a3 to its maximum: composites, levels and ranks recomputed in the page as scoring.recompose does
    page.locator(".dv-weight-a3 input").evaluate(
        "e => { e.value = 3; e.dispatchEvent(new Event('input', {bubbles: true})); }")
    page.wait_for_selector(".dv-weights-status.dv-trial")
    assert page.inner_text(".dv-weight-a3 output") == "3,0"
    page.wait_for_selector("path.dv-shape")
    assert page.eval_on_selector_all("path.dv-shape", fills) != before  # recoloured
    page.click(".dv-tab-ranking")
    expected = scoring.recompose(official[AREAS], {**dict.fromkeys(AREAS, 1.0), "a3": 3.0}, "amean")["rank"]
    assert ranks(page) == {u: int(r) for u, r in expected.items()}
    assert page.locator("th[data-col=interval], th[data-col=rank_change], th[data-col=stability]").count() == 0

    # click a shape: the unit's profile, values by type
    page.click(".dv-tab-map")
    page.click("path.dv-shape[data-unit='544']")
    page.wait_for_selector(".dv-profile.dv-shows-544")
    assert "Huyện Hoài Ân" in page.inner_text(".dv-profile-header")
    plan = page.inner_text(".dv-indicators tr[data-indicator='i1_plan_issued']")
    assert "Có" in plan and "1,00" not in plan
    assert outside == []  # every script, style and font from this server

    # English: names in English, the page marked as English
    page.goto(server + "?lang=en")
    page.wait_for_selector(ROWS)
    assert page.evaluate("document.documentElement.lang") == "en"
    page.select_option(".dv-year select", "2024")
    page.wait_for_selector(".dv-ranking[data-year='2024']")
    assert "Quy Nhơn City" in page.inner_text(ROWS + "[data-unit='540']")

    # signed in, a reviewer still cannot read outside the year's reports, nor run code
    api = page.request
    assert api.get(server + "danvan/reports/2024/units/540.html").status == 200
    for path in ("danvan/reports/2024/scores.csv", "danvan/reports/2024/units/..%2F..%2F2024%2Fscores.csv",
                 "danvan/reports/2024/units/540.html%00.txt", "danvan/reports/../../etc/passwd",
                 "voila/templates/lab/static/../../../../etc/passwd", "danvan/static/../server.py",
                 "danvan/data/1999.json", "danvan/geo/../../x.json", "api/contents", "terminals/1", "api/sessions"):
        got = api.get(server + path)
        assert got.status in (403, 404), (path, got.status)
        assert "Traceback" not in got.text()
    assert api.post(server + "api/kernels", data=json.dumps({"name": "python3"})).status in (403, 404, 405)
    bad = api.get(server + "danvan/export/2024/district.csv?w=a1:1")
    assert bad.status == 400 and str(demo) not in bad.text()

    page.goto(server + "logout")
    page.wait_for_selector("input[name=password]")
    assert page.request.get(server + "danvan/data/2024.json", max_redirects=0).status in (302, 403)
    context.close()


def test_a_leader_reads_strengths_heatmap_in_rank_order_at_800_px_and_prints_a4_landscape(browser, server, demo,
                                                                                          tmp_path):
    from danvan_eval.model.framework import default_framework_path, load_framework

    context, page = sign_in(browser, server, PASSWORD)
    page.wait_for_selector(ROWS)
    # the communes' map (0.7 MB) is compressed once for every reviewer, not once per reviewer
    cookie = {"Cookie": "; ".join(f"{c['name']}={c['value']}" for c in context.cookies())}
    path = "/danvan/geo/communes.json?lang=vi"
    plain = request(server, path, headers=cookie)
    assert plain.getheader("Content-Encoding") is None and len(json.loads(plain.body)["shapes"]) == 135
    packed = [request(server, path, headers={**cookie, "Accept-Encoding": "gzip"}) for _ in range(2)]
    assert [p.getheader("Content-Encoding") for p in packed] == ["gzip", "gzip"]
    assert gzip.decompress(packed[0].body) == plain.body and packed[0].body == packed[1].body
    again = request(server, path, headers={**cookie, "Accept-Encoding": "gzip", "If-None-Match": packed[0].getheader("ETag")})
    assert again.status == 304

    page.select_option(".dv-year select", "2024")
    page.wait_for_selector(".dv-ranking[data-year='2024'] tr[data-unit='540']")
    official = read_csv(demo / "2024" / "scores.csv")
    official = official[official["kind"] == "district"].set_index("unit_code")

    # the heatmap lists the units in rank order
    page.click(".dv-tab-areas")
    order = page.eval_on_selector_all(".dv-heatmap tr[data-unit]", "rs => rs.map(r => r.dataset.unit)")
    assert order == list(official.sort_values(["rank", "name_vi"]).index)

    # a unit's first screen names the area where it stands furthest above and below its peer group's mean (the
    # one group statistic of every output)
    page.click(".dv-tab-map")
    page.click("path.dv-shape[data-unit='544']")
    page.wait_for_selector(".dv-profile.dv-shows-544")
    gaps = official.loc["544", AREAS].astype(float) - official[AREAS].astype(float).mean()
    short = load_framework(default_framework_path()).areas["short_vi"]
    strength = page.inner_text(".dv-strength")
    assert f"Mạnh nhất so với bình quân của khối: {short[gaps.idxmax()]}" in strength
    assert f"Yếu nhất: {short[gaps.idxmin()]}" in strength

    # at 800 px nothing is cut: the page does not scroll sideways, the ranking's last column is on screen
    page.set_viewport_size({"width": 800, "height": 900})
    page.click(".dv-tab-ranking")
    page.wait_for_selector(ROWS)
    assert page.evaluate("document.documentElement.scrollWidth") <= 800
    last = page.locator(".dv-ranking thead th").last.bounding_box()
    assert last["x"] + last["width"] <= 800

    # printing: A4 landscape, the controls left out, the chart (the map) and the whole ranking on paper
    page.set_viewport_size({"width": 1300, "height": 900})
    for tab, words in (("ranking", [*official["name_vi"], page.locator(".dv-ranking thead th").last.inner_text()]),
                       ("map", ["sapnhap.bando.com.vn"])):
        page.click(f".dv-tab-{tab}")
        page.wait_for_selector(ROWS if tab == "ranking" else "path.dv-shape")
        page.emulate_media(media="print")
        assert page.locator(".dv-controls").is_hidden() and page.locator(".dv-sliders").is_hidden()
        if tab == "map":
            box = page.locator(".dv-map-svg").bounding_box()
            assert box["width"] > 300 and box["height"] > 300
        pdf = tmp_path / f"{tab}.pdf"
        pdf.write_bytes(page.pdf(prefer_css_page_size=True, print_background=True))
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert re.search(r"Page size:\s+84\d\.\d+ x 59\d\.\d+ pts \(A4\)", info), info  # landscape
        text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                       check=True).stdout.split())
        for w in words:
            assert " ".join(w.split()) in text, (tab, w)
        page.emulate_media(media="screen")
    context.close()


# ---------------------------------------------------------------- HTTPS: directly, and behind the documented nginx
NGINX = "/usr/sbin/nginx"
EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "office" / "nginx.conf"


def certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"], check=True, capture_output=True)
    return cert, key


def https(port: int, cert: Path, path: str, method: str = "GET", headers: dict | None = None, body: str = ""):
    conn = http.client.HTTPSConnection("localhost", port, timeout=60,
                                       context=ssl.create_default_context(cafile=str(cert)))
    conn.request(method, path, body=body or None, headers=headers or {})
    response = conn.getresponse()
    response.body = response.read()
    response.text = response.body.decode(errors="replace")
    return response


def signs_in_over_https(port: int, cert: Path) -> str:
    """Sign in through ``port``; returns the session's Set-Cookie header."""
    form = https(port, cert, "/login")
    assert form.status == 200 and "Đăng nhập" in form.text
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', form.text)[1]
    cookies = "; ".join(c.split(";")[0] for c in form.headers.get_all("Set-Cookie"))
    done = https(port, cert, "/login", "POST", {"Content-Type": "application/x-www-form-urlencoded",
                                                 "Cookie": cookies},
                 urlencode({"_xsrf": xsrf, "username": NAME, "password": PASSWORD, "next": "/"}))
    assert done.status == 302 and done.getheader("Location") == "/"
    return next(c for c in done.headers.get_all("Set-Cookie") if c.startswith("danvan-session="))


def test_https_directly_and_behind_the_example_nginx(demo, accounts, tmp_path):
    cert, key = certificate(tmp_path)
    with background(demo, extra=["--sign-in", "--accounts", str(accounts), "--kernels", "0",
                                 "--certfile", str(cert), "--keyfile", str(key)]) as url:
        port = urlparse(url).port
        session = signs_in_over_https(port, cert)
        assert "Secure" in session and "HttpOnly" in session and "SameSite=Strict" in session
        with pytest.raises((http.client.HTTPException, ConnectionError, OSError)):
            request(url, "/login")  # plain HTTP on the HTTPS port gets nothing

    # the documented configuration, with this machine's names, ports and files
    config = EXAMPLE.read_text(encoding="utf-8")
    with background(demo, extra=["--sign-in", "--behind-proxy", "--allow-host", "localhost", "--accounts",
                                 str(accounts), "--kernels", "0"]) as url:
        p80, p443 = free_port(), free_port()
        for old, new in {"listen 80;": f"listen 127.0.0.1:{p80};", "listen 443 ssl;": f"listen 127.0.0.1:{p443} ssl;",
                         "danvan.snv.gialai.gov.vn": "localhost", "/etc/ssl/danvan/": f"{tmp_path}/",
                         "127.0.0.1:8866": f"127.0.0.1:{urlparse(url).port}"}.items():
            assert old in config, old
            config = config.replace(old, new)
        (tmp_path / "danvan-eval.conf").write_text(config, encoding="utf-8")
        temp = " ".join(f"{k}_temp_path {tmp_path}/{k};" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        (tmp_path / "main.conf").write_text(
            f"daemon off; master_process off; pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log;\n"
            f"events {{}}\nhttp {{ access_log off; {temp} include {tmp_path}/danvan-eval.conf; }}\n",
            encoding="utf-8")
        proxy = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "main.conf")],
                                 stderr=subprocess.PIPE)
        try:
            _wait_port(p443)
            home = https(p443, cert, "/")
            assert home.status == 302 and home.getheader("Location").startswith("/login")
            assert "max-age=31536000" in home.getheader("Strict-Transport-Security")
            session = signs_in_over_https(p443, cert)
            assert "Secure" in session  # the proxy said https: the dashboard marks the cookie Secure
            page = https(p443, cert, "/danvan/data/2024.json", headers={"Cookie": session.split(";")[0]})
            assert page.status == 200 and json.loads(page.text)["year"] == 2024
            plain = request(f"http://127.0.0.1:{p80}/", "/", host="localhost")
            assert plain.status == 301 and plain.getheader("Location") == "https://localhost/"
        finally:
            proxy.terminate()
            proxy.wait(timeout=30)


def _wait_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.1)
    raise AssertionError(f"nothing listens on {port}")
