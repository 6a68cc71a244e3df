"""The glyph models' cache files: a shortcut that may be missing, stale, corrupt or unwritable
without ever stopping a lane, and a cached model that reads exactly as the trained one."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from edge.reader import latin, modelcache
from edge.reader.latin import LatinClassifier
from tests.reader.glyphrow import bold_glyph

KEY = "test-v1"


def test_arrays_come_back_under_their_key_and_no_temporary_file_is_left(tmp_path: Path) -> None:
    path = tmp_path / "m.npz"
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    assert modelcache.save(path, KEY, x=x, y=np.array([1, 2, 3]))
    got = modelcache.load(path, KEY)
    assert got is not None and set(got) == {"x", "y"}
    np.testing.assert_array_equal(got["x"], x)
    assert [p.name for p in tmp_path.iterdir()] == ["m.npz"]


@pytest.mark.parametrize("content", [b"", b"not a zip at all", b"PK\x03\x04truncated"])
def test_a_corrupt_or_truncated_cache_is_no_cache(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "m.npz"
    path.write_bytes(content)
    assert modelcache.load(path, KEY) is None


def test_a_cache_half_written_by_a_killed_lane_is_no_cache(tmp_path: Path) -> None:
    path = tmp_path / "m.npz"
    modelcache.save(path, KEY, x=np.ones((200, 200), np.float32))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert modelcache.load(path, KEY) is None


def test_a_cache_of_another_training_or_none_at_all_is_no_cache(tmp_path: Path) -> None:
    path = tmp_path / "m.npz"
    assert modelcache.load(path, KEY) is None
    assert modelcache.load(None, KEY) is None
    modelcache.save(path, "test-v0", x=np.ones(3))
    assert modelcache.load(path, KEY) is None


def test_an_unwritable_cache_only_costs_the_next_start(tmp_path: Path) -> None:
    assert not modelcache.save(tmp_path / "no-such-dir" / "m.npz", KEY, x=np.ones(3))
    assert not modelcache.save(None, KEY, x=np.ones(3))


def _small(cache: Path | None) -> LatinClassifier:
    return LatinClassifier(fonts=latin.available_fonts()[:2], per_font=2, seed=5, cache=cache)


def test_the_latin_classifier_loaded_from_its_cache_reads_as_the_trained_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / modelcache.LATIN_FILE
    trained = _small(cache)
    assert cache.exists()

    def no_training(*_: object) -> None:
        raise AssertionError("trained again despite a valid cache")

    monkeypatch.setattr(latin, "training_set", no_training)
    loaded = _small(cache)
    glyphs = [latin.blob_image(bold_glyph(ch)) for ch in "A7K5S8B0"]
    assert loaded.classify(glyphs) == trained.classify(glyphs)
    assert loaded.size == trained.size


def test_the_latin_classifier_trains_again_over_a_corrupt_cache(tmp_path: Path) -> None:
    cache = tmp_path / modelcache.LATIN_FILE
    cache.write_bytes(b"garbage")
    clf = _small(cache)
    assert clf.size > 0
    assert modelcache.load(cache, "anything") is None  # another key ...
    assert cache.stat().st_size > 100  # ... but the garbage was replaced by a real cache
