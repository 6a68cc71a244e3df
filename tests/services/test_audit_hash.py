"""``record_many``'s hash of plain data (round 24) is :func:`content_hash`, bit for bit.

Why: every audit row's hash chains to the next; a different hash for the same content would
make :func:`services.audit.verify_chain` call a sound chain tampered. ``_plain_hash`` skips
``canonical_json``'s walk for data already known plain; compared here with the long way on
any plain data (non-ASCII, escapes, big and small numbers, nesting), string fields that are
``str`` subclasses (the long way for those), and times in several zones.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from enum import StrEnum
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.canonical import is_plain
from services.audit import Entry, _plain_hash, _utc_text, content_hash


class Kind(StrEnum):
    DONE = "thing.done"


strings = st.text(max_size=20)
plain = st.recursive(st.none() | st.booleans() | st.integers(-2**70, 2**70)
                     | st.floats(allow_nan=False, allow_infinity=False) | strings,
                     lambda c: st.lists(c, max_size=3) | st.tuples(c, c)
                     | st.dictionaries(strings, c, max_size=3), max_leaves=8)
times = st.builds(lambda d, h: d.replace(tzinfo=timezone(timedelta(hours=h))),
                  st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)),
                  st.integers(-12, 12))


@settings(max_examples=300, deadline=None)
@given(data=st.dictionaries(strings, plain, min_size=1, max_size=4), when=times,
       action=st.sampled_from(["thing.done", Kind.DONE]), subject=strings, prev=strings)
def test_the_plain_hash_is_the_content_hash(data: dict[str, Any], when: datetime, action: str,
                                            subject: str, prev: str) -> None:
    if not is_plain(data):  # what record_many hands over: plain data only
        return
    at = when.astimezone(UTC)
    e = Entry("central", action, "decision", subject, data, when)
    assert _plain_hash(prev, at, _utc_text(at), e, data) == content_hash(
        prev_hash=prev, at=at, actor=e.actor, action=e.action, subject_type=e.subject_type,
        subject_id=e.subject_id, data=data)
