#!/usr/bin/env bash
# Wispkey's benchmarks beside their references (issue #6): builds what it compares (the app and an
# empty Tauri 2 window, both release and both as .deb through the Tauri bundler, the app also
# with its test hooks for the timed runs; the rotate and call references; the Node OAuth client;
# KeePassXC from Debian), then measures inside a private desktop session (Xvfb, D-Bus, unlocked
# gnome-keyring, local stack) and prints one table, every row with its reference, ratio or
# difference, goal and whether the goal is met (printed, never asserted). JSON lands in
# artifacts/bench/.
#
#   scripts/bench.sh              everything
#   BENCH_RUNS=3 scripts/bench.sh fewer starts per app (default 5)
#   BENCH_SKIP_BUILD=1            measure what is already built
#   BENCH_ONLY=cli-list           only the `wispkey list --json` row (builds only the CLI with its
#                                 test hooks, the call reference and the local services; a few
#                                 minutes with BENCH_SKIP_BUILD=1); BENCH_LIST_RUNS=N runs per side
#
# Builds run one at a time (two cores); each package is built on its own, so Cargo's feature
# unification never lets one package change another's binary.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
cd "$repo_root"
started=$(date +%s)

"$repo_root/scripts/setup.sh"

only=${BENCH_ONLY:-}
if [ -n "$only" ] && [ "$only" != cli-list ]; then
  echo "BENCH_ONLY=$only: the one row that can run alone is cli-list" >&2
  exit 2
fi

if [ -z "$only" ] && ! dpkg-query -W -f='${Status}' keepassxc 2>/dev/null | grep -q "install ok installed"; then
  step "Installing KeePassXC (the native reference)"
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    keepassxc x11-utils
fi

# The Tauri CLI (a prebuilt binary from npm, installed with the front end's packages).
tauri_cli="$repo_root/ui/node_modules/.bin/tauri"

declare -A deb
if [ -z "${BENCH_SKIP_BUILD:-}" ] && [ "$only" = cli-list ]; then
  # The CLI exactly as `scripts/build.sh test-hooks` makes it, without the window.
  step "Release build: the wispkey CLI with its test hooks, the call reference; debug: the services"
  cargo build --release --locked -p wispkey-cli --features test-hooks
  install -D -m 0755 "$CARGO_TARGET_DIR/release/wispkey" "$CARGO_TARGET_DIR/test-hooks/wispkey"
  cargo build --release --locked -p wispkey-bench-call-ref
  for service in wisp-service phala-service slate-service; do
    cargo build --locked -p "$service"
  done
elif [ -z "${BENCH_SKIP_BUILD:-}" ]; then
  step "Front end: build"
  (cd ui && npm run build)

  # `tauri build` runs `cargo build --release` (adding Tauri's custom-protocol feature, as every
  # shipped build has) and packs that binary: what it leaves in target/release is what we measure.
  step "Release build + .deb: the empty reference window"
  (cd bench/empty-window && "$tauri_cli" build --bundles deb -- --locked)
  # Wispkey: the timings drive the end-to-end tests' build (the shipped one plus the test hooks
  # that point it at the local stack and a private keychain); sizes are the shipped build's.
  "$repo_root/scripts/build.sh" test-hooks
  "$repo_root/scripts/build.sh" shipped
  step "Release build: the rotate and call references; debug build: the local services"
  cargo build --release --locked -p wispkey-bench-rotate-ref
  cargo build --release --locked -p wispkey-bench-call-ref
  for service in wisp-service phala-service slate-service; do
    cargo build --locked -p "$service"
  done
fi

# The OAuth sign-in reference: the AT Protocol's Node OAuth client, from the npm registry. Without
# it the row prints "reference unavailable" and everything else is still measured.
node_ref="$repo_root/bench/oauth-node-ref"
if [ -z "$only" ] && [ "$(cat "$node_ref/node_modules/.wispkey-lock-hash" 2>/dev/null)" != "$(sha256sum "$node_ref/package-lock.json" | cut -d' ' -f1)" ]; then
  step "Installing the Node OAuth client reference (bench/oauth-node-ref)"
  if (cd "$node_ref" && npm install --no-audit --no-fund); then
    sha256sum "$node_ref/package-lock.json" | cut -d' ' -f1 >"$node_ref/node_modules/.wispkey-lock-hash"
  else
    echo "bench: @atproto/oauth-client-node could not be installed; its row will say so." >&2
  fi
fi
for d in "$CARGO_TARGET_DIR"/release/bundle/deb/Wispkey_*.deb; do [ -f "$d" ] && deb[app]=$d; done
for d in "$CARGO_TARGET_DIR"/release/bundle/deb/wispkey-bench-empty-window_*.deb; do [ -f "$d" ] && deb[empty]=$d; done
export BENCH_DEBS
BENCH_DEBS=$(printf '{"app": "%s", "empty": "%s"}' "${deb[app]:-}" "${deb[empty]:-}")

step "Measuring (private desktop session)"
export WISPKEY_ARTIFACTS="${WISPKEY_ARTIFACTS:-$repo_root/artifacts}"
"$repo_root/scripts/desktop-session.sh" python3 "$repo_root/bench/run.py"

echo "Benchmarks done in $(( $(date +%s) - started )) s (builds included)."
