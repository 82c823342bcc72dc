"""Executors that run replications: where the work goes is a config choice.

``runner=local`` (the default) uses a process pool of ``run.jobs`` workers on this
machine, or no pool at all for one worker. ``runner=dask`` sends replications to a
``dask.distributed`` cluster: the scheduler at ``runner.address``, or a LocalCluster
started for the run when no address is given. Both hand back ``concurrent.futures``
futures, so the caller does not care which one it got.

Results do not depend on the runner: a replication draws only from its own named
streams (seed, replication, stream name), never from state shared with other
replications, and the caller puts the outputs back in replication order.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager

from sim.schema import Config


def local_workers(jobs: int, tasks: int) -> int:
    """Worker processes for ``tasks`` replications: ``run.jobs`` (0 = one per core),
    never more than there are tasks."""
    workers = jobs if jobs > 0 else (os.cpu_count() or 1)
    return max(1, min(workers, tasks))


def is_serial(cfg: Config, tasks: int) -> bool:
    """True when replications run in this process, one after the other."""
    return cfg.runner.kind == "local" and local_workers(cfg.run.jobs, tasks) == 1


@contextmanager
def open_executor(cfg: Config, tasks: int) -> Iterator[Executor | None]:
    """An executor for up to ``tasks`` replications, closed (cluster included) on exit;
    None when they should run serially in this process (local runner, one worker)."""
    if cfg.runner.kind == "dask":
        with _dask_executor(cfg) as executor:
            yield executor
    elif is_serial(cfg, tasks):
        yield None
    else:
        with _process_pool(local_workers(cfg.run.jobs, tasks)) as pool:
            yield pool


@contextmanager
def _process_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A process pool whose workers leave Ctrl-C to this process: on an error or an
    interrupt here, the replications not started are cancelled and the workers stopped
    at once (each would otherwise print its own traceback, and the pool would finish
    every queued replication before letting go)."""
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_ignore_interrupts)
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        for worker in multiprocessing.active_children():
            worker.terminate()
        raise
    pool.shutdown(wait=True)


def _ignore_interrupts() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextmanager
def _dask_executor(cfg: Config) -> Iterator[Executor]:
    from distributed import Client, LocalCluster  # optional extra: pip install -e ".[dask]"

    logging.getLogger("distributed").setLevel(logging.WARNING)  # no per-worker start/stop chatter
    runner = cfg.runner
    if runner.address:
        with Client(runner.address) as client:
            yield client.get_executor()
        return
    workers = runner.workers or (os.cpu_count() or 1)
    # one thread per worker: the simulation is pure Python, threads would only share the GIL
    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=runner.processes, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client.get_executor()
