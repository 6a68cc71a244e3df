"""Micro-benchmark: a lane's CPU for 64 commands signed over one Merkle root, without and
with its cache of verified batch signatures (``domain.verified_roots``).

Why: the centre signs up to 64 commands over one root, and a lane verified that one
signature once per command (docs/messaging-journal.md, round 22 "Left"). 64 such commands
(~750 bytes each with their proofs) do not fit one 16 KiB ``lane_commands`` message: the
centre's own packing (``services.central.outcomes.command_publications``) sends them as
3-4 messages, and the lane's cache keeps the root from one to the next. This times what
the lane does with them (``edge.commands.handle_commands``: parse, per command the proof,
the Ed25519 check, expiry, the SQLite ledger, the barrier call) and the signature checks
alone, ``--messages`` batches each way, alternated, in this process
(``time.process_time``). The barrier is a stub (a relay's timer thread is not the
check's cost); the ledger is the edge's own SQLite (WAL, ``synchronous=FULL``), on a
temporary directory.

It also counts, without timing, what the cache saves when a gate has several lanes: a
committed batch of ``--batch`` commands in decision order over N lanes (spread evenly,
shuffled), signed 64 to a root as the centre does; a lane needs one Ed25519 check per
distinct root among its commands (its cache keeps them across messages).

    .venv/bin/python bench/lane_verify.py

Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from domain import topics
from domain.messages import LaneCommandV1, commands_of, parse_message
from domain.signing import generate_signing_key, sign_commands, verify_command
from domain.verified_roots import VerifiedRoots
from edge.barrier import BarrierState
from edge.commands import CommandLedger, handle_commands
from services.central.outcomes import Publication, command_publications

LANE = "hn1119-x1"
ROOT_SIZE = 64  # commands a centre signs over one root (IngestConfig.command_batch)


class StubBarrier:
    def open(self) -> None:
        pass

    def close(self) -> None:
        pass

    def state(self) -> BarrierState:
        return "closed"


def messages(private: str, n: int) -> list[bytes]:
    """``n`` fresh commands signed over one root, in the messages the centre would send."""
    now = datetime.now(UTC)
    drafts = [LaneCommandV1(command_id=uuid.uuid4().hex, lane_id=LANE, action="open",
                            plate="29C00001", decision_id=uuid.uuid4().hex, issued_at=now,
                            expires_at=now + timedelta(minutes=10), key_id="bench-centre")
              for _ in range(n)]
    topic = topics.commands(LANE)
    return [p.payload for p in command_publications(
        [Publication(topic, c.to_json()) for c in sign_commands(drafts, private, batch=n)])]


def checks_per_command(lanes: int, batch: int, seed: int = 28) -> float:
    """Ed25519 checks a command needs, with the cache, at ``lanes`` lanes (see the doc)."""
    order = [i % lanes for i in range(batch)]
    random.Random(seed).shuffle(order)
    roots = {(lane, i // ROOT_SIZE) for i, lane in enumerate(order)}
    return round(len(roots) / batch, 3)


def run(args: argparse.Namespace) -> dict[str, object]:
    private, public = generate_signing_key()
    keys = {"bench-centre": public}
    batches = [messages(private, args.commands) for _ in range(2 * args.messages)]
    handle: dict[str, list[float]] = {"before": [], "after": []}
    verify: dict[str, list[float]] = {"before": [], "after": []}
    with tempfile.TemporaryDirectory(prefix="sg-bench-lane-") as tmp:
        ledger = CommandLedger(Path(tmp) / "edge.db")
        barrier = StubBarrier()
        roots = VerifiedRoots()
        now = datetime.now(UTC)
        for i, batch in enumerate(batches):
            way = "before" if i % 2 == 0 else "after"
            cache = roots if way == "after" else None  # the agent's, kept from batch to batch
            t0 = time.process_time()
            outcomes = [o for payload in batch for o in handle_commands(
                payload, lane_id=LANE, public_keys=keys, ledger=ledger, barrier=barrier,
                now=now, roots=cache)]
            handle[way].append(time.process_time() - t0)
            assert len(outcomes) == args.commands and all(o.executed for o in outcomes)
            commands = [c for p in batch for c in commands_of(parse_message(p))]  # type: ignore[arg-type]
            fresh = VerifiedRoots() if way == "after" else None  # the root not yet seen
            t0 = time.process_time()
            for cmd in commands:
                verify_command(cmd, keys, roots=fresh)
            verify[way].append(time.process_time() - t0)
        ledger.close()

    def ms(values: list[float]) -> float:
        return round(statistics.median(values) * 1e3, 3)

    return {
        "commands": args.commands, "messages_per_root": len(batches[0]),
        "roots_timed_each_way": args.messages,
        "lane_cpu_ms_before": ms(handle["before"]),
        "lane_cpu_ms_after": ms(handle["after"]),
        "verify_cpu_ms_before": ms(verify["before"]),
        "verify_cpu_ms_after": ms(verify["after"]),
        "ed25519_checks_before": args.commands, "ed25519_checks_after": 1,
        "checks_per_command_with_cache_by_lanes": {
            str(n): checks_per_command(n, args.batch) for n in (1, 4, 8, 16)},
        "batch": args.batch,
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--commands", type=int, default=64, help="commands over one root (2-64)")
    p.add_argument("--messages", type=int, default=100, help="roots timed each way")
    p.add_argument("--batch", type=int, default=500,
                   help="a committed batch's commands, for the lanes count")
    print(json.dumps(run(p.parse_args())))


if __name__ == "__main__":
    main()
