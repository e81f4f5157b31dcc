"""Executors: parse shards run as parallel steps in separate processes on this machine.

``multiprocess_executor`` with a forkserver that preloads the code location and Dagster's storage
layer (``pipelines.preload``), so a step starts in ~0.15 s instead of re-importing Dagster (~2-3 s
per step with ``spawn``, ~0.65 s with the code location alone). A process about to execute a run
starts that forkserver while it still loads the code location (``start_forkserver_early``). ``max_concurrent``
0 means one step per CPU. For more than one machine, swap this for ``dagster_celery``'s or
``dagster_k8s``'s executor (README, "Scale"): the job's graph stays the same.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Sequence
from multiprocessing import forkserver

from dagster import multiprocess_executor

PRELOAD_MODULES = ["pipelines.preload"]

local_parallel_executor = multiprocess_executor.configured(
    {
        "max_concurrent": 0,
        "start_method": {"forkserver": {"preload_modules": PRELOAD_MODULES}},
    },
    name="local_parallel_executor",
)

# Commands whose process executes a run with the executor above: the CLI's ``job execute`` and the
# process the run launcher of ``dagster dev`` / the daemon starts for each run.
_RUN_COMMANDS = (("job", "execute"), ("api", "execute_run"))


def start_forkserver_early(argv: Sequence[str] | None = None) -> bool:
    """In a process that is about to execute a run, start the step processes' forkserver now.

    Its preload (Dagster, the code location, the parser and its data: ~2 s) then runs on the other core
    while this process still loads the code location and creates the run; the executor finds the
    server running (same preload list, the one Dagster builds) and forks from it. Elsewhere (webserver,
    code server, tests importing the definitions) nothing starts. Returns whether it started one.
    ``argv``: the command line to judge (default: this process's, read when called).
    """
    if tuple((sys.argv if argv is None else argv)[1:3]) not in _RUN_COMMANDS:
        return False
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["dagster._core.executor.multiprocess", *PRELOAD_MODULES])
    forkserver.ensure_running()
    return True
