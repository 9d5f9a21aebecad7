#!/usr/bin/env bash
# Installs what the web UI's browser tests need, and nothing when it is all there already:
#   - Debian's Chromium (/usr/bin/chromium) and CJK fonts, so screenshots show Chinese glyphs;
#   - playwright-core (pinned by tests/e2e/package-lock.json) into tests/e2e/node_modules.
# Playwright never downloads a browser: the tests launch /usr/bin/chromium.
# Called by scripts/deps.sh; safe to run by hand. Run as root (or with sudo available).
set -euo pipefail
cd "$(dirname "$0")/.."

PKGS=(chromium fonts-noto-cjk nodejs npm)

missing=()
for p in "${PKGS[@]}"; do
  # nodejs/npm may come from elsewhere (e.g. a NodeSource or preinstalled build): a working
  # binary on PATH is enough.
  case "$p" in
    nodejs) command -v node >/dev/null 2>&1 && continue ;;
    npm) command -v npm >/dev/null 2>&1 && continue ;;
    chromium) [ -x /usr/bin/chromium ] && continue ;;
  esac
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "web-deps: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ ! -d tests/e2e/node_modules/playwright-core ]; then
  echo "web-deps: npm ci in tests/e2e"
  # PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: playwright-core downloads nothing, but say so anyway.
  (cd tests/e2e && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
fi

# The UI's own browser libraries (ECharts, pinned by web/package-lock.json) into web/node_modules,
# from where `osb serve` serves them (/node_modules/echarts/dist/echarts.min.js); never committed.
if [ ! -f web/node_modules/echarts/dist/echarts.min.js ]; then
  echo "web-deps: npm ci in web"
  (cd web && npm ci --no-audit --no-fund --loglevel=error)
fi
