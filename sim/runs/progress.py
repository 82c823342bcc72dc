"""A progress bar for long runs (tqdm on stderr), shown only after a couple of seconds
so that quick runs stay quiet."""

from __future__ import annotations

from tqdm.auto import tqdm

SHOW_AFTER_S = 2.0


class _Bar(tqdm):
    # no monitor thread (it only refreshes bars that update rarely): a run stays
    # single-threaded, so its figures can be drawn in a forked process (sim.reporting.render)
    monitor_interval = 0


class Progress:
    """A bar of ``total`` steps; ``listener`` (if given) is told of every step too (the
    teaching page's progress indicator)."""

    def __init__(self, total: int, unit: str, description: str, enabled: bool = True, listener=None):
        self._listener = listener
        self._bar = _Bar(
            total=total,
            unit=unit,
            desc=description,
            delay=SHOW_AFTER_S,
            disable=not enabled,
            leave=False,
            dynamic_ncols=True,
        )

    def advance(self, steps: int) -> None:
        self._bar.update(steps)
        if self._listener is not None:
            self._listener(steps)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        self._bar.close()
