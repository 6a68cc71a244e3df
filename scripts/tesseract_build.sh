#!/usr/bin/env bash
# Build libtesseract from Debian's source package, with or without
# TESSERACT_IMAGEDATA_AS_PIX, and tesserocr against it in a venv of its own.
#
# Why: inside every Tesseract call, libtesseract re-encodes the line image as PNG and
# decodes it again (ImageData) unless it was compiled with TESSERACT_IMAGEDATA_AS_PIX;
# the tesserocr wheel's library is not. This builds both kinds so the reader can be
# measured on each (docs/reader.md, "Round 10 (speed: ...)"): the flag reads exactly as
# the same build without it, ~11 % less CPU a frame. Not the project's default engine: a
# self-built library reads differently from the wheel's (see there), and the reader's
# confidences are calibrated on the wheel.
#
# Needs root: it turns on Debian's source packages (deb-src in debian.sources) when they
# are off, and installs cmake, g++ and libleptonica-dev. For trixie's tarball on bookworm,
# add a deb-src entry for trixie first (its orig tarball is what is used).
#
#   sudo scripts/tesseract_build.sh /opt/tess-pix /work/tess-venv pix [bookworm|trixie]
#   LD_LIBRARY_PATH= /work/tess-venv/bin/python scripts/stage_profile.py --seeds 999
set -euo pipefail
prefix=${1:?prefix}; venv=${2:?venv}; kind=${3:-pix}; suite=${4:-bookworm}
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! grep -rqs 'deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  sed -i 's/^Types: deb$/Types: deb deb-src/' /etc/apt/sources.list.d/debian.sources
fi
apt-get update -qq
apt-get install -y -q cmake g++ pkg-config libleptonica-dev >/dev/null
# The orig tarball is all that is needed; the Debian patches are not applied.
(cd "$work" && apt-get source -q --download-only "tesseract/$suite" || true)
tar -C "$work" -xzf "$work"/tesseract_*.orig.tar.gz
src=$(find "$work" -maxdepth 1 -type d -name 'tesseract-*' | head -1)

flags=""
[ "$kind" = pix ] && flags="-DTESSERACT_IMAGEDATA_AS_PIX"
cmake -S "$src" -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix" \
  -DBUILD_SHARED_LIBS=ON -DBUILD_TRAINING_TOOLS=OFF -DGRAPHICS_DISABLED=ON \
  -DDISABLE_CURL=ON -DDISABLE_ARCHIVE=ON -DOPENMP_BUILD=OFF -DCMAKE_CXX_FLAGS="$flags" >/dev/null
nice cmake --build "$work/build" -j "$(nproc)" >/dev/null
cmake --install "$work/build" >/dev/null

python3 -m venv "$venv"
"$venv/bin/pip" install -q -e "$repo[dev]" wheel setuptools cython
"$venv/bin/pip" download -q --no-binary :all: --no-deps tesserocr -d "$work/sdist"
PKG_CONFIG_PATH="$prefix/lib/pkgconfig" LDFLAGS="-Wl,-rpath,$prefix/lib" \
  "$venv/bin/pip" install -q --no-build-isolation --force-reinstall --no-deps "$work"/sdist/tesserocr-*.tar.gz
"$venv/bin/python" -c "import tesserocr; print(tesserocr.tesseract_version())"
