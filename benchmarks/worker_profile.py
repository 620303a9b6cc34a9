"""cProfile of a Celery worker's pool processes, for `certificate_queue.py --profile`.

Loaded into the worker with `celery worker --include benchmarks.worker_profile` (the benchmark
adds that option), so the project's own code carries no profiling switch. Each pool process
profiles its CPU time from its start until it is told to stop (SIGUSR2 or a warm shutdown), then writes
`<WORKER_PROFILE_DIR>/pool-<pid>.prof` (pstats format)."""

import cProfile
import os
import signal
import time
from pathlib import Path

from celery.signals import worker_process_init, worker_process_shutdown

_profile: cProfile.Profile | None = None


def _dump(*_args, **_kwargs) -> None:
    global _profile
    if _profile is None:
        return
    _profile.disable()
    folder = Path(os.environ["WORKER_PROFILE_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    _profile.dump_stats(str(folder / f"pool-{os.getpid()}.prof"))
    _profile = None


@worker_process_init.connect
def _start(**_kwargs) -> None:
    global _profile
    if not os.environ.get("WORKER_PROFILE_DIR"):
        return
    signal.signal(signal.SIGUSR2, _dump)
    # CPU time, not wall time: a shared machine's waits would otherwise dominate
    _profile = cProfile.Profile(time.process_time)
    _profile.enable()


worker_process_shutdown.connect(_dump)
