"""Trained glyph models kept on disk between a lane's start-ups (``.npz`` files).

Why: the province and Latin classifiers are trained at a lane's start from rendered fonts,
~8 and ~6 s of CPU on this 2-core box, competing with the reading of the first trucks; a
lane that restarts (power cut, update) should not pay it again. A cache file is only a
shortcut: one that is missing, stale (another ``key``: the training data, its features or
the fonts changed), truncated or corrupt means training again, never a lane that fails to
start, and a cache that cannot be written (read-only or full disk) only costs the next
start its training. Writes go to a temporary file renamed into place, so a lane killed
mid-write, or two lanes sharing a folder, never leave half a file under the real name.
"""

from __future__ import annotations

import logging
import os
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

#: The cache files' names in a lane's data folder (``smartgate edge``; the demo seeds them).
PROVINCE_FILE = "province-glyphs.npz"
LATIN_FILE = "latin-glyphs.npz"


def load(path: str | Path | None, key: str) -> dict[str, np.ndarray] | None:
    """The arrays saved under ``key`` at ``path``; ``None`` when there is no usable cache."""
    if path is None or not Path(path).exists():
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            if "key" not in data.files or str(data["key"]) != key:
                log.info("model cache %s is for another training: training again", path)
                return None
            return {name: np.array(data[name]) for name in data.files if name != "key"}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        log.warning("model cache %s unreadable (%s): training again", path, exc)
        return None


def save(path: str | Path | None, key: str, **arrays: np.ndarray) -> bool:
    """Write ``arrays`` under ``key`` at ``path`` atomically; ``False`` (logged) on failure."""
    if path is None:
        return False
    target = Path(path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        payload: dict[str, Any] = {"key": np.asarray(key), **arrays}  # numpy's stub: bool
        with open(tmp, "wb") as fh:  # a file object: savez would add ".npz" to a tmp name
            np.savez_compressed(fh, **payload)
        os.replace(tmp, target)
        return True
    except OSError as exc:
        log.warning("model cache %s not written (%s): the next start trains again", path, exc)
        tmp.unlink(missing_ok=True)
        return False
