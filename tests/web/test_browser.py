"""The teacher's journey in Debian's chromium (Playwright) against a live server on loopback.

Skipped when /usr/bin/chromium or the playwright package is absent (.ci/run installs both).
Screenshots of the report and overview pages go to tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

import csv
import io
import re
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from grader import create_app
from grader.store import get_store

from ..conftest import SEED
from .conftest import PASSWORD, add_teacher
from .essays import HOSTILE, WRONG_DATE

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

if not CHROMIUM.exists():
    pytest.skip("Debian's chromium is not installed (/usr/bin/chromium); .ci/run installs it",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api",
                               reason="the playwright package is not installed")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("live")
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp / 'live.sqlite3'}",
                      "LOG_LEVEL": "WARNING", "SECRET_KEY": "browser-test",
                      "WEB_SECURE_COOKIES": False, "WARM_UP": False})
    add_teacher(app, "amy@school.org")
    add_teacher(app, "ben@school.org")
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    get_store(app).dispose()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with sync_api.sync_playwright() as p:
        profile = tmp_path_factory.mktemp("chromium-profile")
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), args=ARGS, headless=True,
            accept_downloads=True, viewport={"width": 1280, "height": 900})
        yield context
        context.close()


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/sign-in")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/assignments")


def test_files_dropped_on_the_upload_page_are_chosen(server, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page()
    page.goto(f"{server}/assignments")
    if "/sign-in" in page.url:
        sign_in(page, server, "amy@school.org")
    page.get_by_role("link", name="New assignment").first.click()
    page.get_by_label("Title").fill("Drop test")
    page.get_by_role("button", name="Create assignment").click()
    page.get_by_role("link", name="Upload essays").click()
    drop = page.evaluate_handle("""() => {
        const dt = new DataTransfer();
        dt.items.add(new File(["Lenin died in 1925."], "eve.txt", {type: "text/plain"}));
        dt.items.add(new File(["Stalin was General Secretary."], "fay.txt"));
        return dt; }""")
    page.dispatch_event("#dropzone", "drop", {"dataTransfer": drop})
    assert page.locator("#chosen").inner_text() == "2 file(s): eve.txt, fay.txt"
    page.set_viewport_size({"width": 360, "height": 800})
    page.screenshot(path=str(ARTIFACTS / "upload-360.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.evaluate("document.getElementById('files').files.length") == 2
    page.get_by_role("button", name="Upload and mark").click()
    page.wait_for_selector("#batch[data-finished='1']", timeout=60_000)
    assert "2 of 2" in page.locator("#batch-text").inner_text()
    page.close()


def test_teacher_marks_a_class_in_the_browser(server, browser, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page()
    problems: list[str] = []  # CSP violations, script errors
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    sign_in(page, server, "amy@school.org")

    page.get_by_role("link", name="New assignment").first.click()
    page.get_by_label("Title").fill("Stalin 9A")
    page.get_by_label("Rubric", exact=True).select_option("stalin-rise")
    page.get_by_role("button", name="Create assignment").click()
    page.get_by_role("link", name="Upload essays").click()

    files = []
    for name, text in (("cara.txt", WRONG_DATE), ("dan.txt", HOSTILE)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        files.append(str(tmp_path / name))
    have_seed = SEED.exists()
    if have_seed:
        files.insert(0, str(SEED))  # read in place from ../shared, never copied
    page.set_input_files("#files", files)
    page.get_by_role("button", name="Upload and mark").click()
    page.wait_for_selector("#batch[data-finished='1']", timeout=60_000)
    assert page.locator("#batch-progress").get_attribute("value") == str(len(files))
    page.get_by_role("link", name="Open the class overview").click()

    rows = page.locator("#class-table tbody tr")
    assert rows.count() == len(files)
    page.screenshot(path=str(ARTIFACTS / "overview.png"), full_page=True)
    assert "1 of" in page.locator(".misconceptions").inner_text()

    # the flagged essay: the correction shows on keyboard focus
    page.get_by_role("link", name="cara").click()
    flag = page.locator(".flag").first
    tip = page.locator("#flag-0")
    assert not tip.is_visible()
    for _ in range(60):  # by keyboard alone: Tab until the flagged claim has focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('flag')"):
            break
    assert page.evaluate("document.activeElement.classList.contains('flag')")
    assert flag.evaluate("el => el === document.activeElement")
    assert tip.is_visible() and "January 1924" in tip.inner_text()
    page.locator("#essay").screenshot(path=str(ARTIFACTS / "report-flag.png"))
    page.mouse.move(0, 0)
    page.keyboard.press("Tab")  # focus moves on: the correction hides again
    assert not tip.is_visible()

    # the hostile essay is shown as text
    page.goto(page.url)
    page.get_by_role("link", name="Next →").click()
    assert "<script>alert('essay')</script>" in page.locator("#essay").inner_text()

    if have_seed:
        page.goto(f"{server}/assignments")  # back via the overview
        page.get_by_role("link", name="Stalin 9A").click()
        page.get_by_role("link", name=SEED.stem).click()
        highlighted = page.locator(".ev[data-factor]")
        factors = set(highlighted.evaluate_all("els => els.map(e => e.dataset.factor)"))
        assert len(factors) == 5
        assert page.locator(".ev-label").count() >= 5
        page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
        page.get_by_role("checkbox", name=re.compile("Lenin's Testament")).uncheck()
        assert page.locator('.ev.off[data-factor="testament"]').count() >= 1
        before = float(page.locator("#final-marks").inner_text())
        page.get_by_label("Level for Lenin's Testament").select_option("1")
        page.get_by_role("button", name="Save changes").click()
        page.wait_for_selector(".saved")
        assert float(page.locator("#final-marks").inner_text()) == before - 2
        assert "machine: 2" in page.locator('tr[data-factor="testament"]').inner_text()
        page.set_viewport_size({"width": 360, "height": 800})
        page.screenshot(path=str(ARTIFACTS / "report-360.png"))
        page.locator("#marks").screenshot(path=str(ARTIFACTS / "report-360-marks.png"))
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"the report scrolls sideways at 360 px ({width})"
        page.set_viewport_size({"width": 1280, "height": 900})

    # CSV export
    page.goto(f"{server}/assignments")
    page.get_by_role("link", name="Stalin 9A").click()
    page.set_viewport_size({"width": 360, "height": 800})
    page.screenshot(path=str(ARTIFACTS / "overview-360.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.set_viewport_size({"width": 1280, "height": 900})
    with page.expect_download() as download:
        page.get_by_role("link", name="Export marks (CSV)").click()
    table = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    assert sorted(r["student_ref"] for r in table) == sorted(Path(f).stem for f in files)
    if have_seed:
        seed_csv = next(r for r in table if r["student_ref"] == SEED.stem)
        assert seed_csv["testament_level"] == "1" and seed_csv["overridden"] == "True"
    essay_url = page.get_by_role("link", name="cara").get_attribute("href")
    page.get_by_role("link", name="Rubric", exact=True).click()
    assert page.locator("table.rubric tbody tr").count() == 5
    page.screenshot(path=str(ARTIFACTS / "rubric.png"), full_page=True)
    page.go_back()
    page.get_by_role("link", name="Printable feedback sheets").click()
    assert page.locator("article.sheet").count() == len(files)
    page.emulate_media(media="print")
    page.screenshot(path=str(ARTIFACTS / "sheets-print.png"))
    page.emulate_media(media="screen")
    page.close()
    assert problems == []

    # a second teacher cannot open the first one's essay
    page = browser.new_page()
    page.goto(f"{server}/assignments")
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, server, "ben@school.org")
    response = page.goto(f"{server}{essay_url}")
    assert response.status == 404 and "Not found" in page.content()
    page.goto(f"{server}/assignments")
    assert "Stalin 9A" not in page.content()
    page.close()
