"""Fixtures of the central service tests (helpers live in ``centralhelpers``)."""

from centralhelpers import round_the_clock_reference, start_central

__all__ = ["round_the_clock_reference", "start_central"]
