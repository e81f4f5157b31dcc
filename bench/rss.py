"""Peak memory and CPU of a whole process tree (this process and every descendant), sampled by psutil.

Two memory sums are sampled:

* RSS (``/proc/<pid>/statm``: free to read) every ``interval`` s: resident pages of each process, so
  pages that forked step processes share with the forkserver count once per process — an upper bound
  of what the tree occupies. This is the headline ``peak``.
* PSS (``/proc/<pid>/smaps_rollup``: each shared page divided among the processes that map it) every
  ``pss_interval`` s only: the kernel walks every page table to compute it, ~10 ms of CPU per GB
  mapped, so sampling it five times a second took ~20 % of a core from the job being measured (and
  once a second at each new high of the RSS sum, ~5 % while the parse shards grow).

The CPU time (user + system) of every process seen is kept, so ``cpu_by_role`` tells where the
tree's CPU went (steps, run coordinator, …).
"""

from __future__ import annotations

import threading
import time

import psutil


def tree_memory(root: psutil.Process) -> tuple[int, int]:
    """(PSS sum, RSS sum) in bytes of ``root`` and all its descendants now (vanished processes skipped)."""
    pss = rss = 0
    for p in _tree(root):
        try:
            info = p.memory_full_info()
        except psutil.Error:
            continue
        rss += info.rss
        pss += getattr(info, "pss", info.rss)  # PSS where the OS reports it (Linux), else RSS
    return pss, rss


def _tree(root: psutil.Process) -> list[psutil.Process]:
    try:
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


def _role(p: psutil.Process) -> str:
    """What a process of the tree is: a Dagster step, the run coordinator, the forkserver, …"""
    try:
        cmd = " ".join(p.cmdline())
    except psutil.Error:
        return "?"
    if "forkserver" in cmd or "multiprocessing" in cmd:
        return "step processes (forkserver children)"
    if "dagster" in cmd and "job execute" in cmd:
        return "dagster CLI / run coordinator"
    if p.pid == psutil.Process().pid:
        return "benchmark (sampler)"
    return cmd.split(" ")[0].rsplit("/", 1)[-1][:40]


class TreeSampler:
    """Samples the tree's RSS every ``interval`` s and PSS every ``pss_interval`` s; CPU per process."""

    def __init__(self, interval: float = 0.2, pss_interval: float = 10.0) -> None:
        self.interval = interval
        self.pss_interval = pss_interval
        self.samples: list[tuple[float, int]] = []  # (time, RSS sum)
        self.pss_samples: list[tuple[float, int]] = []  # (time, PSS sum)
        self._cpu: dict[int, tuple[str, float]] = {}  # pid → (role, CPU seconds last seen)
        self._cpu0: dict[int, float] = {}  # pid → CPU seconds when first seen, for processes older than us
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._root = psutil.Process()

    def _run(self) -> None:
        next_pss = 0.0
        while not self._stop.is_set():
            now = time.time()
            procs = _tree(self._root)
            rss = 0
            for p in procs:
                try:
                    rss += p.memory_info().rss
                    cpu = p.cpu_times()
                except psutil.Error:
                    continue
                seconds = cpu.user + cpu.system
                if p.pid not in self._cpu and p.pid == self._root.pid:
                    self._cpu0[p.pid] = seconds  # the benchmark's own work before the sampling started
                role = self._cpu[p.pid][0] if p.pid in self._cpu else _role(p)
                self._cpu[p.pid] = (role, seconds)
            self.samples.append((now, rss))
            if now >= next_pss:
                self.pss_samples.append((now, tree_memory(self._root)[0]))
                next_pss = now + self.pss_interval
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def peak_between(self, t0: float, t1: float) -> int:
        """Peak RSS sum between two epoch times."""
        return max((rss for t, rss in self.samples if t0 <= t <= t1), default=0)

    @property
    def peak(self) -> int:
        """Peak RSS sum of the tree (shared pages counted in every process that maps them: an upper bound)."""
        return max((rss for _, rss in self.samples), default=0)

    @property
    def peak_pss(self) -> int:
        """Peak PSS sum of the tree (shared pages counted once), sampled every ``pss_interval`` s."""
        return max((pss for _, pss in self.pss_samples), default=0)

    def cpu_by_pid(self) -> dict[int, float]:
        """CPU seconds of each process of the tree since sampling started, as last sampled."""
        return {pid: seconds - self._cpu0.get(pid, 0.0) for pid, (_, seconds) in self._cpu.items()}

    def cpu_by_role(self) -> dict[str, float]:
        """CPU seconds of the tree's processes by role since sampling started, as last sampled (a process
        that ended less than ``interval`` after its last sample misses that much)."""
        out: dict[str, float] = {}
        for pid, (role, seconds) in self._cpu.items():
            out[role] = out.get(role, 0.0) + seconds - self._cpu0.get(pid, 0.0)
        return {k: round(v, 1) for k, v in sorted(out.items(), key=lambda kv: -kv[1])}
