"""The devices' HMAC from a cached keyed context equals a fresh :mod:`hmac` digest.

:func:`domain.signing.hmac_sha256_hex` copies one keyed ``hmac.HMAC`` per secret (round 21:
OpenSSL 3's HMAC set-up per call was most of a read's signature check). A copy that leaked
one message's bytes into the next, or a cache keyed on the wrong thing, shows here: keys
shorter than, equal to and longer than the 64-byte block, non-ASCII and empty keys, and a
key used again after others.
"""

from __future__ import annotations

import hashlib
import hmac

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.messages import PlateReadV1
from domain.signing import SignatureError, hmac_sha256_hex, hmac_sign, hmac_verify, new_nonce


@settings(max_examples=500, deadline=None)
@given(secret=st.one_of(st.text(max_size=64), st.text("ab", min_size=60, max_size=70),
                        st.text(min_size=65, max_size=300)),
       data=st.binary(max_size=3000))
def test_cached_states_give_the_hmac_module_s_digest(secret: str, data: bytes) -> None:
    expected = hmac.new(secret.encode(), data, hashlib.sha256).hexdigest()
    assert hmac_sha256_hex(secret, data) == expected
    assert hmac_sha256_hex(secret, data) == expected  # the cached states are not consumed


def test_many_keys_interleaved() -> None:
    keys = [f"key-{i}" * (i % 20) for i in range(100)]
    for round_ in range(3):
        for key in keys:
            data = f"{key}/{round_}".encode()
            assert hmac_sha256_hex(key, data) == hmac.new(key.encode(), data,
                                                          hashlib.sha256).hexdigest()


def _read() -> PlateReadV1:
    return PlateReadV1.model_validate({
        "device_id": "lane-1-cam", "sent_at": "2026-12-07T10:00:00Z", "nonce": new_nonce(),
        "event_id": "evt-00000001", "lane_id": "hn-in-1", "pass_id": "pass-0000001",
        "grade": "pass", "captured_at": "2026-12-07T09:59:59.5+07:00", "plate": "12C34567",
        "confidence": 0.93})


def test_a_signed_read_verifies_and_a_changed_one_does_not() -> None:
    read = hmac_sign(_read(), "s3cret")
    assert read.sig == hmac.new(b"s3cret", read.signing_bytes(), hashlib.sha256).hexdigest()
    hmac_verify(read, "s3cret")
    with pytest.raises(SignatureError):
        hmac_verify(read, "other")
    with pytest.raises(SignatureError):
        hmac_verify(read.model_copy(update={"plate": "12C34568"}), "s3cret")
