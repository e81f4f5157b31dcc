"""The step processes' forkserver: started early only by a process that executes a run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pipelines.forkserver import start_forkserver_early

ROOT = Path(__file__).resolve().parents[1]


def test_nothing_starts_outside_a_run() -> None:
    for argv in (["dagster", "dev"], ["pytest"], ["dagster", "job", "list"], ["-c"]):
        assert start_forkserver_early(argv) is False


def test_a_run_process_starts_the_forkserver_with_the_executors_preload() -> None:
    script = (
        "import psutil\n"
        "from multiprocessing import forkserver\n"
        "from pipelines.forkserver import start_forkserver_early\n"
        "assert start_forkserver_early(['dagster', 'job', 'execute', '-j', 'x'])\n"
        "import time\n"
        "proc = psutil.Process(forkserver._forkserver._forkserver_pid)\n"
        "for _ in range(100):  # its command line is readable once the new process has executed\n"
        "    if proc.cmdline():\n"
        "        break\n"
        "    time.sleep(0.05)\n"
        "print(' '.join(proc.cmdline()))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "multiprocessing.forkserver import main" in out
    assert "['dagster._core.executor.multiprocess', 'pipelines.preload']" in out


def test_asset_materialize_is_a_run_command_too() -> None:
    script = (
        "from multiprocessing import forkserver\n"
        "from pipelines.forkserver import start_forkserver_early\n"
        "assert start_forkserver_early(['dagster', 'asset', 'materialize', '--select', '*'])\n"
        "assert forkserver._forkserver._forkserver_pid\n"
    )
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)


def test_the_launcher_is_dagsters_cli_and_imports_no_dagster_before_the_forkserver_starts() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "pipelines.launch", "--version"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert ", version 1." in out  # dagster's own --version
    script = "import sys\nimport pipelines.launch\nprint('dagster' in sys.modules)\n"
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
