"""A realistic day of trucks for the Hữu Nghị freight roads (1119-1120 and 1088/2-1089).

Shares follow the seeds (Lạng Sơn 2024: 900-1,000 imports and 350-400 exports a
day; transit only through 1088/2-1089): 64 % import, 25 % export, 11 % transit.
Exports are often fresh fruit (perishable), imports sometimes vegetables or
flowers. Most trips are in order (green channel, documents present, fee paid);
the rest carry the defects that send a truck to an officer in real life, so the
real rules (:func:`domain.clearance.decide`) decide differently per truck. The
camera's read is clean most of the time, sometimes one look-alike slip or a
low-confidence read, as the reader measures on generated frames.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from domain.flow.priority import PriorityClass, classify
from domain.hours import GATE_TZ
from domain.lookalikes import CLASSES
from domain.reference import Direction
from domain.trips import CargoLine, Channel, Document, DocumentKind, TripFacts, TripStatus
from smartgate.scenes.plates import random_plate
from smartgate.sim.history import HOUR_SHAPE

_CLASS_OF = {ch: cls for cls in CLASSES for ch in cls}
EXPORT_CARGO = (("08109092", "dragon fruit", True), ("08071100", "watermelon", True),
                ("08119000", "durian", True), ("07141011", "dried cassava", False),
                ("44123100", "plywood", False), ("09011110", "coffee", False))
IMPORT_CARGO = (("07099990", "vegetables", True), ("06031900", "fresh flowers", True),
                ("27040010", "coke", False), ("31052000", "fertiliser", False),
                ("84295200", "excavators", False), ("72142031", "steel bars", False))


@dataclass(frozen=True, slots=True)
class Truck:
    trip: TripFacts
    arrives_s: float  # yard check-in, seconds after the day's local midnight
    priority: PriorityClass
    read: str | None  # what the lane camera reads (None: nothing legible)
    confidence: float
    frames: int


def _gate_for(rng: random.Random, direction: Direction) -> str:
    if direction == Direction.TRANSIT:
        return "huu-nghi-1088"
    return "huu-nghi-1119" if rng.random() < 0.7 else "huu-nghi-1088"


def _read(rng: random.Random, plate: str) -> tuple[str | None, float, int]:
    r = rng.random()
    if r < 0.93:
        return plate, rng.uniform(0.8, 0.98), rng.randint(3, 6)
    if r < 0.98:  # one look-alike slip (8/B, 0/D...) in the decision-grade read
        spots = [i for i, ch in enumerate(plate) if ch in _CLASS_OF]
        if spots:
            i = rng.choice(spots)
            plate = plate[:i] + rng.choice(_CLASS_OF[plate[i]]) + plate[i + 1:]
        return plate, rng.uniform(0.55, 0.85), rng.randint(2, 4)
    return None, 0.0, 1


def make_day(*, day: date, trucks: int, seed: int, perishable_share: float = 1.0
             ) -> list[Truck]:
    """``trucks`` trucks checking in at the yard on ``day``, deterministic for ``seed``."""
    rng = random.Random(seed)
    midnight = datetime.combine(day, time(0), tzinfo=GATE_TZ)
    window = (midnight + timedelta(hours=5), midnight + timedelta(hours=23, minutes=59))
    plates: set[str] = set()
    out: list[Truck] = []
    hours = range(24)
    while len(out) < trucks:
        i = len(out)
        direction = rng.choices((Direction.IMPORT, Direction.EXPORT, Direction.TRANSIT),
                                (64, 25, 11))[0]
        country = "CN" if direction != Direction.EXPORT and rng.random() < 0.45 else "VN"
        plate = random_plate(rng, country=country, kind="ordinary")
        if plate in plates:
            continue
        plates.add(plate)
        cargo_pool = EXPORT_CARGO if direction == Direction.EXPORT else IMPORT_CARGO
        hs, desc, perishable = rng.choice(cargo_pool)
        perishable = perishable and rng.random() < perishable_share
        trusted = rng.random() < 0.25
        docs = [Document(DocumentKind.PHYTOSANITARY, f"PHY-{i}")] if hs[:2] in ("07", "08") \
            else []
        if country == "CN":
            docs.append(Document(DocumentKind.CROSS_BORDER_PERMIT, f"CBP-{i}"))
        if docs and rng.random() < 0.03:
            docs.pop()  # a missing certificate: the officer sorts it out
        channel = rng.choices((Channel.GREEN, Channel.YELLOW, Channel.RED), (86, 11, 3))[0]
        trip = TripFacts(
            trip_id=f"sim{i:05d}", carrier_id=f"carrier{i % 61}", plate=plate,
            gate_id=_gate_for(rng, direction), direction=direction,
            window_start=window[0].astimezone(UTC), window_end=window[1].astimezone(UTC),
            status=TripStatus.IN_YARD, declaration_no=f"10{i:09d}", channel=channel,
            cargo=(CargoLine(hs, desc, rng.uniform(8e3, 3e4), perishable),),
            documents=tuple(docs), fee_paid=rng.random() > 0.01, vehicle_country=country)
        hour = rng.choices(hours, HOUR_SHAPE)[0]
        read, confidence, frames = _read(rng, plate)
        out.append(Truck(trip, hour * 3600 + rng.uniform(0, 3600),
                         classify(perishable=perishable, trusted=trusted,
                                  transit=direction == Direction.TRANSIT),
                         read, confidence, frames))
    return sorted(out, key=lambda t: (t.arrives_s, t.trip.trip_id))
