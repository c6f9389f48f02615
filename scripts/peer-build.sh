#!/usr/bin/env bash
# Provision the real peer for `npm run bench:peer`: OpenTofu and terraform-provider-alicloud, each built
# from the Go module proxy with the module files in tools/peer/<name>/ (go.mod pins the version; go.sum is
# authoritative, -mod=readonly).
#
#   tofu                      OpenTofu v1.12.6 (github.com/opentofu/opentofu/cmd/tofu; its go.mod's one
#                             `replace` of hashicorp/hcl/v2 and its godebug block are copied into ours,
#                             because neither carries over from a dependency)
#   alicloud                  terraform-provider-alicloud v1.240.0 (github.com/aliyun/terraform-provider-alicloud)
#
# Prints, on its LAST two stdout lines, `tofu=<absolute path>` and `alicloud=<absolute path>`. Progress
# goes to stderr. `go install module@version` does not work for either (the proxy here refuses the
# provider's version list, and OpenTofu needs its replace), hence the wrapper modules.
#
# Cache, outside the repository like the Pulumi CLI's (scripts/pulumi-cli.sh):
#   ${XDG_CACHE_HOME:-$HOME/.cache}/alb-listener-certificates/peer/<name>-<version>/<recipe hash>/
# where the hash covers the wrapper module's files and the build flags. A hit costs well under a second. A
# miss builds into a temporary directory beside the entry and renames it into place under a lock, so an
# interrupted or concurrent build never leaves a half-written entry; the entry's build.json records how
# long the build took (a cold build of both takes about half an hour on two cores).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly REPO_ROOT
readonly CACHE_BASE="${XDG_CACHE_HOME:-$HOME/.cache}/alb-listener-certificates/peer"
readonly GOFLAGS_BUILD="-trimpath"

log() { printf 'peer-build: %s\n' "$*" >&2; }
die() { printf 'peer-build: error: %s\n' "$*" >&2; exit 1; }

hash_cmd() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum; else shasum -a 256; fi
}

# build NAME VERSION BINARY PACKAGE LDFLAGS: prints the path of the cached binary, building it on a miss.
build() {
  local name="$1" version="$2" binary="$3" package="$4" ldflags="$5"
  local module_dir="$REPO_ROOT/tools/peer/$name"
  local cache_root="$CACHE_BASE/$name-$version"
  [[ -f "$module_dir/go.mod" && -f "$module_dir/go.sum" ]] || die "tools/peer/$name/go.mod and go.sum are missing"
  grep -q "$version" "$module_dir/go.mod" || die "tools/peer/$name/go.mod does not require $version"

  local hash
  hash="$(
    cd "$module_dir"
    printf 'package=%s flags=%s ldflags=%s CGO_ENABLED=0\n' "$package" "$GOFLAGS_BUILD" "$ldflags"
    for f in go.mod go.sum tools.go; do
      printf '%s ' "$f"
      hash_cmd <"$f"
    done
  )"
  hash="$(printf '%s' "$hash" | hash_cmd | cut -c1-16)"
  local out_dir="$cache_root/$hash"
  local hit=false
  [[ -f "$out_dir/stamp" && "$(cat "$out_dir/stamp")" == "$hash" && -x "$out_dir/$binary" ]] && hit=true

  if [[ "$hit" == false ]]; then
    mkdir -p "$cache_root"
    exec 9>"$cache_root/.lock"
    if command -v flock >/dev/null 2>&1 && ! flock -n 9; then
      log "another build of $name is running; waiting for it"
      flock 9
    fi
    if [[ -f "$out_dir/stamp" && "$(cat "$out_dir/stamp")" == "$hash" && -x "$out_dir/$binary" ]]; then
      hit=true
    fi
  fi

  if [[ "$hit" == false ]]; then
    command -v go >/dev/null 2>&1 || die "the Go toolchain (go >= 1.26) is required to build $name; install Go 1.26+ and put 'go' on PATH"
    local tmp_dir
    tmp_dir="$(mktemp -d "$cache_root/.build.XXXXXX")"
    # shellcheck disable=SC2064 # expand now: the trap must remove this build's directory
    trap "rm -rf '$tmp_dir'" EXIT
    log "building $name $version with $(go version | cut -d' ' -f3) (a cold build takes 10 to 30 minutes)"
    local start=$SECONDS
    (
      cd "$module_dir"
      export CGO_ENABLED=0 GOWORK=off
      go build -mod=readonly $GOFLAGS_BUILD -ldflags "$ldflags" -o "$tmp_dir/$binary" "$package"
    ) >&2 || die "go build of $name failed (see the output above)"
    log "built $name in $((SECONDS - start))s"
    # How long the build took, for the benchmark's record (bench-results/peer.json).
    printf '{"seconds": %d, "go": "%s", "builtAt": "%s", "cpus": %d}\n' "$((SECONDS - start))" "$(go env GOVERSION)" "$(date -u +%FT%TZ)" "$(nproc 2>/dev/null || echo 0)" >"$tmp_dir/build.json"
    printf '%s\n' "$hash" >"$tmp_dir/stamp"
    chmod 0755 "$tmp_dir"
    rm -rf "$out_dir" # only a hand-damaged entry can be here: entries appear solely through this rename
    mv -T "$tmp_dir" "$out_dir"
    trap - EXIT
    for old in "$cache_root"/*; do
      [[ -d "$old" && "$old" != "$out_dir" ]] || continue
      log "removing stale cache entry $old"
      rm -rf "$old"
    done
  fi
  exec 9>&-
  printf '%s\n' "$out_dir/$binary"
}

tofu="$(build tofu v1.12.6 tofu github.com/opentofu/opentofu/cmd/tofu "-s -w -X 'github.com/opentofu/opentofu/version.dev=no'")"
alicloud="$(build alicloud v1.240.0 terraform-provider-alicloud_v1.240.0 github.com/aliyun/terraform-provider-alicloud "-s -w")"
TF_CLI_CONFIG_FILE=/dev/null "$tofu" version >&2 || die "$tofu does not run"
printf 'tofu=%s\nalicloud=%s\n' "$tofu" "$alicloud"
