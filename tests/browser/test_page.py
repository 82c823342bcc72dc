"""The teaching page in a real browser: ``hospital-sim-app`` serves it (one server for
the module), Debian's Chromium drives it through Playwright. The page loads and runs
without console errors (a screenshot is kept as an artefact), moving a slider and
pressing Run changes the numbers, and uploading a downloaded scenario file puts the
controls back so that Run reproduces its numbers."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.chromium import CHROMIUM, FLAGS

pytest.importorskip("streamlit")
playwright = pytest.importorskip("playwright.sync_api")

RUN_TIMEOUT_MS = 120_000
ARTEFACTS = Path(os.environ.get("HOSPITAL_SIM_ARTEFACTS", "results/browser"))

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (.ci/run installs it)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server_log(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("server") / "server.log"


@pytest.fixture(scope="module")
def server(server_log):
    """``hospital-sim-app`` on a free port, in its own process group (stopped with its
    workers at the end). Its output goes to a file: a pipe nobody reads would fill up
    and block the page's logging."""
    port = _free_port()
    log = server_log
    process = subprocess.Popen(
        [sys.executable, "-m", "sim.app.launch", "--server.headless", "true", "--server.port", str(port)],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    else:
        os.killpg(process.pid, signal.SIGTERM)
        pytest.fail(f"the page did not start: {log.read_text(errors='replace')[-2000:]}")
    yield url
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server):
    """A fresh page (its own session) with every console error collected."""
    context = browser.new_context(viewport={"width": 1500, "height": 1100}, accept_downloads=True)
    tab = context.new_page()
    tab.console_errors = []
    tab.on("console", lambda message: tab.console_errors.append(message.text) if message.type == "error" else None)
    tab.on("pageerror", lambda error: tab.console_errors.append(str(error)))
    tab.goto(server)
    tab.get_by_role("slider", name="Doctors: internal medicine").wait_for(timeout=60_000)
    yield tab
    context.close()


def _idle(page) -> None:
    """Wait until the page has finished its rerun (a moved slider reruns the script)."""
    page.wait_for_timeout(400)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=RUN_TIMEOUT_MS)


def _run(page) -> None:
    """Press Run and wait until the page shows this run's results ("Run <n>: ...")."""
    _idle(page)
    shown = _shown_run(page)
    page.get_by_role("button", name="Run", exact=True).click()
    page.wait_for_function(
        "(n) => { const m = document.body.innerText.match(/\\bRun (\\d+):/); return m && Number(m[1]) > n; }",
        arg=shown,
        timeout=RUN_TIMEOUT_MS,
    )
    _idle(page)


def _shown_run(page) -> int:
    """The number of the run the page shows (0 before the first)."""
    return page.evaluate("() => Number((document.body.innerText.match(/\\bRun (\\d+):/) || [0, 0])[1])")


def _card(page, kpi: str) -> str:
    """The value shown on a KPI's card."""
    return page.locator(f"span.kpi-{kpi}").inner_text()


def _command(page) -> str:
    return page.locator("code", has_text="python -m sim").last.inner_text()


def test_page_loads_and_runs_without_console_errors(page, tmp_path):
    """The default scenario (teaching_demo) runs; the cards, the tabs and the animation
    are there; the browser logged no error. The screenshot is kept."""
    _run(page)
    assert _card(page, "wait_doctor_mean_min").endswith(" min")
    page.get_by_role("tab", name="Patient flow").click()
    page.locator(".js-plotly-plot").last.wait_for(timeout=30_000)
    page.get_by_role("tab", name="Waits").click()
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    for folder in (tmp_path, ARTEFACTS):
        page.screenshot(path=str(folder / "teaching_page.png"), full_page=True)
    assert (tmp_path / "teaching_page.png").stat().st_size > 10_000
    assert page.console_errors == []


def test_moving_a_slider_and_running_changes_the_numbers(page):
    """One more internal-medicine doctor: the command line shows the override and the
    wait for the doctor changes."""
    _run(page)
    before = _card(page, "wait_doctor_mean_min")
    slider = page.get_by_role("slider", name="Doctors: internal medicine")
    slider.focus()
    page.keyboard.press("ArrowRight")
    _run(page)
    assert "hospital.departments.internal_medicine.doctors=4" in _command(page)
    assert _card(page, "wait_doctor_mean_min") != before
    assert page.console_errors == []


def test_uploading_a_scenario_reproduces_it(page, tmp_path):
    """Run a scenario, download it, run another, upload the file: the controls come
    back and Run shows the first scenario's numbers again."""
    page.get_by_text("Mobile payment").click()
    page.get_by_role("slider", name="Pharmacy windows").focus()
    page.keyboard.press("ArrowRight")
    _run(page)
    first = (_card(page, "time_in_system_mean_min"), _command(page))
    with page.expect_download() as download:
        page.get_by_role("button", name="Download this scenario (YAML)").click()
    scenario = tmp_path / "scenario.yaml"
    download.value.save_as(scenario)
    assert "hospital.pharmacy.servers=2" in scenario.read_text()
    page.get_by_text("Mobile payment").click()
    page.get_by_role("slider", name="Pharmacy windows").focus()
    page.keyboard.press("ArrowLeft")
    _run(page)
    assert (_card(page, "time_in_system_mean_min"), _command(page)) != first
    page.locator("input[type='file']").set_input_files(str(scenario))
    page.wait_for_timeout(1500)
    _run(page)
    assert (_card(page, "time_in_system_mean_min"), _command(page)) == first
    assert page.console_errors == []


def test_the_server_logged_no_warning(server, server_log):
    """After the runs and the upload above: the page set its widgets only through the
    session state (no "set via the Session State API" warning), and the worker
    processes did not draw the page again when they imported it (no "missing
    ScriptRunContext" warnings)."""
    log = server_log.read_text(errors="replace")
    assert "Session State API" not in log
    assert "ScriptRunContext" not in log
    assert "Traceback" not in log
