#!/usr/bin/env bash
# npm run mutation [-- STRYKER OPTIONS]: Stryker over provider/ with the fast suites
# (stryker.config.mjs). Stryker 10 needs Node 22, which scripts/node22.sh provides without touching
# the Node that runs the rest of the project. Reports: reports/mutation/index.html and mutation.json.
# Examples:
#   npm run mutation                                  # everything, incrementally
#   npm run mutation -- --mutate provider/plan.ts     # one file
#   npm run mutation -- --force                       # ignore the incremental file
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
node_dir="$(bash "$REPO_ROOT/scripts/node22.sh" | tail -n 1)"
# First on PATH, so that everything Stryker and the tests start (workers, `node` children) is Node 22.
export PATH="$node_dir:$PATH"
cd "$REPO_ROOT"
# The CLI tests start the simulator from the build.
[[ -f dist/simulator/cli.js ]] || npm run build >&2
exec node node_modules/@stryker-mutator/core/bin/stryker.js run "$@"
