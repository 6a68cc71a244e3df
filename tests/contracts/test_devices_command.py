"""``smartgate devices add``: broker password + ACL block + HMAC secret in the central database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from services.db.session import make_engine, make_session_factory
from services.devices import get_device
from smartgate.commands.devices import main


def test_add_writes_broker_credentials_acl_and_registers_the_device(
    tmp_path: Path, sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    passwd, acl = tmp_path / "passwd", tmp_path / "acl"
    assert main(["add", "--device", "hn1119-x1-cam1", "--lane", "hn1119-x1",
                 "--database-url", sqlite_url, "--passwd-file", str(passwd),
                 "--acl-file", str(acl)]) == 0
    printed = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert printed["lane_id"] == "hn1119-x1" and printed["mqtt_url"].startswith("mqtt://hn1119-x1-cam1:")
    line = passwd.read_text().strip()
    assert line.startswith("hn1119-x1-cam1:$7$")  # hashed, never the clear password
    assert printed["mqtt_url"].split(":")[2].split("@")[0] not in passwd.read_text()
    rules = acl.read_text()
    assert "user hn1119-x1-cam1" in rules
    assert "topic write smartgate/v1/lanes/hn1119-x1/reads" in rules
    assert "topic read smartgate/v1/lanes/hn1119-x1/commands" in rules
    # offline clearance: its list and the centre's liveness in, its local decisions out
    assert "topic read smartgate/v1/lanes/hn1119-x1/preclearance" in rules
    assert "topic read smartgate/v1/centre/+/status" in rules
    assert "topic write smartgate/v1/lanes/hn1119-x1/local" in rules
    assert "hn1119-x2" not in rules and "#" not in rules
    engine = make_engine(sqlite_url)
    with make_session_factory(engine)() as s:
        device = get_device(s, device_id="hn1119-x1-cam1")
        assert device is not None and device.secret == printed["device_secret"]
    engine.dispose()


def test_an_unknown_lane_or_bad_id_is_refused(tmp_path: Path, sqlite_url: str) -> None:
    args = ["--database-url", sqlite_url, "--passwd-file", str(tmp_path / "p"),
            "--acl-file", str(tmp_path / "a")]
    with pytest.raises(KeyError):
        main(["add", "--device", "cam-9", "--lane", "nowhere-1", *args])
    with pytest.raises(ValueError):
        main(["add", "--device", "cam/#", "--lane", "hn1119-x1", *args])
    assert not (tmp_path / "p").exists()
