#!/usr/bin/env bash
# Isolated, offline environment for running the locally built Pulumi CLI by hand.
#
#   source scripts/pulumi-env.sh [SANDBOX_DIR]      # bash: exports into the current shell
#   eval "$(scripts/pulumi-env.sh [SANDBOX_DIR])"    # any POSIX shell: prints the export lines
#
# SANDBOX_DIR (default: a new temporary directory) receives PULUMI_HOME (home/) and the file:// state
# backend (state/). The CLI directory from scripts/pulumi-cli.sh goes first on PATH. Tests use the same
# variables through test/kit/pulumi.ts (pulumiIsolatedEnv).
#
# Variables:
#   PATH=<cli dir>:$PATH                              pulumi, pulumi-language-nodejs, pulumi-resource-pulumi-nodejs
#   PULUMI_HOME=<sandbox>/home                        credentials, workspace settings, plugin cache
#   PULUMI_BACKEND_URL=file://<sandbox>/state         no Pulumi Cloud login
#   PULUMI_CONFIG_PASSPHRASE=<kept if already set>    passphrase secrets provider, needed by every command
#   PULUMI_SKIP_UPDATE_CHECK=true                     no background version check
#   PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true  fail fast instead of downloading missing plugins
#   PULUMI_IGNORE_AMBIENT_PLUGINS=true                plugins only from next to `pulumi` (and PULUMI_HOME)
#   PULUMI_SKIP_CONFIRMATIONS=true                    no prompts
#   PULUMI_DIY_BACKEND_DISABLE_CHECKPOINT_BACKUPS=true
#   NO_COLOR=1
# PULUMI_ACCESS_TOKEN is unset so nothing can reach a Pulumi Cloud account.
#
# Written without `set -e`/`set -u` so that sourcing it does not change the caller's shell options.

_pulumi_env_main() {
  local repo cli_dir sandbox passphrase
  repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  cli_dir="$("$repo/scripts/pulumi-cli.sh" | tail -n 1)" || return 1
  [[ -x "$cli_dir/pulumi" ]] || { echo "pulumi-env: scripts/pulumi-cli.sh did not return a CLI directory" >&2; return 1; }

  sandbox="${1:-}"
  if [[ -z "$sandbox" ]]; then
    sandbox="$(mktemp -d "${TMPDIR:-/tmp}/pulumi-sandbox.XXXXXX")" || return 1
  fi
  mkdir -p "$sandbox/home" "$sandbox/state" || return 1
  sandbox="$(cd "$sandbox" && pwd -P)"
  passphrase="${PULUMI_CONFIG_PASSPHRASE:-local-sandbox-passphrase}"

  _PULUMI_ENV_VARS=(
    "PATH=$cli_dir:$PATH"
    "PULUMI_HOME=$sandbox/home"
    "PULUMI_BACKEND_URL=file://$sandbox/state"
    "PULUMI_CONFIG_PASSPHRASE=$passphrase"
    "PULUMI_SKIP_UPDATE_CHECK=true"
    "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true"
    "PULUMI_IGNORE_AMBIENT_PLUGINS=true"
    "PULUMI_SKIP_CONFIRMATIONS=true"
    "PULUMI_DIY_BACKEND_DISABLE_CHECKPOINT_BACKUPS=true"
    "NO_COLOR=1"
  )
  echo "pulumi-env: sandbox $sandbox (state in $sandbox/state), CLI from $cli_dir" >&2
}

if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then
  # Sourced: export into the caller's shell.
  if _pulumi_env_main "$@"; then
    for _pulumi_env_kv in "${_PULUMI_ENV_VARS[@]}"; do
      export "${_pulumi_env_kv?}"
    done
    unset PULUMI_ACCESS_TOKEN
  fi
  unset -f _pulumi_env_main
  unset _pulumi_env_kv _PULUMI_ENV_VARS
else
  # Executed: print shell code for eval.
  set -euo pipefail
  _pulumi_env_main "$@"
  for kv in "${_PULUMI_ENV_VARS[@]}"; do
    printf 'export %s=%q\n' "${kv%%=*}" "${kv#*=}"
  done
  echo 'unset PULUMI_ACCESS_TOKEN'
fi
