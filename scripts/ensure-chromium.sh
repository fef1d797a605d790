#!/usr/bin/env bash
# The dashboard's browser test drives Debian's own chromium through playwright-core (no browser
# download). Installs it when missing; CI runs as root, elsewhere sudo is used when present.
set -euo pipefail
CHROMIUM=${KEYFLOW_CHROMIUM:-/usr/bin/chromium}
# A CJK font too, or the dashboard's Chinese text renders as boxes in the screenshots.
if [ -x "$CHROMIUM" ] && fc-list 2>/dev/null | grep -qi -e wqy -e noto.*cjk; then
  exit 0
fi
echo "[keyflow] installing Debian's chromium for the dashboard browser test…" >&2
SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "[keyflow] chromium is missing and this user cannot install it: apt-get install chromium" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null
"$CHROMIUM" --version >&2
