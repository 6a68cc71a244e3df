"""Licence-plate grammar for the plates seen at the Vietnam-China road gates.

Why this lives in `domain`: the edge uses it to reject OCR output that is not a
plate, the centre uses it to match reads to declared trips, and the gateway uses
it to validate what a carrier types. All three must agree on one canonical form,
or a truck declared as ``12C-123.45`` would never meet its read ``12C12345``.

Canonical form: upper case, no separators, only the characters that carry
meaning (``[0-9A-ZĐ]`` plus the Chinese province character and ``挂``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from domain.vn_provinces import is_issued, labelled

Country = Literal["VN", "CN"]
PlateKind = Literal["ordinary", "trailer", "special", "new_energy"]

#: Vietnamese series letters for ordinary vehicles (no I, J, O, Q, R, W).
VN_SERIES = "ABCDEFGHKLMNPSTUVXYZ"
#: Two-letter special series (economic zones, foreign bodies, projects, ...).
VN_SPECIAL_SERIES = ("LD", "KT", "DA", "HC", "MK", "MĐ", "TĐ", "NG", "NN", "QT", "CV")
#: Chinese province abbreviations (GA 36).
CN_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
#: Chinese letters exclude I and O (they look like 1 and 0).
CN_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"

#: Two digits by shape; only the codes the Ministry issues are plates (``domain/vn_provinces``).
_VN_PROVINCE = r"\d{2}"
_VN_ORDINARY = re.compile(rf"^({_VN_PROVINCE})([{VN_SERIES}])(\d{{4,5}})$")
_VN_TRAILER = re.compile(rf"^({_VN_PROVINCE})(R)(\d{{4,5}})$")
_VN_SPECIAL = re.compile(rf"^({_VN_PROVINCE})({'|'.join(VN_SPECIAL_SERIES)})(\d{{3,5}})$")
_CN_AN = "A-HJ-NP-Z0-9"
_CN_ORDINARY = re.compile(rf"^([{CN_PROVINCES}])([A-HJ-NP-Z])([{_CN_AN}]{{4}}[{_CN_AN}学警港澳])$")
_CN_TRAILER = re.compile(rf"^([{CN_PROVINCES}])([A-HJ-NP-Z])([{_CN_AN}]{{4}}挂)$")
_CN_NEW_ENERGY = re.compile(
    rf"^([{CN_PROVINCES}])([A-HJ-NP-Z])([DF][{_CN_AN}]\d{{4}}|\d{{5}}[DF])$"
)

_KEEP = re.compile(rf"[^0-9A-ZĐ{CN_PROVINCES}挂学警港澳]")


class PlateError(ValueError):
    """Raised when a text is not a plate of any format used at these gates."""


class UnissuedProvince(PlateError):
    """A Vietnamese plate's shape with a province code the Ministry never issues (91L65235).

    Why its own class: the carriers' API names the cause ("province code 91 is not issued"),
    and a read with such a code is a misread (51 read 91), not a plate.
    """

    def __init__(self, code: str, text: str) -> None:
        super().__init__(f"province code {code} is not issued: {text!r}")
        self.code = code


@dataclass(frozen=True, slots=True)
class Plate:
    """A plate in canonical form, with the facts its grammar gives away."""

    canonical: str
    country: Country
    kind: PlateKind
    province: str  # VN: two-digit code ("12"); CN: province character ("桂")
    series: str
    serial: str

    @property
    def display(self) -> str:
        """How the plate is printed: ``12C-123.45``, ``12C-1234``, ``桂A·12345``."""
        if self.country == "CN":
            return f"{self.province}{self.series}·{self.serial}"
        serial = self.serial
        if len(serial) == 5:
            serial = f"{serial[:3]}.{serial[3:]}"
        return f"{self.province}{self.series}-{serial}"

    @property
    def province_label(self) -> str:
        """The province for display: "12 Lạng Sơn" (VN code and its province), "桂" (CN)."""
        return labelled(self.province) if self.country == "VN" else self.province


def normalise(text: str) -> str:
    """Reduce any spelling of a plate to its canonical characters.

    Removes dashes, dots, spaces, the middle dot of Chinese plates and line
    breaks of two-line plates; folds case and the Vietnamese Đ (which some
    keyboards type as 'Ð' or 'Ɖ').
    """
    text = unicodedata.normalize("NFC", text).upper()
    text = text.replace("Ð", "Đ").replace("Ɖ", "Đ")
    return _KEEP.sub("", text)


def parse_plate(text: str) -> Plate:
    """Parse a plate in any spelling; raise :class:`PlateError` if it fits no format."""
    canonical = normalise(text)
    for pattern, country, kind in _FORMATS:
        m = pattern.match(canonical)
        if m:
            province, series, serial = m.groups()
            if country == "VN" and not is_issued(province):
                raise UnissuedProvince(province, text)
            return Plate(canonical, country, kind, province, series, serial)
    raise PlateError(f"not a Vietnamese or Chinese plate: {text!r}")


def try_parse_plate(text: str | None) -> Plate | None:
    """Like :func:`parse_plate` but returns ``None`` for anything that is not a plate."""
    if not text:
        return None
    try:
        return parse_plate(text)
    except PlateError:
        return None


def province_shown(text: str) -> str:
    """A stored plate's province for the console and the audit: "12 Lạng Sơn", "桂"; a VN
    plate stored before its code was refused: "91 (not issued)"; no plate at all: ""."""
    try:
        return parse_plate(text).province_label
    except UnissuedProvince as exc:
        return f"{exc.code} (not issued)"
    except PlateError:
        return ""


def is_plate(text: str) -> bool:
    return try_parse_plate(text) is not None


_FORMATS: tuple[tuple[re.Pattern[str], Country, PlateKind], ...] = (
    (_VN_ORDINARY, "VN", "ordinary"),
    (_VN_TRAILER, "VN", "trailer"),
    (_VN_SPECIAL, "VN", "special"),
    (_CN_NEW_ENERGY, "CN", "new_energy"),
    (_CN_TRAILER, "CN", "trailer"),
    (_CN_ORDINARY, "CN", "ordinary"),
)
