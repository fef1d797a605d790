#!/usr/bin/env bash
# Compiles keyflow into dist/ for the `keyflow` command (bin/keyflow.js) and `node dist/...`.
set -euo pipefail
cd "$(dirname "$0")/.."
# A fresh dist/: output of deleted sources must not linger.
rm -rf dist
npx tsc -p tsconfig.build.json
# Holiday years are read at run time from seeds/holidays/ (next to seeds/holidays.js); link the
# source folder, so a year added there counts without a rebuild.
ln -s ../../seeds/holidays dist/seeds/holidays
