#!/usr/bin/env bash
# Install the system packages smartgate needs, only those missing (Debian/Ubuntu).
#   scripts/system-deps.sh demo   -> what `make demo` needs (tesseract, fonts, mosquitto)
#   scripts/system-deps.sh test   -> + PostgreSQL, chromium, NATS, Redis, Erlang for the tests
set -euo pipefail
profile=${1:-test}
need=()
have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
pkgs=(tesseract-ocr tesseract-ocr-eng tesseract-ocr-chi-sim fonts-dejavu-core fonts-noto-cjk fonts-wqy-zenhei fonts-wqy-microhei fonts-arphic-ukai fonts-arphic-uming fonts-liberation2 fonts-freefont-ttf fonts-open-sans fonts-roboto-unhinted mosquitto mosquitto-clients)
if [ "$profile" = "test" ]; then
  # nats-server: the 3-node scale-out test; redis-server: the gateway's shared rate limit;
  # erlang-base: reads the EMQX ACL as EMQX does; systemd: systemd-analyze verify.
  pkgs+=(postgresql chromium nats-server redis-server erlang-base systemd)
fi
for p in "${pkgs[@]}"; do have "$p" || need+=("$p"); done
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
echo "installing system packages: ${need[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
