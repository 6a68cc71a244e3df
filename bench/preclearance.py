"""Benchmark: the cost of rebuilding a lane's pre-clearance list at a 5-minute grid step.

Why: every 5 minutes the spans of every pre-clearable trip move on by one step, and the
central rebuilds each lane's list in its own process (the ingest worker shares the
interpreter). Without memory across steps that was a full rebuild, ~1 s of CPU for a
gate's 1,500 trips, and the paced messaging runs that crossed a step showed a p99 of
0.7-0.9 s (docs/messaging-journal.md, round 4). The rule checks by instant are now remembered
across steps (``domain.preclearance.clearable_span(verdicts=...)``); this measures a
step with and without that memo, in the same run, on the same database.

    .venv/bin/python bench/preclearance.py [--trips 1500] [--steps 6]

Last line: one JSON object (``step_cpu_ms`` median with the memo, ``step_cpu_ms_baseline``
without it, ``speedup``, ``cold_cpu_ms``, ``same_lists``: both ways built the same entries).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


from bench.messaging import GATE, LANE, plate_of, round_the_clock
from bench.scratchdb import admin_url, create_database, drop_database
from domain.reference import load_reference
from domain.rules import default_rules
from services.central.preclearance import ListConfig, SpanCache, VerdictCache, build_entries
from services.db.models import Carrier, Trip
from services.db.session import make_engine, make_session_factory, migrate


def run(args: argparse.Namespace) -> dict[str, object]:
    pg_admin = admin_url()
    db_name, db_url = create_database(pg_admin, "sg_bench_lists")
    engine = make_engine(db_url)
    try:
        migrate(engine)
        sessions = make_session_factory(engine)
        now = datetime.now(UTC)
        with sessions() as s, s.begin():
            carrier = Carrier(name="Bench carrier", country="VN", created_at=now)
            s.add(carrier)
            s.flush()
            for i in range(args.trips):  # windows spread over the day, as a gate's are
                start = now + timedelta(minutes=(i * 37) % 900 - 180)
                s.add(Trip(reference=f"L{i:07d}", carrier_id=carrier.id, plate=plate_of(i),
                           vehicle_country="VN", gate_id=GATE, direction="export",
                           window_start=start, window_end=start + timedelta(hours=4),
                           status="submitted", declaration_no="10512345678", channel="green",
                           fee_paid=True, created_at=now, updated_at=now))
        reference = load_reference(round_the_clock(
            Path(tempfile.mkdtemp(prefix="sg-bench-lists-")) / "g.toml"))
        rules, config = default_rules(), ListConfig()
        spans: dict[bool, SpanCache] = {True: {}, False: {}}
        verdicts: VerdictCache = {}
        steps: dict[bool, list[float]] = {True: [], False: []}
        cold = 0.0
        same = True
        for step in range(args.steps + 1):
            at = now + timedelta(minutes=5 * step)
            built = {}
            for memo in (True, False):  # alternated, step by step
                cpu = time.process_time()
                with sessions() as session:
                    built[memo] = build_entries(
                        session, reference=reference, lane_id=LANE, now=at, config=config,
                        rules=rules, cache=spans[memo], verdicts=verdicts if memo else None)
                ms = (time.process_time() - cpu) * 1000
                if step == 0:
                    cold = max(cold, ms)
                else:
                    steps[memo].append(ms)
            same = same and built[True] == built[False]
        with_memo = statistics.median(steps[True])
        without = statistics.median(steps[False])
        return {"step_cpu_ms": round(with_memo, 1), "step_cpu_ms_baseline": round(without, 1),
                "speedup": round(without / with_memo, 1) if with_memo else None,
                "cold_cpu_ms": round(cold, 1), "entries": len(built[True][0]),
                "trips": args.trips, "steps": args.steps, "same_lists": same}
    finally:
        engine.dispose()
        drop_database(pg_admin, db_name)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trips", type=int, default=1500)
    ap.add_argument("--steps", type=int, default=6)
    print(json.dumps(run(ap.parse_args())))


if __name__ == "__main__":
    main()
