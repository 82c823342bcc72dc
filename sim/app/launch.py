"""``hospital-sim-app``: start the teaching page (``sim.app.page``) with Streamlit and
open it in the browser. Arguments are Streamlit's (``--server.port 8600``,
``--server.headless true`` for no browser)."""

from __future__ import annotations

import sys
from pathlib import Path

PAGE = Path(__file__).with_name("page.py")
# no usage statistics sent anywhere, no look-up of this machine's external address
# (Streamlit makes one unless the address is given): the page works offline. To show
# it to other machines (a classroom), pass --server.address 0.0.0.0
DEFAULT_OPTIONS = [
    "--browser.gatherUsageStats",
    "false",
    "--server.address",
    "127.0.0.1",
    "--client.toolbarMode",
    "viewer",
    "--theme.base",
    "light",
]


def main(argv: list[str] | None = None) -> int:
    from streamlit.web import cli

    args = list(sys.argv[1:] if argv is None else argv)
    given = {arg.split("=")[0] for arg in args if arg.startswith("--")}
    defaults = [
        item
        for option, value in zip(DEFAULT_OPTIONS[::2], DEFAULT_OPTIONS[1::2], strict=True)
        if option not in given
        for item in (option, value)
    ]
    sys.argv = ["streamlit", "run", str(PAGE), *defaults, *args]
    return cli.main()


if __name__ == "__main__":
    raise SystemExit(main())
