"""CPU used, and time spent ready to run but waiting for a CPU, from Linux's /proc: on a
shared machine the second says whether a slow answer was the service or the machine."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class CpuTimes:
    used_s: float  # on a CPU (user and system), children already gone included
    waiting_s: float  # runnable, in a run queue, while other work had the CPUs

    def __sub__(self, other: CpuTimes) -> CpuTimes:
        return CpuTimes(self.used_s - other.used_s, self.waiting_s - other.waiting_s)


def _group_of(stat: str) -> tuple[int, float]:
    """A process's group and its CPU seconds, from its /proc/PID/stat line."""
    fields = stat.rpartition(")")[2].split()  # the name in brackets may hold spaces
    # Fields 5 (pgrp) and 14 to 17 (utime, stime, cutime, cstime), in clock ticks.
    ticks = sum(int(f) for f in fields[11:15])
    return int(fields[2]), ticks / os.sysconf("SC_CLK_TCK")


def _waiting(pid: str) -> float:
    """Seconds every thread of a process has waited in a run queue (schedstat's 2nd field)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").glob("*/schedstat"):
        try:
            total += int(task.read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return total / 1e9


def group_times(group: int) -> CpuTimes:
    """Every process in a process group (a server and its workers)."""
    used = waiting = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            pgrp, seconds = _group_of(stat.read_text())
        except (OSError, IndexError, ValueError):  # the process ended meanwhile
            continue
        if pgrp == group:
            used += seconds
            waiting += _waiting(stat.parent.name)
    return CpuTimes(used, waiting)


def own_times() -> CpuTimes:
    """This process."""
    return CpuTimes(sum(os.times()[:2]), _waiting("self"))
