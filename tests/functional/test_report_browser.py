"""The run report in a real browser: Debian's headless Chromium, driven by Playwright,
renders report.html without a console error, the summary, warnings and figures
visible and every embedded figure decoded; printed (to PDF), the folded sections open."""

import importlib.util
import shutil

import pytest

from tests.chromium import CHROMIUM, FLAGS
from tests.conftest import run

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("playwright") is None or not shutil.which(CHROMIUM),
    reason="needs Playwright (test extra) and Debian's chromium (.ci/run installs it)",
)


def test_the_run_report_renders_without_console_errors(tmp_path):
    from playwright.sync_api import sync_playwright

    result = run("hospital=teaching_demo", "run.days=2", "run.replications=2", "hospital.arrivals.daily_volume=400")
    result.save(tmp_path)
    from sim.reporting.html import write_run_report

    report = write_run_report(tmp_path)
    errors = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(report.as_uri())
        page.screenshot(path=tmp_path / "screen.png", full_page=True)
        assert page.locator("#summary").is_visible() and page.locator("#warnings").is_visible()
        assert page.locator(".summary li").count() >= 4
        images = page.locator("figure img")
        assert images.count() >= 5
        widths = page.eval_on_selector_all("figure img", "images => images.map(i => i.naturalWidth)")
        assert all(width > 100 for width in widths)  # every figure decoded
        assert not page.eval_on_selector_all("details", "ds => ds.some(d => d.open)")  # folded on screen
        page.emulate_media(media="print")
        page.pdf(path=tmp_path / "report.pdf")  # printing opens what is folded
        assert page.eval_on_selector_all("details", "ds => ds.length > 0 && ds.every(d => d.open)")
        browser.close()
    assert not errors, errors
    assert (tmp_path / "screen.png").stat().st_size > 50_000
