# Shared by the project's scripts: paths, the build cache, and a step printer.
# shellcheck shell=bash

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export repo_root

# Cargo's build cache lives outside the clone so fresh clones (CI) reuse compiled dependencies.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/wispkey/target}"
# No incremental data: these scripts build fresh clones, whose incremental data is never reused
# and only piles up in the shared cache (20 GB of it on a development machine).
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

# Root needs no sudo; everyone else gets it only for system packages.
if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo); fi

step() {
  printf '\n==> %s\n' "$*"
}
