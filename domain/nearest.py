""":func:`domain.lookalikes.nearest_other` with its per-slot costs looked up in tables.

Why: the centre asks, for almost every plate read, how close the read is to some other
grammatical plate (the open-world margin, :func:`domain.matching.match_text`). The
answer walks every template of the read's length (13 for 8 characters) and, per
character, asks :func:`domain.lookalikes._slot_costs` through its ``lru_cache``: ~40
cached calls a read, each building and hashing a ``(slot, character, trusted)`` key.
Here each template's positions are dictionaries keyed by the read character alone
(filled on first use from ``_slot_costs`` itself), so a step is one dictionary lookup.

Exactness is the contract: the same templates in the same order, the same costs, the
same floating-point sums in the same order (``tests/domain/test_nearest.py`` compares it
with :func:`domain.lookalikes.nearest_other` on random reads and plates).
"""

from __future__ import annotations

from domain.lookalikes import _BY_LENGTH, MISS, _fitting, _slot_costs, read_is_plate

Ranked = tuple[tuple[float, str], ...]
#: Characters remembered per position: reads are plates (a few dozen characters); a
#: device sending every code point cannot grow the tables beyond this.
_MAX_CHARS = 256


class _Costs(dict[str, Ranked]):
    """One template position: read character -> ``_slot_costs(slot, character, trusted)``."""

    __slots__ = ("slot", "trusted")

    def __init__(self, slot: frozenset[str], trusted: bool) -> None:
        super().__init__()
        self.slot, self.trusted = slot, trusted

    def __missing__(self, ch: str) -> Ranked:
        costs = _slot_costs(self.slot, ch, self.trusted)
        if len(self) < _MAX_CHARS:
            self[ch] = costs
        return costs


class _Floor(dict[str, float]):
    """One template position: read character -> its cheapest cost there (``[0][0]``)."""

    __slots__ = ("costs",)

    def __init__(self, costs: _Costs) -> None:
        super().__init__()
        self.costs = costs

    def __missing__(self, ch: str) -> float:
        cost = self.costs[ch][0][0]
        if len(self) < _MAX_CHARS:
            self[ch] = cost
        return cost


Table = tuple[tuple[int, tuple[_Floor, ...], tuple[_Costs, ...]], ...]
_TABLES: dict[tuple[int, bool], Table] = {}


def _table(length: int, trusted: bool) -> Table:
    """Per template of ``length`` (in ``_BY_LENGTH`` order): its probe, floors and costs.

    The probe is the position of the template's smallest slot (a special series' letter,
    a Chinese plate's letter): the one most reads cannot fill cheaply.
    """
    found = _TABLES.get((length, trusted))
    if found is None:
        rows = []
        for slots in _BY_LENGTH.get(length, ()):
            costs = tuple(_Costs(s, trusted) for s in slots)
            probe = min((len(s), i) for i, s in enumerate(slots))[1]
            rows.append((probe, tuple(_Floor(c) for c in costs), costs))
        found = _TABLES[(length, trusted)] = tuple(rows)
    return found


def nearest_other(read: str, plate: str) -> float:
    """Distance from ``read`` to the closest grammatical plate other than ``plate``.

    The very computation of :func:`domain.lookalikes.nearest_other` (see its docstring for
    why it is exact), step for step; only where each cost is read from differs.
    """
    best = MISS
    table = _table(len(read), read_is_plate(read))
    for (probe, floors, costs), plate_fits in zip(table, _fitting(plate, len(read)),
                                                  strict=True):
        if not plate_fits:
            # Costs are >= 0 and a float sum of them never falls below any one of them, so
            # a position costing ``best`` already makes the template's floor >= ``best``:
            # the walk below would stop on its way and change nothing. Most templates
            # (other series, Chinese plates) stop at their probe: one lookup, no walk.
            if floors[probe][read[probe]] >= best:
                continue
            floor = 0.0
            for col, r in zip(floors, read, strict=True):
                floor += col[r]
                if floor >= best:
                    break
            else:
                best = floor
            continue
        ranked = [col[r] for col, r in zip(costs, read, strict=True)]
        floor = sum(c[0][0] for c in ranked)
        for c, p in zip(ranked, plate, strict=True):
            head = c[0]
            alt = head if head[1] != p else (c[1] if len(c) > 1 else (MISS * 9, ""))
            if (other := floor - head[0] + alt[0]) < best:  # min(best, other), as before
                best = other
    return best
