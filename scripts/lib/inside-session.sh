#!/usr/bin/env bash
# The part of desktop-session.sh that runs inside the private D-Bus session: start an unlocked
# gnome-keyring and the local stack, run the command, stop both by PID.
set -euo pipefail
source "$(dirname "$0")/common.sh"

keyring_pid_file="$WISPKEY_SESSION_DIR/keyring.pid"
watchdog_pid=""
stack_dir=""
cleanup() {
  if [ -n "$stack_dir" ]; then
    "$repo_root/scripts/stack.sh" stop --dir "$stack_dir" >/dev/null 2>&1 || true
  fi
  if [ -n "$watchdog_pid" ]; then
    kill "$watchdog_pid" 2>/dev/null || true
    wait "$watchdog_pid" 2>/dev/null || true
  fi
  if [ -f "$keyring_pid_file" ]; then
    kill "$(cat "$keyring_pid_file")" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --unlock reads the new keyring's password from stdin; an unlocked keyring never shows a prompt
# (a prompt on the virtual screen would hang every keychain call).
start_keyring() {
  printf 'wispkey-test' | gnome-keyring-daemon --foreground --unlock --components=secrets \
    >>"$WISPKEY_SESSION_DIR/keyring.log" 2>&1 &
  echo "$!" >"$keyring_pid_file"
}

# gnome-keyring-daemon can abort when a client goes away in the middle of opening a session
# (seen once in a full parallel run: GLib-ERROR after gkd_secret_service_get_pkcs11_session).
# Every later keychain test would then fail, and D-Bus would activate a locked daemon in its
# place, so this starts the unlocked one again at once (the keyring's items are on disk). If
# D-Bus was quicker, the new one hands its unlock to that daemon and exits: that one stays.
watch_keyring() {
  while sleep 0.2; do
    kill -0 "$(cat "$keyring_pid_file")" 2>/dev/null && continue
    echo "inside-session.sh: gnome-keyring-daemon stopped; starting it again, unlocked" >&2
    start_keyring
    sleep 1
    kill -0 "$(cat "$keyring_pid_file")" 2>/dev/null || return 0
  done
}

start_keyring
for _ in $(seq 1 100); do
  if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null \
      | grep -q "boolean true"; then
    break
  fi
  sleep 0.1
done
watch_keyring &
watchdog_pid=$!

if [ -x "$repo_root/scripts/stack.sh" ] && [ -z "${WISPKEY_NO_STACK:-}" ]; then
  stack_dir="$WISPKEY_SESSION_DIR/stack"
  mkdir -p "$stack_dir"
  "$repo_root/scripts/stack.sh" start --dir "$stack_dir" >/dev/null
  export WISPKEY_STACK_JSON="$stack_dir/stack.json"
fi

"$@"
