"""The central process's garbage-collector policy (services.central.cli.tune_gc).

Run in a child interpreter: the policy is process-wide, and the test process must keep
Python's defaults.
"""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import gc
from services.central.cli import tune_gc
default = gc.get_threshold()
tune_gc(0)
assert gc.get_threshold() == default and gc.get_freeze_count() == 0, "0 must change nothing"
alive = [[i] for i in range(1000)]  # containers alive after start: frozen
tune_gc(50_000)
assert gc.get_threshold() == (50_000, *default[1:]), gc.get_threshold()
assert gc.get_freeze_count() >= 1000, gc.get_freeze_count()
print("ok")
"""


def test_the_central_collects_rarely_and_freezes_what_start_up_left() -> None:
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
