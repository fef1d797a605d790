#!/usr/bin/env bash
# The test command: installs what is missing, type-checks, lints, then runs every test
# (unit + time-skipping, e2e against a real Temporal dev server and Kafka broker that the
# suite starts and stops itself, and the fault suite, whose files each start a stack of their own
# to kill, stop and restart: about 5 minutes on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
mkdir -p test-output
echo "[keyflow] type-check and lint…" >&2
npx tsc --noEmit -p .
npx eslint --max-warnings=0 .
echo "[keyflow] build (the CLI tests run the built keyflow binary)…" >&2
./scripts/build.sh
# The dashboard's browser test drives Debian's chromium (installed here when missing).
./scripts/ensure-chromium.sh
# The read model's tests run on PostgreSQL as well as SQLite (Debian's server, installed when missing).
./scripts/ensure-postgres.sh
echo "[keyflow] tests…" >&2
status=0
# --forceExit: a stray client socket must not keep CI waiting after the last test has reported.
npx jest --ci --forceExit --json --outputFile=test-output/jest.json "$@" || status=$?
node -e '
  const r = require("./test-output/jest.json");
  console.log(`keyflow: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`);
' || true
exit $status
