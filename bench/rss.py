"""Peak memory of a whole process tree (this process and every descendant), sampled by psutil.

Two sums are sampled: RSS (resident pages of each process, so pages that forked step processes share
with the forkserver are counted once per process) and PSS (Linux: each shared page divided among the
processes that map it, so the sum is the memory the tree really occupies). ``peak`` is the PSS sum;
``peak_rss_sum`` the RSS sum, an upper bound.
"""

from __future__ import annotations

import threading
import time

import psutil


def tree_memory(root: psutil.Process) -> tuple[int, int]:
    """(PSS sum, RSS sum) in bytes of ``root`` and all its descendants now (vanished processes skipped)."""
    pss = rss = 0
    try:
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0, 0
    for p in procs:
        try:
            info = p.memory_full_info()
        except psutil.Error:
            continue
        rss += info.rss
        pss += getattr(info, "pss", info.rss)  # PSS where the OS reports it (Linux), else RSS
    return pss, rss


class TreeSampler:
    """Samples the memory of this process tree every ``interval`` s; ``peak_between(t0, t1)`` per stage."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self.samples: list[tuple[float, int, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._root = psutil.Process()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append((time.time(), *tree_memory(self._root)))
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def peak_between(self, t0: float, t1: float) -> int:
        """Peak PSS sum between two epoch times."""
        return max((pss for t, pss, _ in self.samples if t0 <= t <= t1), default=0)

    @property
    def peak(self) -> int:
        """Peak PSS sum of the tree: the memory it occupied at its largest."""
        return max((pss for _, pss, _ in self.samples), default=0)

    @property
    def peak_rss_sum(self) -> int:
        """Peak RSS sum (shared pages counted in every process that maps them)."""
        return max((rss for _, _, rss in self.samples), default=0)
