"""The centre's event acks: signed, chunked so every receiver can parse them, order kept."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.messages import MAX_PAYLOAD_BYTES, EventAckV1, parse_message
from domain.reference import load_reference
from domain.signing import generate_signing_key, verify_centre
from services.central.outcomes import IngestConfig, ack_publications


def test_acks_are_signed_chunked_under_the_parse_limit_and_keep_order() -> None:
    private, public = generate_signing_key()
    config = IngestConfig(reference=load_reference(None), signing_key=private, key_id="k1")
    ids = [f"{i:064d}" for i in range(450)]  # the longest ids the schema allows
    acks = [("cam-a", i) for i in ids] + [("cam-a", ids[0]), ("cam-b", "b" * 20)]
    pubs = ack_publications(acks, now=datetime.now(UTC), config=config)
    assert [p.topic for p in pubs] == ["smartgate/v1/devices/cam-a/acks"] * 3 + \
        ["smartgate/v1/devices/cam-b/acks"]
    seen: list[str] = []
    for pub in pubs:
        assert len(pub.payload) <= MAX_PAYLOAD_BYTES
        msg = parse_message(pub.payload)
        assert isinstance(msg, EventAckV1)
        verify_centre(msg, {"k1": public})
        seen += msg.event_ids
    assert seen == [*ids, "b" * 20]  # each id once, in arrival order
