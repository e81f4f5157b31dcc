"""The step processes' forkserver, started early by a process about to execute a run (imports no Dagster).

The multiprocess executor forks every step process from a forkserver that preloads ``PRELOAD_MODULES``
(``pipelines.preload``: Dagster's storage layer, the code location, the parser and its data; ~2 s of
imports). A process that executes a run starts that server as soon as it can, so its preload runs on the
other core while this process still imports Dagster and loads the code location: the executor then finds
it running (same preload list, the one Dagster builds) and forks from it.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Sequence
from multiprocessing import forkserver

PRELOAD_MODULES = ["pipelines.preload"]
#: what Dagster's multiprocess executor asks the forkserver to preload (its module, then ours)
EXECUTOR_PRELOAD = ["dagster._core.executor.multiprocess", *PRELOAD_MODULES]

# Commands whose process executes a run with the multiprocess executor: the CLI's ``job execute`` and
# ``asset materialize``, and the process the run launcher of ``dagster dev`` / the daemon starts per run.
_RUN_COMMANDS = (("job", "execute"), ("asset", "materialize"), ("api", "execute_run"))


def start_forkserver_early(argv: Sequence[str] | None = None) -> bool:
    """In a process that is about to execute a run, start the step processes' forkserver now.

    Elsewhere (webserver, code server, tests importing the definitions) nothing starts. Returns whether
    it started one. ``argv``: the command line to judge (default: this process's, read when called).
    """
    if tuple((sys.argv if argv is None else argv)[1:3]) not in _RUN_COMMANDS:
        return False
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(EXECUTOR_PRELOAD)
    forkserver.ensure_running()
    return True
