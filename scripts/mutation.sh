#!/usr/bin/env bash
# npm run mutation [-- STRYKER OPTIONS]: Stryker over provider/ with the fast suites
# (stryker.config.mjs). Stryker 10 needs Node 22, which `scripts/node.sh 22` provides without touching
# the Node that runs the rest of the project; Stryker itself is installed apart, in tools/mutation (its own
# package.json and lock file, `npm ci` there under Node 22), so that the project's `npm ci` on Node 20
# installs nothing that needs Node 22. Its vitest runner uses the project's own vitest. Reports: reports/mutation/index.html and mutation.json;
# after a run that finished, scripts/mutation-figures.mjs records its per-file figures (with the commit,
# command and wall time of the run) in docs/figures/mutation.json.
# Examples:
#   npm run mutation                                  # everything, incrementally
#   npm run mutation -- --mutate provider/core/plan.ts     # one file
#   npm run mutation -- --force                       # ignore the incremental file
#   npm run mutation -- --mutate provider/transport/alb-client.ts --concurrency 1 \
#     --incrementalFile reports/mutation/inc-alb-client.json   # one file on a busy two-core machine
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
node_dir="$(bash "$REPO_ROOT/scripts/node.sh" 22 | tail -n 1)"
# First on PATH, so that everything Stryker and the tests start (workers, `node` children) is Node 22.
export PATH="$node_dir:$PATH"
cd "$REPO_ROOT"
# The toolchain, installed exactly as its lock file says, by Node 22's npm (again when the lock file changed).
tools="$REPO_ROOT/tools/mutation"
stamp="$tools/node_modules/.installed-from-lock"
if ! cmp -s "$tools/package-lock.json" "$stamp" 2>/dev/null; then
  echo "mutation: installing the toolchain in tools/mutation (npm ci under node $(node --version))" >&2
  (cd "$tools" && npm ci --no-audit --no-fund >&2)
  cp "$tools/package-lock.json" "$stamp"
fi
# The CLI tests start the simulator from the build.
[[ -f dist/simulator/cli.js ]] || npm run build >&2
# The commit and time the run starts at: the figures belong to the sources Stryker copied then.
commit="$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
[[ -z "$(git status --porcelain -- provider contract test 2>/dev/null)" ]] || commit="$commit+changes"
started_at="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
started="$(date +%s)"
rm -f reports/mutation/mutation.json
node "$tools/node_modules/@stryker-mutator/core/bin/stryker.js" run "$@"
node scripts/mutation-figures.mjs reports/mutation/mutation.json --commit "$commit" --measured-at "$started_at" \
  --wall "$(($(date +%s) - started))" --command "npm run mutation${*:+ -- $*}"
