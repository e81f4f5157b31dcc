"""Executors: parse shards run as parallel steps in separate processes on this machine.

``multiprocess_executor`` with a forkserver that preloads the code location and Dagster's storage
layer (``pipelines.preload``), so a step starts in ~0.15 s instead of re-importing Dagster (~2-3 s
per step with ``spawn``, ~0.65 s with the code location alone). A process about to execute a run
starts that forkserver while it still loads the code location (``pipelines.forkserver``;
``pipelines.launch`` starts it even before Dagster's import). ``max_concurrent`` 0 means one step per CPU.
For more than one machine, swap this for ``dagster_celery``'s or ``dagster_k8s``'s executor (README,
"Scale"): the job's graph stays the same.
"""

from __future__ import annotations

from dagster import multiprocess_executor

from pipelines.forkserver import PRELOAD_MODULES

local_parallel_executor = multiprocess_executor.configured(
    {
        "max_concurrent": 0,
        "start_method": {"forkserver": {"preload_modules": PRELOAD_MODULES}},
    },
    name="local_parallel_executor",
)
