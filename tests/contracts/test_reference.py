"""Reference data: the gates of the seeds, each lane valid, loaded from configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.reference import Direction, LaneMode, ReferenceError_, load_reference


def test_packaged_gates_cover_the_three_provinces() -> None:
    ref = load_reference()
    provinces = {g.province for g in ref.gates}
    assert provinces == {"Lạng Sơn", "Cao Bằng", "Lào Cai"}
    hn = [g for g in ref.gates if g.id.startswith("huu-nghi")]
    assert {g.id for g in hn} == {"huu-nghi-1119", "huu-nghi-1088"}
    assert ref.gate("huu-nghi-1088").transit_allowed
    assert not ref.gate("huu-nghi-1119").transit_allowed
    for name in ("chi-ma", "tan-thanh", "coc-nam", "tra-linh", "kim-thanh"):
        assert ref.gate(name).lanes
    assert ref.gate("kim-thanh").china_plate_prefix == "云"


def test_every_lane_has_direction_and_mode() -> None:
    ref = load_reference()
    lanes = ref.lanes()
    assert len({ln.id for ln in lanes}) == len(lanes)
    assert {ln.direction for ln in lanes} == set(Direction)
    assert {ln.mode for ln in lanes} == set(LaneMode)
    assert ref.lane("hn1119-x1").gate_id == "huu-nghi-1119"
    with pytest.raises(KeyError):
        ref.lane("nowhere-1")


def test_a_bad_file_names_the_gate(tmp_path: Path) -> None:
    bad = tmp_path / "gates.toml"
    bad.write_text('[[gates]]\nid = "x-gate"\nname_vi = "x"\nname_en = "x"\nprovince = "p"\n'
                   'province_code = "12"\nopens = "07:00"\ncloses = "25:00"\nlanes = []\n')
    with pytest.raises(ReferenceError_, match="x-gate"):
        load_reference(bad)
    dup = tmp_path / "dup.toml"
    dup.write_text('[[gates]]\nid = "g1"\nname_vi = "x"\nname_en = "x"\nprovince = "p"\n'
                   'province_code = "12"\nopens = "07:00"\ncloses = "19:00"\nlanes = [\n'
                   ' { id = "l1", direction = "export", mode = "manual" },\n'
                   ' { id = "l1", direction = "import", mode = "manual" }]\n')
    with pytest.raises(ReferenceError_, match="twice"):
        load_reference(dup)
