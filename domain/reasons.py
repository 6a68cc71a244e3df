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
    "READ_UNCERTAIN": (
        "Biển số đọc được gần với chuyến đã khai báo nhưng chưa đủ chắc chắn: cán bộ xác nhận.",
        "The read is close to a declared plate but not certain enough: an officer confirms.",
    ),
    "AMBIGUOUS_MATCH": (
        "Biển số đọc được gần như nhau với hai biển số đã khai báo.",
        "The read is about equally close to two declared plates.",
    ),
    "LOOKALIKE_CONFLICT": (
        "Hai xe đã khai báo cùng lúc có biển số chỉ khác nhau bởi ký tự dễ nhầm.",
        "Two trucks expected at the same time have plates differing only by look-alikes.",
    ),
    "READS_DISAGREE": (
        "Các khung hình của cùng một lượt xe cho kết quả đọc biển số khác nhau.",
        "The frames of this vehicle pass disagree about the plate.",
    ),
    "LOW_CONFIDENCE": (
        "Độ tin cậy khi đọc biển số quá thấp để mở barie tự động.",
        "The plate read is too uncertain to open the barrier automatically.",
    ),
    "TOO_FEW_FRAMES": (
        "Không đủ số khung hình đọc biển số trùng khớp.",
        "Too few frames agree on the plate.",
    ),
    "DUPLICATE_TRIPS": (
        "Có nhiều chuyến đi đang chờ cho cùng một biển số: cán bộ chọn chuyến.",
        "Several trips are expected for this plate: an officer picks one.",
    ),
    "WRONG_GATE": (
        "Chuyến đi được khai báo tại cửa khẩu khác.",
        "The trip is declared for another gate.",
    ),
    "TRIP_NOT_SUBMITTED": (
        "Chuyến đi mới ở dạng nháp, chưa được gửi khai báo.",
        "The trip is still a draft and was never submitted.",
    ),
    "TRIP_HELD": ("Chuyến đi đang bị tạm giữ.", "The trip is on hold."),
    "TRIP_REFUSED": ("Chuyến đi đã bị từ chối thông quan.", "The trip was refused clearance."),
    "TRAILER_UNDECLARED": (
        "Xe kéo rơ moóc nhưng chuyến đi không khai báo biển số rơ moóc.",
        "The truck pulls a trailer but the trip declares none.",
    ),
    "TRAILER_MISMATCH": (
        "Biển số rơ moóc không khớp với biển số đã khai báo.",
        "The trailer plate does not match the declared trailer.",
    ),
    "TRAILER_UNCERTAIN": (
        "Không đọc chắc chắn được biển số rơ moóc.",
        "The trailer plate read is not certain.",
    ),
    "NO_DECLARATION": (
        "Chưa có tờ khai hải quan hoặc chưa có kết quả phân luồng.",
        "No customs declaration, or no risk channel assigned yet.",
    ),
    "CHANNEL_YELLOW": (
        "Tờ khai luồng vàng: cán bộ kiểm tra hồ sơ.",
        "Yellow channel: an officer checks the documents.",
    ),
    "CHANNEL_RED": (
        "Tờ khai luồng đỏ: xe vào khu kiểm tra thực tế hàng hóa.",
        "Red channel: the truck goes to the physical inspection bay.",
    ),
    "MISSING_PHYTOSANITARY": (
        "Thiếu giấy chứng nhận kiểm dịch thực vật cho rau quả tươi.",
        "Fresh fruit or vegetables without a phytosanitary certificate.",
    ),
    "EXPIRED_PHYTOSANITARY": (
        "Giấy chứng nhận kiểm dịch thực vật không còn hiệu lực.",
        "The phytosanitary certificate is not valid today.",
    ),
    "MISSING_CERTIFICATE_OF_ORIGIN": (
        "Hưởng ưu đãi thuế quan nhưng thiếu giấy chứng nhận xuất xứ (C/O).",
        "A preferential tariff is claimed without a certificate of origin (C/O).",
    ),
    "EXPIRED_CERTIFICATE_OF_ORIGIN": (
        "Giấy chứng nhận xuất xứ (C/O) không còn hiệu lực.",
        "The certificate of origin (C/O) is not valid today.",
    ),
    "MISSING_VEHICLE_SAFETY": (
        "Ô tô nhập khẩu thiếu giấy chứng nhận chất lượng an toàn kỹ thuật và bảo vệ môi trường.",
        "Imported motor vehicles without the technical safety and environmental certificate.",
    ),
    "EXPIRED_VEHICLE_SAFETY": (
        "Giấy chứng nhận chất lượng an toàn kỹ thuật và bảo vệ môi trường không còn hiệu lực.",
        "The technical safety and environmental certificate is not valid today.",
    ),
    "MISSING_CROSS_BORDER_PERMIT": (
        "Xe Trung Quốc thiếu giấy phép vận tải đường bộ quốc tế Việt Nam - Trung Quốc.",
        "A Chinese truck without a Vietnam-China cross-border road transport permit.",
    ),
    "EXPIRED_CROSS_BORDER_PERMIT": (
        "Giấy phép vận tải đường bộ quốc tế Việt Nam - Trung Quốc đã hết hạn.",
        "The Vietnam-China cross-border road transport permit is not valid today.",
    ),
    "FEE_UNPAID": (
        "Chưa nộp phí sử dụng công trình kết cấu hạ tầng tại khu vực cửa khẩu.",
        "The infrastructure-use fee has not been paid.",
    ),
    "TRANSIT_NOT_ALLOWED": (
        "Hàng quá cảnh không được đi qua lối thông quan này.",
        "Transit goods may not use this passage.",
    ),
    "GATE_CLOSED": (
        "Ngoài giờ làm việc của cửa khẩu (kể cả thời gian gia hạn).",
        "Outside the gate's operating hours, including agreed extensions.",
    ),
    "PERISHABLE_PRIORITY": (
        "Hàng tươi sống, dễ hư hỏng: ưu tiên thông quan.",
        "Perishable goods: cleared with priority.",
    ),
}


class UnknownReason(KeyError):
    pass


#: Reasons already built: a ``Reason`` is frozen, and the centre attaches two or three to
#: every decision (building and validating one each time was ~3 % of its CPU per read).
_MADE: dict[str, Reason] = {}


def reason(code: str) -> Reason:
    """The :class:`Reason` for ``code``; unknown codes are a programming error."""
    made = _MADE.get(code)
    if made is not None:
        return made
    try:
        vi, en = _CATALOGUE[code]
    except KeyError:
        raise UnknownReason(code) from None
    made = _MADE[code] = Reason(code=code, vi=vi, en=en)
    return made


def register(code: str, vi: str, en: str) -> None:
    """Add a code (used by rule modules that define their own reasons)."""
    _CATALOGUE[code] = (vi, en)
    _MADE.pop(code, None)  # a code registered again speaks its new sentences


def all_codes() -> tuple[str, ...]:
    return tuple(_CATALOGUE)
