#!/usr/bin/env bash
# Provision the real Pulumi CLI for tests and demos: v3.248.0 (the version of this repository's own
# @pulumi/pulumi) by default, or the version given as the first argument (e.g. v3.276.0), for which
# tools/pulumi-cli/go.<version>.mod and its go.<version>.sum must exist (the compatibility check builds
# the CLI matching each SDK it tests).
#
# Prints, on its LAST stdout line, the absolute path of a directory that contains
#   pulumi                          - the CLI, built from the Go module proxy via tools/pulumi-cli/go.mod
#   pulumi-language-nodejs          - our compatible Node.js language host (tools/pulumi-cli/cmd/...), because
#                                     the official host's Go module is not served by the proxy
#   pulumi-resource-pulumi-nodejs   - the dynamic-provider shim shipped in node_modules/@pulumi/pulumi
# All progress and diagnostics go to stderr. Put that directory FIRST on PATH when running pulumi (see
# scripts/pulumi-env.sh).
#
# Resolution order:
#   1. $PULUMI_CLI_DIR, if it holds all three files and `pulumi version` prints the expected version;
#   2. the directory of a `pulumi` on PATH that reports the expected version and has the other two files;
#   3. a build cache outside the repository:
#        ${XDG_CACHE_HOME:-$HOME/.cache}/alb-listener-certificates/pulumi-cli/<version>/<recipe hash>/
#      where the hash covers the version's module files (go.mod and go.sum, or go.<version>.mod and
#      go.<version>.sum), tools/pulumi-cli/cmd/** (minus *_test.go) and the build flags. A cache hit costs
#      well under a second; a miss builds both binaries (many minutes on a cold Go module/build cache) into
#      a temporary directory and renames it into place, so an interrupted or concurrent run never leaves a
#      half-written cache entry.
set -euo pipefail

readonly DEFAULT_VERSION="v3.248.0"
PULUMI_VERSION="${1:-$DEFAULT_VERSION}"
[[ "$PULUMI_VERSION" == v* ]] || PULUMI_VERSION="v$PULUMI_VERSION"
readonly PULUMI_VERSION
readonly SDK_VERSION_VAR="github.com/pulumi/pulumi/sdk/v3/go/common/version.Version"
readonly PULUMI_MAIN_PKG="github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
readonly BUILD_TAGS="osusergo,grpcnotrace"

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly REPO_ROOT
readonly MODULE_DIR="$REPO_ROOT/tools/pulumi-cli"
readonly SHIM_SRC="$REPO_ROOT/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
readonly CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/alb-listener-certificates/pulumi-cli/$PULUMI_VERSION"

log() { printf 'pulumi-cli: %s\n' "$*" >&2; }
die() { printf 'pulumi-cli: error: %s\n' "$*" >&2; exit 1; }

# The module files pinning this version: go.mod/go.sum for the default, go.<version>.mod/.sum otherwise
# (used through `go build -modfile`, which reads the .sum beside the given .mod).
if [[ "$PULUMI_VERSION" == "$DEFAULT_VERSION" ]]; then
  MOD_FILE="go.mod"
  SUM_FILE="go.sum"
else
  MOD_FILE="go.$PULUMI_VERSION.mod"
  SUM_FILE="go.$PULUMI_VERSION.sum"
  [[ -f "$MODULE_DIR/$MOD_FILE" && -f "$MODULE_DIR/$SUM_FILE" ]] ||
    die "no module files for $PULUMI_VERSION: expected tools/pulumi-cli/$MOD_FILE and $SUM_FILE (available: $DEFAULT_VERSION$(cd "$MODULE_DIR" && for f in go.v*.mod; do [[ -f "$f" ]] && printf ', %s' "${f:3:-4}"; done))"
fi
readonly MOD_FILE SUM_FILE

# valid_dir DIR: all three executables present and the CLI reports the expected version.
valid_dir() {
  local dir="$1" v
  [[ -x "$dir/pulumi" && -x "$dir/pulumi-language-nodejs" && -x "$dir/pulumi-resource-pulumi-nodejs" ]] || return 1
  v="$(PULUMI_SKIP_UPDATE_CHECK=true "$dir/pulumi" version 2>/dev/null | tail -n 1)" || return 1
  [[ "$v" == "$PULUMI_VERSION" ]]
}

emit() {
  local dir
  dir="$(cd "$1" && pwd -P)"
  log "using $dir"
  printf '%s\n' "$dir"
  exit 0
}

# 1. Explicit override.
if [[ -n "${PULUMI_CLI_DIR:-}" ]]; then
  if valid_dir "$PULUMI_CLI_DIR"; then
    emit "$PULUMI_CLI_DIR"
  fi
  log "ignoring PULUMI_CLI_DIR=$PULUMI_CLI_DIR: it must contain pulumi ($PULUMI_VERSION), pulumi-language-nodejs and pulumi-resource-pulumi-nodejs"
fi

# 2. A suitable CLI already on PATH.
if path_pulumi="$(command -v pulumi 2>/dev/null)"; then
  path_dir="$(cd "$(dirname "$(readlink -f "$path_pulumi")")" && pwd -P)"
  if valid_dir "$path_dir"; then
    emit "$path_dir"
  fi
  log "pulumi on PATH ($path_pulumi) is not $PULUMI_VERSION with the Node.js host and shim beside it; using the build cache"
fi

# 3. The build cache.
[[ -f "$SHIM_SRC" ]] || die "$SHIM_SRC not found: run npm install in $REPO_ROOT first"

hash_cmd() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum; else shasum -a 256; fi
}

# Everything that influences the binaries: module files, host sources, version and build flags.
recipe_hash() {
  (
    cd "$MODULE_DIR"
    printf 'version=%s tags=%s flags=-trimpath,-s,-w,CGO_ENABLED=0\n' "$PULUMI_VERSION" "$BUILD_TAGS"
    # Test files do not change the binaries, so they are left out.
    find "$MOD_FILE" "$SUM_FILE" cmd -type f ! -name '*_test.go' -print | LC_ALL=C sort | while IFS= read -r f; do
      printf '%s ' "$f"
      hash_cmd <"$f"
    done
  ) | hash_cmd | cut -c1-16
}

HASH="$(recipe_hash)"
readonly HASH
readonly OUT_DIR="$CACHE_ROOT/$HASH"

# Copy the shim into DIR unless an identical copy is already there (atomic via rename).
refresh_shim() {
  local dir="$1"
  if ! cmp -s "$SHIM_SRC" "$dir/pulumi-resource-pulumi-nodejs" 2>/dev/null; then
    cp "$SHIM_SRC" "$dir/.shim.$$"
    chmod 0755 "$dir/.shim.$$"
    mv -f "$dir/.shim.$$" "$dir/pulumi-resource-pulumi-nodejs"
  fi
}

cache_hit() {
  [[ -f "$OUT_DIR/stamp" && "$(cat "$OUT_DIR/stamp")" == "$HASH" && -x "$OUT_DIR/pulumi" && -x "$OUT_DIR/pulumi-language-nodejs" ]]
}

if cache_hit; then
  refresh_shim "$OUT_DIR"
  valid_dir "$OUT_DIR" || die "cached CLI in $OUT_DIR does not report $PULUMI_VERSION; delete that directory and re-run"
  emit "$OUT_DIR"
fi

mkdir -p "$CACHE_ROOT"
# Serialise concurrent cold builds (e.g. parallel test workers) when flock(1) is available; the rename
# below keeps the cache consistent even without it.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$CACHE_ROOT/.lock"
  if ! flock -n 9; then
    log "another build is running; waiting for it"
    flock 9
  fi
  if cache_hit; then
    refresh_shim "$OUT_DIR"
    valid_dir "$OUT_DIR" || die "cached CLI in $OUT_DIR does not report $PULUMI_VERSION"
    emit "$OUT_DIR"
  fi
fi

command -v go >/dev/null 2>&1 || die "the Go toolchain (go >= 1.26) is required to build the Pulumi CLI from source; install Go 1.26+ (distribution package or official archive) and put 'go' on PATH, or set PULUMI_CLI_DIR to a directory holding pulumi $PULUMI_VERSION, pulumi-language-nodejs and pulumi-resource-pulumi-nodejs"

TMP_DIR="$(mktemp -d "$CACHE_ROOT/.build.XXXXXX")"
trap 'rm -rf "$TMP_DIR"' EXIT

ldflags="-s -w -X $SDK_VERSION_VAR=$PULUMI_VERSION"
log "building pulumi $PULUMI_VERSION and pulumi-language-nodejs with $(go version | cut -d' ' -f3) (a cold build takes many minutes)"
start=$SECONDS
(
  cd "$MODULE_DIR"
  export CGO_ENABLED=0 GOWORK=off
  # -mod=readonly on the command line overrides any -mod in GOFLAGS: the committed go.sum is authoritative.
  go build -mod=readonly -modfile="$MOD_FILE" -trimpath -tags "$BUILD_TAGS" -ldflags "$ldflags" -o "$TMP_DIR/pulumi" "$PULUMI_MAIN_PKG"
  go build -mod=readonly -modfile="$MOD_FILE" -trimpath -tags "$BUILD_TAGS" -ldflags "$ldflags" -o "$TMP_DIR/pulumi-language-nodejs" ./cmd/pulumi-language-nodejs
) >&2 || die "go build failed (see the output above)"
log "built in $((SECONDS - start))s"

refresh_shim "$TMP_DIR"
printf '%s\n' "$HASH" >"$TMP_DIR/stamp"
valid_dir "$TMP_DIR" || die "freshly built pulumi does not report $PULUMI_VERSION: $("$TMP_DIR/pulumi" version 2>&1 || true)"
chmod 0755 "$TMP_DIR"

# Publish atomically. If another run (without flock) published the same recipe meanwhile, keep its result.
if ! cache_hit; then
  rm -rf "$OUT_DIR" # only a hand-damaged entry can be here: entries appear solely through this rename
  mv -T "$TMP_DIR" "$OUT_DIR" 2>/dev/null || cache_hit || die "could not move $TMP_DIR to $OUT_DIR"
fi

# Drop cache entries of older recipes (each holds a ~100 MB CLI).
for old in "$CACHE_ROOT"/*; do
  [[ -d "$old" && "$old" != "$OUT_DIR" ]] || continue
  log "removing stale cache entry $old"
  rm -rf "$old"
done

valid_dir "$OUT_DIR" || die "cache entry $OUT_DIR is incomplete after publishing"
emit "$OUT_DIR"
