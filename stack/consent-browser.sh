#!/usr/bin/env sh
# WISPKEY_BROWSER for tests and the login benchmark: runs consent.mjs on the authorization URL
# (the only argument, as for a real browser). Credentials and options come from the
# environment (see consent.mjs). Output goes to $WISPKEY_CONSENT_LOG when set.
# Node: the machine's node (20 is enough for playwright-core), else the stack's Node 22.
here=$(cd "$(dirname "$0")" && pwd)
if command -v node >/dev/null 2>&1; then
  set -- node "$here/consent.mjs" "$@"
else
  set -- "$here/../scripts/stack.sh" node "$here/consent.mjs" "$@"
fi
if [ -n "${WISPKEY_CONSENT_LOG:-}" ]; then
  mkdir -p "$(dirname "$WISPKEY_CONSENT_LOG")"
  exec "$@" >>"$WISPKEY_CONSENT_LOG" 2>&1
fi
exec "$@"
