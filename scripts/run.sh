#!/usr/bin/env bash
# Sets up what is missing, builds Wispkey the way it ships (scripts/build.sh shipped: tauri build,
# release, the front end inside, no test hooks; the .deb and .rpm come along) and starts it.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

"$repo_root/scripts/setup.sh"
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "No display found (DISPLAY/WAYLAND_DISPLAY unset): Wispkey needs a desktop session." >&2
  exit 1
fi
step "Building the front end"
(cd "$repo_root/ui" && npm run build)
"$repo_root/scripts/build.sh" shipped
step "Starting Wispkey"
exec "$CARGO_TARGET_DIR/release/wispkey-desktop"
