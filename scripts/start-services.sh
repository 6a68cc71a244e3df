#!/usr/bin/env bash
# Make sure PostgreSQL (127.0.0.1:5432, local trust for the tests) is running.
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
