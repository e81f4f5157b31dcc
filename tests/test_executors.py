"""The step processes' forkserver: started early only by a process that executes a run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pipelines.executors import start_forkserver_early

ROOT = Path(__file__).resolve().parents[1]


def test_nothing_starts_outside_a_run() -> None:
    for argv in (["dagster", "dev"], ["pytest"], ["dagster", "job", "list"], ["-c"]):
        assert start_forkserver_early(argv) is False


def test_a_run_process_starts_the_forkserver_with_the_executors_preload() -> None:
    script = (
        "import psutil\n"
        "from multiprocessing import forkserver\n"
        "from pipelines.executors import start_forkserver_early\n"
        "assert start_forkserver_early(['dagster', 'job', 'execute', '-j', 'x'])\n"
        "print(' '.join(psutil.Process(forkserver._forkserver._forkserver_pid).cmdline()))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "multiprocessing.forkserver import main" in out
    assert "['dagster._core.executor.multiprocess', 'pipelines.preload']" in out
