"""Vietnam's issued plate province codes, each with its province (`domain/data/vn_provinces.toml`).

Why a list and not a range: the Ministry of Public Security issues only some two-digit codes
(10, 13, 42, 44-46, 87, 91, 96 never), so a read or a declaration such as 91L65235 is no
plate at all, however well it fits the plate's shape. Why the province too: since the merger
of 1 July 2025 several codes name one province (Hà Nội 29-33 and 40), and the console and the
audit show a code with its province ("12 Lạng Sơn").

Loaded once from the packaged TOML, on first use (no import-time reads, no environment).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources


class ProvinceDataError(ValueError):
    """The province table is malformed (a code listed twice, or not two digits)."""


@dataclass(frozen=True, slots=True)
class ProvinceCodes:
    """The issued codes ("11".."99") and the current province of each."""

    version: str
    province_of: dict[str, str]

    @property
    def issued(self) -> frozenset[str]:
        return frozenset(self.province_of)


def parse_table(text: str) -> ProvinceCodes:
    """The table from its TOML text: ``[provinces]`` maps a province name to its codes."""
    raw = tomllib.loads(text)
    out: dict[str, str] = {}
    for name, codes in raw.get("provinces", {}).items():
        for code in codes:
            key = f"{code:02d}" if isinstance(code, int) else str(code)
            if not (len(key) == 2 and key.isdigit()):
                raise ProvinceDataError(f"{name}: {code!r} is not a two-digit code")
            if key in out:
                raise ProvinceDataError(f"code {key} listed for {out[key]} and {name}")
            out[key] = name
    return ProvinceCodes(str(raw.get("version", "")), out)


@cache
def codes() -> ProvinceCodes:
    """The packaged table, read once."""
    text = resources.files("domain").joinpath("data/vn_provinces.toml").read_text(encoding="utf-8")
    return parse_table(text)


def is_issued(code: str) -> bool:
    """Whether a two-digit code is one the Ministry issues."""
    return code in codes().province_of


def province_name(code: str) -> str | None:
    """The current province of an issued code (``"12"`` -> ``"Lạng Sơn"``), else ``None``."""
    return codes().province_of.get(code)


def labelled(code: str) -> str:
    """A code with its province for display ("12 Lạng Sơn"); an unknown code as is."""
    name = province_name(code)
    return f"{code} {name}" if name else code
