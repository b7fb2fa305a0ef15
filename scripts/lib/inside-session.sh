#!/usr/bin/env bash
# The part of desktop-session.sh that runs inside the private D-Bus session: start an unlocked
# gnome-keyring and the local stack, run the command, stop both by PID.
set -euo pipefail
source "$(dirname "$0")/common.sh"

keyring_pid=""
stack_dir=""
cleanup() {
  if [ -n "$stack_dir" ]; then
    "$repo_root/scripts/stack.sh" stop --dir "$stack_dir" >/dev/null 2>&1 || true
  fi
  if [ -n "$keyring_pid" ]; then
    kill "$keyring_pid" 2>/dev/null || true
    wait "$keyring_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --unlock reads the new keyring's password from stdin; an unlocked keyring never shows a prompt
# (a prompt on the virtual screen would hang every keychain call).
printf 'wispkey-test' | gnome-keyring-daemon --foreground --unlock --components=secrets \
  >"$WISPKEY_SESSION_DIR/keyring.log" 2>&1 &
keyring_pid=$!
for _ in $(seq 1 100); do
  if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null \
      | grep -q "boolean true"; then
    break
  fi
  sleep 0.1
done
export WISPKEY_KEYRING_PID="$keyring_pid"

if [ -x "$repo_root/scripts/stack.sh" ] && [ -z "${WISPKEY_NO_STACK:-}" ]; then
  stack_dir="$WISPKEY_SESSION_DIR/stack"
  mkdir -p "$stack_dir"
  "$repo_root/scripts/stack.sh" start --dir "$stack_dir" >/dev/null
  export WISPKEY_STACK_JSON="$stack_dir/stack.json"
fi

"$@"
