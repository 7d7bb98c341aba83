"""Peak memory of this process and every process it forks, counted once.

`ru_maxrss` (and `/usr/bin/time -v`) give the largest single process, which hides the
name-key workers `nohaven.parallel` forks; summing their RSS would count the pages they
share with the parent twice. The proportional set size (Linux `smaps_rollup`) splits
each shared page among its sharers, so the sum over the tree is the memory really used.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from types import TracebackType


def _pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:  # the process ended between listing and reading
        pass
    return 0


def _children(pid: int) -> list[int]:
    """The processes ``pid`` forked, from any of its threads (a server's match workers
    are forked by the thread that rebuilt its index)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:  # the thread ended between listing and reading
            continue
    return found


def tree_pss_mb(root: int | None = None) -> float:
    """The summed proportional set size of ``root`` (this process) and its descendants."""
    pending, total = [root or os.getpid()], 0
    while pending:
        pid = pending.pop()
        total += _pss_kib(pid)
        pending.extend(_children(pid))
    return total / 1024


class TreeMemory:
    """Samples `tree_pss_mb` on a thread while the block runs; `peak_mb` is the highest
    sample, so a peak shorter than the interval can be missed (a lower bound). Each
    sample walks every process's page tables: sampled ten times a second, the large
    world's index build ran 150-161 s against 123 s at twice a second.

    On a system without /proc the peak stays 0 and `available` is False."""

    def __init__(self, interval: float = 0.5) -> None:
        self.interval = interval
        self.peak_mb = 0.0
        self.available = Path("/proc/self/smaps_rollup").exists()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while True:
            self.peak_mb = max(self.peak_mb, tree_pss_mb())
            if self._stop.wait(self.interval):
                return

    def __enter__(self) -> TreeMemory:
        if self.available:
            self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self.available:
            self._stop.set()
            self._thread.join()
            self.peak_mb = max(self.peak_mb, tree_pss_mb())
