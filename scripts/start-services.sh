#!/usr/bin/env bash
# Make sure PostgreSQL (127.0.0.1:5432, local trust for the tests) and Redis (127.0.0.1:6379,
# the gateway's shared rate limit in tests/gateway/test_scale_out.py) are running.
# The tests start their own Mosquitto processes; the system one is not needed.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
pg_up() { pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; }
if ! pg_up; then
  ver=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -1)
  if [ -z "$ver" ]; then echo "PostgreSQL is not installed (scripts/system-deps.sh test)"; exit 1; fi
  hba=/etc/postgresql/$ver/main/pg_hba.conf
  # tests connect as postgres over TCP without a password: trust loopback only
  if ! grep -q "^host all all 127.0.0.1/32 trust" "$hba"; then
    $SUDO sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
  fi
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$ver" main start || $SUDO pg_ctlcluster "$ver" main start
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
  pg_up || { echo "PostgreSQL did not start"; exit 1; }
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  $SUDO redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  for _ in $(seq 1 10); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.5; done
fi
