"""``smartgate devices add|list``: lane device identities.

``add`` mints two secrets for a device and writes them where each belongs:
- the broker password (hashed into Mosquitto's password file) and the device's
  ACL block: it may publish only its own lane's reads/barrier/status topics (and
  the decisions it took offline) and subscribe only to its own lane's commands,
  pre-clearance list and its own acks (and the centre's liveness);
- the HMAC secret that signs its events, registered in the central database.
It prints the edge's configuration (JSON) once; nothing else keeps the secrets
in clear.
"""

from __future__ import annotations

import argparse
import json
import secrets
import signal
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from domain.reference import load_reference
from domain.signing import new_device_secret
from domain.topics import check_id
from services.db.session import make_engine, make_session_factory, migrate
from services.devices import list_devices, register_device
from smartgate.broker_accounts import device_account, mosquitto_acl


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="smartgate devices", description=__doc__)
    sub = p.add_subparsers(dest="action", required=True)
    add = sub.add_parser("add", help="create a lane device's credentials")
    add.add_argument("--device", required=True, help="device id, e.g. hn1119-x1-cam1")
    add.add_argument("--lane", required=True, help="lane id from the reference data")
    add.add_argument("--database-url", default="sqlite:///var/smartgate.db")
    add.add_argument("--passwd-file", type=Path, required=True, help="Mosquitto password file")
    add.add_argument("--acl-file", type=Path, required=True, help="Mosquitto ACL file")
    add.add_argument("--broker-host", default="127.0.0.1:1883", help="for the printed edge URL")
    add.add_argument("--reload-pid", type=int, help="send SIGHUP to this Mosquitto to reload")
    ls = sub.add_parser("list", help="list registered devices")
    ls.add_argument("--database-url", default="sqlite:///var/smartgate.db")
    return p


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    engine = make_engine(args.database_url)
    migrate(engine)
    sessions = make_session_factory(engine)
    if args.action == "list":
        with sessions() as session:
            for d in list_devices(session):
                print(json.dumps({"device": d.id, "lane": d.lane_id, "enabled": d.enabled}))
        return 0
    device_id = check_id(args.device, "device id")
    lane = load_reference().lane(args.lane)  # KeyError -> unknown lane
    broker_password = secrets.token_urlsafe(24)
    hmac_secret = new_device_secret()
    with sessions() as session, session.begin():
        register_device(session, device_id=device_id, lane_id=lane.id, secret=hmac_secret,
                        now=datetime.now(UTC))
    args.passwd_file.parent.mkdir(parents=True, exist_ok=True)
    if not args.passwd_file.exists():
        args.passwd_file.touch(mode=0o600)
    subprocess.run(["mosquitto_passwd", "-b", str(args.passwd_file), device_id, broker_password],
                   check=True, capture_output=True)
    account = device_account(device_id, lane.id, broker_password)
    with args.acl_file.open("a", encoding="utf-8") as acl:
        acl.write(mosquitto_acl([account]).split("\n", 2)[2])
    if args.reload_pid:
        import os

        os.kill(args.reload_pid, signal.SIGHUP)
    print(json.dumps({
        "device_id": device_id,
        "lane_id": lane.id,
        "mqtt_url": f"mqtt://{device_id}:{broker_password}@{args.broker_host}",
        "device_secret": hmac_secret,
    }))
    return 0
