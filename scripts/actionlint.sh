#!/usr/bin/env bash
# Provision actionlint (the GitHub Actions workflow linter) at a pinned version, for the test that lints
# the workflows under examples/ (test/integration/workflows-lint.test.ts).
#
# Prints, on its LAST stdout line, the absolute path of a directory that contains the `actionlint`
# binary. All progress and diagnostics go to stderr.
#
# Resolution order:
#   1. the directory of an `actionlint` on PATH that reports exactly the pinned version;
#   2. a build cache outside the repository:
#        ${XDG_CACHE_HOME:-$HOME/.cache}/alb-listener-certificates/actionlint/<version>/
#      filled on a miss by `go install github.com/rhysd/actionlint/cmd/actionlint@<version>` (the Go
#      module proxy, checksums verified as for any module download) into a temporary directory that is
#      renamed into place, so an interrupted or concurrent run never leaves a half-written cache entry.
#      A cold build takes about a minute (longer on a cold Go module cache); a hit, well under a second.
set -euo pipefail

readonly ACTIONLINT_VERSION="v1.7.12"
readonly ACTIONLINT_PKG="github.com/rhysd/actionlint/cmd/actionlint"
readonly CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/alb-listener-certificates/actionlint"
readonly OUT_DIR="$CACHE_ROOT/$ACTIONLINT_VERSION"

log() { printf 'actionlint: %s\n' "$*" >&2; }
die() { printf 'actionlint: error: %s\n' "$*" >&2; exit 1; }

# valid_dir DIR: an executable actionlint whose first line of `-version` is the pinned version.
valid_dir() {
  local dir="$1" v
  [[ -x "$dir/actionlint" ]] || return 1
  v="$("$dir/actionlint" -version 2>/dev/null | head -n 1)" || return 1
  [[ "$v" == "$ACTIONLINT_VERSION" ]]
}

emit() {
  local dir
  dir="$(cd "$1" && pwd -P)"
  log "using $dir/actionlint ($ACTIONLINT_VERSION)"
  printf '%s\n' "$dir"
  exit 0
}

# 1. A pinned-version actionlint already on PATH.
if path_bin="$(command -v actionlint 2>/dev/null)"; then
  path_dir="$(cd "$(dirname "$(readlink -f "$path_bin")")" && pwd -P)"
  if valid_dir "$path_dir"; then
    emit "$path_dir"
  fi
  log "actionlint on PATH ($path_bin) is not $ACTIONLINT_VERSION; using the build cache"
fi

# 2. The build cache.
if valid_dir "$OUT_DIR"; then
  emit "$OUT_DIR"
fi

mkdir -p "$CACHE_ROOT"
# Serialise concurrent cold builds when flock(1) is available; the rename below keeps the cache
# consistent even without it.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$CACHE_ROOT/.lock"
  if ! flock -n 9; then
    log "another build is running; waiting for it"
    flock 9
  fi
  if valid_dir "$OUT_DIR"; then
    emit "$OUT_DIR"
  fi
fi

command -v go >/dev/null 2>&1 || die "the Go toolchain is required to build actionlint $ACTIONLINT_VERSION (its module needs go >= 1.25); install Go and put 'go' on PATH, or put actionlint $ACTIONLINT_VERSION on PATH"

TMP_DIR="$(mktemp -d "$CACHE_ROOT/.build.XXXXXX")"
trap 'rm -rf "$TMP_DIR"' EXIT

log "building actionlint $ACTIONLINT_VERSION with $(go version | cut -d' ' -f3)"
start=$SECONDS
(
  # Outside any module (GOWORK and the caller's go.mod play no part): `go install module@version`
  # resolves exactly the pinned version and the dependency versions its own go.mod requires.
  cd "$TMP_DIR"
  export CGO_ENABLED=0 GOWORK=off GOBIN="$TMP_DIR"
  go install -trimpath -ldflags "-s -w" "$ACTIONLINT_PKG@$ACTIONLINT_VERSION"
) >&2 || die "go install $ACTIONLINT_PKG@$ACTIONLINT_VERSION failed (see the output above)"
log "built in $((SECONDS - start))s"

valid_dir "$TMP_DIR" || die "the freshly built actionlint does not report $ACTIONLINT_VERSION: $("$TMP_DIR/actionlint" -version 2>&1 || true)"
chmod 0755 "$TMP_DIR"

# Publish atomically. If another run (without flock) published meanwhile, keep its result.
if ! valid_dir "$OUT_DIR"; then
  rm -rf "$OUT_DIR" # only a hand-damaged entry can be here: entries appear solely through this rename
  mv -T "$TMP_DIR" "$OUT_DIR" 2>/dev/null || valid_dir "$OUT_DIR" || die "could not move $TMP_DIR to $OUT_DIR"
fi

valid_dir "$OUT_DIR" || die "cache entry $OUT_DIR is incomplete after publishing"
emit "$OUT_DIR"
