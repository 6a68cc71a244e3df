"""CPU time of the processes a benchmark run involves, from ``/proc`` (Linux).

Why: on the shared 2-core machine, events/s moves by a third from run to run with
whatever else runs; the CPU time each process spent per event moves far less, and
says where the time goes (the central processes, their PostgreSQL backends, the
broker, the bench's own simulated device and lane).

``/proc/<pid>/stat`` is read directly rather than through psutil: two fields of one file,
in a benchmark that only runs on Linux, are not worth a dependency.
"""

from __future__ import annotations

import os
import time

import psycopg


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far, 0 if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def with_children(pids: list[int]) -> list[int]:
    """The processes and all their descendants (a central's list process, since round 5)."""
    out, todo = [], list(pids)
    while todo:
        pid = todo.pop()
        out.append(pid)
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as f:
                    todo += [int(c) for c in f.read().split()]
        except OSError:
            continue
    return out


def wait_idle(pids: list[int], *, busy: float = 0.05, every: float = 0.5,
              timeout: float = 60.0) -> float:
    """Wait until each process used under ``busy`` of a core over ``every`` seconds.

    Why: a central instance starts with work it does once (imports, its first
    pre-clearance list: ~1 s of CPU for 1,500 trips) and then every few minutes; a
    run that starts while that goes on measures the start, not the service. Returns
    the seconds waited.
    """
    started = time.monotonic()
    before = {pid: cpu_seconds(pid) for pid in pids}
    while time.monotonic() - started < timeout:
        time.sleep(every)
        now = {pid: cpu_seconds(pid) for pid in pids}
        if all(now[p] - before[p] < busy * every for p in pids):
            break
        before = now
    return time.monotonic() - started


class CpuWatch:
    """CPU seconds spent from construction on by named groups of processes and this one.

    ``postgres`` is every backend connected to ``db_name`` (the central instances' pools).
    """

    def __init__(self, groups: dict[str, list[int]], *, pg_admin: str, db_name: str) -> None:
        self.pg_admin, self.db_name = pg_admin, db_name
        self.groups = dict(groups)
        self.start = {pid: cpu_seconds(pid) for pid in self._pids()}
        self.own = time.process_time()

    def _pids(self) -> list[int]:
        with psycopg.connect(self.pg_admin, autocommit=True) as admin:
            self.groups["postgres"] = [pid for (pid,) in admin.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s", (self.db_name,))]
        return [pid for pids in self.groups.values() for pid in pids]

    def per_event(self, events: int) -> dict[str, float]:
        """``<group>_cpu_ms_per_event`` since construction (a backend opened since counts whole)."""
        own = time.process_time() - self.own
        used = {pid: max(0.0, cpu_seconds(pid) - self.start.get(pid, 0.0))
                for pid in self._pids()}
        out = {f"{name}_cpu_ms_per_event": round(sum(used[p] for p in pids) * 1e3 / events, 3)
               for name, pids in self.groups.items()}
        out["bench_cpu_ms_per_event"] = round(own * 1e3 / events, 3)
        return out
