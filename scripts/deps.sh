#!/usr/bin/env bash
# Installs every Debian package that building, testing and serving OSB needs (postgresql: the
# server tests/pg/run.sh starts a throwaway cluster of; libpq-dev: the PostgreSQL driver; patroni,
# etcd-server, python3-etcd3, haproxy, pgbouncer: deploy/ha-up.sh and make test-ha;
# fonts-droid-fallback: the TrueType CJK font the PDFs embed — cairo 1.16 subsets it whole,
# where its Noto CJK (CFF) subset loses glyphs; mupdf-tools and libreoffice-calc-nogui: the
# print-format tests render every PDF with MuPDF and print every XLSX with LibreOffice).
# Idempotent: calls apt-get only when something is missing. Run as root (or with sudo available).
set -euo pipefail

PKGS=(
  build-essential pkg-config clang libclang-rt-14-dev
  libmicrohttpd-dev libsqlite3-dev sqlite3 libjansson-dev libsodium-dev
  libcmocka-dev libcurl4-openssl-dev
  libcairo2-dev libpango1.0-dev fonts-noto-cjk poppler-utils libxlsxwriter-dev zlib1g-dev
  fonts-droid-fallback mupdf-tools libreoffice-calc-nogui
  python3 ca-certificates
  clang-format cppcheck
  postgresql libpq-dev
  patroni etcd-server python3-etcd3 haproxy pgbouncer
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The web UI's browser tests (Playwright with Debian's Chromium) are set up by scripts/web-deps.sh
# when it exists; it is separate so that a server-only install needs no Node.js.
if [ -x "$(dirname "$0")/web-deps.sh" ] && [ "${OSB_SKIP_WEB:-0}" != 1 ]; then
  "$(dirname "$0")/web-deps.sh"
fi
