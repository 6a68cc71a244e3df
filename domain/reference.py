"""Gates and lanes, loaded from configuration (``domain/data/gates.toml`` by default).

Why configuration: a new gate (Cao Bằng's Tà Lùng, say) or a new lane is an
operational change, not a release. Every process loads the same file; the
edge only needs its own lane's row.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import time
from enum import StrEnum
from importlib import resources
from pathlib import Path

from domain.topics import check_id


class Direction(StrEnum):
    EXPORT = "export"
    IMPORT = "import"
    TRANSIT = "transit"


class LaneMode(StrEnum):
    CONTACTLESS = "contactless"
    MANUAL = "manual"


class LaneKind(StrEnum):
    """A barrier lane at the gate decides; a yard lane (staging-yard entrance) checks in."""

    BARRIER = "barrier"
    YARD = "yard"


@dataclass(frozen=True, slots=True)
class Lane:
    id: str
    gate_id: str
    direction: Direction
    mode: LaneMode
    kind: LaneKind = LaneKind.BARRIER


@dataclass(frozen=True, slots=True)
class Gate:
    id: str
    name_vi: str
    name_en: str
    province: str
    province_code: str
    china_side: str
    china_plate_prefix: str
    opens: time
    closes: time
    transit_allowed: bool
    lanes: tuple[Lane, ...]
    customs_branch: str = ""


@dataclass(frozen=True, slots=True)
class Reference:
    timezone: str
    gates: tuple[Gate, ...]

    def gate(self, gate_id: str) -> Gate:
        for gate in self.gates:
            if gate.id == gate_id:
                return gate
        raise KeyError(f"unknown gate {gate_id!r}")

    def lane(self, lane_id: str) -> Lane:
        for gate in self.gates:
            for lane in gate.lanes:
                if lane.id == lane_id:
                    return lane
        raise KeyError(f"unknown lane {lane_id!r}")

    def lanes(self) -> tuple[Lane, ...]:
        return tuple(lane for gate in self.gates for lane in gate.lanes)


class ReferenceError_(ValueError):
    """The reference file is malformed; the message names the offending entry."""


def load_reference(path: Path | None = None) -> Reference:
    """Load gates and lanes from ``path`` (TOML), or the packaged default."""
    if path is None:
        text = resources.files("domain").joinpath("data/gates.toml").read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    raw = tomllib.loads(text)
    gates: list[Gate] = []
    seen_lanes: set[str] = set()
    for g in raw.get("gates", []):
        try:
            gate_id = check_id(g["id"], "gate id")
            lanes = []
            for ln in g.get("lanes", []):
                lane_id = check_id(ln["id"], "lane id")
                if lane_id in seen_lanes:
                    raise ReferenceError_(f"lane {lane_id!r} is declared twice")
                seen_lanes.add(lane_id)
                lanes.append(
                    Lane(lane_id, gate_id, Direction(ln["direction"]), LaneMode(ln["mode"]),
                         LaneKind(ln.get("kind", "barrier")))
                )
            gates.append(
                Gate(
                    id=gate_id,
                    name_vi=g["name_vi"],
                    name_en=g["name_en"],
                    province=g["province"],
                    province_code=g["province_code"],
                    china_side=g.get("china_side", ""),
                    china_plate_prefix=g.get("china_plate_prefix", ""),
                    opens=time.fromisoformat(g["opens"]),
                    closes=time.fromisoformat(g["closes"]),
                    transit_allowed=bool(g.get("transit_allowed", False)),
                    lanes=tuple(lanes),
                    customs_branch=g.get("customs_branch", ""),
                )
            )
        except (KeyError, ValueError) as exc:
            raise ReferenceError_(f"gate {g.get('id', '?')!r}: {exc}") from exc
    return Reference(timezone=raw.get("timezone", "Asia/Ho_Chi_Minh"), gates=tuple(gates))
