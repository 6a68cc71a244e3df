#!/usr/bin/env bash
# Install the system packages smartgate needs, only those missing (Debian/Ubuntu).
#   scripts/system-deps.sh demo   -> what `make demo` needs (tesseract, fonts, mosquitto)
#   scripts/system-deps.sh test   -> + PostgreSQL and chromium for the test suite
set -euo pipefail
profile=${1:-test}
need=()
have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
pkgs=(tesseract-ocr tesseract-ocr-eng tesseract-ocr-chi-sim fonts-dejavu-core fonts-noto-cjk mosquitto mosquitto-clients)
if [ "$profile" = "test" ]; then
  pkgs+=(postgresql chromium)
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
