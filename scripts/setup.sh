#!/usr/bin/env bash
# Installs keyflow's npm dependencies exactly as locked, once per change of the lock file.
# The engines (Temporal, Kafka) are fetched and cached by the stack itself on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=node_modules/.keyflow-lock-hash
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "[keyflow] installing npm dependencies from package-lock.json…" >&2
  # better-sqlite3 (the read model) builds from source when its prebuilt binary cannot be fetched:
  # node-gyp then takes the headers of the installed Node instead of downloading them.
  if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then export npm_config_nodedir=/usr; fi
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi
for tool in node npm java mvn python3; do
  command -v "$tool" >/dev/null || { echo "[keyflow] $tool is required on PATH" >&2; exit 1; }
done
