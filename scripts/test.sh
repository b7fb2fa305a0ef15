#!/usr/bin/env bash
# Every check and test Wispkey has, in the order CI needs them: cheap static checks first, then
# the front end, the builds (the shipped one and the end-to-end tests' one, see scripts/build.sh),
# then the Rust unit, integration and end-to-end suites inside a private desktop session (Xvfb,
# D-Bus, an unlocked gnome-keyring, and the local PDS stack). Each step's time is printed at the
# end.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
cd "$repo_root"
started=$(date +%s)

# Each step's time, printed at the end (passed or not), so slow steps show in CI's log.
timings=()
step_started=$started
step_name="Set-up"
end_step() {
  local now
  now=$(date +%s)
  timings+=("$(printf '%5d s  %s' $((now - step_started)) "$step_name")")
  step_started=$now
}
timed_step() {
  end_step
  step_name=$*
  step "$@"
}
print_timings() {
  end_step
  printf '\nStep times:\n'
  printf '%s\n' "${timings[@]}"
}
trap print_timings EXIT

"$repo_root/scripts/setup.sh"

timed_step "Rust formatting"
cargo fmt --all --check

timed_step "Front end: typecheck and unit tests"
(cd ui && npm run typecheck && npm test)

# Before clippy: the app crate embeds ui/dist at compile time.
timed_step "Front end: build"
(cd ui && npm run build)

timed_step "Clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
# The workspace run above has the test hooks on (tests enable them), so the code as it ships,
# without them, is linted on its own.
timed_step "Clippy: the shipped feature set (no test hooks)"
cargo clippy --locked -p wispkey-desktop -p wispkey-cli -- -D warnings

# The same build users get, twice: with the test hooks for the end-to-end tests, then as shipped
# (packed as .deb and .rpm, which tests/e2e/shipped.rs installs and checks). Shipped last, so
# release/ holds the shipped binaries afterwards.
timed_step "Release build with test hooks (end-to-end tests)"
"$repo_root/scripts/build.sh" test-hooks
timed_step "Release build as shipped, packed as .deb and .rpm"
"$repo_root/scripts/build.sh" shipped

# Outside the session, so the local services the stack starts are built (as the tests build
# them, with the same features: nothing is compiled twice) before the session starts the stack.
timed_step "Building the tests and the local services (debug)"
cargo nextest run --workspace --locked --no-run

timed_step "Rust unit, integration and end-to-end tests (private desktop session)"
export WISPKEY_ARTIFACTS="${WISPKEY_ARTIFACTS:-$repo_root/artifacts}"
mkdir -p "$WISPKEY_ARTIFACTS"
# The whole log is kept; on failure its panics are repeated last, because a CI log shows only
# its beginning and end, and a backtrace alone would fill that end.
test_log="$WISPKEY_ARTIFACTS/tests.log"
set +e
"$repo_root/scripts/desktop-session.sh" \
  cargo nextest run --workspace --locked --no-fail-fast --failure-output final 2>&1 |
  tee "$test_log"
tests_status=${PIPESTATUS[0]}
set -e
if [ "$tests_status" -ne 0 ]; then
  printf '\nFailures in brief (the whole log: %s):\n' "$test_log"
  awk -f "$repo_root/scripts/lib/failure-digest.awk" "$test_log" | tail -n 60
  exit "$tests_status"
fi

trap - EXIT
print_timings
echo "All checks passed in $(( $(date +%s) - started )) s."
