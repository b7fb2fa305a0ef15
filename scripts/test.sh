#!/usr/bin/env bash
# Every check and test Wispkey has, in the order CI needs them: cheap static checks first, then
# the front end, then the Rust unit, integration and end-to-end suites inside a private desktop
# session (Xvfb, D-Bus, an unlocked gnome-keyring, and the local PDS stack).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
cd "$repo_root"
started=$(date +%s)

"$repo_root/scripts/setup.sh"

step "Rust formatting"
cargo fmt --all --check

step "Front end: typecheck and unit tests"
(cd ui && npm run typecheck && npm test)

# Before clippy: the app crate embeds ui/dist at compile time.
step "Front end: build"
(cd ui && npm run build)

step "Clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "Building the app, the CLI and the local services for the end-to-end tests"
cargo build --locked -p wispkey-desktop -p wispkey-cli -p wisp-service -p phala-service -p slate-service

step "Rust unit, integration and end-to-end tests (private desktop session)"
export WISPKEY_ARTIFACTS="${WISPKEY_ARTIFACTS:-$repo_root/artifacts}"
"$repo_root/scripts/desktop-session.sh" \
  cargo nextest run --workspace --locked --no-fail-fast --failure-output final

echo "All checks passed in $(( $(date +%s) - started )) s."
