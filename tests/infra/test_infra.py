"""The production configuration in infra/ is accepted by the real programs that will read it.

nats-server parses the cluster nodes (``-t``), systemd verifies the units,
PostgreSQL 15 parses the settings (``postgres -C`` on a throw-away cluster),
Erlang reads the EMQX ACL and pyhocon the EMQX config, YAML the compose file
(no Docker engine on this machine: its references are checked instead), and
every metric the dashboard and the alerts plot is one the code exports.
"""

from __future__ import annotations

import configparser
import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhocon import ConfigFactory

from smartgate.broker_accounts import device_account
from smartgate.natscluster import EXAMPLE_DEVICES, NATS_SERVER, write_production

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infra"


def write_tls(directory: Path) -> None:
    """A CA and a server certificate for the three NATS host names."""
    directory.mkdir(parents=True)
    now = dt.datetime.now(dt.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "smartgate test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(1).not_valid_before(now)
          .not_valid_after(now + dt.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, hashes.SHA256()))
    names = [x509.DNSName(f"nats-{i}.smartgate.internal") for i in (1, 2, 3)]
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "nats")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(2)
            .not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .sign(ca_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    (directory / "ca.crt").write_bytes(ca.public_bytes(pem))
    (directory / "server.crt").write_bytes(cert.public_bytes(pem))
    (directory / "server.key").write_bytes(key.private_bytes(
        pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))


def test_nats_production_configs_are_current_and_accepted(tmp_path: Path) -> None:
    rendered = write_production(tmp_path / "rendered", EXAMPLE_DEVICES)
    for path in rendered:
        assert (INFRA / "nats" / path.name).read_text() == path.read_text(), (
            f"infra/nats/{path.name} is stale: python -m smartgate.natscluster infra/nats")
    work = tmp_path / "etc"
    shutil.copytree(INFRA / "nats", work)
    write_tls(work / "tls")
    for conf in work.glob("*.conf"):
        conf.write_text(conf.read_text().replace("/etc/nats/tls", str(work / "tls")))
    passwords = {"NATS_PASSWORD_CENTRAL": "c", "NATS_PASSWORD_GATEWAY": "g",
                 "NATS_PASSWORD_HN1119_X1_CAM1": "d"}
    for node in ("node-1.conf", "node-2.conf", "node-3.conf"):
        ok = subprocess.run([NATS_SERVER, "-c", node, "-t"], cwd=work, capture_output=True,
                            text=True, env={**os.environ, **passwords})
        assert ok.returncode == 0, ok.stderr
    # The check can fail: a password missing from the environment is refused.
    missing = subprocess.run([NATS_SERVER, "-c", "node-1.conf", "-t"], cwd=work,
                             capture_output=True, text=True, env={"PATH": os.environ["PATH"]})
    assert missing.returncode != 0 and "NATS_PASSWORD_CENTRAL" in missing.stderr


def test_systemd_units_verify(tmp_path: Path) -> None:
    units = sorted((INFRA / "systemd").glob("*.service"))
    names = {u.name for u in units}
    assert {"smartgate-central@.service", "smartgate-gateway.service", "smartgate-edge@.service",
            "smartgate-mosquitto.service", "smartgate-nats@.service"} <= names
    smartgate = Path(sys.executable).with_name("smartgate")
    for unit in units:
        text = unit.read_text().replace("/opt/smartgate/venv/bin/smartgate", str(smartgate))
        # systemd allows repeated keys (Environment=): not strict; a broken line still raises.
        parsed = configparser.ConfigParser(strict=False, interpolation=None)
        parsed.read_string(text)
        assert parsed["Service"]["ExecStart"] and parsed["Service"]["Restart"] == "always"
        (tmp_path / unit.name.replace("@.", "@1.")).write_text(text)
    analyze = shutil.which("systemd-analyze")
    if analyze is None:  # not on this machine: the parse above is the check
        return
    result = subprocess.run([analyze, "verify", *sorted(str(p) for p in tmp_path.iterdir())],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr


def _as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@pytest.fixture
def pg_tmp() -> Iterator[Path]:
    """A directory the postgres user can reach (pytest's own tmp_path is private to root)."""
    with tempfile.TemporaryDirectory(prefix="sg-pgconf-") as tmp:
        os.chmod(tmp, 0o777)
        yield Path(tmp)


@pytest.mark.postgres
def test_postgres_accepts_the_settings(pg_tmp: Path) -> None:
    bindir = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    tmp_path = pg_tmp
    data = tmp_path / "data"
    init = subprocess.run(_as_postgres([str(bindir / "initdb"), "-D", str(data), "-A", "trust",
                                        "-U", "postgres"]), capture_output=True, text=True)
    assert init.returncode == 0, init.stderr
    conf = tmp_path / "smartgate.conf"
    shutil.copy(INFRA / "postgres" / "smartgate.conf", conf)
    os.chmod(conf, 0o644)
    with (data / "postgresql.conf").open("a") as f:
        f.write(f"\ninclude '{conf}'\n")

    def show(name: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(_as_postgres([str(bindir / "postgres"), "-D", str(data), "-C",
                                            name]), capture_output=True, text=True)

    assert show("synchronous_commit").stdout.strip() == "on"
    assert show("shared_buffers").stdout.strip() == str(8 * 1024 * 1024 // 8)  # 8kB pages
    conf.write_text(conf.read_text() + "\nsynchronous_comit = off\n")  # a typo is refused
    bad = show("synchronous_commit")
    assert bad.returncode != 0 and "synchronous_comit" in bad.stderr


def test_emqx_cluster_config_and_acl() -> None:
    conf = ConfigFactory.parse_file(str(INFRA / "emqx" / "emqx.conf"))
    seeds = conf["cluster"]["static"]["seeds"]
    assert conf["cluster"]["discovery_strategy"] == "static" and len(seeds) == 3
    assert conf["node"]["name"] in seeds
    assert conf["mqtt"]["shared_subscription"] is True
    assert conf["mqtt"]["shared_subscription_strategy"] == "round_robin"
    assert conf["authorization"]["no_match"] == "deny"
    assert conf["listeners"]["ssl"]["default"]["bind"].endswith(":8883")
    erl = shutil.which("erl")
    assert erl, "Erlang (erl) reads the ACL exactly as EMQX does"
    script = ('case file:consult("acl.conf") of {ok, T} -> io:format("~p~n", [T]), halt(0); '
              '{error, E} -> io:format("~p~n", [E]), halt(1) end.')
    read = subprocess.run([erl, "-noshell", "-eval", script], cwd=INFRA / "emqx",
                          capture_output=True, text=True)
    assert read.returncode == 0, read.stdout + read.stderr
    assert read.stdout.rstrip().endswith("{deny,all}]")
    device, lane = EXAMPLE_DEVICES[0]
    account = device_account(device, lane, "x")  # the Mosquitto ACL's rules for a device
    acl = (INFRA / "emqx" / "acl.conf").read_text()
    for topic in (*account.publish, *account.subscribe):
        assert f'"{topic}"' in acl, f"EMQX ACL lacks {topic} of the Mosquitto ACL"


def test_compose_file_parses_and_its_references_exist() -> None:
    compose = yaml.safe_load((INFRA / "compose.yaml").read_text())
    services = compose["services"]
    assert {"postgres", "nats-1", "nats-2", "nats-3", "central-1", "central-2", "gateway",
            "edge", "redis", "prometheus", "grafana"} <= set(services)
    for name, svc in services.items():
        assert "image" in svc, name
        deps = svc.get("depends_on", [])
        assert set(deps) <= set(services), f"{name} depends on unknown {deps}"
        for vol in svc.get("volumes", []):
            src = vol.split(":", 1)[0]
            if src.startswith("./") and not src.startswith("./secrets/"):
                assert (INFRA / src).exists(), f"{name} mounts missing {src}"
            elif not src.startswith("./"):
                assert src in compose["volumes"], f"{name} uses undeclared volume {src}"
        for net in svc.get("networks", []):
            assert net in compose["networks"]
    for i in (1, 2, 3):
        node = services[f"nats-{i}"]["command"][-1].rsplit("/", 1)[-1]
        assert (INFRA / "nats" / node).exists()
    for name in ("central-1", "central-2"):
        env = services[name]["environment"]
        assert env["CENTRAL_TRANSPORT"] == "jetstream"
        assert len(env["CENTRAL_NATS_SERVERS"].split(",")) == 3
        assert env["CENTRAL_HTTP_PORT"] in " ".join(services[name]["healthcheck"]["test"])
    assert services["gateway"]["environment"]["GATEWAY_RATE_LIMIT_STORAGE"].startswith("redis://")
    build = services["gateway"]["build"]
    dockerfile = (INFRA / build["context"] / build["dockerfile"]).read_text()
    pyproject = (ROOT / "pyproject.toml").read_text()
    packages = re.search(r'include = \[(.*?)\]', pyproject)
    assert packages
    for pkg in re.findall(r'"(\w+)\*"', packages.group(1)):
        assert f"COPY {pkg} {pkg}" in dockerfile, f"the image lacks package {pkg}"


def test_dashboard_and_alerts_plot_only_exported_metrics() -> None:
    import json

    dashboard = json.loads((INFRA / "grafana" / "dashboards" / "smartgate.json").read_text())
    exprs = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    exprs += [r["expr"] for g in yaml.safe_load((INFRA / "prometheus" / "alerts.yml").read_text())
              ["groups"] for r in g["rules"]]
    used = {m for e in exprs for m in re.findall(r"smartgate_[a-z_]+", e)}
    code = "".join(p.read_text() for pkg in ("opsio", "edge", "services", "gateway")
                   for p in (ROOT / pkg).rglob("*.py"))
    assert len(used) >= 10
    for metric in used:
        base = re.sub(r"_(total|bucket|count|sum)$", "", metric)
        assert f'"{base}"' in code, f"{metric} is plotted but no process exports {base}"
    assert {"smartgate_central_decisions_total", "smartgate_central_refused_total",
            "smartgate_edge_outbox_depth", "smartgate_central_decision_latency_seconds_bucket",
            "smartgate_central_reads_total"} <= used
