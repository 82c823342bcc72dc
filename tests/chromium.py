"""Debian's chromium as the browser tests launch it through Playwright
(``playwright install`` cannot download browsers here; ``.ci/run`` installs chromium)."""

import shutil

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
