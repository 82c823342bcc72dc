"""One composition of the config per command instead of two, when the run mode is known.

Before it runs anything, Hydra composes the whole config once only to read
``hydra.mode`` (``Hydra.get_mode``), and then again for the run: a third of a second of
every ``python -m sim``. In this project the mode is set only by an experiment
(``conf/experiment/``: sweeps) or on the command line (``-m``, ``hydra.mode=...``);
``tests/unit/test_mode_probe.py`` keeps the shipped configs to that rule. So when the
command line can bring neither in (no experiment, no ``hydra.mode``,
``hydra.searchpath`` or ``hydra/`` choice, no flag such as ``--config-dir`` that could
add other configs), the probe can only find no mode, and ``skip_mode_probe`` answers
that without composing. Hydra then does what it does after a probe that found none: a
single run. Like ``sim.runs.sweep_launch``, the method is wrapped only while the
command runs, and left alone if Hydra no longer has it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence

from hydra._internal.hydra import Hydra

# override keys that set the mode or may bring in configs that do (an experiment, a
# config directory, a choice in one of Hydra's own groups); hydra.run.dir and the like cannot
MODE_KEYS = ("experiment", "hydra.mode", "hydra.searchpath")


def mode_may_be_set(arguments: Sequence[str]) -> bool:
    """Whether the command line may set Hydra's run mode or add configs that do: a
    flag, an experiment, ``hydra.mode``, ``hydra.searchpath`` or a ``hydra/`` group."""
    for argument in arguments:
        if argument.startswith("-"):
            return True
        key = argument.split("=", 1)[0].lstrip("+~")
        if key.startswith("hydra/") or any(key == k or key.startswith(f"{k}.") for k in MODE_KEYS):
            return True
    return False


@contextlib.contextmanager
def skip_mode_probe(arguments: Sequence[str]) -> Iterator[None]:
    """While the command runs, Hydra's mode probe answers "none set" without composing,
    unless the command line may set the mode (``mode_may_be_set``)."""
    probe = getattr(Hydra, "get_mode", None)
    if probe is None or mode_may_be_set(arguments):
        yield
        return
    Hydra.get_mode = lambda self, config_name, overrides: None
    try:
        yield
    finally:
        Hydra.get_mode = probe
