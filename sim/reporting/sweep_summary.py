"""The Hydra callback (``conf/config.yaml``) that records which sweep runs in a sweep
directory and, when the sweep ends, prints how its jobs went, writes its comparison
table and report (``sim.reporting.sweep_report``) and exits non-zero if a job failed.

Hydra makes this callback for every run, sweep or not, so it imports the report's
modules (matplotlib, Jinja2: half a second) only when a sweep ends."""

from __future__ import annotations

import time
from pathlib import Path

from hydra.experimental.callback import Callback
from omegaconf import DictConfig

from sim.runs import run_files, sweep_jobs
from sim.runs import sweep_table as aggregate


class SweepSummary(Callback):
    """Hydra callback (conf/config.yaml): record which sweep runs in the sweep directory;
    after it, summarise its jobs, write the comparison table and report, and exit
    non-zero if a job failed."""

    def on_multirun_start(self, config: DictConfig, **kwargs) -> None:
        self._started = time.time()
        sweep_jobs.record_sweep(config)

    def on_multirun_end(self, config: DictConfig, **kwargs) -> None:
        sweep_dir = Path(config.hydra.sweep.dir)
        jobs = aggregate.find_jobs(sweep_dir)
        started = getattr(self, "_started", 0.0)
        complete = [job for job in jobs if job.status == aggregate.COMPLETE]
        skipped = [job for job in complete if job.finished_unix < started]
        failed = [job for job in jobs if job.status == aggregate.FAILED]
        print(
            f"sweep {sweep_dir}: {len(jobs)} job(s): {len(complete)} complete "
            f"({len(skipped)} skipped as already complete), {len(failed)} failed, "
            f"{len(jobs) - len(complete) - len(failed)} incomplete"
        )
        for job in failed:
            print(f"  FAILED job {job.name}: {job.error_line} (see {job.directory / run_files.ERROR})")
        earlier = aggregate.earlier_jobs(sweep_dir)
        if earlier:
            print(
                f"  not reported: job folder(s) {', '.join(earlier)}, left by an earlier, different sweep "
                "in this directory"
            )
        if complete:
            problem = aggregate.baseline_problem(jobs, aggregate.effective_baseline(jobs))
            if problem:
                print(f"  no differences computed: compare.{problem}")
            from sim.reporting.sweep_report import describe_outputs, write_sweep_outputs

            try:
                written = write_sweep_outputs(sweep_dir, jobs)
                print(describe_outputs(written))
            except Exception as error:  # the summary must still be printed and the exit code set
                print(f"could not write the sweep report: {error!r}; try `python -m sim.report {sweep_dir}`")
        if failed:
            raise SystemExit(1)
