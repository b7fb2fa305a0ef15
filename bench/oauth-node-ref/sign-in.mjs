// The reference for Wispkey's OAuth sign-in benchmark: the AT Protocol's own Node OAuth client
// (@atproto/oauth-client-node) signing in to the local PDS the way `wispkey login` does: resolve
// the handle through the PDS, PAR with PKCE and DPoP, "open the browser" (the same consent
// automation, stack/consent-browser.sh with WISPKEY_CONSENT_MODE=api, one process per sign-in),
// receive the redirect on a loopback listener, exchange the code. The session goes to the
// client's store (memory here; Wispkey writes it to the keychain).
//
//   node sign-in.mjs --pds URL --plc URL --handle H --password P [--runs N | --serve 1]
//
// Each run uses a new client (no metadata or identity cached from the run before, as each
// `wispkey login` is a new process); the clock starts at `authorize` and stops when the session
// is stored. Prints one JSON line: {"runs_ms": [...], "module_load_ms": M}. With --serve, one
// warm-up sign-in ({"ready": true, "warmup_ms": ...}), then one sign-in per line read on stdin
// ({"ms": ...} each), until stdin closes.
import { spawn } from 'node:child_process'
import http from 'node:http'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const loading = performance.now()
const { NodeOAuthClient, buildAtprotoLoopbackClientMetadata, requestLocalLock } = await import(
  '@atproto/oauth-client-node'
)
const moduleLoadMs = performance.now() - loading

const here = path.dirname(fileURLToPath(import.meta.url))
const CONSENT = path.join(here, '../../stack/consent-browser.sh')
// The scope Wispkey asks for (crates/wispkey-atproto/src/oauth/scopes.rs, GRANULAR_SCOPE), so
// the consent page and the token carry the same permissions.
const SCOPE =
  'atproto rpc:place.wisp.v2.secret.create?aud=* rpc:place.wisp.v2.secret.delete?aud=* ' +
  'rpc:place.wisp.v2.secret.list?aud=* rpc:place.wisp.v2.secret.rotate?aud=*'

function options(argv) {
  const found = { runs: '5' }
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined) throw new Error(`bad argument ${argv[i]}`)
    found[argv[i].slice(2)] = argv[i + 1]
  }
  for (const need of ['pds', 'plc', 'handle', 'password']) {
    if (!found[need]) throw new Error(`--${need} is required`)
  }
  return { ...found, runs: Number(found.runs) }
}

/** A store in memory, with the interface the client asks for. */
function memoryStore() {
  const map = new Map()
  return {
    async set(key, value) {
      map.set(key, value)
    },
    async get(key) {
      return map.get(key)
    },
    async del(key) {
      map.delete(key)
    },
  }
}

/** A loopback listener that resolves with the first redirect's query parameters. */
async function listen() {
  let deliver
  const redirected = new Promise((resolve) => (deliver = resolve))
  const server = http.createServer((request, response) => {
    const url = new URL(request.url, 'http://127.0.0.1')
    response.writeHead(200, { 'content-type': 'text/html' }).end('<p>Signed in. You can close this tab.</p>')
    deliver(url.searchParams)
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, port: server.address().port, redirected }
}

async function signIn(o) {
  const { server, port, redirected } = await listen()
  try {
    const client = new NodeOAuthClient({
      clientMetadata: buildAtprotoLoopbackClientMetadata({
        scope: SCOPE,
        redirect_uris: [`http://127.0.0.1:${port}/`],
      }),
      stateStore: memoryStore(),
      sessionStore: memoryStore(),
      handleResolver: o.pds,
      plcDirectoryUrl: o.plc,
      allowHttp: true,
      // One process: an in-process lock (also what silences the client's warning).
      requestLock: requestLocalLock,
    })
    const url = await client.authorize(o.handle, { scope: SCOPE })
    const browser = spawn(CONSENT, [url.href], {
      env: {
        ...process.env,
        WISPKEY_CONSENT_HANDLE: o.handle,
        WISPKEY_CONSENT_PASSWORD: o.password,
        WISPKEY_CONSENT_MODE: 'api',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    })
    const params = await Promise.race([
      redirected,
      new Promise((_, reject) => browser.on('exit', (code) => code !== 0 && reject(new Error(`consent exited ${code}`)))),
    ])
    const { session } = await client.callback(params)
    return { session, browser }
  } finally {
    server.close()
  }
}

/** One timed sign-in; waits for the consent process to end before returning. */
async function timedSignIn(o) {
  const started = performance.now()
  const { session, browser } = await signIn(o)
  const ms = performance.now() - started
  if (!session.did.startsWith('did:')) throw new Error('the session has no DID')
  await new Promise((resolve) => (browser.exitCode === null ? browser.on('exit', resolve) : resolve()))
  return ms
}

const o = options(process.argv.slice(2))
if (o.serve) {
  // Driven by the bench, one sign-in per line on stdin, so they alternate with the CLI's under
  // the same load. The first sign-in warms the process up (JIT, module caches) and is reported
  // apart.
  const warmup = await timedSignIn(o)
  process.stdout.write(JSON.stringify({ ready: true, warmup_ms: warmup, module_load_ms: moduleLoadMs }) + '\n')
  for await (const line of createInterface({ input: process.stdin })) {
    if (!line.trim()) continue
    process.stdout.write(JSON.stringify({ ms: await timedSignIn(o) }) + '\n')
  }
} else {
  const runs = []
  for (let run = 0; run < o.runs; run++) runs.push(await timedSignIn(o))
  process.stdout.write(JSON.stringify({ runs_ms: runs, module_load_ms: moduleLoadMs }) + '\n')
}
