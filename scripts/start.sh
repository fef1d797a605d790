#!/usr/bin/env bash
# The run command: installs what is missing, then starts keyflow on its local default stack.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
exec node_modules/.bin/tsx scripts/run.ts "$@"
