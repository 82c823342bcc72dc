"""Whether this process may fork a copy of itself to draw figures with (the figure
process of ``sim.reporting.figure_worker``, the second drawer of
``sim.reporting.render``)."""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading


def can_fork() -> bool:
    """On Linux, with more than one core and no other thread running: a fork copies
    only the calling thread, so locks held by others would stay locked in the copy."""
    return (
        sys.platform.startswith("linux")
        and (os.cpu_count() or 1) > 1
        and threading.active_count() == 1
        and "fork" in multiprocessing.get_all_start_methods()
    )
