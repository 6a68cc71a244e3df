"""Console fixtures; they live in ``consolehelpers`` so tests can import its helpers by a unique
module name (``conftest`` is ambiguous across test folders)."""

from consolehelpers import lane_evidence, make_console, serve

__all__ = ["lane_evidence", "make_console", "serve"]
