"""Messages the centre sends: signed lane commands and acks, decision notices, its status,
the lanes' pre-clearance lists.

Commands, acks and lists are Ed25519-signed by the centre, so a stolen device credential
can never forge one (:mod:`domain.signing`).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from domain.canonical import canonical_json
from domain.messages.base import (
    MAX_BATCH_COMMANDS,
    MAX_BATCH_DECISIONS,
    BaseMessage,
    CommandAction,
    Id,
    LaneId,
    Outcome,
    Sha256,
)

#: A batch proof's hashes: SHA-256 digests, url-safe base64 without padding.
ProofHash = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{43}$")]


class BatchProof(BaseModel):
    """Where a command sits in a batch the centre signed once (:mod:`domain.merkle`).

    ``sig`` of a command that carries one signs the batch's Merkle root (and ``size``),
    not the command's own bytes; ``path`` rebuilds that root from the command.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    index: int = Field(ge=0)
    size: int = Field(ge=2, le=1024)
    path: tuple[ProofHash, ...] = Field(min_length=1, max_length=10)


class LaneCommandV1(BaseMessage):
    """A command from the centre to one lane, signed by the centre (Ed25519).

    ``proof`` is set when the centre signed a batch of commands at once; it is left out
    of the JSON otherwise, so a command signed alone is byte for byte what it always was.
    """

    type: Literal["lane_command"] = "lane_command"
    command_id: Id
    lane_id: LaneId
    action: CommandAction
    plate: str | None = Field(default=None, max_length=16)
    trip_id: str | None = Field(default=None, max_length=64)
    decision_id: Id | None = None
    issued_at: AwareDatetime
    expires_at: AwareDatetime
    reason_codes: tuple[str, ...] = ()
    key_id: str = Field(default="centre-1", max_length=64)
    sig: str = ""
    proof: BatchProof | None = None

    def to_json(self) -> bytes:
        return self.model_dump_json(exclude=None if self.proof else {"proof"}).encode()

    def signing_bytes(self) -> bytes:
        """What a signature (or, in a batch, the Merkle leaf) covers: all but ``sig``, ``proof``."""
        return canonical_json(self.model_dump(mode="json", exclude={"sig", "proof"}))


class LaneCommandsV1(BaseMessage):
    """Several commands for one lane that the centre committed together, as one message.

    Why: a command per message cost a publish and a PUBACK at the centre, a forward and a
    PUBACK at the broker and a receipt and a PUBACK at the lane, per event: at a burst (a
    lane's backlog, the bench) that is half the packets an event costs
    (docs/messaging-journal.md, round 22). Each command in it is the very signed
    :class:`LaneCommandV1` the centre stored (its own signature or batch proof), verified
    and executed by the lane on its own, in order; the container signs nothing (dropping
    or reordering its commands is what a broker could do to separate messages too). A
    lone command still goes as a plain :class:`LaneCommandV1`. Read both through
    :func:`commands_of`.
    """

    type: Literal["lane_commands"] = "lane_commands"
    lane_id: LaneId
    commands: tuple[LaneCommandV1, ...] = Field(min_length=2, max_length=MAX_BATCH_COMMANDS)

    @model_validator(mode="after")
    def _one_lane(self) -> LaneCommandsV1:
        if any(c.lane_id != self.lane_id for c in self.commands):
            raise ValueError("every command of a batch is for the batch's lane")
        return self

    def to_json(self) -> bytes:
        """Each command as its own JSON (a command signed alone has no ``proof`` key)."""
        return (lane_commands_head(self.lane_id) + b",".join(c.to_json() for c in self.commands)
                + b"]}")


def lane_commands_head(lane_id: str) -> bytes:
    """A ``lane_commands`` message's JSON up to its first command: the centre joins stored
    command payloads after it (``services.central.outcomes.command_publications``), so the
    container's wire form is written here only."""
    return b'{"v":1,"type":"lane_commands","lane_id":"' + lane_id.encode() + b'","commands":['


def commands_of(message: LaneCommandV1 | LaneCommandsV1) -> tuple[LaneCommandV1, ...]:
    """The commands a message on a lane's ``commands`` topic carries, in decision order."""
    return message.commands if isinstance(message, LaneCommandsV1) else (message,)


class Reason(BaseModel):
    """A machine-readable reason code with its sentence for officers in vi and en."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(pattern=r"^[A-Z][A-Z0-9_]{1,63}$")
    vi: str
    en: str


class DecisionV1(BaseMessage):
    """What the centre decided for one vehicle pass; fanned out to consoles."""

    type: Literal["decision"] = "decision"
    decision_id: Id
    event_id: Id
    lane_id: LaneId
    gate_id: str
    plate: str | None = None
    trip_id: str | None = None
    outcome: Outcome
    reasons: tuple[Reason, ...] = ()
    command_id: Id | None = None
    decided_at: AwareDatetime
    crop_sha256: Sha256 | None = None


class DecisionBatchV1(BaseMessage):
    """Several decisions of one lane that the centre committed together, as one message.

    Why: a notice per decision cost the central a publish and a PUBACK per event (~9 % of
    its CPU at 2,000 events/s). The centre sends one batch per lane and committed batch of
    reads (as many as fit in :data:`MAX_PAYLOAD_BYTES`); a lone decision still goes as a
    plain :class:`DecisionV1`, so at a gate's usual pace nothing changes on the wire.
    Consumers read both through :func:`decisions_of`.
    """

    type: Literal["decision_batch"] = "decision_batch"
    lane_id: LaneId
    decisions: tuple[DecisionV1, ...] = Field(min_length=2, max_length=MAX_BATCH_DECISIONS)

    @model_validator(mode="after")
    def _one_lane(self) -> DecisionBatchV1:
        if any(d.lane_id != self.lane_id for d in self.decisions):
            raise ValueError("every decision of a batch is for the batch's lane")
        return self


def decisions_of(message: DecisionV1 | DecisionBatchV1) -> tuple[DecisionV1, ...]:
    """The decisions a notice on a lane's ``decisions`` topic carries, in decision order."""
    return message.decisions if isinstance(message, DecisionBatchV1) else (message,)


class EventAckV1(BaseMessage):
    """Application-level acknowledgement from the centre to a device's outbox.

    Signed by the centre (Ed25519, like lane commands): an ack makes the edge
    delete events for good, so a forged one would lose reads without a trace.
    """

    type: Literal["event_ack"] = "event_ack"
    device_id: LaneId
    event_ids: tuple[Id, ...] = Field(min_length=1, max_length=500)
    at: AwareDatetime
    key_id: str = Field(default="centre-1", max_length=64)
    sig: str = ""


class CentreStatusV1(BaseMessage):
    """Retained liveness of one central instance (its last will says ``offline``).

    Unsigned on purpose: a forged "online" can only keep a lane from clearing on its
    own (the safe side); a lane never opens because of it.
    """

    type: Literal["centre_status"] = "centre_status"
    instance: LaneId
    state: Literal["online", "offline"]
    at: AwareDatetime


class MatchingV1(BaseModel):
    """The centre's closed-set matching thresholds, shipped with a list so a lane uses them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    accept_distance: float = Field(ge=0.0, le=1.0)
    min_margin: float = Field(ge=0.0, le=1.0)
    min_frames: int = Field(ge=1, le=100)
    min_confidence: float = Field(ge=0.0, le=1.0)
    max_dissent_ratio: float = Field(ge=0.0, le=1.0)
    max_dissent_frames: int = Field(ge=0, le=100)


class PreclearanceV1(BaseModel):
    """One truck a lane may clear on its own while it cannot reach the centre."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    trip_id: str = Field(min_length=1, max_length=64)
    plate: str = Field(min_length=4, max_length=16)
    trailer_plate: str | None = Field(default=None, max_length=16)
    valid_from: AwareDatetime
    valid_until: AwareDatetime


class PreclearanceListV1(BaseMessage):
    """A lane's signed, versioned, expiring list of pre-cleared trucks (retained, centre -> edge).

    ``others``: declared plates near a pre-cleared one that are *not* pre-cleared, so the
    lane's closed set holds the same rivals as the centre's. A lane refuses a list that
    is unsigned, for another lane, expired, or older than the one it holds.
    """

    type: Literal["preclearance_list"] = "preclearance_list"
    list_id: Id
    lane_id: LaneId
    version: int = Field(ge=1)
    issued_at: AwareDatetime
    expires_at: AwareDatetime
    rules_version: str = Field(max_length=32)
    matching: MatchingV1
    entries: tuple[PreclearanceV1, ...] = Field(default=(), max_length=5000)
    others: tuple[str, ...] = Field(default=(), max_length=5000)
    key_id: str = Field(default="centre-1", max_length=64)
    sig: str = ""
