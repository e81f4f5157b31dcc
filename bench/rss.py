"""Peak resident memory of a whole process tree (this process and every descendant), sampled by psutil."""

from __future__ import annotations

import threading
import time

import psutil


def tree_rss(root: psutil.Process) -> int:
    """Bytes resident in ``root`` and all its descendants now (processes that vanish are skipped)."""
    total = 0
    try:
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            continue
    return total


class TreeSampler:
    """Samples the RSS of this process tree every ``interval`` s; ``peak_between(t0, t1)`` per stage."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self.samples: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._root = psutil.Process()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append((time.time(), tree_rss(self._root)))
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def peak_between(self, t0: float, t1: float) -> int:
        return max((rss for t, rss in self.samples if t0 <= t <= t1), default=0)

    @property
    def peak(self) -> int:
        return max((rss for _, rss in self.samples), default=0)
