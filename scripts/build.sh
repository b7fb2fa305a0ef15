#!/usr/bin/env bash
# Wispkey's two builds, made one way: `tauri build` with the production config (tauri.conf.json,
# the release profile with LTO, the front end bundled into the binary; never the dev server, never
# a debug build). They differ only by the `test-hooks` cargo feature
# (crates/wispkey-core/src/test_hooks.rs):
#
#   scripts/build.sh shipped      what users get: `wispkey-desktop` and the `wispkey` CLI, packed
#                                 together as .deb and .rpm in $CARGO_TARGET_DIR/release/bundle/
#   scripts/build.sh test-hooks   what the end-to-end tests run: the same two binaries with the
#                                 feature, copied to $CARGO_TARGET_DIR/test-hooks/
#
# Both share one release profile and one set of compiled dependencies; only the workspace crates
# that read a hook and the final (LTO) links are built twice. Each binary comes from a cargo run of
# its own, so feature unification never lets one package change the other's binary. Cargo leaves
# either build's binary at the same path (release/), which is why the test-hooks pair is copied
# out and the shipped build is made last by the scripts. The front end (ui/dist) must be built
# first; the scripts that call this do it.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
cd "$repo_root"

tauri="$repo_root/ui/node_modules/.bin/tauri"
[ -x "$tauri" ] || { echo "The Tauri CLI is missing: run scripts/setup.sh first." >&2; exit 1; }

# Runs `tauri build ARGS` in src-tauri/ and keeps, in the file $1, the cargo command it ran (the
# end-to-end tests compare the two builds' commands: tests/e2e/shipped.rs).
tauri_build() {
  local record=$1 log status=0
  shift
  log=$(mktemp)
  # --verbose makes the Tauri CLI name its cargo command; its debug lines stay in the log only.
  (cd src-tauri && "$tauri" build --verbose "$@" -- --locked) 2>&1 | tee "$log" \
    | { grep -v '^ *Debug ' || true; } || status=$?
  if [ "$status" -eq 0 ]; then
    mkdir -p "$(dirname "$record")"
    grep -o 'Command `cargo build[^`]*`' "$log" | sed 's/^Command `//; s/`$//' >"$record"
  fi
  rm -f "$log"
  return "$status"
}

case "${1:-}" in
  shipped)
    step "Shipped build: the wispkey CLI (release)"
    cargo build --release --locked -p wispkey-cli
    # The packages carry the CLI beside the window (tauri.conf.json: bundle.linux.*.files).
    install -D -m 0755 "$CARGO_TARGET_DIR/release/wispkey" src-tauri/bundle-cli/wispkey
    step "Shipped build: the window (tauri build), packed with the CLI as .deb and .rpm"
    tauri_build "$CARGO_TARGET_DIR/release/bundle/cargo-command.txt"
    ls -l "$CARGO_TARGET_DIR"/release/bundle/{deb,rpm}/
    ;;
  test-hooks)
    out="$CARGO_TARGET_DIR/test-hooks"
    step "End-to-end build: the wispkey CLI (release + test-hooks)"
    cargo build --release --locked -p wispkey-cli --features test-hooks
    install -D -m 0755 "$CARGO_TARGET_DIR/release/wispkey" "$out/wispkey"
    step "End-to-end build: the window (tauri build --features test-hooks, not packed)"
    tauri_build "$out/cargo-command.txt" --features test-hooks --no-bundle
    install -D -m 0755 "$CARGO_TARGET_DIR/release/wispkey-desktop" "$out/wispkey-desktop"
    ;;
  *)
    echo "usage: $0 shipped|test-hooks" >&2
    exit 2
    ;;
esac
