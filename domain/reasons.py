"""Reason codes for clearance decisions, each with a sentence for officers (vi, en).

Codes are stable identifiers (stored with every decision, counted on the
dashboard); the sentences may be reworded freely.
"""

from __future__ import annotations

from domain.messages import Reason

_CATALOGUE: dict[str, tuple[str, str]] = {
    "MATCHED": (
        "Biển số khớp với chuyến đã khai báo trước.",
        "The plate matches a pre-declared trip.",
    ),
    "CLEARED_CONTACTLESS": (
        "Đủ điều kiện thông quan không tiếp xúc: mở barie.",
        "Cleared contactless: the barrier opens.",
    ),
    "NO_PLATE": ("Không đọc được biển số.", "No plate could be read."),
    "UNREGISTERED": (
        "Xe chưa khai báo trước chuyến đi tại cửa khẩu này.",
        "No trip is pre-declared for this vehicle at this gate.",
    ),
    "LANE_MANUAL": (
        "Làn xe đang ở chế độ thủ công: cán bộ xử lý.",
        "The lane is in manual mode: an officer handles every truck.",
    ),
    "DIRECTION_MISMATCH": (
        "Chiều đi của chuyến không khớp với làn xe.",
        "The trip's direction does not match the lane.",
    ),
    "TRIP_ALREADY_USED": (
        "Chuyến đi này đã được thông quan trước đó.",
        "This trip has already been cleared.",
    ),
    "TRIP_CANCELLED": ("Chuyến đi đã bị hủy.", "The trip was cancelled."),
    "OUTSIDE_WINDOW": (
        "Xe đến ngoài khung giờ đã đăng ký.",
        "The truck arrived outside its declared arrival window.",
    ),
}


class UnknownReason(KeyError):
    pass


def reason(code: str) -> Reason:
    """The :class:`Reason` for ``code``; unknown codes are a programming error."""
    try:
        vi, en = _CATALOGUE[code]
    except KeyError:
        raise UnknownReason(code) from None
    return Reason(code=code, vi=vi, en=en)


def register(code: str, vi: str, en: str) -> None:
    """Add a code (used by rule modules that define their own reasons)."""
    _CATALOGUE[code] = (vi, en)


def all_codes() -> tuple[str, ...]:
    return tuple(_CATALOGUE)
