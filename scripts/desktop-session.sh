#!/usr/bin/env bash
# Runs a command inside a private desktop made of real parts: a virtual X display (Xvfb), its own
# D-Bus session, an unlocked gnome-keyring providing the Secret Service, and, when present, the
# local PDS stack. Home folders (XDG_*) point into a throw-away directory so tests never touch the
# user's real keychain or settings. Everything started here is stopped by PID when the command
# ends, whether it passed, failed or was interrupted.
#
#   scripts/desktop-session.sh <command> [args...]
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

[ $# -gt 0 ] || { echo "usage: $0 <command> [args...]" >&2; exit 2; }

session_dir=$(mktemp -d "${TMPDIR:-/tmp}/wispkey-session.XXXXXX")
xvfb_pid=""
inner_pid=""
cleanup() {
  # On an interrupt, the inside (tests, keyring, local stack) gets the signal first, so its own
  # clean-up stops the stack by PID before the display goes away.
  if [ -n "$inner_pid" ] && kill -0 "$inner_pid" 2>/dev/null; then
    kill -TERM -- "-$inner_pid" 2>/dev/null || true
    wait "$inner_pid" 2>/dev/null || true
  fi
  if [ -n "$xvfb_pid" ]; then
    kill "$xvfb_pid" 2>/dev/null || true
    wait "$xvfb_pid" 2>/dev/null || true
  fi
  rm -rf "$session_dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# -displayfd lets Xvfb pick a free display number and report it, so parallel runs never collide;
# -nolisten tcp keeps it off the network (a Unix socket only).
Xvfb -displayfd 9 -screen 0 1280x800x24 -nolisten tcp 9>"$session_dir/display" \
  >"$session_dir/xvfb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 1 100); do
  [ -s "$session_dir/display" ] && break
  sleep 0.1
done
[ -s "$session_dir/display" ] || { echo "Xvfb did not start:" >&2; cat "$session_dir/xvfb.log" >&2; exit 1; }
export DISPLAY=":$(tr -d '[:space:]' < "$session_dir/display")"

# Build caches stay where they are (only the app's and the keychain's folders are private).
export WISPKEY_CACHE_DIR="${WISPKEY_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/wispkey}"
mkdir -p "$session_dir"/{config,data,cache,runtime}
chmod 700 "$session_dir/runtime"
export XDG_CONFIG_HOME="$session_dir/config" XDG_DATA_HOME="$session_dir/data" \
  XDG_CACHE_HOME="$session_dir/cache" XDG_RUNTIME_DIR="$session_dir/runtime"
# WebKit's DMA-BUF renderer needs a GPU; Xvfb has none.
export WEBKIT_DISABLE_DMABUF_RENDERER=1
export WISPKEY_SESSION_DIR="$session_dir"

# Its own process group (setsid), so one signal reaches everything started inside.
setsid dbus-run-session -- "$repo_root/scripts/lib/inside-session.sh" "$@" &
inner_pid=$!
status=0
wait "$inner_pid" || status=$?
inner_pid=""
exit "$status"
