#!/usr/bin/env bash
# Wispkey against the local stack, fully offline: starts a PLC directory, the reference PDS, the
# local wisp-compatible service and the local Phala- and Slate-compatible services on 127.0.0.1, prints the demo logins, runs the app pointed at
# them, and stops the stack (by PID) when the app closes.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

"$repo_root/scripts/setup.sh"
step "Building the front end, the app and the local services"
(cd "$repo_root/ui" && npm run build)
# The app as it ships (the demo points it at the stack through settings, which every build reads).
"$repo_root/scripts/build.sh" shipped
(cd "$repo_root" && cargo build --locked -p wisp-service -p phala-service -p slate-service)

stack_dir="$repo_root/.stack/demo"
mkdir -p "$stack_dir"
cleanup() { "$repo_root/scripts/stack.sh" stop --dir "$stack_dir" >/dev/null 2>&1 || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM
step "Starting the local stack"
"$repo_root/scripts/stack.sh" start --dir "$stack_dir" >/dev/null

# Reads one field of stack.json (python3 is on every machine this runs on).
field() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, {"d": d}))' "$stack_dir/stack.json" "$1"; }

export WISPKEY_PLC_URL WISPKEY_HANDLE_RESOLVER_PDS WISPKEY_WISP_SERVICE_DID WISPKEY_PHALA_URL WISPKEY_SLATE_URL
WISPKEY_PLC_URL=$(field 'd["plcUrl"]')
WISPKEY_HANDLE_RESOLVER_PDS=$(field 'd["pdsUrl"]')
WISPKEY_WISP_SERVICE_DID=$(field 'd["wispServiceDid"]')
WISPKEY_PHALA_URL=$(field 'd["phalaUrl"]')
phala_control=$(field 'd["phalaTestControl"]')
phala_workspace=$(field 'd["phalaDemo"]["workspaceId"]')
# "Add account -> Slate" starts with the local service's address filled in.
WISPKEY_SLATE_URL=$(field 'd["slateUrl"]')
slate_url=$WISPKEY_SLATE_URL
slate_control=$(field 'd["slateTestControl"]')
slate_user=$(field 'd["slateDemo"]["userId"]')

cat <<TXT

Local stack is up (offline, 127.0.0.1 only):
  PDS              $WISPKEY_HANDLE_RESOLVER_PDS
  wisp service     $WISPKEY_WISP_SERVICE_DID
  Phala service    $WISPKEY_PHALA_URL
  Slate service    $slate_url
Demo logins (type the handle in Wispkey; the password goes into the PDS's own sign-in page):
$(field '"\n".join("  %s   password: %s" % (a["handle"], a["password"]) for a in d["accounts"])')
Phala Cloud demo workspace (Add account -> Phala Cloud, paste the API key):
  API key          $(field 'd["phalaDemo"]["apiKey"]')
  2FA (TOTP) seed  $(field 'd["phalaDemo"]["totpSecret"]')   (add it to an authenticator app, or
                   get a current code with: curl -s $phala_control/totp/$phala_workspace)
Slate demo staff user (Add account -> Slate; the address $slate_url is filled in):
  Email            $(field 'd["slateDemo"]["email"]')
  Password         $(field 'd["slateDemo"]["password"]')
  2FA (TOTP) seed  $(field 'd["slateDemo"]["totpSecret"]')   (add it to an authenticator app, or
                   get a current code with: curl -s $slate_control/users/$slate_user/totp)
  Without TOTP     $(field 'd["slateDemo"]["withoutTotp"]["email"]')   password: $(field 'd["slateDemo"]["withoutTotp"]["password"]')

Close the Wispkey window to stop everything.
TXT

if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "No display found (DISPLAY/WAYLAND_DISPLAY unset): Wispkey needs a desktop session." >&2
  exit 1
fi
"$CARGO_TARGET_DIR/release/wispkey-desktop"
