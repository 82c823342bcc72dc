"""For tests of the code that forks to draw figures (``sim.reporting.render``,
``sim.reporting.figure_worker``): it forks only in a process running no other thread,
and a pytest-xdist worker runs threads."""

import os
import subprocess
import sys


def passes_in_a_process_of_its_own(test_file: str, test: str) -> bool:
    """Under pytest-xdist, run ``test_file::test`` in a fresh pytest in one process,
    where the forked path is taken, and assert it passed there; True when it ran there
    (the caller then returns), False when this process is already such a one."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        return False
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_XDIST", "PYTEST_CURRENT"))}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:cacheprovider", f"{test_file}::{test}"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0 and "1 passed" in proc.stdout, proc.stdout[-3000:]
    return True


def figure_bytes(directory) -> dict[str, bytes]:
    """The PNG files in ``directory``, by name."""
    return {path.name: path.read_bytes() for path in sorted(directory.glob("*.png"))}
