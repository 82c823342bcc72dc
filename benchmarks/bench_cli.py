"""Wall time of the teaching demo from the command line, as a class would see it.

    python benchmarks/bench_cli.py                # python -m sim hospital=teaching_demo, best of 5
    python benchmarks/bench_cli.py --repeats 3 -- run.days=10

The target (issue 6): ``python -m sim hospital=teaching_demo`` — the full run, with
its files, six figures and report.html — in at most 3 s. Each repeat is a fresh
``python -m sim`` process writing into a temporary directory (interpreter start and
every import included); the best and the median are printed, with the time of
``import sim`` alone and of ``import sim.__main__`` (what the CLI imports before
Hydra starts) for reference.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def wall(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("overrides", nargs="*", help="extra overrides (after --)")
    args = parser.parse_args()
    runs, imports, cli_imports = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(args.repeats):
            out = Path(tmp) / str(k)
            runs.append(
                wall([sys.executable, "-m", "sim", "hospital=teaching_demo", f"hydra.run.dir={out}", *args.overrides])
            )
            imports.append(wall([sys.executable, "-c", "import sim"]))
            cli_imports.append(wall([sys.executable, "-c", "import sim.__main__"]))
        files = sorted(p.name for p in (Path(tmp) / "0").rglob("*") if p.is_file())
    print(f"python -m sim hospital=teaching_demo {' '.join(args.overrides)}".rstrip())
    print(
        f"  wall: best {min(runs):.2f} s, median {statistics.median(runs):.2f} s over {args.repeats} runs "
        f"(target 3 s); {len(files)} files written incl. report.html: {'report.html' in files}"
    )
    print(f"  import sim: best {min(imports):.2f} s; import sim.__main__: best {min(cli_imports):.2f} s")


if __name__ == "__main__":
    main()
