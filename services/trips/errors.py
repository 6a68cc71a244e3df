"""Errors of the trip services, shaped so the gateway can name the field and translate.

Why not HTTP exceptions: services know nothing of HTTP. ``TripInputError`` is
a 422 (the input is wrong, the field says where), ``TripStateError`` a 409 (the
input is fine but the trip's state forbids it), ``LookupError`` a 404 (absent,
or belonging to another carrier: the two are indistinguishable on purpose).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class FieldProblem:
    loc: tuple[str | int, ...]  # e.g. ("window_end",) or ("cargo", 0, "hs_code")
    code: str  # stable, translated by the gateway
    message: str  # English, for logs and as the fallback text
    params: dict[str, Any] = field(default_factory=dict)


class TripInputError(ValueError):
    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__("; ".join(f"{'.'.join(map(str, p.loc))}: {p.message}" for p in problems))
        self.problems = problems

    @classmethod
    def one(cls, loc: str, code: str, message: str, **params: Any) -> TripInputError:
        return cls([FieldProblem((loc,), code, message, params)])


class TripStateError(ValueError):
    def __init__(self, code: str, message: str, *, field: str | None = None, **params: Any) -> None:
        super().__init__(message)
        self.code, self.field, self.params = code, field, params


class NotFound(LookupError):
    """Absent, or another carrier's: callers answer 404 either way."""
