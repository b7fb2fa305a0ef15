#!/usr/bin/env bash
# Sets up what is missing, builds Wispkey (release) and starts it.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

"$repo_root/scripts/setup.sh"
step "Building the front end"
(cd "$repo_root/ui" && npm run build)
step "Building and starting Wispkey"
cd "$repo_root"
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "No display found (DISPLAY/WAYLAND_DISPLAY unset): Wispkey needs a desktop session." >&2
  exit 1
fi
exec cargo run --release --locked -p wispkey-desktop
