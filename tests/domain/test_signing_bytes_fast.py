"""A device message's signed bytes written straight from its fields equal the model dump's.

Why: ``BaseMessage.signing_bytes`` skips pydantic's dump and ``canonical_json``'s walk for
messages of scalar fields (every read the centre verifies); the HMAC covers these bytes,
so any difference would refuse a good read. Compared here with the dump's canonical JSON
on random reads and barrier states: times in several offsets (some with seconds, which
take the model's path), floats around orjson's and ``json``'s differences, non-ASCII and
surrogate text, large integers.
"""

from __future__ import annotations

import warnings
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from domain.canonical import canonical_json
from domain.messages import BarrierStateV1, PlateReadV1, parse_message
from domain.messages.base import _flat_signing_bytes
from domain.signing import hmac_sign, hmac_verify

ZONES = [UTC, timezone(timedelta(hours=7)), timezone(timedelta(hours=-3, minutes=-30)),
         timezone(timedelta(seconds=5400 + 17)), ZoneInfo("Asia/Ho_Chi_Minh"),
         ZoneInfo("UTC"), timezone(timedelta(0))]

times = st.builds(lambda d, z: d.replace(tzinfo=z),
                  st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
                  st.sampled_from(ZONES))
ids = st.text(alphabet="abcdefABCDEF0123456789_-", min_size=8, max_size=64)
texts = st.text(max_size=16)
floats = st.one_of(st.floats(min_value=0.0, max_value=1.0),
                   st.sampled_from([0.0, 1.0, 1e-4, 9.99e-5, 5e-324, 0.1 + 0.2, 1e-5, 0.5]))


def _dumped(message: BaseModel) -> bytes:
    return canonical_json(message.model_dump(mode="json", exclude={"sig"}))


def _read(**fields: object) -> PlateReadV1:
    base: dict[str, object] = dict(
        device_id="cam-1", sent_at=datetime.now(UTC), nonce="0123456789abcdef",
        event_id="e" * 16, lane_id="hn1119-x1", pass_id="p" * 16, grade="pass",
        captured_at=datetime.now(UTC), plate="29C12345", confidence=0.97)
    return PlateReadV1(**{**base, **fields})


@settings(max_examples=300, deadline=None)
@given(sent=times, captured=times, confidence=floats, plate=st.none() | texts,
       raw=texts, trailer=st.none() | texts, event=ids, frames=st.integers(1, 1000),
       grade=st.sampled_from(["frame", "pass"]), sig=st.text(max_size=70))
def test_a_reads_signed_bytes_are_its_dumps(sent: datetime, captured: datetime,
                                             confidence: float, plate: str | None, raw: str,
                                             trailer: str | None, event: str, frames: int,
                                             grade: str, sig: str) -> None:
    read = _read(sent_at=sent, captured_at=captured, confidence=confidence, plate=plate,
                 raw_text=raw, trailer_plate=trailer, event_id=event, frames=frames,
                 grade=grade, sig=sig)
    assert read.signing_bytes() == _dumped(read)
    parsed = parse_message(read.to_json())  # as the centre holds it (pydantic's own tzinfo)
    assert parsed.signing_bytes() == _dumped(parsed)


@settings(max_examples=150, deadline=None)
@given(at=times, sent=times, detail=st.text(max_size=40), executed=st.booleans(),
       command=st.none() | ids, state=st.sampled_from(["open", "closed", "fault"]))
def test_a_barrier_states_signed_bytes_are_its_dumps(at: datetime, sent: datetime,
                                                     detail: str, executed: bool,
                                                     command: str | None, state: str) -> None:
    msg = BarrierStateV1(device_id="cam-1", sent_at=sent, nonce="0123456789abcdef",
                         event_id="b" * 16, lane_id="hn1119-x1", command_id=command,
                         state=state, executed=executed, detail=detail, at=at)
    assert msg.signing_bytes() == _dumped(msg)
    parsed = parse_message(msg.to_json())
    assert parsed.signing_bytes() == _dumped(parsed)


def test_values_orjson_and_json_write_apart_take_the_models_path() -> None:
    for odd in (_read(confidence=1e-5), _read(confidence=5e-324),
                _read(sent_at=datetime(2026, 1, 1, tzinfo=timezone(timedelta(seconds=61))))):
        assert _flat_signing_bytes(odd) is None
        assert odd.signing_bytes() == _dumped(odd)
    # Values validation never lets through, set without it: still the dump's bytes.
    for field, value in (("frames", 2**70), ("frames", 3.0)):
        constructed = PlateReadV1.model_construct(**{**_read().__dict__, field: value})
        assert _flat_signing_bytes(constructed) is None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pydantic warns of the unexpected type
            assert constructed.signing_bytes() == _dumped(constructed)
    lone = PlateReadV1.model_construct(**{**_read().__dict__, "raw_text": "\ud800"})
    assert _flat_signing_bytes(lone) is None  # the dump's path, which refuses it as before
    with pytest.raises(UnicodeEncodeError):
        lone.signing_bytes()


def test_a_plain_read_is_signed_and_verified_without_the_models_dump(
        monkeypatch: pytest.MonkeyPatch) -> None:
    signed = hmac_sign(_read(), "secret-of-the-device")
    received = parse_message(signed.to_json())
    assert isinstance(received, PlateReadV1)

    def no_dump(*args: object, **kwargs: object) -> object:
        raise AssertionError("the model's dump was called")

    monkeypatch.setattr(BaseModel, "model_dump", no_dump)
    hmac_verify(received, "secret-of-the-device")  # raises if the bytes differ
    assert received.signing_bytes() == signed.signing_bytes()
