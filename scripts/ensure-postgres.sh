#!/usr/bin/env bash
# The read model's tests run on PostgreSQL too (projections/): Debian's own server, started by the
# tests in a temporary folder on a free port (stack/postgres.ts). Installs it when missing; CI runs
# as root, elsewhere sudo is used when present.
set -euo pipefail
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  exit 0
fi
echo "[keyflow] installing Debian's PostgreSQL for the read-model tests…" >&2
SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "[keyflow] PostgreSQL is missing and this user cannot install it: apt-get install postgresql" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# The server binaries only: the packaged cluster is not used (the tests init their own).
$SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null
ls /usr/lib/postgresql/*/bin/initdb >&2
