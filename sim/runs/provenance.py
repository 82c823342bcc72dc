"""What produced a run: package versions, the code's git commit, seeds, timing."""

from __future__ import annotations

import datetime as dt
import functools
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

PACKAGES = ("hospital-sim", "simpy", "numpy", "pandas", "pyarrow", "scipy", "matplotlib", "hydra-core", "omegaconf")


def _source_tree() -> Path | None:
    """The checkout the package runs from (``pip install -e .``), or None for an installed
    wheel: a site-packages folder inside someone else's repository must not lend this run
    that repository's commit."""
    root = Path(__file__).resolve().parents[2]
    return root if (root / "pyproject.toml").is_file() and (root / "sim" / "schema.py").is_file() else None


def _git(*args: str) -> str | None:
    root = _source_tree()
    if root is None:
        return None
    try:
        out = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


@functools.cache
def package_versions() -> dict[str, str | None]:
    """Versions of the packages a run depends on (read once per process)."""
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def collect(seed: int, replications: int, wall_time_s: float, overrides: list[str] | None = None) -> dict:
    versions = dict(package_versions())
    status = _git("status", "--porcelain", "--untracked-files=no")
    return {
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": " ".join(sys.argv),
        "overrides": list(overrides or []),
        "seed": seed,
        "replications": replications,
        "replication_seeds": "numpy SeedSequence(seed, spawn_key=(replication, crc32(stream name)[, day]))",
        "wall_time_s": round(wall_time_s, 3),
        "git_commit": _git("rev-parse", "HEAD"),
        "git_dirty": None if status is None else bool(status),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "packages": versions,
    }
